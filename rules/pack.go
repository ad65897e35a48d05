package rules

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/sfapplint/sfapplint/metadata"
)

// Pack is a loaded rule pack.
type Pack struct {
	ID          string
	Title       string
	Description string
	Source      PackSource
	Params      map[string]*Param
	ParamOrder  []string
	Extends     []string
	Contradicts []Contradiction
	Manual      []ManualCheck
	Rules       []*Rule
	// File is where the pack was loaded from ("builtin:NAME.yaml" for built-in packs).
	File string
}

// PackSource is the guide or standard a pack encodes.
type PackSource struct {
	Title string
	URL   string
}

// Param is a declared pack parameter.
type Param struct {
	Name        string
	Type        string // string, bool or int
	Default     string
	Allowed     []string
	Description string
	Line        int
}

// Contradiction is a baseline rule a vendor pack knowingly contradicts.
type Contradiction struct {
	Rule   string // full rule id, e.g. baseline/full-scope
	Reason string
	Line   int
}

// ManualCheck is a requirement metadata cannot show; the admin checks it by hand.
type ManualCheck struct {
	ID          string
	Title       string
	Description string
	Remediation string
	Explains    []string
	Docs        string
}

// Rule is one rule of a pack: declarative (When/Check) or Go-coded (Go).
type Rule struct {
	ID          string // without the pack prefix
	Pack        string
	Title       string
	Description string
	Severity    Severity
	Kinds       []metadata.AppKind
	When        *Condition
	Check       *Condition
	Go          string // name of a Go rule, when the rule is implemented in Go
	Message     string
	Remediation string
	// RemediationByKind, when set, gives the click-path per app kind; it wins
	// over Remediation for apps of that kind.
	RemediationByKind map[metadata.AppKind]string
	Docs              string
	References        []string
	Explains          []string
	Fix               *FixSpec
	Line              int
}

// RemediationFor returns the remediation for an app kind.
func (r *Rule) RemediationFor(k metadata.AppKind) string {
	if s, ok := r.RemediationByKind[k]; ok {
		return s
	}
	return r.Remediation
}

// FullID returns pack/rule.
func (r *Rule) FullID() string { return r.Pack + "/" + r.ID }

// FixSpec is a declared fix: an operation on a model field.
type FixSpec struct {
	Op    FixOp
	Field string
	Value string
}

var idRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`) })

// LoadPack parses a pack from YAML. file names the source in errors. goRules
// resolves `go:` references. Every mistake is reported, each with file:line:column.
func LoadPack(file string, r io.Reader, goRules GoRuleSet) (*Pack, error) {
	data, err := io.ReadAll(io.LimitReader(r, 4<<20))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", file, err)
	}
	le := &loadErrors{file: file}
	root, err := decodeDocument(file, data)
	if errors.Is(err, io.EOF) {
		return nil, LoadErrors{yamlError(file, err)} // an empty pack is not a pack
	}
	if err != nil {
		return nil, err
	}
	p := &Pack{File: file, Params: map[string]*Param{}}
	if root.Kind != yaml.MappingNode {
		le.add(root, "a pack must be a mapping with id, title, description and rules")
		return nil, LoadErrors(le.errs)
	}
	var rulesNode *yaml.Node
	seen := map[string]bool{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if seen[k.Value] {
			le.add(k, "duplicate key %q", k.Value)
		}
		seen[k.Value] = true
		switch k.Value {
		case "id":
			p.ID = scalar(v, le)
			if !idRE().MatchString(p.ID) {
				le.add(v, "pack id %q must be lower-case kebab-case", p.ID)
			}
		case "title":
			p.Title = scalar(v, le)
		case "description":
			p.Description = scalar(v, le)
		case "source":
			parseMapping(v, le, map[string]func(*yaml.Node){
				"title": func(n *yaml.Node) { p.Source.Title = scalar(n, le) },
				"url":   func(n *yaml.Node) { p.Source.URL = scalar(n, le) },
			})
		case "parameters":
			parseParams(p, v, le)
		case "extends":
			p.Extends = stringList(v, le)
		case "contradicts":
			parseContradictions(p, v, le)
		case "manual":
			parseManual(p, v, le)
		case "rules":
			rulesNode = v
		default:
			le.add(k, "unknown key %q in pack (keys: id, title, description, source, parameters, extends, contradicts, manual, rules)", k.Value)
		}
	}
	for _, req := range []string{"id", "title", "description"} {
		if !seen[req] {
			le.add(root, "pack has no %s", req)
		}
	}
	if rulesNode != nil {
		parseRules(p, rulesNode, goRules, le)
	}
	if len(le.errs) > 0 {
		return nil, LoadErrors(le.errs)
	}
	return p, nil
}

// decodeDocument parses data as one YAML document for a strict loader (packs
// and configs) and returns its root node; aliases are refused. A file with no
// document returns io.EOF itself, for the caller to decide what empty means.
func decodeDocument(file string, data []byte) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, err
		}
		return nil, LoadErrors{yamlError(file, err)}
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if err := checkAliases(root, file); err != nil {
		return nil, LoadErrors{err}
	}
	return root, nil
}

// yamlLineRE finds the line yaml.v3 names in a syntax error.
var yamlLineRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`line (\d+)`) })

func yamlError(file string, err error) error {
	msg := err.Error()
	line := 0
	if m := yamlLineRE().FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	return &LoadError{File: file, Line: line, Column: 1, Msg: "not valid YAML: " + msg}
}

// checkAliases rejects YAML aliases: packs and configs never need them, and they
// are the vehicle of alias-expansion ("billion laughs") attacks.
func checkAliases(n *yaml.Node, file string) error {
	if n.Kind == yaml.AliasNode {
		return &LoadError{File: file, Line: n.Line, Column: n.Column, Msg: "YAML aliases (*name) are not allowed"}
	}
	for _, c := range n.Content {
		if err := checkAliases(c, file); err != nil {
			return err
		}
	}
	return nil
}

func parseMapping(n *yaml.Node, le *loadErrors, keys map[string]func(*yaml.Node)) {
	if n.Kind != yaml.MappingNode {
		le.add(n, "expected a mapping")
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if seen[k.Value] {
			le.add(k, "duplicate key %q", k.Value)
		}
		seen[k.Value] = true
		fn, ok := keys[k.Value]
		if !ok {
			names := make([]string, 0, len(keys))
			for name := range keys {
				names = append(names, name)
			}
			sort.Strings(names)
			le.add(k, "unknown key %q (keys: %s)", k.Value, strings.Join(names, ", "))
			continue
		}
		fn(v)
	}
}

func stringList(n *yaml.Node, le *loadErrors) []string {
	if n.Kind == yaml.ScalarNode {
		return []string{n.Value}
	}
	if n.Kind != yaml.SequenceNode {
		le.add(n, "expected a list of strings")
		return nil
	}
	var out []string
	for _, c := range n.Content {
		out = append(out, scalar(c, le))
	}
	return out
}

func parseParams(p *Pack, n *yaml.Node, le *loadErrors) {
	if n.Kind != yaml.MappingNode {
		le.add(n, "parameters must be a mapping of name to {type, default, allowed, description}")
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		name := k.Value
		if !idRE().MatchString(name) {
			le.add(k, "parameter name %q must be lower-case kebab-case", name)
		}
		if _, dup := p.Params[name]; dup || name == "app" {
			le.add(k, "parameter %q is declared twice (app is built in)", name)
		}
		prm := &Param{Name: name, Type: "string", Line: k.Line}
		parseMapping(v, le, map[string]func(*yaml.Node){
			"type":        func(x *yaml.Node) { prm.Type = scalar(x, le) },
			"default":     func(x *yaml.Node) { prm.Default = scalar(x, le) },
			"allowed":     func(x *yaml.Node) { prm.Allowed = stringList(x, le) },
			"description": func(x *yaml.Node) { prm.Description = scalar(x, le) },
		})
		switch prm.Type {
		case "string", "bool", "int":
		default:
			le.add(v, "parameter %q has unknown type %q (string, bool or int)", name, prm.Type)
		}
		if err := prm.validate(prm.Default); err != nil && prm.Default != "" {
			le.add(v, "default of parameter %q: %v", name, err)
		}
		p.Params[name] = prm
		p.ParamOrder = append(p.ParamOrder, name)
	}
	// The built-in app parameter selects which apps a pack checks.
}

// validate checks a value against the parameter's type and allowed values.
func (p *Param) validate(v string) error {
	switch p.Type {
	case "bool":
		if _, ok := metadata.ParseBool(v); !ok {
			return fmt.Errorf("%q is not true or false", v)
		}
	case "int":
		if _, err := fmt.Sscanf(v, "%d", new(int)); err != nil {
			return fmt.Errorf("%q is not an integer", v)
		}
	}
	if len(p.Allowed) > 0 && !slices.Contains(p.Allowed, v) {
		return fmt.Errorf("%q is not allowed (allowed: %s)", v, strings.Join(p.Allowed, ", "))
	}
	return nil
}

func parseContradictions(p *Pack, n *yaml.Node, le *loadErrors) {
	if n.Kind != yaml.SequenceNode {
		le.add(n, "contradicts must be a list of {rule, reason}")
		return
	}
	for _, item := range n.Content {
		c := Contradiction{Line: item.Line}
		parseMapping(item, le, map[string]func(*yaml.Node){
			"rule":   func(x *yaml.Node) { c.Rule = scalar(x, le) },
			"reason": func(x *yaml.Node) { c.Reason = scalar(x, le) },
		})
		if c.Rule == "" || c.Reason == "" {
			le.add(item, "a contradiction needs both rule and reason")
		}
		p.Contradicts = append(p.Contradicts, c)
	}
}

func parseManual(p *Pack, n *yaml.Node, le *loadErrors) {
	if n.Kind != yaml.SequenceNode {
		le.add(n, "manual must be a list of {id, title, description, remediation, explains}")
		return
	}
	for _, item := range n.Content {
		m := ManualCheck{}
		parseMapping(item, le, map[string]func(*yaml.Node){
			"id":          func(x *yaml.Node) { m.ID = scalar(x, le) },
			"title":       func(x *yaml.Node) { m.Title = scalar(x, le) },
			"description": func(x *yaml.Node) { m.Description = scalar(x, le) },
			"remediation": func(x *yaml.Node) { m.Remediation = scalar(x, le) },
			"explains":    func(x *yaml.Node) { m.Explains = stringList(x, le) },
			"docs":        func(x *yaml.Node) { m.Docs = scalar(x, le) },
		})
		if !idRE().MatchString(m.ID) || m.Title == "" {
			le.add(item, "a manual check needs a kebab-case id and a title")
		}
		p.Manual = append(p.Manual, m)
	}
}

func parseRules(p *Pack, n *yaml.Node, goRules GoRuleSet, le *loadErrors) {
	if n.Kind != yaml.SequenceNode {
		le.add(n, "rules must be a list")
		return
	}
	ids := map[string]int{}
	for _, item := range n.Content {
		r := &Rule{Pack: p.ID, Line: item.Line}
		var whenNode, checkNode *yaml.Node
		severitySet := false
		parseMapping(item, le, map[string]func(*yaml.Node){
			"id":          func(x *yaml.Node) { r.ID = scalar(x, le) },
			"go":          func(x *yaml.Node) { r.Go = scalar(x, le) },
			"title":       func(x *yaml.Node) { r.Title = scalar(x, le) },
			"description": func(x *yaml.Node) { r.Description = scalar(x, le) },
			"severity": func(x *yaml.Node) {
				s, err := ParseSeverity(scalar(x, le))
				if err != nil {
					le.add(x, "%v", err)
				}
				r.Severity, severitySet = s, true
			},
			"kinds": func(x *yaml.Node) {
				for _, k := range stringList(x, le) {
					switch metadata.AppKind(k) {
					case metadata.KindConnectedApp, metadata.KindECA:
						r.Kinds = append(r.Kinds, metadata.AppKind(k))
					default:
						le.add(x, "unknown app kind %q (ConnectedApp or ExternalClientApplication)", k)
					}
				}
			},
			"when":        func(x *yaml.Node) { whenNode = x },
			"check":       func(x *yaml.Node) { checkNode = x },
			"message":     func(x *yaml.Node) { r.Message = scalar(x, le) },
			"remediation": func(x *yaml.Node) { parseRemediation(r, x, le) },
			"docs":        func(x *yaml.Node) { r.Docs = scalar(x, le) },
			"references":  func(x *yaml.Node) { r.References = stringList(x, le) },
			"explains":    func(x *yaml.Node) { r.Explains = stringList(x, le) },
			"fix":         func(x *yaml.Node) { r.Fix = parseFix(x, p.Params, le) },
		})
		if r.Go != "" {
			gr, ok := goRules.Lookup(r.Go)
			if !ok {
				le.add(item, "unknown Go rule %q (Go rules: %s)", r.Go, strings.Join(goRules.Names(), ", "))
				continue
			}
			if r.ID == "" {
				r.ID = r.Go
			}
			if whenNode != nil || checkNode != nil {
				le.add(item, "Go rule %q is implemented in code; it takes no when or check", r.Go)
			}
			gr.fillDefaults(r, severitySet)
		} else {
			if r.ID == "" {
				le.add(item, "rule has no id")
			}
			if checkNode == nil {
				le.add(item, "rule %q has no check", r.ID)
			}
			if !severitySet {
				le.add(item, "rule %q has no severity", r.ID)
			}
			if r.Message == "" || r.Remediation == "" || r.Title == "" {
				le.add(item, "rule %q needs a title, a message and a remediation", r.ID)
			}
			r.When = parseCondition(whenNode, p.Params, le)
			r.Check = parseCondition(checkNode, p.Params, le)
			checkPlaceholders([]string{r.Message, r.Remediation}, p.Params, item, le)
			for _, rem := range r.RemediationByKind {
				checkPlaceholders([]string{rem}, p.Params, item, le)
			}
		}
		if r.ID != "" && !idRE().MatchString(r.ID) {
			le.add(item, "rule id %q must be lower-case kebab-case", r.ID)
		}
		if prev, dup := ids[r.ID]; dup && r.ID != "" {
			le.add(item, "duplicate rule id %q (first at line %d)", r.ID, prev)
		}
		ids[r.ID] = item.Line
		r.Message = trimMessage(r.Message)
		p.Rules = append(p.Rules, r)
	}
}

// parseRemediation reads a remediation: one string, or a mapping from app kind
// (ConnectedApp, ExternalClientApplication) to the click-path for that kind.
func parseRemediation(r *Rule, n *yaml.Node, le *loadErrors) {
	if n.Kind == yaml.ScalarNode {
		r.Remediation = n.Value
		return
	}
	if n.Kind != yaml.MappingNode {
		le.add(n, "remediation is a string, or a mapping of ConnectedApp / ExternalClientApplication to a string")
		return
	}
	r.RemediationByKind = map[metadata.AppKind]string{}
	var parts []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		kind := metadata.AppKind(k.Value)
		if kind != metadata.KindConnectedApp && kind != metadata.KindECA {
			le.add(k, "unknown app kind %q in remediation (ConnectedApp or ExternalClientApplication)", k.Value)
			continue
		}
		r.RemediationByKind[kind] = scalar(v, le)
		parts = append(parts, k.Value+": "+v.Value)
	}
	r.Remediation = strings.Join(parts, "\n")
}

func parseFix(n *yaml.Node, params map[string]*Param, le *loadErrors) *FixSpec {
	f := &FixSpec{}
	parseMapping(n, le, map[string]func(*yaml.Node){
		"set":    func(x *yaml.Node) { f.Op, f.Field = FixSet, scalar(x, le) },
		"add":    func(x *yaml.Node) { f.Op, f.Field = FixAdd, scalar(x, le) },
		"remove": func(x *yaml.Node) { f.Op, f.Field = FixRemove, scalar(x, le) },
		"value":  func(x *yaml.Node) { f.Value = scalar(x, le) },
	})
	if f.Op == "" {
		le.add(n, "a fix needs one of set, add or remove naming a field, and a value")
		return nil
	}
	spec, ok := metadata.LookupField(f.Field)
	if !ok {
		le.add(n, "fix names unknown field path %q%s", f.Field, didYouMeanField(f.Field))
		return nil
	}
	if spec.Derived != "" && f.Field != "oauth.secretRequiredForWebServerFlow" {
		le.add(n, "fix cannot change %s: it is derived (%s)", f.Field, spec.Derived)
	}
	if spec.Kind == metadata.KindSecret {
		le.add(n, "fix cannot write secret fields")
	}
	if (f.Op == FixAdd || f.Op == FixRemove) && spec.Kind != metadata.KindList && spec.Kind != metadata.KindScopes && spec.Kind != metadata.KindURLs {
		le.add(n, "%s applies to list fields; %s is a %s field (use set)", f.Op, f.Field, spec.Kind)
	}
	checkPlaceholders([]string{f.Value}, params, n, le)
	return f
}
