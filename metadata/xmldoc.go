package metadata

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// Namespace is the XML namespace every Salesforce metadata file uses.
const Namespace = "http://soap.sforce.com/2006/04/metadata"

// Pos is a 1-based position in a file. Column counts characters, not bytes.
type Pos struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
}

// String formats the position as file:line:column.
func (p Pos) String() string {
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column)
}

// IsValid reports whether the position names a line.
func (p Pos) IsValid() bool { return p.Line > 0 }

// Element is one XML element with its exact location in the source bytes.
// Offsets are byte offsets into Document.Source.
type Element struct {
	Name     string // local name
	Space    string // namespace URI
	Text     string // decoded character data directly inside the element (entities resolved)
	Children []*Element
	Parent   *Element

	StartOffset  int // offset of '<' of the start tag
	ContentStart int // offset just after the start tag's '>'
	ContentEnd   int // offset of the '<' of the end tag (== ContentStart for <x/>)
	EndOffset    int // offset just after the end tag's '>'
	SelfClosing  bool

	// The position of the start tag: the file is the document's, kept once
	// per document rather than in every element (see Pos).
	line, col int32
	doc       *Document
}

// Pos returns the position of the '<' of the element's start tag.
func (e *Element) Pos() Pos {
	p := Pos{Line: int(e.line), Column: int(e.col)}
	if e.doc != nil {
		p.File = e.doc.Path
	}
	return p
}

// setPos records p (a position in e's document) as the element's position.
func (e *Element) setPos(p Pos) {
	e.line, e.col = int32(min(p.Line, math.MaxInt32)), int32(min(p.Column, math.MaxInt32))
}

// prefix returns the namespace prefix of the element's name as written in
// the source ("" when the name has none).
func (e *Element) prefix() string {
	if e.doc == nil || e.StartOffset+1 >= len(e.doc.Source) {
		return ""
	}
	src := e.doc.Source[e.StartOffset+1:]
	for i, b := range src {
		switch b {
		case ':':
			return string(src[:i])
		case ' ', '\t', '\n', '\r', '>', '/':
			return ""
		}
	}
	return ""
}

// Child returns the first child element with the given local name, or nil.
func (e *Element) Child(name string) *Element {
	if e == nil {
		return nil
	}
	for _, c := range e.Children {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// ChildrenNamed returns every child element with the given local name.
func (e *Element) ChildrenNamed(name string) []*Element {
	if e == nil {
		return nil
	}
	var out []*Element
	for _, c := range e.Children {
		if c.Name == name {
			out = append(out, c)
		}
	}
	return out
}

// Path returns the slash-separated element path from the root, e.g. "ConnectedApp/oauthConfig/scopes".
func (e *Element) Path() string {
	var parts []string
	for x := e; x != nil; x = x.Parent {
		parts = append(parts, x.Name)
	}
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return strings.Join(parts, "/")
}

// Comment is an XML comment with its position and the element that follows it
// at the same level (nil when none does).
type Comment struct {
	Text   string
	Pos    Pos
	Offset int
	End    int
	// Next is the next sibling element after the comment, if any.
	Next *Element
}

// Document is one parsed metadata file.
type Document struct {
	Path     string // display path (slash-separated, relative to the working directory when possible)
	Source   []byte
	Root     *Element
	Comments []Comment
	// DoubleHyphens are positions of "--" inside comments. XML forbids them and
	// Salesforce's parser rejects them; sfapplint tolerates them so that
	// suppression comments written as "RULE -- reason" still work.
	DoubleHyphens []Pos
	lines         []int // byte offsets where each line starts
}

// ParseLimits bounds what the parser accepts and builds.
type ParseLimits struct {
	MaxDepth int // maximum element nesting; 0 means DefaultMaxDepth
	// KeepTopLevel, when not nil, names the only children of the root element
	// that are built, with their subtrees. The rest of the document is still
	// checked to be well-formed, and its comments are kept (with Next nil
	// where the next element was not built), but no Element is made for it:
	// a 5 MB profile costs a scan, not a hundred thousand elements.
	KeepTopLevel []string
}

// DefaultMaxDepth is the deepest element nesting the parser accepts. Salesforce
// metadata nests at most five levels; anything much deeper is hostile or broken.
const DefaultMaxDepth = 200

// SyntaxError is a malformed-XML error with the position the parser stopped at.
type SyntaxError struct {
	Pos Pos
	Msg string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("%s: %s", e.Pos, e.Msg) }

var errUTF16 = errors.New("file is UTF-16 encoded; Salesforce metadata must be UTF-8")

// ParseDocument parses src as an XML document. path is used in positions only.
// On malformed input it returns a *SyntaxError carrying the parser's position.
func ParseDocument(path string, src []byte, lim ParseLimits) (*Document, error) {
	maxDepth := lim.MaxDepth
	if maxDepth <= 0 {
		maxDepth = DefaultMaxDepth
	}
	// Nearly every metadata file is plain UTF-8 XML that parseFast reads,
	// several times faster than encoding/xml; everything else, and every
	// error, goes through encoding/xml.
	if doc := parseFast(path, src, maxDepth, lim.KeepTopLevel); doc != nil {
		return doc, nil
	}
	doc, err := parseXML(path, src, maxDepth)
	if err != nil {
		return nil, err
	}
	if lim.KeepTopLevel != nil {
		pruneTopLevel(doc, lim.KeepTopLevel)
	}
	return doc, nil
}

// pruneTopLevel drops the children of the root element whose names are not in
// keep, as parseFast does when it is given keep: comments whose next element
// is dropped (or inside a dropped subtree) lose it.
func pruneTopLevel(doc *Document, keep []string) {
	root := doc.Root
	kept := root.Children[:0:0]
	dropped := map[*Element]bool{}
	for _, c := range root.Children {
		if slices.Contains(keep, c.Name) {
			kept = append(kept, c)
		} else {
			dropped[c] = true
		}
	}
	if len(dropped) == 0 {
		return
	}
	root.Children = kept
	for i := range doc.Comments {
		for e := doc.Comments[i].Next; e != nil; e = e.Parent {
			if dropped[e] {
				doc.Comments[i].Next = nil
				break
			}
		}
	}
}

// parseXML is ParseDocument through encoding/xml: any input, exact errors.
func parseXML(path string, src []byte, maxDepth int) (*Document, error) {
	doc := &Document{Path: path, Source: src}
	doc.lines = lineStarts(src)

	if bytes.HasPrefix(src, []byte{0xFE, 0xFF}) || bytes.HasPrefix(src, []byte{0xFF, 0xFE}) {
		return nil, &SyntaxError{Pos: doc.PosAt(0), Msg: errUTF16.Error()}
	}
	base := 0
	body := src
	if bytes.HasPrefix(src, []byte{0xEF, 0xBB, 0xBF}) {
		base = 3
		body = src[3:]
	}
	if i := bytes.IndexByte(body, 0); i >= 0 {
		return nil, &SyntaxError{Pos: doc.PosAt(base + i), Msg: "NUL byte in file: not a text XML document"}
	}

	masked, hyphens := maskCommentHyphens(body)
	for _, h := range hyphens {
		doc.DoubleHyphens = append(doc.DoubleHyphens, doc.PosAt(base+h))
	}
	// A Latin-1 file is transcoded to UTF-8 before decoding, so that the decoder's
	// offsets (which count the bytes it decodes) can be mapped back to Source:
	// wide holds the offsets, in the transcoded text, of the characters that are
	// one byte in Source and two in the text.
	var wide []int
	latin1 := isLatin1(declaredEncoding(body))
	if latin1 {
		masked, wide = latin1ToUTF8(masked)
	}
	dec := xml.NewDecoder(bytes.NewReader(masked))
	dec.Strict = true
	dec.CharsetReader = charsetReader
	offset := func() int {
		n := int(dec.InputOffset())
		return base + n - sort.SearchInts(wide, n)
	}

	var stack []*Element
	// scopes[i] is the prefix and namespace declarations of stack[i].
	var scopes []nsScope
	var pendingComments []int // indexes into doc.Comments waiting for their next sibling
	pendingDepth := -1
	var text strings.Builder

	for {
		before := offset()
		tok, err := dec.RawToken()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, doc.syntaxError(offset(), err)
		}
		after := offset()
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) >= maxDepth {
				return nil, &SyntaxError{Pos: doc.PosAt(before), Msg: fmt.Sprintf("elements nested deeper than %d levels", maxDepth)}
			}
			el := &Element{
				Name:         t.Name.Local,
				StartOffset:  before,
				ContentStart: after,
				doc:          doc,
			}
			pos := doc.PosAt(before)
			el.setPos(pos)
			scope, err := resolveNamespace(el, t, scopes)
			if err != nil {
				return nil, &SyntaxError{Pos: pos, Msg: err.Error()}
			}
			if len(stack) == 0 {
				if doc.Root != nil {
					return nil, &SyntaxError{Pos: pos, Msg: "more than one root element"}
				}
				doc.Root = el
			} else {
				parent := stack[len(stack)-1]
				el.Parent = parent
				parent.Children = append(parent.Children, el)
			}
			if pendingDepth == len(stack) {
				for _, ci := range pendingComments {
					doc.Comments[ci].Next = el
				}
				pendingComments = pendingComments[:0]
				pendingDepth = -1
			}
			stack = append(stack, el)
			scopes = append(scopes, scope)
			text.Reset()
		case xml.EndElement:
			if len(stack) == 0 {
				return nil, &SyntaxError{Pos: doc.PosAt(before), Msg: "unexpected end element </" + t.Name.Local + ">"}
			}
			el := stack[len(stack)-1]
			if t.Name.Local != el.Name || t.Name.Space != scopes[len(scopes)-1].prefix {
				return nil, &SyntaxError{Pos: doc.PosAt(before), Msg: fmt.Sprintf("element <%s> closed by </%s>", el.Name, qualified(t.Name))}
			}
			stack = stack[:len(stack)-1]
			scopes = scopes[:len(scopes)-1]
			if before == after { // <x/>: the decoder synthesises the end element
				el.SelfClosing = true
				el.ContentEnd = el.ContentStart
				el.EndOffset = el.ContentStart
			} else {
				el.ContentEnd = before
				el.EndOffset = after
			}
			if len(el.Children) == 0 {
				el.Text = text.String()
			}
			text.Reset()
			if pendingDepth > len(stack) {
				pendingComments = pendingComments[:0]
				pendingDepth = -1
			}
		case xml.CharData:
			if len(stack) > 0 {
				text.Write(t)
			} else if len(bytes.TrimSpace(t)) > 0 {
				return nil, &SyntaxError{Pos: doc.PosAt(before), Msg: "text outside the root element"}
			}
		case xml.Comment:
			// Take the text from the original bytes: the decoder saw masked hyphens.
			text := string(t)
			if after-before >= 7 && len(hyphens) > 0 {
				raw := src[before+4 : after-3]
				if latin1 {
					raw, _ = latin1ToUTF8(raw)
				}
				text = string(raw)
			}
			doc.Comments = append(doc.Comments, Comment{Text: text, Pos: doc.PosAt(before), Offset: before, End: after})
			if pendingDepth != len(stack) {
				pendingComments = pendingComments[:0]
			}
			pendingComments = append(pendingComments, len(doc.Comments)-1)
			pendingDepth = len(stack)
		case xml.Directive:
			return nil, &SyntaxError{Pos: doc.PosAt(before), Msg: "DTD and entity declarations are not allowed in metadata files"}
		case xml.ProcInst:
			// The XML declaration; encoding is handled by the decoder.
		}
	}
	if len(stack) > 0 {
		return nil, &SyntaxError{Pos: doc.PosAt(len(src)), Msg: fmt.Sprintf("unexpected end of file: <%s> is not closed", stack[len(stack)-1].Name)}
	}
	if doc.Root == nil {
		return nil, &SyntaxError{Pos: doc.PosAt(0), Msg: "no root element"}
	}
	return doc, nil
}

// nsScope is what parseXML keeps of an open element for namespaces: the
// prefix of its name and the namespaces it declares, by prefix.
type nsScope struct {
	prefix string
	decl   map[string]string
}

// resolveNamespace sets el.Space to the namespace URI in scope for the element's prefix.
// RawToken does not resolve namespaces, so we do it here from xmlns attributes;
// open holds the scopes of the enclosing elements.
func resolveNamespace(el *Element, t xml.StartElement, open []nsScope) (nsScope, error) {
	prefix := t.Name.Space
	scope := nsScope{prefix: prefix}
	for _, a := range t.Attr {
		switch {
		case a.Name.Space == "" && a.Name.Local == "xmlns":
			if scope.decl == nil {
				scope.decl = map[string]string{}
			}
			scope.decl[""] = a.Value
		case a.Name.Space == "xmlns":
			if scope.decl == nil {
				scope.decl = map[string]string{}
			}
			scope.decl[a.Name.Local] = a.Value
		}
	}
	if uri, ok := scope.decl[prefix]; ok {
		el.Space = uri
		return scope, nil
	}
	for i := len(open) - 1; i >= 0; i-- {
		if uri, ok := open[i].decl[prefix]; ok {
			el.Space = uri
			return scope, nil
		}
	}
	if prefix != "" {
		return scope, fmt.Errorf("undeclared namespace prefix %q", prefix)
	}
	el.Space = ""
	return scope, nil
}

func qualified(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}

func (d *Document) syntaxError(off int, err error) error {
	var se *xml.SyntaxError
	msg := err.Error()
	if errors.As(err, &se) {
		msg = se.Msg
		// encoding/xml reports the line it stopped on; use its byte offset for the column.
	}
	msg = strings.TrimPrefix(msg, "xml: ")
	if off > len(d.Source) {
		off = len(d.Source)
	}
	return &SyntaxError{Pos: d.PosAt(off), Msg: msg}
}

// latin1Labels are the encoding labels read as ISO-8859-1.
var latin1Labels = map[string]bool{"iso-8859-1": true, "latin1": true, "latin-1": true, "iso8859-1": true, "l1": true}

func isLatin1(label string) bool { return latin1Labels[strings.ToLower(label)] }

// declaredEncoding returns the encoding named by the XML declaration that opens
// body ("" when there is none or it names UTF-8), read exactly as encoding/xml reads it.
func declaredEncoding(body []byte) string {
	if !bytes.HasPrefix(body, []byte("<?xml")) {
		return ""
	}
	var label string
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.CharsetReader = func(l string, r io.Reader) (io.Reader, error) {
		label = l
		return r, nil
	}
	_, _ = dec.RawToken() // only the declaration is of interest
	return label
}

func charsetReader(label string, input io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return input, nil
	}
	if isLatin1(label) {
		// ParseDocument has transcoded the text to UTF-8 already.
		return input, nil
	}
	return nil, fmt.Errorf("unsupported encoding %q declared; Salesforce metadata must be UTF-8", label)
}

// latin1ToUTF8 converts ISO-8859-1 bytes to UTF-8. wide lists the offsets, in
// the result, of the characters that take two bytes there.
func latin1ToUTF8(src []byte) (out []byte, wide []int) {
	out = make([]byte, 0, len(src)+len(src)/8)
	for _, b := range src {
		if b >= utf8.RuneSelf {
			wide = append(wide, len(out))
		}
		out = utf8.AppendRune(out, rune(b))
	}
	return out, wide
}

func lineStarts(src []byte) []int {
	starts := make([]int, 1, bytes.Count(src, []byte{'\n'})+1)
	for i := 0; ; {
		j := bytes.IndexByte(src[i:], '\n')
		if j < 0 {
			return starts
		}
		i += j + 1
		starts = append(starts, i)
	}
}

// PosAt converts a byte offset into a 1-based line and character column.
func (d *Document) PosAt(off int) Pos {
	if off < 0 {
		off = 0
	}
	if off > len(d.Source) {
		off = len(d.Source)
	}
	line := sort.Search(len(d.lines), func(i int) bool { return d.lines[i] > off }) - 1
	if line < 0 {
		line = 0
	}
	start := d.lines[line]
	seg := d.Source[start:off]
	if line == 0 && bytes.HasPrefix(seg, []byte{0xEF, 0xBB, 0xBF}) {
		seg = seg[3:]
	}
	col := utf8.RuneCount(seg) + 1
	return Pos{File: d.Path, Line: line + 1, Column: col}
}

// maskCommentHyphens returns src with every "--" inside a comment body replaced
// by "~~" (same length, so offsets are unchanged), and the offsets of those
// hyphen pairs. src is returned unchanged when there is nothing to mask.
func maskCommentHyphens(src []byte) ([]byte, []int) {
	var out []byte
	var offs []int
	i := 0
	for {
		j := bytes.Index(src[i:], []byte("<!"))
		if j < 0 {
			break
		}
		j += i
		switch {
		case bytes.HasPrefix(src[j:], []byte("<![CDATA[")):
			k := bytes.Index(src[j:], []byte("]]>"))
			if k < 0 {
				return orig(out, src), offs
			}
			i = j + k + 3
			continue
		case bytes.HasPrefix(src[j:], []byte("<!--")):
		default:
			i = j + 2
			continue
		}
		start := j + 4
		end := bytes.Index(src[start:], []byte("-->"))
		if end < 0 {
			return orig(out, src), offs // unterminated: the decoder reports it
		}
		end += start
		for k := start; k+1 < end; k++ {
			if src[k] == '-' && src[k+1] == '-' {
				if out == nil {
					out = append([]byte(nil), src...)
				}
				out[k], out[k+1] = '~', '~'
				offs = append(offs, k)
				k++
			}
		}
		// A comment ending in "--->" has a hyphen right before "-->".
		if end > start && src[end-1] == '-' {
			if out == nil {
				out = append([]byte(nil), src...)
			}
			out[end-1] = '~'
			offs = append(offs, end-1)
		}
		i = end + 3
	}
	return orig(out, src), offs
}

func orig(out, src []byte) []byte {
	if out == nil {
		return src
	}
	return out
}

// parseFast parses the common case of a metadata file without encoding/xml:
// UTF-8 (an optional <?xml version="1.0" encoding="UTF-8"?> declaration),
// unprefixed element names, at most an xmlns attribute per element, text with
// the five predefined entities, and comments without "--". It returns nil as
// soon as it meets anything else (a BOM, CR, CDATA, a DTD, processing
// instructions, character references, prefixes, other attributes, control
// characters, invalid UTF-8) or anything malformed; ParseDocument then reads
// the file with encoding/xml, which also words every error. For what it
// accepts, the Document is exactly the one parseXML builds (a differential
// test and fuzz target in bench_test.go hold it to that).
//
// With keep (see ParseLimits.KeepTopLevel), children of the root with other
// names are skimmed: checked like the rest, but no Element is built for them
// or anything inside them.
func parseFast(path string, src []byte, maxDepth int, keep []string) *Document {
	// A BOM (any non-ASCII first byte) always ends in nil below: text outside the root.
	if len(src) > 0 && src[0] >= utf8.RuneSelf {
		return nil
	}
	// So does a CR anywhere (in text, a tag, a comment or the declaration).
	if bytes.IndexByte(src, '\r') >= 0 {
		return nil
	}
	doc := &Document{Path: path, Source: src, lines: lineStarts(src)}
	names, ok := internPool.Get().(*internTable)
	if !ok {
		names = newInternTable()
	}
	defer internPool.Put(names)
	n := len(src)
	i := 0
	if bytes.HasPrefix(src, []byte("<?xml")) {
		if i = scanXMLDecl(src); i < 0 {
			return nil
		}
	}
	var stackBuf [16]*Element
	stack := stackBuf[:0]
	// kids holds the children of the open elements, in order: marks[d] is
	// where those of stack[d] start. When an element closes, its children
	// move to kidPtrs, one block for the whole document.
	var marksBuf [16]int
	marks := marksBuf[:0]
	text, kids := names.scratch[:0], names.kids[:0]
	defer func() {
		clear(kids[:cap(kids)]) // the pooled table must not keep the document alive
		names.scratch, names.kids = text[:0], kids[:0]
	}()
	// Elements are allocated in one block, sized by the number of tags (every
	// element ends with "</" or "/>"), and so are the Children slices. A
	// large skimmed document builds few of its elements: it grows blocks as
	// needed instead.
	tags := 64
	if keep == nil || len(src) <= 16<<10 {
		tags = bytes.Count(src, []byte("</")) + bytes.Count(src, []byte("/>")) + 1
	}
	slab := make([]Element, 0, tags)
	kidPtrs := make([]*Element, 0, tags-1)
	// skipped holds the name offsets of the open elements being skimmed
	// (inside a top-level child that keep does not name).
	var skippedBuf [16][2]int
	skipped := skippedBuf[:0]
	rootSkimmed := false // the root has a skimmed child, so it has no text of its own
	var pending []int    // indexes into doc.Comments waiting for their next sibling
	pendingDepth := -1
	// pos computes positions incrementally: offsets only grow.
	line, lineStart := 0, 0
	pos := func(off int) Pos {
		for line+1 < len(doc.lines) && doc.lines[line+1] <= off {
			line++
			lineStart = doc.lines[line]
		}
		return Pos{File: path, Line: line + 1, Column: utf8.RuneCount(src[lineStart:off]) + 1}
	}
	for i < n {
		if src[i] != '<' {
			// Character data up to the next '<'.
			j := i
			for j < n {
				b := src[j]
				if fastText[b] == 0 {
					j++
					continue
				}
				if b == '<' {
					break
				}
				switch {
				case b == '&':
					if len(stack) == 0 {
						return nil
					}
					r, size := predefinedEntity(src[j:])
					if size == 0 {
						return nil
					}
					if len(skipped) == 0 {
						text = append(text, src[i:j]...)
						text = append(text, r)
					}
					j += size
					i = j
					continue
				case b == ']':
					if bytes.HasPrefix(src[j:], []byte("]]>")) {
						return nil
					}
					j++
				case b >= utf8.RuneSelf:
					r, size := utf8.DecodeRune(src[j:])
					if r == utf8.RuneError && size == 1 || !isInXMLCharRange(r) {
						return nil
					}
					j += size
				default: // control characters, CR
					return nil
				}
			}
			if len(stack) == 0 {
				if len(bytes.TrimLeft(src[i:j], " \t\n")) > 0 {
					return nil // text outside the root element
				}
			} else if len(skipped) == 0 {
				text = append(text, src[i:j]...)
			}
			i = j
			continue
		}
		if i+1 >= n {
			return nil
		}
		switch src[i+1] {
		case '/': // end tag
			name, j := scanFastName(src, i+2)
			if name == nil {
				return nil
			}
			for j < n && (src[j] == ' ' || src[j] == '\t' || src[j] == '\n') {
				j++
			}
			if j >= n || src[j] != '>' || len(stack) == 0 {
				return nil
			}
			j++
			if k := len(skipped); k > 0 {
				if !bytes.Equal(name, src[skipped[k-1][0]:skipped[k-1][1]]) {
					return nil
				}
				skipped = skipped[:k-1]
				text = text[:0]
				i = j
				continue
			}
			el := stack[len(stack)-1]
			if string(name) != el.Name {
				return nil
			}
			stack = stack[:len(stack)-1]
			mark := marks[len(marks)-1]
			marks = marks[:len(marks)-1]
			if k := len(kids) - mark; k > 0 {
				if cap(kidPtrs)-len(kidPtrs) >= k {
					kidPtrs = append(kidPtrs, kids[mark:]...)
					el.Children = kidPtrs[len(kidPtrs)-k : len(kidPtrs) : len(kidPtrs)]
				} else {
					el.Children = slices.Clone(kids[mark:])
				}
				clear(kids[mark:])
				kids = kids[:mark]
			}
			el.ContentEnd, el.EndOffset = i, j
			if len(el.Children) == 0 && !(rootSkimmed && el == doc.Root) {
				el.Text = names.text(text)
			}
			text = text[:0]
			if pendingDepth > len(stack) {
				pending, pendingDepth = pending[:0], -1
			}
			i = j
		case '!':
			if !bytes.HasPrefix(src[i:], []byte("<!--")) {
				return nil // CDATA, DTD
			}
			k := bytes.Index(src[i+4:], []byte("-->"))
			if k < 0 {
				return nil
			}
			body := src[i+4 : i+4+k]
			if bytes.Contains(body, []byte("--")) || len(body) > 0 && body[len(body)-1] == '-' || !validFastComment(body) {
				return nil
			}
			end := i + 4 + k + 3
			doc.Comments = append(doc.Comments, Comment{Text: string(body), Pos: pos(i), Offset: i, End: end})
			i = end
			if len(skipped) > 0 {
				continue // nothing inside a skimmed element is built: no next element
			}
			if pendingDepth != len(stack) {
				pending = pending[:0]
			}
			pending = append(pending, len(doc.Comments)-1)
			pendingDepth = len(stack)
		case '?':
			return nil
		default: // start tag
			name, j := scanFastName(src, i+1)
			if name == nil {
				return nil
			}
			space, declared := "", false
			if len(stack) > 0 {
				space = stack[len(stack)-1].Space
			}
			selfClosing := false
			for {
				k := j
				for k < n && (src[k] == ' ' || src[k] == '\t' || src[k] == '\n') {
					k++
				}
				if k >= n {
					return nil
				}
				if src[k] == '>' {
					j = k + 1
					break
				}
				if src[k] == '/' {
					if k+1 < n && src[k+1] == '>' {
						j, selfClosing = k+2, true
						break
					}
					return nil
				}
				if k == j || declared {
					return nil
				}
				attr, k := scanFastName(src, k)
				if string(attr) != "xmlns" {
					return nil
				}
				for k < n && (src[k] == ' ' || src[k] == '\t' || src[k] == '\n') {
					k++
				}
				if k >= n || src[k] != '=' {
					return nil
				}
				k++
				for k < n && (src[k] == ' ' || src[k] == '\t' || src[k] == '\n') {
					k++
				}
				if k >= n || src[k] != '"' && src[k] != '\'' {
					return nil
				}
				q := src[k]
				v := k + 1
				for v < n && src[v] != q {
					if b := src[v]; b < 0x20 || b >= utf8.RuneSelf || b == '<' || b == '&' {
						return nil
					}
					v++
				}
				if v >= n {
					return nil
				}
				space, declared = names.str(src[k+1:v]), true
				j = v + 1
			}
			if len(stack)+len(skipped) >= maxDepth {
				return nil
			}
			if len(skipped) > 0 || keep != nil && len(stack) == 1 && !slices.Contains(keep, string(name)) {
				// Skimmed: a comment waiting for its next element loses it.
				pending, pendingDepth = pending[:0], -1
				rootSkimmed = true
				text = text[:0]
				if !selfClosing {
					start := i + 1
					skipped = append(skipped, [2]int{start, start + len(name)})
				}
				i = j
				continue
			}
			if len(slab) == cap(slab) {
				slab = make([]Element, 0, 16)
			}
			slab = append(slab, Element{Name: names.str(name), Space: space, StartOffset: i, ContentStart: j, doc: doc})
			el := &slab[len(slab)-1]
			el.setPos(pos(i))
			if len(stack) == 0 {
				if doc.Root != nil {
					return nil
				}
				doc.Root = el
			} else {
				el.Parent = stack[len(stack)-1]
				kids = append(kids, el)
			}
			if pendingDepth == len(stack) {
				for _, ci := range pending {
					doc.Comments[ci].Next = el
				}
				pending, pendingDepth = pending[:0], -1
			}
			text = text[:0]
			if selfClosing {
				el.SelfClosing = true
				el.ContentEnd, el.EndOffset = j, j
				if pendingDepth > len(stack) {
					pending, pendingDepth = pending[:0], -1
				}
			} else {
				stack = append(stack, el)
				marks = append(marks, len(kids))
			}
			i = j
		}
	}
	if len(stack) > 0 || len(skipped) > 0 || doc.Root == nil {
		return nil
	}
	return doc
}

// fastText marks the bytes that end a run of plain character data for parseFast.
var fastText = func() (t [256]byte) {
	for b := 0; b < 0x20; b++ {
		if b != '\t' && b != '\n' {
			t[b] = 1
		}
	}
	for b := utf8.RuneSelf; b < 256; b++ {
		t[b] = 1
	}
	t['<'], t['&'], t[']'] = 1, 1, 1
	return t
}()

// scanFastName scans an unprefixed ASCII XML name at src[i:]; it returns nil
// for anything else (no name, a prefix, a non-ASCII name).
func scanFastName(src []byte, i int) ([]byte, int) {
	j := i
	for j < len(src) {
		b := src[j]
		if 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || b == '_' || j > i && ('0' <= b && b <= '9' || b == '.' || b == '-') {
			j++
			continue
		}
		if b == ':' || b >= utf8.RuneSelf {
			return nil, j
		}
		break
	}
	if j == i {
		return nil, j
	}
	return src[i:j], j
}

// scanXMLDecl accepts <?xml version="1.0" encoding="UTF-8" standalone="..."?>
// (each attribute optional, in that order, either quote) at the start of src
// and returns the offset after it, or -1.
func scanXMLDecl(src []byte) int {
	end := bytes.Index(src, []byte("?>"))
	if end < 0 {
		return -1
	}
	decl := string(src[len("<?xml"):end])
	if decl != "" && decl[0] != ' ' && decl[0] != '\t' && decl[0] != '\n' {
		return -1 // e.g. <?xml-stylesheet
	}
	for _, attr := range []string{"version", "encoding", "standalone"} {
		rest := strings.TrimLeft(decl, " \t\n")
		if !strings.HasPrefix(rest, attr) {
			continue
		}
		rest = strings.TrimLeft(rest[len(attr):], " \t\n")
		if !strings.HasPrefix(rest, "=") {
			return -1
		}
		rest = strings.TrimLeft(rest[1:], " \t\n")
		if rest == "" || rest[0] != '"' && rest[0] != '\'' {
			return -1
		}
		q := strings.IndexByte(rest[1:], rest[0])
		if q < 0 {
			return -1
		}
		val := rest[1 : 1+q]
		switch attr {
		case "version":
			if val != "1.0" {
				return -1
			}
		case "encoding":
			if !strings.EqualFold(val, "utf-8") {
				return -1
			}
		case "standalone":
			if val != "yes" && val != "no" {
				return -1
			}
		}
		decl = rest[2+q:]
		if decl != "" && decl[0] != ' ' && decl[0] != '\t' && decl[0] != '\n' {
			return -1
		}
	}
	if strings.Trim(decl, " \t\n") != "" {
		return -1
	}
	return end + 2
}

// predefinedEntity decodes one of the five predefined entity references at
// the start of s, returning its size (0 for anything else).
func predefinedEntity(s []byte) (byte, int) {
	for _, e := range [...]struct {
		ref string
		r   byte
	}{{"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&apos;", '\''}, {"&quot;", '"'}} {
		if bytes.HasPrefix(s, []byte(e.ref)) {
			return e.r, len(e.ref)
		}
	}
	return 0, 0
}

// validFastComment reports whether a comment body holds only characters
// parseFast accepts anywhere: tab, LF, printable ASCII, valid UTF-8.
func validFastComment(b []byte) bool {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 || !isInXMLCharRange(r) {
			return false
		}
		i += size
	}
	return true
}

// isInXMLCharRange is XML 1.0's Char production, as encoding/xml checks it.
func isInXMLCharRange(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}

// internTable shares the strings of element names and short texts within a
// parse (and across the parses of one pooled table): metadata repeats a few
// hundred names and values such as "true" thousands of times.
type internTable struct {
	m       map[string]string
	scratch []byte     // parseFast's text buffer
	kids    []*Element // parseFast's children buffer, cleared after each parse
}

var internPool = sync.Pool{New: func() any { return newInternTable() }}

func newInternTable() *internTable { return &internTable{m: make(map[string]string, 256)} }

func (t *internTable) str(b []byte) string {
	if s, ok := t.m[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(t.m) < 4096 {
		t.m[s] = s
	}
	return s
}

// text interns short values and copies the rest.
func (t *internTable) text(b []byte) string {
	if len(b) <= 32 {
		return t.str(b)
	}
	return string(b)
}
