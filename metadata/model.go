package metadata

import (
	"fmt"
	"strings"
)

// AppKind is the kind of an OAuth app.
type AppKind string

// App kinds.
const (
	KindConnectedApp AppKind = "ConnectedApp"
	KindECA          AppKind = "ExternalClientApplication"
)

// ValueKind is the type of a model field's value.
type ValueKind string

// Value kinds.
const (
	KindBool   ValueKind = "bool"   // Value is a bool
	KindString ValueKind = "string" // Value is a string
	KindInt    ValueKind = "int"    // Value is an int
	KindEnum   ValueKind = "enum"   // Value is a string; Canonical is the normalized spelling
	KindList   ValueKind = "list"   // Value is a []string; Items carry positions
	KindScopes ValueKind = "scopes" // Value is a []string as written; Canonical is the canonical set
	KindURLs   ValueKind = "urls"   // Value is a []string, one URL per line, trimmed
	KindSecret ValueKind = "secret" // Value is a bool: present or not. The text is never kept
)

// Item is one member of a list field, with its own position.
type Item struct {
	Value string `json:"value"`
	Pos   Pos    `json:"pos"`
}

// Field is one model field of an app: its value as written, its normalized value,
// and where it came from. A field that no file sets is still present in the model,
// with Present false, the documented default (if any) and the position of the
// element or file that would hold it.
type Field struct {
	Path      string
	Kind      ValueKind
	Value     any // as written (or the default)
	Canonical any // normalized value used by rules; equals Value when no normalization applies
	Items     []Item
	Present   bool // written in a file
	Default   bool // Value is the documented default, not a written value
	Invalid   bool // written, but the text does not parse as Kind (Value holds the raw text)
	// at is the element whose position is the field's (see Pos).
	at *Element
	// Elem is the element holding the value (nil when absent).
	Elem *Element
	// Doc is the file that holds (or would hold) the value; nil if that file is absent.
	Doc *Document
	// Parent is the element that holds (or would hold) Elem; nil if Doc is nil.
	Parent *Element
	// Source is where the value is read from, e.g. "ExtlClntAppGlobalOauthSettings/callbackUrl".
	Source string
}

// Pos returns the position of the field: of its element when it is written,
// else of the element that would hold it (or of the app's root element).
func (f *Field) Pos() Pos {
	if f == nil || f.at == nil {
		return Pos{}
	}
	return f.at.Pos()
}

// Bool returns the field's canonical boolean value and whether it has one.
func (f *Field) Bool() (value, ok bool) {
	if f == nil {
		return false, false
	}
	b, ok := f.Canonical.(bool)
	return b, ok
}

// Strings returns the canonical list value (scopes canonicalized, URLs as written).
func (f *Field) Strings() []string {
	if f == nil {
		return nil
	}
	switch v := f.Canonical.(type) {
	case []string:
		return v
	case string:
		if v == "" {
			return nil
		}
		return []string{v}
	}
	return nil
}

// String returns the canonical string value ("" when none).
func (f *Field) String() string {
	if f == nil {
		return ""
	}
	if s, ok := f.Canonical.(string); ok {
		return s
	}
	return ""
}

// Int returns the canonical integer value and whether it has one.
func (f *Field) Int() (int, bool) {
	if f == nil {
		return 0, false
	}
	n, ok := f.Canonical.(int)
	return n, ok
}

// Display renders the value for people: as written, "(default)" when it is
// the documented default, the canonical spelling when it differs, "not set"
// when absent. A secret shows only as present or absent.
func (f *Field) Display() string {
	if f == nil {
		return "not set"
	}
	if f.Kind == KindSecret {
		if f.Present {
			return "present"
		}
		return "absent"
	}
	if !f.Present && !f.Default {
		return "not set"
	}
	if f.Kind == KindEnum && !f.Default {
		if c, ok := f.Canonical.(string); ok && !strings.EqualFold(c, fmt.Sprint(f.Value)) {
			return fmt.Sprintf("%s (written %v)", c, f.Value)
		}
	}
	var s string
	switch v := f.Value.(type) {
	case []string:
		if len(v) == 0 {
			s = "none"
		} else {
			s = strings.Join(v, ", ")
		}
	default:
		s = fmt.Sprint(v)
	}
	if f.Default {
		s += " (default)"
	}
	return s
}

// HasValue reports whether the field is written or has a documented default.
func (f *Field) HasValue() bool { return f != nil && (f.Present || f.Default) && !f.Invalid }

// App is one OAuth app, whatever its kind: a Connected App file, or an External
// Client App's header joined with its settings and policy files.
type App struct {
	Name string
	Kind AppKind
	// Namespace is the package namespace when children reference the app as ns__Name.
	Namespace string
	// Docs holds the app's files by type. A Connected App has one.
	Docs map[Type]*Document
	// Pos is the position of the app's root file's root element.
	Pos Pos
	// fields holds the model, by the slots of plans (nil until the loader
	// builds it); a field whose Path is "" is not set.
	plans  *kindPlans
	fields []Field
}

// rootElement returns the root element of the app's root file: the one at
// the app's position (nil when none is).
func (a *App) rootElement() *Element {
	for _, ti := range knownTypes {
		if d := a.Docs[ti.Type]; d != nil && d.Root != nil && d.Root.Pos() == a.Pos {
			return d.Root
		}
	}
	return nil
}

// Files returns the paths of the app's files in type order.
func (a *App) Files() []string {
	var out []string
	for _, ti := range knownTypes {
		if d := a.Docs[ti.Type]; d != nil {
			out = append(out, d.Path)
		}
	}
	return out
}

// Field returns the model field at path, or nil if path is not a model path.
func (a *App) Field(path string) *Field {
	if a.plans == nil {
		return nil
	}
	if i, ok := a.plans.slots[path]; ok && a.fields[i].Path != "" {
		return &a.fields[i]
	}
	return nil
}

// Fields returns every model field of the app, sorted by path.
func (a *App) Fields() []*Field {
	if a.plans == nil {
		return []*Field{}
	}
	out := make([]*Field, 0, len(a.fields))
	for _, i := range a.plans.byPath {
		if a.fields[i].Path != "" {
			out = append(out, &a.fields[i])
		}
	}
	return out
}

// setField replaces a field (by copy). It is meant for derived facts
// computed by the loader: f.Path must be a model path of the app's kind.
func (a *App) setField(f *Field) {
	i, ok := a.plans.slots[f.Path]
	if !ok {
		panic("metadata: " + f.Path + " is not a model path of " + string(a.Kind))
	}
	a.fields[i] = *f
}

// Permission is one user permission granted (or explicitly not) by a profile or permission set.
type Permission struct {
	Name    string
	Enabled bool
	Pos     Pos
}

// PermissionHolder is a Profile or PermissionSet file reduced to what OAuth rules need.
type PermissionHolder struct {
	Type Type
	// Name is the component name (file name without suffix).
	Name string
	// Label is the <label> (permission sets) or, for profiles, the display name
	// that app pre-authorization uses (Admin -> System Administrator).
	Label       string
	Doc         *Document
	Pos         Pos
	Permissions map[string]Permission // keyed by lower-case permission name
}

// Grants reports whether the holder enables the named user permission (case-insensitive).
func (h *PermissionHolder) Grants(name string) (Permission, bool) {
	p, ok := h.Permissions[strings.ToLower(name)]
	return p, ok && p.Enabled
}

// Matches reports whether name refers to this holder by API name or label
// (ConnectedApp permissionSetName holds labels, ECA commaSeparatedPermissionSet API names).
func (h *PermissionHolder) Matches(name string) bool {
	name = strings.TrimSpace(name)
	return strings.EqualFold(name, h.Name) || (h.Label != "" && strings.EqualFold(name, h.Label))
}

// Project is everything read from the inputs.
type Project struct {
	Apps      []*App
	Holders   []*PermissionHolder
	Documents []*Document
	Problems  []Problem
	// Root is the directory paths are made relative to.
	Root string
}

// App returns the app with the given name (case-sensitive), or nil.
func (p *Project) App(name string) *App {
	for _, a := range p.Apps {
		if a.Name == name {
			return a
		}
	}
	return nil
}

// APIEnabledHolders returns the profiles and permission sets that grant ApiEnabled.
func (p *Project) APIEnabledHolders() []*PermissionHolder {
	var out []*PermissionHolder
	for _, h := range p.Holders {
		if _, ok := h.Grants("ApiEnabled"); ok {
			out = append(out, h)
		}
	}
	return out
}

// FindHolder returns the profile or permission set a pre-authorization entry names.
func (p *Project) FindHolder(t Type, name string) *PermissionHolder {
	for _, h := range p.Holders {
		if h.Type == t && h.Matches(name) {
			return h
		}
	}
	return nil
}
