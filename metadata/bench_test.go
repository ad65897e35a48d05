// Benchmarks for discovery, parsing, joining and loading, on synthetic SFDX
// projects from metadata/synth.
package metadata

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/sfapplint/sfapplint/metadata/internal/corpustest"
	"github.com/sfapplint/sfapplint/metadata/synth"
)

// Benchmarks of the loader's stages over synthetic SFDX projects written by
// metadata/synth. They run only with -bench, e.g.
//
//	go test ./metadata -run '^$' -bench . -benchtime 3x
//
// Each benchmark generates its trees once, into b.TempDir(). See
// metadata/synth/PERF.md for the figures and the targets.

// benchSizes are the project sizes the loader benchmarks run on: apps among others.
var benchSizes = []struct{ apps, others int }{
	{1, 0},        // pre-commit: one app
	{2000, 0},     // only app files
	{2000, 20000}, // the CI target
	{10000, 50000},
}

func sizeName(apps, others int) string { return fmt.Sprintf("apps=%d/others=%d", apps, others) }

// synthProject writes a synthetic project into a temporary directory and
// returns its package directory (force-app) and the project root.
func synthProject(tb testing.TB, apps, others int) (pkgDir, root string) {
	tb.Helper()
	root = tb.TempDir()
	if err := synth.Generate(root, apps, others, 1); err != nil {
		tb.Fatal(err)
	}
	return filepath.Join(root, synth.PackageDir), root
}

func isSynthAppFile(name string) bool {
	for _, s := range synth.AppSuffixes {
		if strings.HasSuffix(name, s) {
			return true
		}
	}
	return false
}

// TestSynthProjectLoads keeps the generator honest: a small tree loads into the
// promised number of apps and holders, and the only problems are the ones the
// generator plants.
func TestSynthProjectLoads(t *testing.T) {
	const apps, others = 40, 300
	_, root := synthProject(t, apps, others)
	schema, err := NewSchema()
	if err != nil {
		t.Fatal(err)
	}
	proj, err := Load(context.Background(), Options{WorkDir: root, Validator: schema})
	if err != nil {
		t.Fatal(err)
	}
	c := synth.CountsFor(apps, others)
	if got, want := len(proj.Apps), apps; got != want {
		t.Errorf("apps: got %d, want %d", got, want)
	}
	if got, want := len(proj.Holders), c.PermissionSets+c.Profiles; got != want {
		t.Errorf("permission holders: got %d, want %d", got, want)
	}
	if got, want := len(proj.Documents), c.AppFiles; got != want {
		t.Errorf("documents: got %d, want %d", got, want)
	}
	for _, p := range proj.Problems {
		t.Errorf("unexpected problem in a generated file: %s: %s (%s)", p.Pos, p.Message, p.Code)
	}
	var files, appFiles int
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		if isSynthAppFile(d.Name()) {
			appFiles++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	const projectFiles = 2 // sfdx-project.json, .forceignore
	if files != c.AppFiles+c.Others+projectFiles || appFiles != c.AppFiles {
		t.Errorf("files: got %d (%d app files), want %d (%d app files)", files, appFiles, c.AppFiles+c.Others+projectFiles, c.AppFiles)
	}
}

// TestSynthLargeProfiles: the large profiles load as holders that grant API
// Enabled, without problems, and are as big as promised.
func TestSynthLargeProfiles(t *testing.T) {
	_, root := synthProject(t, 2, 0)
	if err := synth.LargeProfiles(root, 3, 2000); err != nil {
		t.Fatal(err)
	}
	proj := mustLoad(t, Options{WorkDir: root})
	large := 0
	for _, h := range proj.Holders {
		if !strings.HasPrefix(h.Name, "Large_") {
			continue
		}
		large++
		if _, ok := h.Grants("ApiEnabled"); !ok {
			t.Errorf("%s does not grant ApiEnabled", h.Name)
		}
		if n := len(h.Doc.Source); n < 2000*140 {
			t.Errorf("%s is %d bytes, want about %d", h.Name, n, 2000*150)
		}
	}
	if large != 3 || len(proj.Problems) != 0 {
		t.Errorf("%d large profiles, problems %v; want 3 and none", large, proj.Problems)
	}
}

// BenchmarkDiscover walks the package directory and classifies every file by
// name, opening none. ns/file is per file in the tree, app or not.
func BenchmarkDiscover(b *testing.B) {
	for _, sz := range benchSizes {
		b.Run(sizeName(sz.apps, sz.others), func(b *testing.B) {
			pkg, root := synthProject(b, sz.apps, sz.others)
			opts := Options{WorkDir: root, Limits: DefaultLimits()}
			total := synth.CountsFor(sz.apps, sz.others)
			files := total.AppFiles + total.Others
			b.ReportAllocs()
			var found int
			for b.Loop() {
				found = 0
				if _, err := discover(pkg, root, opts, func(input) { found++ }); err != nil {
					b.Fatal(err)
				}
			}
			if found != total.AppFiles {
				b.Fatalf("discovered %d files, want %d", found, total.AppFiles)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(files), "ns/file")
		})
	}
}

// BenchmarkParse parses one file of each app type (MB/s is source bytes):
// ParseDocument (the fast path for plain files), encoding/xml (the general
// path) and schema validation of the parsed document.
func BenchmarkParse(b *testing.B) {
	_, root := synthProject(b, 40, 0)
	samples := map[Type]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if t, _, _, ok := Classify(p); ok {
			if prev, seen := samples[t]; !seen || p < prev {
				samples[t] = p
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	schema, err := NewSchema()
	if err != nil {
		b.Fatal(err)
	}
	for _, ti := range knownTypes {
		path, ok := samples[ti.Type]
		if !ok {
			continue
		}
		src, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(string(ti.Type), func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ParseDocument("x", src, ParseLimits{}); err != nil {
					b.Fatal(err)
				}
			}
		})
		if keep := keptTopLevel(ti.Type); keep != nil {
			b.Run(string(ti.Type)+"/skim", func(b *testing.B) {
				// What the loader does: only the top-level elements it reads are built.
				b.SetBytes(int64(len(src)))
				b.ReportAllocs()
				for b.Loop() {
					if _, err := ParseDocument("x", src, ParseLimits{KeepTopLevel: keep}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
		b.Run(string(ti.Type)+"/encoding-xml", func(b *testing.B) {
			// The general path, which parseFast spares plain files.
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := parseXML("x", src, DefaultMaxDepth); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(string(ti.Type)+"/validate", func(b *testing.B) {
			doc, err := ParseDocument("x", src, ParseLimits{})
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				if probs := schema.Validate(doc, ti.Type); len(probs) > 0 {
					b.Fatalf("%s: %v", path, probs)
				}
			}
		})
	}
}

// BenchmarkJoin joins parsed documents into apps and builds their model fields.
func BenchmarkJoin(b *testing.B) {
	for _, apps := range []int{200, 2000, 10000} {
		b.Run(fmt.Sprintf("apps=%d", apps), func(b *testing.B) {
			pkg, root := synthProject(b, apps, 0)
			opts := Options{WorkDir: root, Limits: DefaultLimits()}
			pool := newParsePool(context.Background(), opts)
			if _, err := discover(pkg, root, opts, pool.add); err != nil {
				b.Fatal(err)
			}
			results := pool.wait()
			b.ReportAllocs()
			var n int
			for b.Loop() {
				proj := &Project{Root: root}
				join(proj, results, 0)
				n = len(proj.Apps)
			}
			if want := synth.CountsFor(apps, 0).LoadedApps(); n != want {
				b.Fatalf("joined %d apps, want %d", n, want)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(apps), "ns/app")
		})
	}
}

// BenchmarkLoad is the whole loader with the schema: discover, read, parse,
// validate, join. MB/s counts the bytes of the app files read.
func BenchmarkLoad(b *testing.B) {
	schema, err := NewSchema()
	if err != nil {
		b.Fatal(err)
	}
	for _, sz := range benchSizes {
		b.Run(sizeName(sz.apps, sz.others), func(b *testing.B) {
			_, root := synthProject(b, sz.apps, sz.others)
			var bytes int64
			_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() && isSynthAppFile(d.Name()) {
					if info, err := d.Info(); err == nil {
						bytes += info.Size()
					}
				}
				return nil
			})
			b.SetBytes(bytes)
			b.ReportAllocs()
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			var proj *Project
			for b.Loop() {
				var err error
				if proj, err = Load(context.Background(), Options{WorkDir: root, Validator: schema}); err != nil {
					b.Fatal(err)
				}
			}
			if want := synth.CountsFor(sz.apps, sz.others).LoadedApps(); len(proj.Apps) != want {
				b.Fatalf("loaded %d apps, want %d", len(proj.Apps), want)
			}
			// What the loaded project keeps: it must not depend on the
			// unrelated files, only on the apps.
			runtime.GC()
			runtime.ReadMemStats(&after)
			live := float64(after.HeapAlloc) - float64(before.HeapAlloc)
			runtime.KeepAlive(proj)
			b.ReportMetric(live/(1<<20), "live-MB")
			b.ReportMetric(live/float64(len(proj.Apps)), "live-B/app")
		})
	}
}

// BenchmarkNewSchema is start-up cost paid by every command that loads metadata.
func BenchmarkNewSchema(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NewSchema(); err != nil {
			b.Fatal(err)
		}
	}
}

// fastParseCases are edge cases for the parseFast/parseXML comparison.
var fastParseCases = []string{
	`<a/>`,
	`<a></a>`,
	`<a xmlns="u"><b>x</b><c/><d>y&amp;z&lt;&gt;&apos;&quot;</d></a>`,
	`<?xml version="1.0" encoding="UTF-8"?>` + "\n<a xmlns='u'>\n\t<b >t</b >\n</a>\n",
	`<?xml version='1.0' encoding='utf-8' standalone='yes' ?><a/>`,
	`<?xml encoding="UTF-8"?><a/>`,
	`<?xml version="1.1"?><a/>`,
	`<?xml version="1.0" encoding="ISO-8859-1"?><a>é</a>`,
	`<?xml-stylesheet href="x"?><a/>`,
	"<!-- before --><a><!-- c1 --><!-- c2 --><b/><c><!-- inner --></c><!-- last --></a><!-- after -->",
	"<a><b>x<!-- mid -->y</b></a>",
	"<a><!-- c --></a><!-- t -->",
	"<a><!----><b/></a>",
	"<a><!-- a--b --><b/></a>",
	"<a><!-- x- --><b/></a>",
	"<a><!---x--></a>",
	"<a>]]></a>",
	"<a>]]</a>",
	"<a>a > b</a>",
	"<a>&#65;</a>",
	"<a>&foo;</a>",
	"<a>&amp</a>",
	"<a>\r\n</a>",
	"<a>\x01</a>",
	"<a>\xff</a>",
	"<a>é ü 日本 \U0001F600</a>",
	"<a>\uFFFE</a>",
	"\xEF\xBB\xBF<a/>",
	"  \n<a/>\n  ",
	"x<a/>",
	"<a/>x",
	"<a/><b/>",
	"<a><b></a></b>",
	"<a><b></b>",
	"<a>",
	"",
	"   ",
	"<a b='1'/>",
	`<a xmlns="u" xmlns="v"/>`,
	`<a xmlns = "u" ></a>`,
	`<a xmlns="u"/ >`,
	`<a xmlns="u&amp;"/>`,
	`<a xmlns="u<"/>`,
	`<a xmlns=u/>`,
	`<a xmlns="u"><b xmlns=""><c/></b><d/></a>`,
	`<x:a xmlns:x="u"/>`,
	"<a><![CDATA[x]]></a>",
	"<!DOCTYPE a><a/>",
	"<a><?pi x?></a>",
	"<1a/>",
	"<a.b-c_d/>",
	"<_a/>",
	"<-a/>",
	"<é/>",
	"<a\n\txmlns=\"u\"\n>\n<b\n>v</b></a>",
	"<a>\n  <b>1</b>\n  <b>2</b>\n  <c>\n    <d>3</d>\n  </c>\n</a>\n",
	"< a/>",
	"<a></ a>",
	"<a/",
	"<a",
	"<",
	"<!--",
	"<a><!--",
}

// fastParseSamples returns the inputs the fast parser is compared on: the
// edge cases above, the fuzz seeds, the loader fixtures, the real corpus
// (when present) and a synthetic project.
func fastParseSamples(tb testing.TB) map[string][]byte {
	out := map[string][]byte{}
	for i, s := range fastParseCases {
		out[fmt.Sprintf("case %d", i)] = []byte(s)
	}
	for i, s := range fuzzSnippets {
		out[fmt.Sprintf("snippet %d", i)] = []byte(s)
	}
	for name, s := range hostileDocuments() {
		out["hostile "+name] = []byte(s)
	}
	dirs := []string{filepath.Join("testdata", "load"), filepath.Join("testdata", "hostile"), corpustest.Dir(tb)}
	_, root := synthProject(tb, 40, 0)
	dirs = append(dirs, root)
	for _, dir := range dirs {
		_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || !strings.HasSuffix(p, ".xml") && !strings.Contains(filepath.Base(p), ".") {
				return nil
			}
			if data, err := os.ReadFile(p); err == nil {
				out[p] = data
			}
			return nil
		})
	}
	return out
}

// compareFastParse checks parseFast against parseXML on src: when the fast
// parser accepts a document, encoding/xml must accept it too and build the
// same Document.
//
// The same holds when only some top-level elements are built (skimming, as
// for profiles): the skimmed document is the full one with the other
// top-level elements dropped, and parseFast accepts exactly the same inputs.
func compareFastParse(src []byte) (fast bool, err error) {
	fd := parseFast("f.xml", src, DefaultMaxDepth, nil)
	skim := parseFast("f.xml", src, DefaultMaxDepth, skimKeep)
	if (fd == nil) != (skim == nil) {
		return fd != nil, fmt.Errorf("parseFast accepts the document: %v; skimming it: %v", fd != nil, skim != nil)
	}
	if fd == nil {
		return false, nil
	}
	sd, serr := parseXML("f.xml", src, DefaultMaxDepth)
	if serr != nil {
		return true, fmt.Errorf("parseFast accepted a document encoding/xml rejects: %w", serr)
	}
	if err := sameDocument(fd, sd); err != nil {
		return true, err
	}
	pruneTopLevel(sd, skimKeep)
	if err := sameDocument(skim, sd); err != nil {
		return true, fmt.Errorf("skimmed: %w", err)
	}
	return true, nil
}

// skimKeep are the top-level elements a skimmed parse keeps in the parser
// comparisons: names the samples use at the top level, and those of profiles.
var skimKeep = []string{"b", "d", "label", "userPermissions"}

func sameDocument(a, b *Document) error {
	if a.Root == nil || b.Root == nil {
		return fmt.Errorf("no root")
	}
	if a.Path != b.Path || !bytes.Equal(a.Source, b.Source) || !slices.Equal(a.lines, b.lines) {
		return fmt.Errorf("path, source or line table differ")
	}
	if !slices.Equal(a.DoubleHyphens, b.DoubleHyphens) {
		return fmt.Errorf("double hyphens %v, want %v", a.DoubleHyphens, b.DoubleHyphens)
	}
	var ea, eb []*Element
	var walk func(e *Element, out *[]*Element)
	walk = func(e *Element, out *[]*Element) {
		*out = append(*out, e)
		for _, c := range e.Children {
			walk(c, out)
		}
	}
	walk(a.Root, &ea)
	walk(b.Root, &eb)
	if len(ea) != len(eb) {
		return fmt.Errorf("%d elements, want %d", len(ea), len(eb))
	}
	index := func(list []*Element, e *Element) int {
		if e == nil {
			return -1
		}
		return slices.Index(list, e)
	}
	for i := range ea {
		x, y := ea[i], eb[i]
		if x.Name != y.Name || x.Space != y.Space || x.Text != y.Text || x.Pos() != y.Pos() || x.SelfClosing != y.SelfClosing ||
			x.StartOffset != y.StartOffset || x.ContentStart != y.ContentStart || x.ContentEnd != y.ContentEnd || x.EndOffset != y.EndOffset ||
			x.prefix() != y.prefix() || len(x.Children) != len(y.Children) || index(ea, x.Parent) != index(eb, y.Parent) {
			return fmt.Errorf("element %d: got %+v, want %+v", i, *x, *y)
		}
	}
	if len(a.Comments) != len(b.Comments) {
		return fmt.Errorf("%d comments, want %d", len(a.Comments), len(b.Comments))
	}
	for i := range a.Comments {
		x, y := a.Comments[i], b.Comments[i]
		if x.Text != y.Text || x.Pos != y.Pos || x.Offset != y.Offset || x.End != y.End || index(ea, x.Next) != index(eb, y.Next) {
			return fmt.Errorf("comment %d: got %+v, want %+v", i, x, y)
		}
	}
	return nil
}

// TestParseFastMatchesEncodingXML holds the fast parser to encoding/xml: on
// every sample it accepts, the Document is the same; every file the generator
// writes (plain Salesforce metadata) takes the fast path.
func TestParseFastMatchesEncodingXML(t *testing.T) {
	accepted := 0
	for name, src := range fastParseSamples(t) {
		fast, err := compareFastParse(src)
		if err != nil {
			t.Errorf("%s: %v\n%s", name, err, src)
		}
		if fast {
			accepted++
		} else if isSynthAppFile(name) {
			t.Errorf("%s: a plain metadata file fell back to encoding/xml", name)
		}
	}
	if accepted < 100 {
		t.Errorf("only %d samples took the fast path", accepted)
	}
	t.Logf("%d samples took the fast path", accepted)
}

func FuzzParseFast(f *testing.F) {
	for _, src := range fastParseSamples(f) {
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if _, err := compareFastParse(src); err != nil {
			t.Fatal(err)
		}
	})
}
