package metadata

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/sfapplint/sfapplint/metadata/internal/corpustest"
)

// plainElement is one element as read by a plain encoding/xml pass, independent
// of ParseDocument.
type plainElement struct {
	Path     string // local names from the root, slash-separated
	At       string // line:column of the '<' (column in characters)
	Text     string // character data directly inside, for elements without children
	raw      string // source bytes between the start and end tags
	rawStart int    // offset of raw in the source
	children bool
}

// plainLines counts lines and character columns on its own.
type plainLines struct {
	src []byte
}

func (p plainLines) at(off int) string {
	line := 1 + bytes.Count(p.src[:off], []byte("\n"))
	start := bytes.LastIndexByte(p.src[:off], '\n') + 1
	seg := p.src[start:off]
	if start == 0 {
		seg = bytes.TrimPrefix(seg, []byte("\xEF\xBB\xBF"))
	}
	return fmt.Sprintf("%d:%d", line, utf8.RuneCount(seg)+1)
}

// readPlain reads src with encoding/xml's namespace-aware Token. The '<' of each
// start element is at InputOffset before the Token call; the decoder's own
// InputPos line, which points after each token, cross-checks the line counting.
func readPlain(src []byte) ([]plainElement, error) {
	base := 0
	if bytes.HasPrefix(src, []byte("\xEF\xBB\xBF")) {
		base = 3
	}
	lines := plainLines{src}
	dec := xml.NewDecoder(bytes.NewReader(src[base:]))
	var out []plainElement
	var stack []int
	var text []*strings.Builder
	for {
		before := base + int(dec.InputOffset())
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		after := base + int(dec.InputOffset())
		if line, _ := dec.InputPos(); fmt.Sprint(line) != strings.Split(lines.at(after), ":")[0] {
			return nil, fmt.Errorf("line counting disagrees with the decoder at offset %d: decoder line %d, counted %s", after, line, lines.at(after))
		}
		switch t := tok.(type) {
		case xml.StartElement:
			path := t.Name.Local
			if n := len(stack); n > 0 {
				path = out[stack[n-1]].Path + "/" + path
				out[stack[n-1]].children = true
			}
			out = append(out, plainElement{Path: path, At: lines.at(before), rawStart: after})
			stack = append(stack, len(out)-1)
			text = append(text, &strings.Builder{})
		case xml.EndElement:
			n := len(stack) - 1
			e := &out[stack[n]]
			e.raw = string(src[e.rawStart:before])
			if !e.children {
				e.Text = text[n].String()
			}
			stack, text = stack[:n], text[:n]
		case xml.CharData:
			if n := len(stack); n > 0 {
				text[n-1].Write(t)
			}
		}
	}
	return out, nil
}

// placedText is an element's path, position and text.
type placedText struct{ Path, At, Text string }

func plainPlaced(els []plainElement) []placedText {
	out := make([]placedText, 0, len(els))
	for _, e := range els {
		out = append(out, placedText{e.Path, e.At, e.Text})
	}
	return out
}

func modelPlaced(doc *Document) []placedText {
	var out []placedText
	var walk func(e *Element)
	walk = func(e *Element) {
		out = append(out, placedText{e.Path(), lineCol(e.Pos()), e.Text})
		for _, c := range e.Children {
			walk(c)
		}
	}
	walk(doc.Root)
	return out
}

// plainItems splits an element's text into trimmed items, placed at their first
// character when the raw text has no markup or entities, else at the element.
func plainItems(src []byte, e plainElement, sep string) []string {
	lines := plainLines{src}
	exact := !strings.ContainsAny(e.raw, "&<")
	var out []string
	if !exact {
		for _, part := range strings.Split(e.Text, sep) {
			if v := strings.TrimSpace(part); v != "" {
				out = append(out, v+"@"+e.At)
			}
		}
		return out
	}
	off := 0
	raw := e.raw
	if sep == "\n" {
		raw = strings.ReplaceAll(raw, "\r", "\n") // a CR ends a line too; lengths are kept
	}
	for _, part := range strings.Split(raw, sep) {
		if v := strings.TrimSpace(part); v != "" {
			lead := len(part) - len(strings.TrimLeft(part, " \t\r\n"))
			out = append(out, v+"@"+lines.at(e.rawStart+off+lead))
		}
		off += len(part) + len(sep)
	}
	return out
}

func itemStrings(f *Field) []string {
	var out []string
	for _, it := range f.Items {
		out = append(out, it.Value+"@"+lineCol(it.Pos))
	}
	return out
}

// TestCorpus loads every repository of the real corpus on its own and checks the
// model against an independent encoding/xml reading of the same files.
func TestCorpus(t *testing.T) {
	root := corpustest.Dir(t)
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	compared := map[Type]int{}
	files := 0
	var callbacks, scopeLists, positions int
	repos := 0
	for _, ent := range entries {
		if !ent.IsDir() {
			continue
		}
		repos++
		repo := ent.Name()
		t.Run(repo, func(t *testing.T) {
			p := mustLoad(t, Options{WorkDir: root, Paths: []string{repo}})
			// (a) Real files are all readable and well-formed.
			for _, pr := range p.Problems {
				switch pr.Code {
				case ProblemMalformed, ProblemUnreadable, ProblemTooLarge, ProblemZip:
					t.Errorf("%s: %s: %s", pr.Pos, pr.Code, pr.Message)
				}
			}
			plain := map[*Document][]plainElement{}
			for _, doc := range p.Documents {
				files++
				typ, _, _, ok := Classify(doc.Path)
				if !ok {
					t.Errorf("%s: loaded but not classified", doc.Path)
					continue
				}
				els, err := readPlain(doc.Source)
				if err != nil {
					t.Errorf("%s: encoding/xml: %v", doc.Path, err)
					continue
				}
				plain[doc] = els
				compared[typ]++
				// (b) Every element: same path, line:column and text (of a
				// profile or permission set, every element that is built).
				if keep := keptTopLevel(typ); keep != nil {
					els = slices.DeleteFunc(slices.Clone(els), func(e plainElement) bool {
						parts := strings.Split(e.Path, "/")
						return len(parts) > 1 && !slices.Contains(keep, parts[1])
					})
				}
				if diff := cmp.Diff(plainPlaced(els), modelPlaced(doc)); diff != "" {
					t.Errorf("%s: elements (-encoding/xml +model):\n%s", doc.Path, diff)
				}
			}
			first := func(doc *Document, path string) (plainElement, bool) {
				for _, e := range plain[doc] {
					if e.Path == path {
						return e, true
					}
				}
				return plainElement{}, false
			}
			all := func(doc *Document, path string) []plainElement {
				var out []plainElement
				for _, e := range plain[doc] {
					if e.Path == path {
						out = append(out, e)
					}
				}
				return out
			}
			for _, app := range p.Apps {
				// (b) Callback URLs and scopes as written, item by item.
				cb := app.Field("oauth.callbackUrls")
				src := fieldSource(t, "oauth.callbackUrls", app.Kind)
				if doc := app.Docs[src.Type]; doc != nil {
					if e, ok := first(doc, string(src.Type)+"/"+src.Elem); ok {
						callbacks++
						if diff := cmp.Diff(plainItems(doc.Source, e, "\n"), itemStrings(cb)); diff != "" {
							t.Errorf("%s oauth.callbackUrls (-encoding/xml +model):\n%s", app.Name, diff)
						}
					}
				}
				sc := app.Field("oauth.scopes")
				src = fieldSource(t, "oauth.scopes", app.Kind)
				if doc := app.Docs[src.Type]; doc != nil {
					var want []string
					if app.Kind == KindConnectedApp {
						for _, e := range all(doc, string(src.Type)+"/"+src.Elem) {
							if v := strings.TrimSpace(e.Text); v != "" {
								want = append(want, v+"@"+e.At)
							}
						}
					} else if e, ok := first(doc, string(src.Type)+"/"+src.Elem); ok {
						want = plainItems(doc.Source, e, ",")
					}
					if len(want) > 0 {
						scopeLists++
					}
					if diff := cmp.Diff(want, itemStrings(sc)); diff != "" {
						t.Errorf("%s oauth.scopes (-encoding/xml +model):\n%s", app.Name, diff)
					}
					var written []string
					for _, w := range want {
						written = append(written, w[:strings.LastIndex(w, "@")])
					}
					if got := sc.Value; len(written) > 0 && !cmp.Equal(written, got) {
						t.Errorf("%s oauth.scopes value %v, want as written %v", app.Name, got, written)
					}
				}
				// (b) The position of every field read from an element: the element,
				// or the nearest element that would hold it, or the app.
				for _, spec := range FieldSpecs() {
					src := spec.SourceFor(app.Kind)
					if spec.Derived != "" || src.Type == "" {
						continue
					}
					f := app.Field(spec.Path)
					want := lineCol(app.Pos)
					wantFile := app.Pos.File
					present := false
					if doc := app.Docs[src.Type]; doc != nil {
						wantFile = doc.Path
						path := string(src.Type) + "/" + src.Elem
						for ; ; path = path[:strings.LastIndex(path, "/")] {
							if e, ok := first(doc, path); ok {
								want = e.At
								present = path == string(src.Type)+"/"+src.Elem
								break
							}
						}
					}
					positions++
					if got := lineCol(f.Pos()); got != want || f.Pos().File != wantFile {
						t.Errorf("%s %s at %s:%s, want %s:%s", app.Name, spec.Path, f.Pos().File, got, wantFile, want)
					}
					checkPresent := spec.Kind != KindSecret &&
						!(app.Kind == KindConnectedApp && strings.HasPrefix(spec.Path, "policy.refreshTokenValidity"))
					if checkPresent && f.Present != present {
						t.Errorf("%s %s: Present = %v, want %v", app.Name, spec.Path, f.Present, present)
					}
				}
			}
			// (c) Every ECA child file joins its header when the header is here.
			for _, doc := range p.Documents {
				typ, _, _, _ := Classify(doc.Path)
				if !typ.IsECAChild() {
					continue
				}
				ref, ok := first(doc, string(typ)+"/externalClientApplication")
				if !ok {
					t.Errorf("%s: no externalClientApplication", doc.Path)
					continue
				}
				name := strings.TrimSpace(ref.Text)
				if i := strings.Index(name, "__"); i > 0 && p.App(name) == nil {
					name = name[i+2:]
				}
				header := p.App(name)
				if header == nil || header.Kind != KindECA {
					if !hasProblem(p, ProblemECAOrphan, doc.Path) {
						t.Errorf("%s names %q, which is not here, and is not reported as an orphan", doc.Path, ref.Text)
					}
					continue
				}
				if header.Docs[typ] != doc && !hasProblem(p, ProblemECADuplicate, doc.Path) {
					t.Errorf("%s is neither joined to %s nor reported as a duplicate", doc.Path, name)
				}
				if hasProblem(p, ProblemECAOrphan, doc.Path) {
					t.Errorf("%s is reported as an orphan, but its header %s is here", doc.Path, name)
				}
			}
		})
	}
	t.Logf("%d repositories, %d files compared (%v); %d callback elements, %d scope lists, %d field positions", repos, files, compared, callbacks, scopeLists, positions)
	if files < 40 || callbacks < 20 || scopeLists < 20 {
		t.Errorf("only %d corpus files, %d callback elements and %d scope lists compared; want at least 40, 20 and 20", files, callbacks, scopeLists)
	}
	var missing []string
	for _, ti := range KnownTypes() {
		if compared[ti.Type] == 0 {
			missing = append(missing, string(ti.Type))
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("no corpus file of types %v was compared", missing)
	}
}

func hasProblem(p *Project, code ProblemCode, file string) bool {
	for _, pr := range p.Problems {
		if pr.Code == code && pr.Pos.File == file {
			return true
		}
	}
	return false
}

// fieldSource returns the source of a model path for an app kind.
func fieldSource(t *testing.T, path string, k AppKind) Source {
	t.Helper()
	spec, ok := LookupField(path)
	if !ok {
		t.Fatalf("no model path %s", path)
	}
	return spec.SourceFor(k)
}
