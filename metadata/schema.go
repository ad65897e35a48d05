package metadata

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// The generated schema, generatedSchema in schema_data.go, comes from the npm
// packages @salesforce/types (lib/metadata.d.ts) and
// @salesforce/source-deploy-retrieve (metadataRegistry.json); see
// internal/schemagen/README.md. With both installed under $SFNPM (for example
// /tmp/sfnpm), regenerate it from the repository root with:
//
//	SFNPM=/tmp/sfnpm go generate -run schemagen ./metadata
//
//go:generate go run ./internal/schemagen -types ${SFNPM}/node_modules/@salesforce/types/lib/metadata.d.ts -registry ${SFNPM}/node_modules/@salesforce/source-deploy-retrieve/lib/src/registry/metadataRegistry.json -gotypes types.go -out schema_data.go

// generatedWhere names the generated schema in error messages.
const generatedWhere = "generated schema (schema_data.go)"

// FieldKind says how the value of an element is checked.
type FieldKind string

// Field kinds.
const (
	FieldString  FieldKind = "string"  // any text
	FieldBoolean FieldKind = "boolean" // exactly true or false
	FieldInt     FieldKind = "int"     // a 32-bit decimal integer
	FieldDouble  FieldKind = "double"  // a decimal number (xsd:double)
	FieldEnum    FieldKind = "enum"    // one of FieldDef.Enum, or a fixed value syntax
	FieldComplex FieldKind = "complex" // child elements described by the ComplexType named FieldDef.Type
	FieldBase64  FieldKind = "base64"  // base64-encoded binary (not checked)
)

// FieldDef describes one element of a complex type.
type FieldDef struct {
	// Name is the element's local name.
	Name string
	// Type is the WSDL type name: a complex type, an enum, or a simple type
	// (string, boolean, int, double). Elements that the WSDL types as string but
	// that take fixed values keep Type "string" and have Kind FieldEnum.
	Type string
	// Kind says how the value is checked.
	Kind FieldKind
	// Repeated is true when the element may appear more than once.
	Repeated bool
	// Required is true when Validate reports the element missing: the WSDL
	// requires it and every real retrieved file has it (schema_overrides.go).
	// The generated schema (schema_data.go) keeps the WSDL's own, wider,
	// required flags.
	Required bool
	// wsdlRequired is the generated schema's required flag, which every
	// required override must agree with.
	wsdlRequired bool
	// Enum lists the accepted values of an enum element (nil otherwise, and nil
	// for elements whose values follow a syntax rather than a list).
	Enum []string

	format     valueFormat
	deprecated string
	// enumNames is the enum Enum comes from, with its did-you-mean index
	// (nil when Enum is nil).
	enumNames *enumValues
}

// ComplexType is a metadata type or a type nested in one: a named list of
// elements. Schema hands it out by pointer; it must not be copied.
type ComplexType struct {
	// Name is the WSDL type name, e.g. "ConnectedAppOauthConfig".
	Name string
	// Fields lists the elements, sorted by name.
	Fields []FieldDef

	// index maps each element name to its position in Fields. fieldIndex
	// builds it on first use, so that NewSchema builds no map for the many
	// types a project never uses.
	indexOnce sync.Once
	index     map[string]int
	// names is the did-you-mean index of the element names, built by suggest
	// on first use: it is needed only when a problem is reported.
	namesOnce sync.Once
	names     *nameIndex
}

// Field returns the element called name.
func (c *ComplexType) Field(name string) (FieldDef, bool) {
	if c == nil {
		return FieldDef{}, false
	}
	i, ok := c.fieldIndex(name)
	if !ok {
		return FieldDef{}, false
	}
	return c.Fields[i], true
}

// fieldIndex returns the position in c.Fields of the element called name. It
// builds the index on first use and is safe for concurrent use.
func (c *ComplexType) fieldIndex(name string) (int, bool) {
	c.indexOnce.Do(c.buildIndex)
	i, ok := c.index[name]
	return i, ok
}

func (c *ComplexType) buildIndex() {
	c.index = make(map[string]int, len(c.Fields))
	for i := range c.Fields {
		c.index[c.Fields[i].Name] = i
	}
}

// suggest returns the element name closest to name, or "" if none is close
// (see nameIndex.suggest). It builds the index on first use and is safe for
// concurrent use.
func (c *ComplexType) suggest(name string) string {
	c.namesOnce.Do(func() {
		names := make([]string, len(c.Fields))
		for i := range c.Fields {
			names[i] = c.Fields[i].Name
		}
		c.names = newNameIndex(names)
	})
	return c.names.suggest(name)
}

// enumValues is the sorted values of one enum, with their did-you-mean index
// built on first use: it is needed only when a problem is reported.
type enumValues struct {
	values []string
	once   sync.Once
	index  *nameIndex
}

// suggest returns the value closest to val, or "" if none is close (see
// nameIndex.suggest). It builds the index on first use and is safe for
// concurrent use.
func (e *enumValues) suggest(val string) string {
	e.once.Do(func() { e.index = newNameIndex(e.values) })
	return e.index.suggest(val)
}

// rootInfo is the file naming recorded from source-deploy-retrieve.
type rootInfo struct {
	Suffix        string
	DirectoryName string
}

// schemaSource names the npm package a part of the generated schema came from.
type schemaSource struct {
	Package string
	Version string
	File    string
}

// schemaData is the shape of the generated schema, generatedSchema in
// schema_data.go (written by internal/schemagen). It is made of slices and
// structs of constants, not maps, so that the linker lays it out and nothing
// runs to initialise it.
type schemaData struct {
	Source   schemaSource // @salesforce/types
	Registry schemaSource // @salesforce/source-deploy-retrieve
	Roots    []schemaRoot // sorted by Type
	Types    []schemaType // sorted by Name
	Enums    []schemaEnum // sorted by Name
}

// schemaRoot is a root type of the generated schema with its file naming.
type schemaRoot struct {
	Type          Type
	Suffix        string
	DirectoryName string
}

// schemaType is a complex type of the generated schema: its elements, sorted
// by name.
type schemaType struct {
	Name   string
	Fields []schemaField
}

// schemaField is one element of a complex type as the WSDL declares it.
type schemaField struct {
	Name     string
	Type     string
	Kind     FieldKind
	Repeated bool
	Required bool
}

// schemaEnum is a WSDL enum of the generated schema and its values, sorted.
type schemaEnum struct {
	Name   string
	Values []string
}

// Schema is the built-in schema of every metadata type sfapplint reads: the
// elements of each type and of each type nested in it, and the values of each
// enum, from the Salesforce Metadata WSDL as published in @salesforce/types,
// corrected by schema_overrides.go. It is read-only and safe for concurrent use
// (the element indexes and did-you-mean indexes it builds on first use are
// guarded by sync.Once); the ComplexTypes and FieldDefs it hands out share its
// data and must not be modified (Enum and ScopeValues return copies).
type Schema struct {
	source   schemaSource
	registry schemaSource
	roots    map[Type]rootInfo
	types    map[string]*ComplexType
	enums    map[string]*enumValues
	partial  map[Type][]string
	ecaScope []string
}

// NewSchema builds the schema from the generated data (schema_data.go) and
// applies the hand-kept overrides (schema_overrides.go), checking that they fit
// each other. It is cheap, but every call builds a new Schema: call it once and
// keep the result.
func NewSchema() (*Schema, error) {
	return buildSchema(&generatedSchema, schemaOverrides(), requiredElements())
}

// buildSchema builds a Schema from d and applies overrides and required. It
// reports an error when d is inconsistent (an enum or complex type used but not
// defined, a root type without elements, a name listed twice) or when an
// override does not fit d. It never modifies d: the Schema shares only d's
// strings.
func buildSchema(d *schemaData, overrides []fieldOverride, required []requiredOverride) (*Schema, error) {
	nValues, nFields, nOverrideEnums, nAdded := 0, 0, 0, 0
	for _, e := range d.Enums {
		nValues += len(e.Values)
	}
	for _, t := range d.Types {
		nFields += len(t.Fields)
	}
	for _, o := range overrides {
		if o.Enum != nil {
			nOverrideEnums++
		}
		if o.Add {
			nAdded++
		}
	}
	s := &Schema{
		source:   d.Source,
		registry: d.Registry,
		roots:    make(map[Type]rootInfo, len(d.Roots)),
		types:    make(map[string]*ComplexType, len(d.Types)),
		enums:    make(map[string]*enumValues, len(d.Enums)),
		partial:  partialRoots(),
		ecaScope: sortedStrings(ecaScopeTokens()),
	}
	for _, r := range d.Roots {
		if _, dup := s.roots[r.Type]; dup {
			return nil, fmt.Errorf("%s: root type %s is listed twice", generatedWhere, r.Type)
		}
		s.roots[r.Type] = rootInfo{Suffix: r.Suffix, DirectoryName: r.DirectoryName}
	}

	// The values of all enums share one array, all enumValues one slice, all
	// FieldDefs one slice and all ComplexTypes one slice: a handful of
	// allocations however large the schema. Each part is capped (s[lo:hi:max])
	// so that appending to one never overwrites the next; the FieldDefs of a
	// type have room for the elements overrides add to it.
	values := make([]string, 0, nValues)
	enums := make([]enumValues, len(d.Enums)+nOverrideEnums)
	for i, e := range d.Enums {
		if _, dup := s.enums[e.Name]; dup {
			return nil, fmt.Errorf("%s: enum %s is listed twice", generatedWhere, e.Name)
		}
		lo := len(values)
		values = append(values, e.Values...)
		ev := &enums[i]
		ev.values = values[lo:len(values):len(values)]
		slices.Sort(ev.values)
		s.enums[e.Name] = ev
	}
	fields := make([]FieldDef, 0, nFields+nAdded)
	cts := make([]ComplexType, len(d.Types))
	for i, t := range d.Types {
		if _, dup := s.types[t.Name]; dup {
			return nil, fmt.Errorf("%s: complex type %s is listed twice", generatedWhere, t.Name)
		}
		lo := len(fields)
		for _, fd := range t.Fields {
			def := FieldDef{Name: fd.Name, Type: fd.Type, Kind: fd.Kind, Repeated: fd.Repeated, wsdlRequired: fd.Required}
			if fd.Kind == FieldEnum {
				ev, ok := s.enums[fd.Type]
				if !ok || len(ev.values) == 0 {
					return nil, fmt.Errorf("%s: %s.%s: enum %s has no values", generatedWhere, t.Name, fd.Name, fd.Type)
				}
				def.Enum, def.enumNames = ev.values, ev
			}
			fields = append(fields, def)
		}
		hi, room := len(fields), 0
		for j := range overrides {
			if overrides[j].Add && overrides[j].Type == t.Name {
				room++
			}
		}
		fields = fields[:hi+room]
		ct := &cts[i]
		ct.Name = t.Name
		ct.Fields = fields[lo : hi : hi+room]
		s.types[t.Name] = ct
	}
	for i := range cts {
		for _, fd := range cts[i].Fields {
			if fd.Kind == FieldComplex && s.types[fd.Type] == nil {
				return nil, fmt.Errorf("%s: %s.%s: complex type %s is missing", generatedWhere, cts[i].Name, fd.Name, fd.Type)
			}
		}
	}
	for _, r := range d.Roots {
		if s.types[string(r.Type)] == nil {
			return nil, fmt.Errorf("%s: root type %s has no elements", generatedWhere, r.Type)
		}
	}
	if err := s.applyOverrides(overrides, required, enums[len(d.Enums):]); err != nil {
		return nil, err
	}
	for i := range cts {
		ct := &cts[i]
		if !slices.IsSortedFunc(ct.Fields, compareFieldNames) {
			slices.SortFunc(ct.Fields, compareFieldNames)
		}
		for j := 1; j < len(ct.Fields); j++ {
			if name := ct.Fields[j].Name; name == ct.Fields[j-1].Name {
				return nil, fmt.Errorf("%s: %s.%s: element is listed twice", generatedWhere, ct.Name, name)
			}
		}
	}
	return s, nil
}

func compareFieldNames(a, b FieldDef) int { return strings.Compare(a.Name, b.Name) }

// applyOverrides applies overrides and required to s. enums has one unused
// slot for each override with an Enum.
func (s *Schema) applyOverrides(overrides []fieldOverride, required []requiredOverride, enums []enumValues) error {
	find := func(typ, field string) (*ComplexType, int) {
		ct := s.types[typ]
		if ct == nil {
			return nil, -1
		}
		for i := range ct.Fields {
			if ct.Fields[i].Name == field {
				return ct, i
			}
		}
		return ct, -1
	}
	for _, o := range overrides {
		ct, i := find(o.Type, o.Field)
		if ct == nil {
			return fmt.Errorf("schema override %s.%s: no type %s in the %s", o.Type, o.Field, o.Type, generatedWhere)
		}
		if o.Add {
			if i >= 0 {
				return fmt.Errorf("schema override %s.%s: the %s has the element now; drop the override", o.Type, o.Field, generatedWhere)
			}
			ct.Fields = append(ct.Fields, FieldDef{Name: o.Field, Type: string(o.AddType), Kind: o.AddType})
			i = len(ct.Fields) - 1
		} else if i < 0 {
			return fmt.Errorf("schema override %s.%s: no element %s in the %s", o.Type, o.Field, o.Field, generatedWhere)
		}
		fd := &ct.Fields[i]
		if (o.Enum != nil || o.Format != formatNone) && fd.Kind != FieldString {
			return fmt.Errorf("schema override %s.%s: values override on a %s element", o.Type, o.Field, fd.Kind)
		}
		if o.Kind != "" {
			fd.Kind = o.Kind
			if o.Kind == FieldInt || o.Kind == FieldBase64 {
				fd.Type = string(o.Kind)
			}
		}
		if o.Enum != nil {
			ev := &enums[0]
			enums = enums[1:]
			ev.values = sortedStrings(o.Enum)
			fd.Kind = FieldEnum
			fd.Enum, fd.enumNames = ev.values, ev
		}
		if o.Format != formatNone {
			fd.Kind = FieldEnum
			fd.format = o.Format
		}
		fd.deprecated = o.Deprecated
	}
	for _, r := range required {
		ct, i := find(r.Type, r.Field)
		if i < 0 {
			return fmt.Errorf("required override %s.%s: no such element in the %s", r.Type, r.Field, generatedWhere)
		}
		if !ct.Fields[i].wsdlRequired {
			return fmt.Errorf("required override %s.%s: the %s does not mark it required", r.Type, r.Field, generatedWhere)
		}
		ct.Fields[i].Required = true
	}
	if e := s.enums[connectedAppScopeEnum]; e == nil || len(e.values) == 0 {
		return fmt.Errorf("%s: enum %s is missing", generatedWhere, connectedAppScopeEnum)
	}
	return nil
}

// Complex returns the complex type called name (a root type or a nested one).
func (s *Schema) Complex(name string) (*ComplexType, bool) {
	ct, ok := s.types[name]
	return ct, ok
}

// Root returns the complex type of the root element of a file of type t.
func (s *Schema) Root(t Type) (*ComplexType, bool) {
	if _, ok := s.roots[t]; !ok {
		return nil, false
	}
	return s.Complex(string(t))
}

// Enum returns the values of the WSDL enum called name, sorted, or nil if there
// is no such enum.
func (s *Schema) Enum(name string) []string {
	e, ok := s.enums[name]
	if !ok {
		return nil
	}
	return sortedStrings(e.values)
}

// ScopeValues returns the OAuth scope names a file of type t may list, sorted:
// for ConnectedApp the values of the ConnectedAppOauthAccessScope enum (one per
// <scopes> element); for ExternalClientApplication and ExtlClntAppOauthSettings
// the tokens accepted in commaSeparatedOauthScopes. Other types have no scopes
// and get nil.
func (s *Schema) ScopeValues(t Type) []string {
	switch t {
	case TypeConnectedApp:
		return s.Enum(connectedAppScopeEnum)
	case TypeExternalClientApp, TypeECAOauthSettings:
		return sortedStrings(s.ecaScope)
	}
	return nil
}

func sortedStrings(v []string) []string {
	out := append([]string(nil), v...)
	sort.Strings(out)
	return out
}

// ---- validation ----

// Validate checks doc, a file of type t, against the schema: the root element and
// its namespace, that every element is known to its parent's type (with a
// did-you-mean), enum, boolean and number values, non-repeating elements given
// twice, and required elements that are missing. For PermissionSet and Profile
// only the root, the namespace and the userPermissions elements are checked.
// Problems come in document order, each at the position of its element (a missing
// element at its parent's).
func (s *Schema) Validate(doc *Document, t Type) []Problem {
	if doc == nil || doc.Root == nil {
		return nil
	}
	root := doc.Root
	ct, ok := s.Root(t)
	if !ok {
		return nil
	}
	var probs []Problem
	if root.Name != string(t) {
		where := "this file"
		if ti, ok := t.Info(); ok {
			where = "a ." + ti.Suffix + " file"
		}
		return []Problem{{
			Code:       ProblemWrongRoot,
			Pos:        root.Pos(),
			Message:    fmt.Sprintf("root element %q does not match the file type: %s must have root element %q", root.Name, where, string(t)),
			Element:    root.Name,
			Suggestion: string(t),
		}}
	}
	if root.Space != Namespace {
		msg := fmt.Sprintf("root element %q has namespace %q; expected %q", root.Name, root.Space, Namespace)
		if root.Space == "" {
			msg = fmt.Sprintf("root element %q is not in the metadata namespace; expected xmlns=%q", root.Name, Namespace)
		}
		probs = append(probs, Problem{
			Code:       ProblemWrongNamespace,
			Pos:        root.Pos(),
			Message:    msg,
			Element:    root.Name,
			Suggestion: Namespace,
		})
	}
	v := schemaValidator{s: s, probs: probs}
	v.checkChildren(root, ct, s.partial[t])
	sort.SliceStable(v.probs, func(i, j int) bool {
		a, b := v.probs[i].Pos, v.probs[j].Pos
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
	return v.probs
}

type schemaValidator struct {
	s     *Schema
	probs []Problem
	// first is a stack of "first child seen" slots: checkChildren takes one
	// slot per field of its type (by field index) and gives them back, so
	// no map is made per element.
	first []*Element
}

func (v *schemaValidator) add(p Problem) { v.probs = append(v.probs, p) }

// checkChildren checks the children of el, an element of complex type ct. When
// only is not nil, children with other names are skipped and nothing is
// reported missing.
func (v *schemaValidator) checkChildren(el *Element, ct *ComplexType, only []string) {
	base := len(v.first)
	v.first = append(v.first, make([]*Element, len(ct.Fields))...)
	defer func() {
		clear(v.first[base:])
		v.first = v.first[:base]
	}()
	for _, c := range el.Children {
		if only != nil && !slices.Contains(only, c.Name) {
			continue
		}
		i, ok := ct.fieldIndex(c.Name)
		if !ok {
			p := Problem{Code: ProblemUnknownElement, Pos: c.Pos(), Element: c.Path()}
			if sug := ct.suggest(c.Name); sug != "" {
				p.Suggestion = sug
				p.Message = fmt.Sprintf("unknown element %q in %s; did you mean %q?", c.Name, ct.Name, sug)
			} else {
				p.Message = fmt.Sprintf("unknown element %q in %s", c.Name, ct.Name)
			}
			v.add(p)
			continue
		}
		fd := ct.Fields[i]
		if prev := v.first[base+i]; prev != nil && !fd.Repeated {
			v.add(Problem{
				Code:    ProblemDuplicate,
				Pos:     c.Pos(),
				Element: c.Path(),
				Message: fmt.Sprintf("duplicate element %q in %s; it may appear only once (first at line %d)", c.Name, ct.Name, prev.Pos().Line),
			})
		} else if prev == nil {
			v.first[base+i] = c
		}
		if fd.deprecated != "" {
			v.add(Problem{
				Code:    ProblemDeprecated,
				Pos:     c.Pos(),
				Element: c.Path(),
				Message: fmt.Sprintf("element %q in %s is deprecated; %s", c.Name, ct.Name, fd.deprecated),
			})
		}
		v.checkElement(c, fd)
	}
	if only != nil {
		return
	}
	for i, fd := range ct.Fields {
		if fd.Required && v.first[base+i] == nil {
			v.add(Problem{
				Code:    ProblemMissingRequired,
				Pos:     el.Pos(),
				Element: el.Path() + "/" + fd.Name,
				Message: fmt.Sprintf("missing required element %q in %s", fd.Name, ct.Name),
			})
		}
	}
}

// checkElement checks one known element against its definition.
func (v *schemaValidator) checkElement(el *Element, fd FieldDef) {
	if fd.Kind == FieldComplex {
		if sub, ok := v.s.types[fd.Type]; ok {
			v.checkChildren(el, sub, nil)
		}
		return
	}
	if len(el.Children) > 0 {
		for _, c := range el.Children {
			v.add(Problem{
				Code:    ProblemUnknownElement,
				Pos:     c.Pos(),
				Element: c.Path(),
				Message: fmt.Sprintf("unexpected element %q in %s, which holds a value, not elements", c.Name, el.Name),
			})
		}
		return
	}
	val := strings.TrimSpace(el.Text)
	switch fd.Kind {
	case FieldBoolean:
		if val == "true" || val == "false" {
			return
		}
		p := Problem{
			Code:    ProblemBadBoolean,
			Pos:     el.Pos(),
			Element: el.Path(),
			Message: fmt.Sprintf("invalid boolean %q for %s; use true or false", val, el.Name),
			Allowed: []string{"true", "false"},
		}
		if l := strings.ToLower(val); l == "true" || l == "false" {
			p.Suggestion = l
		}
		v.add(p)
	case FieldInt:
		if !isInt32(val) {
			v.add(Problem{
				Code:    ProblemBadNumber,
				Pos:     el.Pos(),
				Element: el.Path(),
				Message: fmt.Sprintf("invalid number %q for %s; expected a whole number", val, el.Name),
			})
		}
	case FieldDouble:
		if !isDouble(val) {
			v.add(Problem{
				Code:    ProblemBadNumber,
				Pos:     el.Pos(),
				Element: el.Path(),
				Message: fmt.Sprintf("invalid number %q for %s; expected a decimal number", val, el.Name),
			})
		}
	case FieldEnum:
		if fd.format != formatNone {
			v.checkFormat(el, val)
			return
		}
		v.checkEnum(el, fd, val)
	}
}

func (v *schemaValidator) checkEnum(el *Element, fd FieldDef, val string) {
	if slices.Contains(fd.Enum, val) {
		return
	}
	p := Problem{
		Code:    ProblemBadEnum,
		Pos:     el.Pos(),
		Element: el.Path(),
		Allowed: append([]string(nil), fd.Enum...),
	}
	for _, e := range fd.Enum {
		if strings.EqualFold(e, val) {
			p.Suggestion = e
			p.Message = fmt.Sprintf("value %q for %s is not in canonical case; use %q", val, el.Name, e)
			v.add(p)
			return
		}
	}
	// enumNames is nil only when Enum is, and then nothing is close.
	var sug string
	if fd.enumNames != nil {
		sug = fd.enumNames.suggest(val)
	}
	if sug != "" {
		p.Suggestion = sug
		p.Message = fmt.Sprintf("invalid value %q for %s; did you mean %q?", val, el.Name, sug)
	} else {
		p.Message = fmt.Sprintf("invalid value %q for %s", val, el.Name)
	}
	v.add(p)
}

// checkFormat checks a value with a syntax rather than a list of values. The
// only such format is formatRefreshTokenPolicy.
func (v *schemaValidator) checkFormat(el *Element, val string) {
	canon, ok := canonicalRefreshTokenPolicy(val)
	if ok && canon == val {
		return
	}
	p := Problem{
		Code:    ProblemBadEnum,
		Pos:     el.Pos(),
		Element: el.Path(),
		Allowed: []string{"infinite", "specific_inactivity:N:UNIT", "specific_lifetime:N:UNIT", "zero"},
	}
	if ok {
		p.Suggestion = canon
		p.Message = fmt.Sprintf("value %q for %s is not in canonical case; use %q", val, el.Name, canon)
	} else {
		p.Message = fmt.Sprintf("invalid value %q for %s; expected zero, infinite, specific_lifetime:N:UNIT or specific_inactivity:N:UNIT, with N a positive whole number and UNIT one of HOURS, DAYS, MONTHS", val, el.Name)
	}
	v.add(p)
}

// canonicalRefreshTokenPolicy returns the canonical spelling of a
// ConnectedApp refreshTokenPolicy value (lower-case policy, upper-case unit),
// and whether val is a valid value in any case.
func canonicalRefreshTokenPolicy(val string) (string, bool) {
	parts := strings.Split(val, ":")
	policy := strings.ToLower(parts[0])
	switch {
	case len(parts) == 1 && (policy == "zero" || policy == "infinite"):
		return policy, true
	case len(parts) == 3 && (policy == "specific_lifetime" || policy == "specific_inactivity"):
		if !allDigits(parts[1]) {
			return "", false
		}
		n, err := strconv.ParseInt(parts[1], 10, 32)
		if err != nil || n <= 0 {
			return "", false
		}
		unit := strings.ToUpper(parts[2])
		if unit != "HOURS" && unit != "DAYS" && unit != "MONTHS" {
			return "", false
		}
		return policy + ":" + parts[1] + ":" + unit, true
	}
	return "", false
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isInt32 reports whether s is an xsd:int: optional sign, decimal digits, in range.
func isInt32(s string) bool {
	_, err := strconv.ParseInt(s, 10, 32)
	return err == nil
}

// isDouble reports whether s is an xsd:double: a decimal number with optional
// sign, fraction and exponent, or INF, -INF, NaN.
func isDouble(s string) bool {
	switch s {
	case "INF", "-INF", "+INF", "NaN":
		return true
	}
	if t := strings.TrimPrefix(s, "+"); t != s {
		s = t
	} else {
		s = strings.TrimPrefix(s, "-")
	}
	mant, exp, hasExp := strings.Cut(strings.ToLower(s), "e")
	if hasExp {
		exp = strings.TrimPrefix(strings.TrimPrefix(exp, "+"), "-")
		if !allDigits(exp) {
			return false
		}
	}
	whole, frac, hasDot := strings.Cut(mant, ".")
	if whole == "" && frac == "" {
		return false
	}
	if whole != "" && !allDigits(whole) {
		return false
	}
	if hasDot && frac != "" && !allDigits(frac) {
		return false
	}
	return true
}

// maxSuggestLen bounds the length of names didYouMean compares; no element name
// or enum value comes near it, and it keeps hostile input cheap.
const maxSuggestLen = 100

// suggestBuckets is the number of character classes in a nameIndex histogram.
const suggestBuckets = 32

// nameIndex holds a list of names prepared for did-you-mean lookups.
type nameIndex struct {
	names []string
	lower [][]rune
	hist  [][suggestBuckets]uint8
}

func newNameIndex(names []string) *nameIndex {
	ix := &nameIndex{names: names, lower: make([][]rune, len(names)), hist: make([][suggestBuckets]uint8, len(names))}
	for i, n := range names {
		ix.lower[i] = lowerRunes(nil, n)
		ix.hist[i] = runeHistogram(ix.lower[i])
	}
	return ix
}

func lowerRunes(dst []rune, s string) []rune {
	for _, r := range s {
		dst = append(dst, unicode.ToLower(r))
	}
	return dst
}

// runeHistogram counts runes by class (saturating). Classes merge runes, which
// can only lower the histogram distance, so it stays a lower bound.
func runeHistogram(rs []rune) [suggestBuckets]uint8 {
	var h [suggestBuckets]uint8
	for _, r := range rs {
		if b := &h[r%suggestBuckets]; *b < 255 {
			*b++
		}
	}
	return h
}

// didYouMean returns the candidate closest to name, or "" if none is close; see
// nameIndex.suggest.
func didYouMean(name string, candidates []string) string {
	return newNameIndex(candidates).suggest(name)
}

// DidYouMean returns the candidate closest to name (ignoring case), or "" when
// none is close enough to suggest. Every did-you-mean in sfapplint uses it.
func DidYouMean(name string, candidates []string) string { return didYouMean(name, candidates) }

// EditDistance is the optimal string alignment distance between a and b, in
// runes: Levenshtein plus the transposition of two adjacent characters.
func EditDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	return osaDistance(ra, rb, max(len(ra), len(rb)))
}

// suggest returns the name closest to name, or "" if none is close: a name equal
// to it ignoring case wins; otherwise the one with the smallest Damerau-Levenshtein
// (optimal string alignment) distance, compared ignoring case, provided that
// distance is at most 2 or at most a quarter of name's length, and smaller than
// name's length. Ties go to the earlier name.
func (ix *nameIndex) suggest(name string) string {
	for _, c := range ix.names {
		if strings.EqualFold(c, name) {
			return c
		}
	}
	n := utf8.RuneCountInString(name)
	if n == 0 || n > maxSuggestLen {
		return ""
	}
	var buf [maxSuggestLen]rune
	lname := lowerRunes(buf[:0], name)
	hname := runeHistogram(lname)
	limit := max(2, n/4)
	best, bestDist := "", min(limit, n-1)+1
	for i, lc := range ix.lower {
		// Cheap lower bounds first: the length difference, and half the
		// histogram difference (an edit changes at most two counts by one).
		if d := len(lc) - len(lname); d >= bestDist || -d >= bestDist {
			continue
		}
		l1 := 0
		for b := range hname {
			l1 += abs(int(hname[b]) - int(ix.hist[i][b]))
		}
		if (l1+1)/2 >= bestDist {
			continue
		}
		if d := osaDistance(lname, lc, bestDist-1); d < bestDist {
			best, bestDist = ix.names[i], d
		}
	}
	return best
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// osaDistance is the optimal string alignment distance between a and b: the
// Levenshtein distance extended with transposition of two adjacent characters.
// Once the distance is sure to exceed cutoff it stops and returns cutoff+1.
func osaDistance(a, b []rune, cutoff int) int {
	// Three rows suffice: the transposition looks two rows back.
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		// A transposition reads two rows back, so only stop when both rows are past the cutoff.
		if rowMin > cutoff && i > 1 && minOf(prev) > cutoff {
			return cutoff + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(b)], cutoff+1)
}

func minOf(xs []int) int {
	m := xs[0]
	for _, x := range xs[1:] {
		m = min(m, x)
	}
	return m
}
