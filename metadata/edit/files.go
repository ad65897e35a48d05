package edit

import (
	"bytes"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/sfapplint/sfapplint/metadata"
)

// ChildSuffix is the name ending Setup and retrieve give each External Client
// App child file (salesforce-metadata.md §2): App_glbloauth, App_oauth, ...
var ChildSuffix = map[metadata.Type]string{
	metadata.TypeECAGlobalOauth:   "_glbloauth",
	metadata.TypeECAOauthSettings: "_oauth",
	metadata.TypeECAOauthPolicies: "_oauthPlcy",
	metadata.TypeECAPolicies:      "_plcy",
	metadata.TypeECAOauthSecurity: "_oauthSecurity",
}

// requiredFileChildren are the elements a type requires beyond
// externalClientApplication, with their documented defaults.
var requiredFileChildren = map[metadata.Type][]Element{
	metadata.TypeECAPolicies: {{Name: "isEnabled", Text: "true"}},
}

// ComponentName returns the conventional component name of an app's file of type t.
func ComponentName(app string, t metadata.Type) string {
	return app + ChildSuffix[t]
}

// FileName returns the conventional file name of a component of type t, in
// source format (Name.suffix-meta.xml) or Metadata API format (Name.suffix).
func FileName(component string, t metadata.Type, sourceFormat bool) string {
	ti, _ := t.Info()
	name := component + "." + ti.Suffix
	if sourceFormat {
		name += "-meta.xml"
	}
	return name
}

// SiblingPath returns where a file of type t for component belongs next to an
// existing file of type near at nearPath (slash-separated): in t's conventional
// directory beside near's when near sits in its own conventional directory,
// else in the same directory. The format (source or mdapi) follows nearPath.
func SiblingPath(nearPath string, near metadata.Type, t metadata.Type, component string) string {
	dir := path.Dir(nearPath)
	nearInfo, _ := near.Info()
	ti, _ := t.Info()
	if path.Base(dir) == nearInfo.Directory {
		dir = path.Join(path.Dir(dir), ti.Directory)
	}
	return path.Join(dir, FileName(component, t, strings.HasSuffix(nearPath, "-meta.xml")))
}

// ChildElements returns the elements every new child file of an External
// Client App starts with: its parent reference, its label and the elements its
// type requires, with their defaults.
func ChildElements(t metadata.Type, appRef, component string) []Element {
	els := []Element{{Name: "externalClientApplication", Text: appRef}, {Name: "label", Text: component}}
	els = append(els, requiredFileChildren[t]...)
	SortElements(els)
	return els
}

// SortElements orders elements the way retrieve writes them (by name, byte
// order), keeping the order of elements of the same name.
func SortElements(els []Element) {
	sort.SliceStable(els, func(i, j int) bool { return els[i].Name < els[j].Name })
	for i := range els {
		SortElements(els[i].Children)
	}
}

// Format says how a new file is laid out.
type Format struct {
	EOL         string // "\n" (default) or "\r\n"
	Indent      string // one level; default four spaces
	Declaration string // the XML declaration; default <?xml version="1.0" encoding="UTF-8"?>
}

// FormatOf returns the layout of an existing document, to write siblings alike.
func FormatOf(doc *metadata.Document) Format {
	st := detectStyle(doc)
	f := Format{EOL: st.eol, Indent: st.unit}
	src := bytes.TrimPrefix(doc.Source, []byte{0xEF, 0xBB, 0xBF})
	if bytes.HasPrefix(src, []byte("<?xml")) {
		if i := bytes.Index(src, []byte("?>")); i > 0 {
			f.Declaration = string(src[:i+2])
		}
	}
	return f
}

// NewFile renders a complete metadata file: the XML declaration, a root
// element of type t in the metadata namespace and the children in the order
// given. Text is escaped; nothing else is added.
func NewFile(t metadata.Type, children []Element, f Format) []byte {
	if f.EOL == "" {
		f.EOL = "\n"
	}
	if f.Indent == "" {
		f.Indent = "    "
	}
	if f.Declaration == "" {
		f.Declaration = `<?xml version="1.0" encoding="UTF-8"?>`
	}
	var b strings.Builder
	b.WriteString(f.Declaration + f.EOL)
	b.WriteString("<" + string(t) + ` xmlns="` + metadata.Namespace + `">` + f.EOL)
	for _, c := range children {
		b.WriteString(f.Indent + c.render(f.Indent, f.Indent, f.EOL) + f.EOL)
	}
	b.WriteString("</" + string(t) + ">" + f.EOL)
	return []byte(b.String())
}

// newFile creates the missing child file t of an External Client App next to
// its header file, with the header's line endings and indentation.
func (e *editor) newFile(t metadata.Type) (*file, error) {
	if e.kind != metadata.KindECA || !t.IsECAChild() {
		return nil, fmt.Errorf("a %s has no %s file", e.kind, t)
	}
	oauthFile := t == metadata.TypeECAGlobalOauth || t == metadata.TypeECAOauthSettings
	if oauthFile && !e.enablingOAuth && !e.hasOAuthSettings() {
		return nil, fmt.Errorf("the External Client App has no OAuth settings files (OAuth is not enabled); enable OAuth first: External Client App Manager > %s > Edit Settings > Enable OAuth (or fix oauth.enabled)", e.app.Name)
	}
	header := e.app.Docs[metadata.TypeExternalClientApp]
	if header == nil {
		return nil, fmt.Errorf("the External Client App %s has no header file", e.app.Name)
	}
	if strings.Contains(header.Path, "!") {
		return nil, fmt.Errorf("%s is inside an archive; sfapplint does not write archives", header.Path)
	}
	component := ComponentName(e.app.Name, t)
	ref := e.app.Name
	if e.app.Namespace != "" {
		ref = e.app.Namespace + "__" + e.app.Name
	}
	src := NewFile(t, ChildElements(t, ref, component), FormatOf(header))
	p := SiblingPath(header.Path, metadata.TypeExternalClientApp, t, component)
	doc, err := metadata.ParseDocument(p, src, metadata.ParseLimits{})
	if err != nil {
		return nil, fmt.Errorf("internal error: new %s file is malformed: %w", t, err)
	}
	return &file{typ: t, path: p, src: src, doc: doc, created: true, st: detectStyle(doc)}, nil
}

// hasOAuthSettings reports whether the app has (or this batch created) one of
// its OAuth settings files: without them an External Client App has no OAuth.
func (e *editor) hasOAuthSettings() bool {
	for _, t := range []metadata.Type{metadata.TypeECAGlobalOauth, metadata.TypeECAOauthSettings} {
		if e.app.Docs[t] != nil || e.files[t] != nil {
			return true
		}
	}
	return false
}
