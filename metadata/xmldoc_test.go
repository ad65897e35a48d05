package metadata

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// elementView is what the parser tests compare for one element.
type elementView struct {
	Path  string // slash path from the root
	Space string // namespace URI
	At    string // line:column of the '<'
	Text  string
}

func viewElements(doc *Document) []elementView {
	var out []elementView
	var walk func(e *Element)
	walk = func(e *Element) {
		out = append(out, elementView{Path: e.Path(), Space: e.Space, At: lineCol(e.Pos()), Text: e.Text})
		for _, c := range e.Children {
			walk(c)
		}
	}
	walk(doc.Root)
	return out
}

func lineCol(p Pos) string { return fmt.Sprintf("%d:%d", p.Line, p.Column) }

// commentView is what the parser tests compare for one comment.
type commentView struct {
	Text string
	At   string
	Next string // path of the element that follows, "" for none
}

func viewComments(doc *Document) []commentView {
	var out []commentView
	for _, c := range doc.Comments {
		v := commentView{Text: c.Text, At: lineCol(c.Pos)}
		if c.Next != nil {
			v.Next = c.Next.Path()
		}
		out = append(out, v)
	}
	return out
}

// checkElementOffsets verifies, for every element, that the offsets are ordered,
// within the source, point at the tags they name, and that Pos is PosAt(StartOffset).
// It returns the first violation.
func checkElementOffsets(doc *Document) error {
	src := doc.Source
	var check func(e *Element, depth int) error
	check = func(e *Element, depth int) error {
		if !(0 <= e.StartOffset && e.StartOffset < e.ContentStart && e.ContentStart <= e.ContentEnd && e.ContentEnd <= e.EndOffset && e.EndOffset <= len(src)) {
			return fmt.Errorf("<%s>: offsets out of order or out of the source (len %d): start %d content %d..%d end %d", e.Name, len(src), e.StartOffset, e.ContentStart, e.ContentEnd, e.EndOffset)
		}
		if src[e.StartOffset] != '<' || src[e.ContentStart-1] != '>' {
			return fmt.Errorf("<%s>: start tag is not at %d..%d: %q", e.Name, e.StartOffset, e.ContentStart, src[e.StartOffset:e.ContentStart])
		}
		if e.SelfClosing {
			if e.ContentStart != e.ContentEnd || e.ContentEnd != e.EndOffset || !bytes.HasSuffix(src[:e.ContentStart], []byte("/>")) {
				return fmt.Errorf("<%s/>: self-closing element with content %d..%d end %d", e.Name, e.ContentStart, e.ContentEnd, e.EndOffset)
			}
		} else if !bytes.HasPrefix(src[e.ContentEnd:], []byte("</")) || src[e.EndOffset-1] != '>' {
			return fmt.Errorf("<%s>: end tag is not at %d..%d: %q", e.Name, e.ContentEnd, e.EndOffset, src[e.ContentEnd:e.EndOffset])
		}
		if e.Pos().Line < 1 || e.Pos().Column < 1 {
			return fmt.Errorf("<%s>: invalid position %v", e.Name, e.Pos())
		}
		if got := doc.PosAt(e.StartOffset); got != e.Pos() {
			return fmt.Errorf("<%s>: Pos %v, PosAt(StartOffset) %v", e.Name, e.Pos(), got)
		}
		if (e.Parent == nil) != (depth == 0) {
			return fmt.Errorf("<%s>: Parent is %v at depth %d", e.Name, e.Parent, depth)
		}
		prevEnd := e.ContentStart
		for _, c := range e.Children {
			if c.Parent != e {
				return fmt.Errorf("<%s>: child <%s> has another parent", e.Name, c.Name)
			}
			if c.StartOffset < prevEnd || c.EndOffset > e.ContentEnd {
				return fmt.Errorf("<%s>: child <%s> at %d..%d is outside %d..%d or overlaps its sibling", e.Name, c.Name, c.StartOffset, c.EndOffset, prevEnd, e.ContentEnd)
			}
			prevEnd = c.EndOffset
			if err := check(c, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if doc.Root == nil {
		return errors.New("no root")
	}
	if err := check(doc.Root, 0); err != nil {
		return err
	}
	for _, c := range doc.Comments {
		if !(0 <= c.Offset && c.Offset < c.End && c.End <= len(src)) || !bytes.HasPrefix(src[c.Offset:], []byte("<!--")) || !bytes.HasSuffix(src[:c.End], []byte("-->")) {
			return fmt.Errorf("comment at %d..%d is not a comment in the source", c.Offset, c.End)
		}
		if c.Pos != doc.PosAt(c.Offset) {
			return fmt.Errorf("comment at %d: Pos %v, PosAt %v", c.Offset, c.Pos, doc.PosAt(c.Offset))
		}
	}
	return nil
}

func TestParseDocumentPositions(t *testing.T) {
	const ns = Namespace
	tests := []struct {
		name     string
		src      string
		want     []elementView
		comments []commentView
		// check, when set, makes further assertions.
		check func(t *testing.T, doc *Document)
	}{
		{
			name: "prettier split tags",
			src: `<?xml version="1.0" encoding="UTF-8" ?>
<ExtlClntAppOauthConfigurablePolicies
    xmlns="http://soap.sforce.com/2006/04/metadata"
>
    <externalClientApplication
    >Salesforce_API_Playground</externalClientApplication>
    <ipRelaxationPolicyType>Enforce</ipRelaxationPolicyType>
</ExtlClntAppOauthConfigurablePolicies>
`,
			want: []elementView{
				{Path: "ExtlClntAppOauthConfigurablePolicies", Space: ns, At: "2:1"},
				{Path: "ExtlClntAppOauthConfigurablePolicies/externalClientApplication", Space: ns, At: "5:5", Text: "Salesforce_API_Playground"},
				{Path: "ExtlClntAppOauthConfigurablePolicies/ipRelaxationPolicyType", Space: ns, At: "7:5", Text: "Enforce"},
			},
			check: func(t *testing.T, doc *Document) {
				root := doc.Root
				if got, want := lineCol(doc.PosAt(root.ContentStart)), "4:2"; got != want {
					t.Errorf("root content starts at %s, want %s (after the '>' on its own line)", got, want)
				}
				ref := root.Child("externalClientApplication")
				if got, want := lineCol(doc.PosAt(ref.ContentStart)), "6:6"; got != want {
					t.Errorf("externalClientApplication content starts at %s, want %s", got, want)
				}
			},
		},
		{
			name: "comments between elements",
			src: `<?xml version="1.0" encoding="UTF-8"?>
<!-- before the root -->
<ExtlClntAppGlobalOauthSettings xmlns="http://soap.sforce.com/2006/04/metadata">
    <callbackUrl>http://localhost:8765/callback</callbackUrl>
    <!-- Consumer Key redacted before commit.
         Real value lives in the local .env. -->
    <consumerKey>REDACTED</consumerKey>
    <idTokenConfig>
        <idTokenValidityInMinutes>5</idTokenValidityInMinutes>
        <!-- last at this level: nothing follows -->
    </idTokenConfig>
    <!-- one --><!-- two -->
    <label>L</label>
</ExtlClntAppGlobalOauthSettings>
<!-- after the root -->
`,
			want: []elementView{
				{Path: "ExtlClntAppGlobalOauthSettings", Space: ns, At: "3:1"},
				{Path: "ExtlClntAppGlobalOauthSettings/callbackUrl", Space: ns, At: "4:5", Text: "http://localhost:8765/callback"},
				{Path: "ExtlClntAppGlobalOauthSettings/consumerKey", Space: ns, At: "7:5", Text: "REDACTED"},
				{Path: "ExtlClntAppGlobalOauthSettings/idTokenConfig", Space: ns, At: "8:5"},
				{Path: "ExtlClntAppGlobalOauthSettings/idTokenConfig/idTokenValidityInMinutes", Space: ns, At: "9:9", Text: "5"},
				{Path: "ExtlClntAppGlobalOauthSettings/label", Space: ns, At: "13:5", Text: "L"},
			},
			comments: []commentView{
				{Text: " before the root ", At: "2:1", Next: "ExtlClntAppGlobalOauthSettings"},
				{Text: " Consumer Key redacted before commit.\n         Real value lives in the local .env. ", At: "5:5", Next: "ExtlClntAppGlobalOauthSettings/consumerKey"},
				{Text: " last at this level: nothing follows ", At: "10:9"},
				{Text: " one ", At: "12:5", Next: "ExtlClntAppGlobalOauthSettings/label"},
				{Text: " two ", At: "12:17", Next: "ExtlClntAppGlobalOauthSettings/label"},
				{Text: " after the root ", At: "15:1"},
			},
		},
		{
			name: "CRLF line ends",
			src:  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<ConnectedApp xmlns=\"http://soap.sforce.com/2006/04/metadata\">\r\n    <label>CRLF</label>\r\n    <oauthConfig>\r\n        <callbackUrl>https://a.example.com/cb\r\nhttps://b.example.com/cb</callbackUrl>\r\n    </oauthConfig>\r\n</ConnectedApp>\r\n",
			want: []elementView{
				{Path: "ConnectedApp", Space: ns, At: "2:1"},
				{Path: "ConnectedApp/label", Space: ns, At: "3:5", Text: "CRLF"},
				{Path: "ConnectedApp/oauthConfig", Space: ns, At: "4:5"},
				{Path: "ConnectedApp/oauthConfig/callbackUrl", Space: ns, At: "5:9", Text: "https://a.example.com/cb\nhttps://b.example.com/cb"},
			},
			check: func(t *testing.T, doc *Document) {
				cb := doc.Root.Child("oauthConfig").Child("callbackUrl")
				if got, want := string(doc.Source[cb.ContentStart:cb.ContentEnd]), "https://a.example.com/cb\r\nhttps://b.example.com/cb"; got != want {
					t.Errorf("raw content = %q, want %q (offsets into the CRLF source)", got, want)
				}
			},
		},
		{
			name: "UTF-8 BOM before the declaration",
			src:  "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Profile xmlns=\"http://soap.sforce.com/2006/04/metadata\"><custom>true</custom></Profile>\n",
			want: []elementView{
				{Path: "Profile", Space: ns, At: "2:1"},
				{Path: "Profile/custom", Space: ns, At: "2:58", Text: "true"},
			},
		},
		{
			name: "UTF-8 BOM before the root: column 1 after the BOM",
			src:  "\xEF\xBB\xBF<Profile xmlns=\"http://soap.sforce.com/2006/04/metadata\"><custom>true</custom></Profile>",
			want: []elementView{
				{Path: "Profile", Space: ns, At: "1:1"},
				{Path: "Profile/custom", Space: ns, At: "1:58", Text: "true"},
			},
			check: func(t *testing.T, doc *Document) {
				if doc.Root.StartOffset != 3 {
					t.Errorf("root StartOffset = %d, want 3 (the BOM's bytes count in offsets)", doc.Root.StartOffset)
				}
			},
		},
		{
			name: "tabs count as one column",
			src:  "<PermissionSet xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n\t<label>Tabbed</label>\n\t<userPermissions>\n\t\t<enabled>true</enabled>\n\t\t<name>ApiEnabled</name>\n\t</userPermissions>\n</PermissionSet>\n",
			want: []elementView{
				{Path: "PermissionSet", Space: ns, At: "1:1"},
				{Path: "PermissionSet/label", Space: ns, At: "2:2", Text: "Tabbed"},
				{Path: "PermissionSet/userPermissions", Space: ns, At: "3:2"},
				{Path: "PermissionSet/userPermissions/enabled", Space: ns, At: "4:3", Text: "true"},
				{Path: "PermissionSet/userPermissions/name", Space: ns, At: "5:3", Text: "ApiEnabled"},
			},
		},
		{
			name: "entities: text decoded, offsets raw",
			src: `<ConnectedApp xmlns="http://soap.sforce.com/2006/04/metadata">
    <attributes>
        <formula>&quot;true&quot;</formula>
        <key>OrthoApp</key>
    </attributes>
    <logoUrl>https://img.example.com/servlet?id=015&amp;oid=00D</logoUrl>
    <label>&#65;cme &lt;test&gt;</label>
</ConnectedApp>`,
			want: []elementView{
				{Path: "ConnectedApp", Space: ns, At: "1:1"},
				{Path: "ConnectedApp/attributes", Space: ns, At: "2:5"},
				{Path: "ConnectedApp/attributes/formula", Space: ns, At: "3:9", Text: `"true"`},
				{Path: "ConnectedApp/attributes/key", Space: ns, At: "4:9", Text: "OrthoApp"},
				{Path: "ConnectedApp/logoUrl", Space: ns, At: "6:5", Text: "https://img.example.com/servlet?id=015&oid=00D"},
				{Path: "ConnectedApp/label", Space: ns, At: "7:5", Text: "Acme <test>"},
			},
			check: func(t *testing.T, doc *Document) {
				for name, want := range map[string]string{
					"logoUrl": "https://img.example.com/servlet?id=015&amp;oid=00D",
					"label":   "&#65;cme &lt;test&gt;",
				} {
					el := doc.Root.Child(name)
					if got := string(doc.Source[el.ContentStart:el.ContentEnd]); got != want {
						t.Errorf("%s raw content = %q, want %q", name, got, want)
					}
				}
				f := doc.Root.Child("attributes").Child("formula")
				if got, want := string(doc.Source[f.ContentStart:f.ContentEnd]), "&quot;true&quot;"; got != want {
					t.Errorf("formula raw content = %q, want %q", got, want)
				}
			},
		},
		{
			name: "multi-line values",
			src: `<ExtlClntAppGlobalOauthSettings xmlns="http://soap.sforce.com/2006/04/metadata">
    <certificate>MIIDYTCCAkmgAwIBAgIUEXAMPLE
BQAwWTELMAkGA1UEBhMCSU4xCzAJ
H224Bt8=</certificate>
    <externalClientApplication>Devops_JWT</externalClientApplication>
</ExtlClntAppGlobalOauthSettings>`,
			want: []elementView{
				{Path: "ExtlClntAppGlobalOauthSettings", Space: ns, At: "1:1"},
				{Path: "ExtlClntAppGlobalOauthSettings/certificate", Space: ns, At: "2:5", Text: "MIIDYTCCAkmgAwIBAgIUEXAMPLE\nBQAwWTELMAkGA1UEBhMCSU4xCzAJ\nH224Bt8="},
				{Path: "ExtlClntAppGlobalOauthSettings/externalClientApplication", Space: ns, At: "5:5", Text: "Devops_JWT"},
			},
			check: func(t *testing.T, doc *Document) {
				cert := doc.Root.Child("certificate")
				if got, want := lineCol(doc.PosAt(cert.ContentEnd)), "4:9"; got != want {
					t.Errorf("certificate end tag at %s, want %s", got, want)
				}
			},
		},
		{
			name: "self-closing elements",
			src:  "<ConnectedApp xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n  <consumerKey/>\n  <description />\n  <label></label>\n</ConnectedApp>",
			want: []elementView{
				{Path: "ConnectedApp", Space: ns, At: "1:1"},
				{Path: "ConnectedApp/consumerKey", Space: ns, At: "2:3"},
				{Path: "ConnectedApp/description", Space: ns, At: "3:3"},
				{Path: "ConnectedApp/label", Space: ns, At: "4:3"},
			},
			check: func(t *testing.T, doc *Document) {
				type sc struct {
					Name        string
					SelfClosing bool
					Tag         string
				}
				var got []sc
				for _, c := range doc.Root.Children {
					got = append(got, sc{c.Name, c.SelfClosing, string(doc.Source[c.StartOffset:c.EndOffset])})
				}
				want := []sc{
					{"consumerKey", true, "<consumerKey/>"},
					{"description", true, "<description />"},
					{"label", false, "<label></label>"},
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("self-closing (-want +got):\n%s", diff)
				}
			},
		},
		{
			name: "non-ASCII characters before an element: columns count characters",
			src:  "<ConnectedApp xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n<description>Café – 日本</description><label>Ünïcödé</label>\n<!-- é --><startUrl>x</startUrl>\n</ConnectedApp>",
			want: []elementView{
				{Path: "ConnectedApp", Space: ns, At: "1:1"},
				{Path: "ConnectedApp/description", Space: ns, At: "2:1", Text: "Café – 日本"},
				{Path: "ConnectedApp/label", Space: ns, At: "2:37", Text: "Ünïcödé"},
				{Path: "ConnectedApp/startUrl", Space: ns, At: "3:11", Text: "x"},
			},
			comments: []commentView{{Text: " é ", At: "3:1", Next: "ConnectedApp/startUrl"}},
		},
		{
			name: "prefixed root resolves the namespace",
			src:  "<md:ConnectedApp xmlns:md=\"http://soap.sforce.com/2006/04/metadata\">\n  <md:label>Prefixed</md:label>\n  <other xmlns=\"urn:other\"><x>1</x></other>\n  <plain>p</plain>\n</md:ConnectedApp>",
			want: []elementView{
				{Path: "ConnectedApp", Space: ns, At: "1:1"},
				{Path: "ConnectedApp/label", Space: ns, At: "2:3", Text: "Prefixed"},
				{Path: "ConnectedApp/other", Space: "urn:other", At: "3:3"},
				{Path: "ConnectedApp/other/x", Space: "urn:other", At: "3:28", Text: "1"},
				{Path: "ConnectedApp/plain", At: "4:3", Text: "p"},
			},
		},
		{
			name: "no namespace",
			src:  "<ConnectedApp><label>None</label></ConnectedApp>",
			want: []elementView{
				{Path: "ConnectedApp", At: "1:1"},
				{Path: "ConnectedApp/label", At: "1:15", Text: "None"},
			},
		},
		{
			name: "Latin-1 declared: accepted, text decoded, positions in characters",
			src:  "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<ConnectedApp xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n    <description>Caf\xe9 cr\xe8me br\xfbl\xe9e</description><label>\xc0 la carte</label>\n</ConnectedApp>\n",
			want: []elementView{
				{Path: "ConnectedApp", Space: ns, At: "2:1"},
				{Path: "ConnectedApp/description", Space: ns, At: "3:5", Text: "Café crème brûlée"},
				{Path: "ConnectedApp/label", Space: ns, At: "3:49", Text: "À la carte"},
			},
			check: func(t *testing.T, doc *Document) {
				l := doc.Root.Child("label")
				if got, want := string(doc.Source[l.ContentStart:l.ContentEnd]), "\xc0 la carte"; got != want {
					t.Errorf("label raw content = %q, want %q (offsets into the Latin-1 source)", got, want)
				}
			},
		},
		{
			name: "Latin-1 declared with a lower-case label and a comment holding --",
			src:  "<?xml version='1.0' encoding='latin1'?>\n<ConnectedApp><!-- \xe9t\xe9 -- hiver --><label>\xe9</label></ConnectedApp>",
			want: []elementView{
				{Path: "ConnectedApp", At: "2:1"},
				{Path: "ConnectedApp/label", At: "2:36", Text: "é"},
			},
			comments: []commentView{{Text: " été -- hiver ", At: "2:15", Next: "ConnectedApp/label"}},
		},
		{
			name: "CDATA",
			src:  "<ConnectedApp><description><![CDATA[a < b & c]]></description></ConnectedApp>",
			want: []elementView{
				{Path: "ConnectedApp", At: "1:1"},
				{Path: "ConnectedApp/description", At: "1:15", Text: "a < b & c"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := ParseDocument("f.xml", []byte(tt.src), ParseLimits{})
			if err != nil {
				t.Fatalf("ParseDocument: %v", err)
			}
			if diff := cmp.Diff(tt.want, viewElements(doc)); diff != "" {
				t.Errorf("elements (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.comments, viewComments(doc)); diff != "" {
				t.Errorf("comments (-want +got):\n%s", diff)
			}
			if err := checkElementOffsets(doc); err != nil {
				t.Error(err)
			}
			if doc.Root.Pos().File != "f.xml" {
				t.Errorf("Pos.File = %q, want f.xml", doc.Root.Pos().File)
			}
			if tt.check != nil {
				tt.check(t, doc)
			}
		})
	}
}

func TestParseDocumentErrors(t *testing.T) {
	const root = `<ConnectedApp xmlns="http://soap.sforce.com/2006/04/metadata">`
	deep := func(n int) string {
		return root + strings.Repeat("<a>", n) + strings.Repeat("</a>", n) + "</ConnectedApp>"
	}
	tests := []struct {
		name string
		src  string
		lim  ParseLimits
		want string // line:column: message
	}{
		{
			name: "truncated after an open element",
			src:  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + root + "\n    <label>X</label>\n    <oauthConfig>\n",
			want: "5:1: unexpected end of file: <oauthConfig> is not closed",
		},
		{
			name: "truncated inside an end tag",
			src:  root + "\n  <label>x</label",
			want: "2:18: unexpected EOF",
		},
		{
			name: "mismatched end tag",
			src:  root + "\n  <label>x</labl>\n</ConnectedApp>",
			want: "2:11: element <label> closed by </labl>",
		},
		{
			name: "end tag with another prefix",
			src:  "<md:ConnectedApp xmlns:md=\"" + Namespace + "\"></ConnectedApp>",
			want: "1:69: element <ConnectedApp> closed by </ConnectedApp>",
		},
		{
			name: "end tag without a start",
			src:  "</ConnectedApp>",
			want: "1:1: unexpected end element </ConnectedApp>",
		},
		{
			name: "text after the root",
			src:  root + "</ConnectedApp>junk",
			want: "1:78: text outside the root element",
		},
		{
			name: "two roots",
			src:  root + "</ConnectedApp>\n" + root + "</ConnectedApp>",
			want: "2:1: more than one root element",
		},
		{
			name: "DOCTYPE",
			src:  "<?xml version=\"1.0\"?>\n<!DOCTYPE ConnectedApp>\n" + root + "</ConnectedApp>",
			want: "2:1: DTD and entity declarations are not allowed in metadata files",
		},
		{
			name: "ENTITY declaration",
			src:  "<!DOCTYPE ConnectedApp [\n  <!ENTITY name \"Acme\">\n]>\n" + root + "<label>&name;</label></ConnectedApp>",
			want: "1:1: DTD and entity declarations are not allowed in metadata files",
		},
		{
			name: "undefined entity",
			src:  root + "\n  <label>&nbsp;</label>\n</ConnectedApp>",
			want: "2:16: invalid character entity &nbsp;",
		},
		{
			name: "NUL byte",
			src:  root + "\n  <label>a\x00b</label>\n</ConnectedApp>",
			want: "2:11: NUL byte in file: not a text XML document",
		},
		{
			name: "NUL byte after a BOM",
			src:  "\xEF\xBB\xBF\x00",
			want: "1:1: NUL byte in file: not a text XML document",
		},
		{
			name: "UTF-16 little-endian BOM",
			src:  "\xFF\xFE<\x00C\x00/\x00>\x00",
			want: "1:1: file is UTF-16 encoded; Salesforce metadata must be UTF-8",
		},
		{
			name: "UTF-16 big-endian BOM",
			src:  "\xFE\xFF\x00<\x00C\x00/\x00>",
			want: "1:1: file is UTF-16 encoded; Salesforce metadata must be UTF-8",
		},
		{
			name: "UTF-16 declared",
			src:  "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n" + root + "</ConnectedApp>",
			want: `1:40: opening charset "UTF-16": unsupported encoding "UTF-16" declared; Salesforce metadata must be UTF-8`,
		},
		{
			name: "Windows-1252 declared",
			src:  "<?xml version=\"1.0\" encoding=\"windows-1252\"?>\n" + root + "</ConnectedApp>",
			want: `1:46: opening charset "windows-1252": unsupported encoding "windows-1252" declared; Salesforce metadata must be UTF-8`,
		},
		{
			name: "invalid UTF-8",
			src:  root + "\n  <label>\xff</label>\n</ConnectedApp>",
			want: "2:11: invalid UTF-8",
		},
		{
			name: "Latin-1 bytes without a declaration",
			src:  root + "\n  <label>Caf\xe9</label>\n</ConnectedApp>",
			want: "2:14: invalid UTF-8",
		},
		{
			name: "empty file",
			src:  "",
			want: "1:1: no root element",
		},
		{
			name: "declaration only",
			src:  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
			want: "1:1: no root element",
		},
		{
			name: "undeclared prefix",
			src:  "<md:ConnectedApp></md:ConnectedApp>",
			want: `1:1: undeclared namespace prefix "md"`,
		},
		{
			name: "nesting deeper than the limit",
			src:  "<a>\n <b>\n  <c>\n   <d/>\n  </c>\n </b>\n</a>",
			lim:  ParseLimits{MaxDepth: 3},
			want: "4:4: elements nested deeper than 3 levels",
		},
		{
			name: "nesting deeper than the default limit",
			src:  deep(DefaultMaxDepth),
			want: fmt.Sprintf("1:%d: elements nested deeper than %d levels", len(root)+1+3*(DefaultMaxDepth-1), DefaultMaxDepth),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := ParseDocument("bad.xml", []byte(tt.src), tt.lim)
			if err == nil {
				t.Fatalf("ParseDocument succeeded with root <%s>; want error %q", doc.Root.Name, tt.want)
			}
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %v (%T) is not a *SyntaxError", err, err)
			}
			if got := fmt.Sprintf("%s: %s", lineCol(se.Pos), se.Msg); got != tt.want {
				t.Errorf("error = %q, want %q", got, tt.want)
			}
			if se.Pos.File != "bad.xml" {
				t.Errorf("error file = %q, want bad.xml", se.Pos.File)
			}
			if !strings.HasPrefix(err.Error(), "bad.xml:") {
				t.Errorf("Error() = %q, want it to start with the file:line:column", err.Error())
			}
		})
	}
}

func TestParseDocumentDepthAtLimit(t *testing.T) {
	const root = `<ConnectedApp xmlns="http://soap.sforce.com/2006/04/metadata">`
	n := DefaultMaxDepth - 1 // plus the root: exactly the limit
	src := root + strings.Repeat("<a>", n) + "x" + strings.Repeat("</a>", n) + "</ConnectedApp>"
	doc, err := ParseDocument("deep.xml", []byte(src), ParseLimits{})
	if err != nil {
		t.Fatalf("nesting of exactly %d levels: %v", DefaultMaxDepth, err)
	}
	depth := 0
	for e := doc.Root; e != nil; e = e.Child("a") {
		depth++
	}
	if depth != DefaultMaxDepth {
		t.Errorf("depth = %d, want %d", depth, DefaultMaxDepth)
	}
}

func TestPosAt(t *testing.T) {
	doc := &Document{Path: "p.xml", Source: []byte("\xEF\xBB\xBFab\r\ncé\n\nx")}
	doc.lines = lineStarts(doc.Source)
	tests := []struct {
		off  int
		want string
	}{
		{-5, "1:1"},
		{0, "1:1"}, // inside the BOM
		{3, "1:1"}, // 'a', after the BOM
		{4, "1:2"},
		{5, "1:3"}, // '\r'
		{7, "2:1"}, // 'c'
		{8, "2:2"}, // 'é'
		{10, "2:3"},
		{11, "3:1"},
		{12, "4:1"},
		{13, "4:2"}, // end of source
		{99, "4:2"}, // clamped
	}
	for _, tt := range tests {
		if got := lineCol(doc.PosAt(tt.off)); got != tt.want {
			t.Errorf("PosAt(%d) = %s, want %s", tt.off, got, tt.want)
		}
	}
	if got, want := doc.PosAt(3).String(), "p.xml:1:1"; got != want {
		t.Errorf("Pos.String() = %q, want %q", got, want)
	}
	if (Pos{}).IsValid() || !(Pos{Line: 1}).IsValid() {
		t.Error("IsValid: want false for the zero Pos and true for line 1")
	}
}

func TestElementHelpers(t *testing.T) {
	doc, err := ParseDocument("h.xml", []byte(`<ConnectedApp><scopes>Api</scopes><label>L</label><scopes>Web</scopes></ConnectedApp>`), ParseLimits{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range doc.Root.ChildrenNamed("scopes") {
		got = append(got, s.Text)
	}
	if diff := cmp.Diff([]string{"Api", "Web"}, got); diff != "" {
		t.Errorf("ChildrenNamed (-want +got):\n%s", diff)
	}
	if c := doc.Root.Child("missing"); c != nil {
		t.Errorf("Child(missing) = %v, want nil", c)
	}
	var nilEl *Element
	if nilEl.Child("x") != nil || nilEl.ChildrenNamed("x") != nil {
		t.Error("helpers on a nil *Element must return nil")
	}
	if got, want := doc.Root.Child("label").Path(), "ConnectedApp/label"; got != want {
		t.Errorf("Path() = %q, want %q", got, want)
	}
}
