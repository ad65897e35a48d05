// Package edit changes app metadata the way a careful person would: on the
// original bytes. A fix replaces the content of one element, inserts one
// element where Salesforce's retrieve would put it (alphabetical order among
// its siblings, with the siblings' indentation and the file's line endings),
// or removes one element or list item. Comments, element order, indentation,
// tags split over several lines, entity spellings and unknown elements outside
// the edited element are kept byte for byte.
//
// Edits name model paths (oauth.pkceRequired, oauth.scopes, ...); the field
// table in package metadata says which file and element hold each one for
// each app kind, and metadata/normalize.go how each kind spells a value.
package edit

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/sfapplint/sfapplint/metadata"
)

// Op is what an edit does to a field.
type Op string

// Edit operations: set a scalar (or replace a whole list), add to or remove
// from a list field.
const (
	OpSet    Op = "set"
	OpAdd    Op = "add"
	OpRemove Op = "remove"
)

// Edit is one change to one model field of an app.
type Edit struct {
	Op    Op
	Field string // model path, e.g. oauth.pkceRequired
	// Value is the value to set, add or remove. For list fields it may hold
	// several values: comma-separated (scopes, profiles, permission sets) or
	// one per line (callback URLs).
	Value string
}

func (e Edit) String() string {
	switch e.Op {
	case OpAdd:
		return fmt.Sprintf("add %q to %s", e.Value, e.Field)
	case OpRemove:
		return fmt.Sprintf("remove %q from %s", e.Value, e.Field)
	}
	return fmt.Sprintf("set %s to %q", e.Field, e.Value)
}

// Status says what became of an edit.
type Status int

// Edit outcomes.
const (
	// Changed: the edit changed a file.
	Changed Status = iota + 1
	// Unchanged: the file already said what the edit wants (for example an
	// earlier edit in the same batch did it).
	Unchanged
	// Skipped: the edit could not be applied; Reason says why.
	Skipped
)

func (s Status) String() string {
	switch s {
	case Changed:
		return "changed"
	case Unchanged:
		return "unchanged"
	case Skipped:
		return "skipped"
	}
	return "unknown"
}

// Outcome is the result of one edit.
type Outcome struct {
	Edit   Edit
	Status Status
	Reason string
	// Files are the display paths of the files the edit changed or checked.
	Files []string
}

// Change is the new content of one file.
type Change struct {
	// Path is the document's display path (Document.Path), or for a created
	// file the display path it should be written to (next to its siblings).
	Path    string
	Type    metadata.Type
	Before  []byte // nil when Created
	After   []byte
	Created bool
}

// Result is what Apply did.
type Result struct {
	// Changes lists the files whose bytes changed (or that were created), by path.
	Changes []Change
	// Outcomes has one entry per edit, in the order given.
	Outcomes []Outcome
}

// Apply applies the edits to the app's documents, in order, and returns the
// new bytes of every file that changed. The app's documents are not modified.
// Edits that cannot be applied (a derived or secret field, a field the app
// kind does not have, a value the field does not take, two edits that
// contradict each other) are reported as Skipped and change nothing.
func Apply(app *metadata.App, edits []Edit) *Result {
	e := &editor{app: app, kind: app.Kind, files: map[metadata.Type]*file{}}
	res := &Result{Outcomes: make([]Outcome, len(edits))}
	conflicts := findConflicts(edits)
	for i, ed := range edits {
		out := Outcome{Edit: ed}
		if why, bad := conflicts[i]; bad {
			out.Status, out.Reason = Skipped, why
			res.Outcomes[i] = out
			continue
		}
		e.touched = nil
		snapshot := e.snapshot()
		changed, err := e.apply(ed)
		switch {
		case err != nil:
			e.restore(snapshot)
			out.Status, out.Reason = Skipped, err.Error()
		case changed:
			out.Status = Changed
		default:
			out.Status = Unchanged
		}
		out.Files = dedupe(e.touched)
		res.Outcomes[i] = out
	}
	for _, f := range e.files {
		if f.created || !bytes.Equal(f.src, f.before) {
			res.Changes = append(res.Changes, Change{Path: f.path, Type: f.typ, Before: f.before, After: f.src, Created: f.created})
		}
	}
	sort.Slice(res.Changes, func(i, j int) bool { return res.Changes[i].Path < res.Changes[j].Path })
	return res
}

// file is the working copy of one of the app's documents.
type file struct {
	typ     metadata.Type
	path    string
	before  []byte
	src     []byte
	doc     *metadata.Document
	created bool
	st      style
}

type editor struct {
	app     *metadata.App
	kind    metadata.AppKind
	files   map[metadata.Type]*file
	touched []string
	// enablingOAuth is set while an oauth.enabled edit creates the OAuth settings files.
	enablingOAuth bool
}

type fileState struct {
	src []byte
	doc *metadata.Document
}

func (e *editor) snapshot() map[metadata.Type]fileState {
	m := map[metadata.Type]fileState{}
	for t, f := range e.files {
		m[t] = fileState{f.src, f.doc}
	}
	return m
}

func (e *editor) restore(m map[metadata.Type]fileState) {
	for t, f := range e.files {
		if s, ok := m[t]; ok {
			f.src, f.doc = s.src, s.doc
		} else {
			delete(e.files, t) // created by the failed edit
		}
	}
}

// file returns the working copy of the app's file of type t. When the app has
// no such file and create is true, an External Client App's settings or
// policies file is created next to its siblings.
func (e *editor) file(t metadata.Type, create bool) (*file, error) {
	if f := e.files[t]; f != nil {
		e.touched = append(e.touched, f.path)
		return f, nil
	}
	if d := e.app.Docs[t]; d != nil {
		if enc := declaredEncoding(d.Source); enc != "" && !utf8Compatible(enc) {
			return nil, fmt.Errorf("%s declares encoding %q; sfapplint edits only UTF-8 files", d.Path, enc)
		}
		f := &file{typ: t, path: d.Path, before: d.Source, src: d.Source, doc: d}
		f.st = detectStyle(d)
		e.files[t] = f
		e.touched = append(e.touched, f.path)
		return f, nil
	}
	if !create {
		return nil, nil
	}
	f, err := e.newFile(t)
	if err != nil {
		return nil, err
	}
	e.files[t] = f
	e.touched = append(e.touched, f.path)
	return f, nil
}

// mutate replaces src[start:end] with repl and re-parses the file. The edit is
// refused when the result is not well-formed XML.
func (e *editor) mutate(f *file, start, end int, repl string) error {
	if start < 0 || end < start || end > len(f.src) {
		return fmt.Errorf("internal error: edit span %d-%d outside %s", start, end, f.path)
	}
	buf := make([]byte, 0, len(f.src)-(end-start)+len(repl))
	buf = append(buf, f.src[:start]...)
	buf = append(buf, repl...)
	buf = append(buf, f.src[end:]...)
	doc, err := metadata.ParseDocument(f.path, buf, metadata.ParseLimits{})
	if err != nil {
		return fmt.Errorf("internal error: the edit would make %s malformed: %w", f.path, err)
	}
	f.src, f.doc = buf, doc
	return nil
}

// apply dispatches one edit to the field's own handling.
func (e *editor) apply(ed Edit) (bool, error) {
	spec, ok := metadata.LookupField(ed.Field)
	if !ok {
		return false, fmt.Errorf("%q is not a model field", ed.Field)
	}
	if spec.Kind == metadata.KindSecret {
		return false, fmt.Errorf("%s is a secret; sfapplint never writes secrets", ed.Field)
	}
	switch ed.Op {
	case OpSet, OpAdd, OpRemove:
	default:
		return false, fmt.Errorf("unknown operation %q", ed.Op)
	}
	isList := spec.Kind == metadata.KindList || spec.Kind == metadata.KindScopes || spec.Kind == metadata.KindURLs
	if !isList && ed.Op != OpSet {
		return false, fmt.Errorf("%s is a %s field: only set applies", ed.Field, spec.Kind)
	}
	switch ed.Field {
	case "oauth.secretRequiredForWebServerFlow":
		b, ok := metadata.ParseBool(ed.Value)
		if !ok {
			return false, fmt.Errorf("%q is not true or false", ed.Value)
		}
		return e.apply(Edit{Op: OpSet, Field: "oauth.consumerSecretOptional", Value: strconv.FormatBool(!b)})
	case "oauth.enabled":
		return e.setOAuthEnabled(ed.Value)
	case "policy.permittedUsers":
		return e.setPermittedUsers(spec, ed.Value)
	case "policy.refreshToken":
		return e.setRefreshPolicy(spec, ed.Value)
	case "policy.refreshTokenValidityPeriod", "policy.refreshTokenValidityUnit":
		return e.setRefreshValidity(spec, ed.Field, ed.Value)
	}
	if spec.Derived != "" {
		return false, fmt.Errorf("%s is derived (%s) and cannot be written", ed.Field, spec.Derived)
	}
	src := spec.SourceFor(e.kind)
	if src.Type == "" {
		return false, fmt.Errorf("a %s has no %s", e.kind, ed.Field)
	}
	if isList {
		return e.applyList(spec, src, ed)
	}
	text, err := e.scalarText(spec, ed.Value)
	if err != nil {
		return false, err
	}
	return e.setLeaf(src.Type, src.Elem, text)
}

// scalarText normalizes a value for a scalar field to the spelling the app kind writes.
func (e *editor) scalarText(spec metadata.FieldSpec, v string) (string, error) {
	v = strings.TrimSpace(v)
	switch spec.Kind {
	case metadata.KindBool:
		b, ok := metadata.ParseBool(v)
		if !ok {
			return "", fmt.Errorf("%q is not true or false", v)
		}
		return strconv.FormatBool(b), nil
	case metadata.KindInt:
		if _, err := strconv.Atoi(v); err != nil {
			return "", fmt.Errorf("%q is not a whole number", v)
		}
		return v, nil
	case metadata.KindEnum:
		c, ok := metadata.CanonicalValue(spec.Path, v)
		if !ok || c == "" {
			return "", fmt.Errorf("%q is not a value of %s (values: %s)", v, spec.Path, strings.Join(spec.Enum, ", "))
		}
		if spec.Path == "policy.ipRelaxation" {
			return metadata.IPRelaxationSpelling(c, e.kind), nil
		}
		return c, nil
	}
	return v, nil
}

func (e *editor) setOAuthEnabled(v string) (bool, error) {
	on, ok := metadata.ParseBool(v)
	if !ok {
		return false, fmt.Errorf("%q is not true or false", v)
	}
	if e.kind == metadata.KindConnectedApp {
		if on == (e.app.Docs[metadata.TypeConnectedApp].Root.Child("oauthConfig") != nil) {
			return false, nil
		}
		return false, fmt.Errorf("OAuth on a Connected App is switched with its whole <oauthConfig> (callback URL, scopes, consumer key); change it in Setup > App Manager > Edit > Enable OAuth Settings")
	}
	changed := false
	if !on {
		return e.apply(Edit{Op: OpSet, Field: "oauth.pluginEnabled", Value: "false"})
	}
	for _, t := range []metadata.Type{metadata.TypeECAGlobalOauth, metadata.TypeECAOauthSettings} {
		if e.app.Docs[t] == nil && e.files[t] == nil {
			e.enablingOAuth = true
			_, err := e.file(t, true)
			e.enablingOAuth = false
			if err != nil {
				return false, err
			}
			changed = true
		}
	}
	for _, path := range []string{"app.enabled", "oauth.pluginEnabled"} {
		cur := e.currentField(path)
		if b, ok := metadata.ParseBool(cur); cur != "" && (!ok || !b) {
			c, err := e.apply(Edit{Op: OpSet, Field: path, Value: "true"})
			if err != nil {
				return false, err
			}
			changed = changed || c
		}
	}
	return changed, nil
}

func (e *editor) setPermittedUsers(spec metadata.FieldSpec, v string) (bool, error) {
	c, ok := metadata.CanonicalPermittedUsers(v)
	if !ok {
		if b, isBool := metadata.ParseBool(v); isBool {
			c, ok = metadata.PermittedAllSelfAuthorized, true
			if b {
				c = metadata.PermittedAdminApprovedPreAuthorized
			}
		}
	}
	if !ok {
		return false, fmt.Errorf("%q is not a value of policy.permittedUsers (values: %s)", v, strings.Join(spec.Enum, ", "))
	}
	src := spec.SourceFor(e.kind)
	if e.kind == metadata.KindConnectedApp {
		return e.setLeaf(src.Type, src.Elem, strconv.FormatBool(c == metadata.PermittedAdminApprovedPreAuthorized))
	}
	return e.setLeaf(src.Type, src.Elem, c)
}

// Defaults written with a refresh token policy that needs a period: the
// External Client App default (365 days) for a lifetime, 30 days of inactivity.
var refreshDefaults = map[string]metadata.RefreshTokenPolicy{
	metadata.RefreshSpecificLifetime:   {Type: metadata.RefreshSpecificLifetime, Period: 365, Unit: "Days"},
	metadata.RefreshSpecificInactivity: {Type: metadata.RefreshSpecificInactivity, Period: 30, Unit: "Days"},
}

func needsPeriod(t string) bool {
	return t == metadata.RefreshSpecificLifetime || t == metadata.RefreshSpecificInactivity
}

func (e *editor) setRefreshPolicy(spec metadata.FieldSpec, v string) (bool, error) {
	want, ok := metadata.ParseConnectedAppRefreshPolicy(v)
	if !ok {
		t, ok2 := metadata.CanonicalRefreshPolicyType(v)
		if !ok2 {
			return false, fmt.Errorf("%q is not a refresh token policy (values: %s)", v, strings.Join(spec.Enum, ", "))
		}
		want = metadata.RefreshTokenPolicy{Type: t}
	}
	src := spec.SourceFor(e.kind)
	if e.kind == metadata.KindConnectedApp {
		cur := e.currentCARefreshPolicy()
		if needsPeriod(want.Type) && want.Period == 0 {
			if needsPeriod(cur.Type) && cur.Period > 0 {
				want.Period, want.Unit = cur.Period, cur.Unit
			} else {
				d := refreshDefaults[want.Type]
				want.Period, want.Unit = d.Period, d.Unit
			}
		}
		if !needsPeriod(want.Type) {
			want.Period, want.Unit = 0, ""
		}
		if cur == want {
			return false, nil
		}
		return e.setLeaf(src.Type, src.Elem, metadata.FormatConnectedAppRefreshPolicy(want))
	}
	changed, err := e.setLeaf(src.Type, src.Elem, want.Type)
	if err != nil || !needsPeriod(want.Type) {
		return changed, err
	}
	d := refreshDefaults[want.Type]
	period, unit := strconv.Itoa(d.Period), d.Unit
	if want.Period > 0 {
		period, unit = strconv.Itoa(want.Period), want.Unit
	}
	pf, uf := e.currentField("policy.refreshTokenValidityPeriod"), e.currentField("policy.refreshTokenValidityUnit")
	if want.Period > 0 || pf == "" || pf == "0" {
		c, err := e.setLeaf(src.Type, "refreshTokenValidityPeriod", period)
		if err != nil {
			return false, err
		}
		changed = changed || c
	}
	if want.Period > 0 || uf == "" {
		c, err := e.setLeaf(src.Type, "refreshTokenValidityUnit", unit)
		if err != nil {
			return false, err
		}
		changed = changed || c
	}
	return changed, nil
}

func (e *editor) setRefreshValidity(spec metadata.FieldSpec, path, v string) (bool, error) {
	src := spec.SourceFor(e.kind)
	var text string
	if path == "policy.refreshTokenValidityPeriod" {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 0 {
			return false, fmt.Errorf("%q is not a whole number", v)
		}
		text = strconv.Itoa(n)
	} else {
		u, ok := metadata.CanonicalTokenUnit(v)
		if !ok {
			return false, fmt.Errorf("%q is not a refresh token unit (Hours, Days, Months)", v)
		}
		text = u
	}
	if e.kind != metadata.KindConnectedApp {
		return e.setLeaf(src.Type, src.Elem, text)
	}
	cur := e.currentCARefreshPolicy()
	if !needsPeriod(cur.Type) {
		return false, fmt.Errorf("the Connected App's refresh token policy is %s, which has no validity period; set policy.refreshToken to SpecificLifetime or SpecificInactivity first", cur.Type)
	}
	want := cur
	if path == "policy.refreshTokenValidityPeriod" {
		want.Period, _ = strconv.Atoi(text)
	} else {
		want.Unit = text
	}
	if want == cur {
		return false, nil
	}
	return e.setLeaf(src.Type, src.Elem, metadata.FormatConnectedAppRefreshPolicy(want))
}

// currentCARefreshPolicy parses the Connected App's refreshTokenPolicy as the
// working copy has it now (infinite, the default, when absent or unreadable).
func (e *editor) currentCARefreshPolicy() metadata.RefreshTokenPolicy {
	text := e.currentText(metadata.TypeConnectedApp, "oauthPolicy/refreshTokenPolicy")
	if p, ok := metadata.ParseConnectedAppRefreshPolicy(text); ok {
		return p
	}
	return metadata.RefreshTokenPolicy{Type: metadata.RefreshInfinite}
}

// currentField returns the trimmed text of a field's element in the working copy.
func (e *editor) currentField(path string) string {
	spec, _ := metadata.LookupField(path)
	src := spec.SourceFor(e.kind)
	return e.currentText(src.Type, src.Elem)
}

func (e *editor) currentText(t metadata.Type, elemPath string) string {
	var doc *metadata.Document
	if f := e.files[t]; f != nil {
		doc = f.doc
	} else {
		doc = e.app.Docs[t]
	}
	if doc == nil {
		return ""
	}
	parent, name := locateParent(doc, elemPath)
	el := parent.Child(name)
	if el == nil {
		return ""
	}
	return strings.TrimSpace(el.Text)
}

// cannotCreate lists containers an edit must not create, and why.
var cannotCreate = map[string]string{
	"ConnectedApp/oauthConfig": "the Connected App has no <oauthConfig> (OAuth is not enabled); enable OAuth Settings in Setup > App Manager > Edit first",
}

// requiredChildren are written, with their documented defaults, when an edit
// creates a container whose type requires them, so the model does not change
// beyond the edited field and the schema stays satisfied.
var requiredChildren = map[string][]Element{
	"ConnectedApp/oauthPolicy": {{Name: "ipRelaxation", Text: "ENFORCE"}, {Name: "refreshTokenPolicy", Text: "infinite"}},
}

// setLeaf sets the text of the element at elemPath (below the root of the
// file of type t), creating the element, missing containers and the file as needed.
func (e *editor) setLeaf(t metadata.Type, elemPath, text string) (bool, error) {
	f, err := e.file(t, true)
	if err != nil {
		return false, err
	}
	parts := strings.Split(elemPath, "/")
	parent := f.doc.Root
	for i, p := range parts[:len(parts)-1] {
		c := parent.Child(p)
		if c == nil {
			n, err := nest(string(t), parts[:i], parts[i:], text)
			if err != nil {
				return false, err
			}
			return true, e.insertChild(f, parent, n)
		}
		parent = c
	}
	name := parts[len(parts)-1]
	leaf := parent.Child(name)
	if leaf == nil {
		return true, e.insertChild(f, parent, Element{Name: name, Text: text})
	}
	if len(leaf.Children) > 0 {
		return false, fmt.Errorf("<%s> in %s has child elements; it cannot be set to a value", name, f.path)
	}
	if strings.TrimSpace(leaf.Text) == text {
		return false, nil
	}
	return true, e.replaceContent(f, leaf, escapeText(text))
}

// nest builds the element for parts (the first of which is missing below the
// element at done), holding text in its leaf.
func nest(root string, done, parts []string, text string) (Element, error) {
	if len(parts) == 1 {
		return Element{Name: parts[0], Text: text}, nil
	}
	key := root + "/" + strings.Join(append(append([]string{}, done...), parts[0]), "/")
	if why, bad := cannotCreate[key]; bad {
		return Element{}, fmt.Errorf("%s", why)
	}
	inner, err := nest(root, append(append([]string{}, done...), parts[0]), parts[1:], text)
	if err != nil {
		return Element{}, err
	}
	n := Element{Name: parts[0], Children: []Element{inner}}
	for _, req := range requiredChildren[key] {
		if req.Name != inner.Name {
			n.Children = append(n.Children, req)
		}
	}
	sort.SliceStable(n.Children, func(i, j int) bool { return n.Children[i].Name < n.Children[j].Name })
	return n, nil
}

// replaceContent replaces the content of a leaf element with raw (already escaped) text.
func (e *editor) replaceContent(f *file, el *metadata.Element, raw string) error {
	if el.SelfClosing {
		open, closeTag := tagsOf(f.src, el)
		return e.mutate(f, el.StartOffset, el.EndOffset, open+raw+closeTag)
	}
	return e.mutate(f, el.ContentStart, el.ContentEnd, raw)
}

// removeElement deletes an element, with its line when it stands alone on it.
func (e *editor) removeElement(f *file, el *metadata.Element) error {
	start, end := el.StartOffset, el.EndOffset
	if ind, ok := lineIndent(f.src, start); ok {
		rest := end
		for rest < len(f.src) && (f.src[rest] == ' ' || f.src[rest] == '\t') {
			rest++
		}
		switch {
		case rest < len(f.src) && f.src[rest] == '\n':
			start, end = start-len(ind), rest+1
		case rest+1 < len(f.src) && f.src[rest] == '\r' && f.src[rest+1] == '\n':
			start, end = start-len(ind), rest+2
		}
	}
	return e.mutate(f, start, end, "")
}

// insertChild inserts n into parent at its alphabetical position among the
// siblings (after the last sibling of the same name, when there is one).
func (e *editor) insertChild(f *file, parent *metadata.Element, n Element) error {
	src := f.src
	eol, unit := f.st.eol, f.st.unit
	if len(parent.Children) == 0 {
		return e.insertIntoEmpty(f, parent, n)
	}
	var before, after *metadata.Element
	if same := parent.ChildrenNamed(n.Name); len(same) > 0 {
		after = same[len(same)-1]
	} else {
		for _, c := range parent.Children {
			if c.Name > n.Name {
				before = c
				break
			}
		}
		if before == nil {
			after = parent.Children[len(parent.Children)-1]
		}
	}
	if before != nil {
		anchor := before.StartOffset
		for _, c := range f.doc.Comments {
			if c.Next == before && c.Offset < anchor {
				if _, ok := lineIndent(src, c.Offset); ok {
					anchor = c.Offset
				}
			}
		}
		ind, ok := lineIndent(src, anchor)
		if !ok {
			return e.mutate(f, anchor, anchor, n.render("", unit, eol))
		}
		indent := ind
		if bi, ok := lineIndent(src, before.StartOffset); ok {
			indent = bi
		}
		at := anchor - len(ind)
		return e.mutate(f, at, at, indent+n.render(indent, unit, eol)+eol)
	}
	ind, ok := lineIndent(src, after.StartOffset)
	if !ok {
		return e.mutate(f, after.EndOffset, after.EndOffset, n.render("", unit, eol))
	}
	at := afterTrailingComments(f, after.EndOffset)
	return e.mutate(f, at, at, eol+ind+n.render(ind, unit, eol))
}

// afterTrailingComments moves an insertion point past comments that share the
// line of the element ending at off, so they stay with that element.
func afterTrailingComments(f *file, off int) int {
	pos := off
	for {
		p := pos
		for p < len(f.src) && (f.src[p] == ' ' || f.src[p] == '\t') {
			p++
		}
		moved := false
		for _, c := range f.doc.Comments {
			if c.Offset == p {
				pos, moved = c.End, true
				break
			}
		}
		if !moved {
			if p == len(f.src) || f.src[p] == '\n' || f.src[p] == '\r' {
				return pos
			}
			return off
		}
	}
}

// insertIntoEmpty inserts the first child element of parent.
func (e *editor) insertIntoEmpty(f *file, parent *metadata.Element, n Element) error {
	src := f.src
	eol, unit := f.st.eol, f.st.unit
	pind, _ := lineIndent(src, parent.StartOffset)
	cind := pind + unit
	if parent.SelfClosing {
		open, closeTag := tagsOf(src, parent)
		return e.mutate(f, parent.StartOffset, parent.EndOffset, open+eol+cind+n.render(cind, unit, eol)+eol+pind+closeTag)
	}
	content := src[parent.ContentStart:parent.ContentEnd]
	if len(bytes.TrimSpace(content)) == 0 {
		return e.mutate(f, parent.ContentStart, parent.ContentEnd, eol+cind+n.render(cind, unit, eol)+eol+pind)
	}
	if strings.TrimSpace(parent.Text) != "" {
		return fmt.Errorf("<%s> in %s holds text, not elements; it cannot take <%s>", parent.Name, f.path, n.Name)
	}
	// Only comments (or processing instructions) inside: add after them.
	if ind, ok := lineIndent(src, parent.ContentEnd); ok {
		at := parent.ContentEnd - len(ind)
		return e.mutate(f, at, at, cind+n.render(cind, unit, eol)+eol)
	}
	return e.mutate(f, parent.ContentEnd, parent.ContentEnd, eol+cind+n.render(cind, unit, eol)+eol+pind)
}

// tagsOf returns the start tag (as written, without a self-closing slash) and
// the end tag of an element.
func tagsOf(src []byte, el *metadata.Element) (open, closeTag string) {
	raw := string(src[el.StartOffset:el.ContentStart])
	name := raw[1:]
	if i := strings.IndexAny(name, " \t\r\n/>"); i >= 0 {
		name = name[:i]
	}
	if el.SelfClosing {
		raw = strings.TrimSuffix(raw, ">")
		raw = strings.TrimSuffix(raw, "/")
		raw = strings.TrimRight(raw, " \t\r\n") + ">"
	}
	return raw, "</" + name + ">"
}

// declaredEncoding returns the encoding named in the XML declaration, or "".
func declaredEncoding(src []byte) string {
	src = bytes.TrimPrefix(src, []byte{0xEF, 0xBB, 0xBF})
	if !bytes.HasPrefix(src, []byte("<?xml")) {
		return ""
	}
	end := bytes.Index(src, []byte("?>"))
	if end < 0 {
		return ""
	}
	decl := string(src[:end])
	i := strings.Index(decl, "encoding")
	if i < 0 {
		return ""
	}
	rest := strings.TrimLeft(decl[i+len("encoding"):], " \t\r\n=")
	if rest == "" || (rest[0] != '"' && rest[0] != '\'') {
		return ""
	}
	q := rest[0]
	if j := strings.IndexByte(rest[1:], q); j >= 0 {
		return rest[1 : j+1]
	}
	return ""
}

func utf8Compatible(enc string) bool {
	switch strings.ToLower(enc) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return true
	}
	return false
}

// lineIndent returns the spaces and tabs between the start of off's line and
// off, and whether only those stand before off on its line.
func lineIndent(src []byte, off int) (string, bool) {
	i := off
	for i > 0 && (src[i-1] == ' ' || src[i-1] == '\t') {
		i--
	}
	if i == 0 || src[i-1] == '\n' {
		return string(src[i:off]), true
	}
	return "", false
}

// style is how a file writes whitespace.
type style struct {
	eol  string // "\n" or "\r\n"
	unit string // one level of indentation
}

func detectStyle(doc *metadata.Document) style {
	st := style{eol: "\n", unit: "    "}
	if i := bytes.IndexByte(doc.Source, '\n'); i > 0 && doc.Source[i-1] == '\r' {
		st.eol = "\r\n"
	}
	var walk func(el *metadata.Element) bool
	walk = func(el *metadata.Element) bool {
		pi, pok := lineIndent(doc.Source, el.StartOffset)
		for _, c := range el.Children {
			ci, ok := lineIndent(doc.Source, c.StartOffset)
			if ok && pok && len(ci) > len(pi) && strings.HasPrefix(ci, pi) {
				st.unit = ci[len(pi):]
				return true
			}
		}
		for _, c := range el.Children {
			if walk(c) {
				return true
			}
		}
		return false
	}
	if doc.Root != nil {
		walk(doc.Root)
	}
	return st
}

// Element is an element to write: a leaf with text, or a container.
type Element struct {
	Name     string
	Text     string // unescaped character data of a leaf
	Children []Element
}

// render writes the element as it should appear at indentation indent.
func (n Element) render(indent, unit, eol string) string {
	if len(n.Children) == 0 {
		return "<" + n.Name + ">" + escapeText(n.Text) + "</" + n.Name + ">"
	}
	var b strings.Builder
	b.WriteString("<" + n.Name + ">")
	for _, c := range n.Children {
		b.WriteString(eol + indent + unit + c.render(indent+unit, unit, eol))
	}
	b.WriteString(eol + indent + "</" + n.Name + ">")
	return b.String()
}

// escapeText escapes character data for XML. Line breaks stay line breaks.
func escapeText(s string) string {
	if !strings.ContainsAny(s, "&<>") {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// unescapeText decodes the predefined entities and character references.
func unescapeText(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] != '&' {
			b.WriteByte(s[i])
			i++
			continue
		}
		end := strings.IndexByte(s[i:], ';')
		if end < 0 {
			b.WriteString(s[i:])
			break
		}
		ent := s[i+1 : i+end]
		switch {
		case ent == "amp":
			b.WriteByte('&')
		case ent == "lt":
			b.WriteByte('<')
		case ent == "gt":
			b.WriteByte('>')
		case ent == "quot":
			b.WriteByte('"')
		case ent == "apos":
			b.WriteByte('\'')
		case strings.HasPrefix(ent, "#x") || strings.HasPrefix(ent, "#X"):
			if n, err := strconv.ParseUint(ent[2:], 16, 32); err == nil {
				b.WriteRune(rune(n))
			}
		case strings.HasPrefix(ent, "#"):
			if n, err := strconv.ParseUint(ent[1:], 10, 32); err == nil {
				b.WriteRune(rune(n))
			}
		default:
			b.WriteString(s[i : i+end+1])
		}
		i += end + 1
	}
	return b.String()
}

func dedupe(s []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
