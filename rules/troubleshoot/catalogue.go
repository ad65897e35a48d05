// Package troubleshoot turns an OAuth error an admin saw into the app setting
// that causes it: the error catalogue (E01-E41 of oauth-troubleshooting.md),
// the parser for pasted error texts, and diagnose, which ranks each cause the
// catalogue lists as confirmed, unknown, ruled out or a check by hand, from
// the metadata model and the findings of the rule packs.
package troubleshoot

import (
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/sfapplint/sfapplint/metadata"
	"github.com/sfapplint/sfapplint/rules"
)

//go:embed catalogue.yaml
var builtinCatalogue []byte

// BuiltinFile names the embedded catalogue in load errors.
const BuiltinFile = "builtin:troubleshoot/catalogue.yaml"

// Flows an entry can appear in (oauth-troubleshooting.md §2).
var flowNames = map[string]string{
	"WS":  "web server (authorization code, incl. PKCE)",
	"UA":  "user-agent (implicit)",
	"RT":  "refresh token",
	"JWT": "JWT bearer",
	"CC":  "client credentials",
	"UP":  "username-password",
	"DEV": "device",
	"TX":  "token exchange",
	"API": "API call after a token was issued",
}

// FlowName returns the long name of a flow abbreviation.
func FlowName(f string) string {
	if n, ok := flowNames[f]; ok {
		return n
	}
	return f
}

// Catalogue is the loaded error catalogue.
type Catalogue struct {
	Entries  []*Entry
	Playbook Playbook
	File     string
	byID     map[string]*Entry
}

// Entry is one catalogue entry: an error (or platform behaviour), how to
// recognize it, and its causes.
type Entry struct {
	ID      string
	Title   string
	Meaning string
	// Codes are error codes (compared case-insensitively, punctuation-tolerant).
	Codes []string
	// Messages are descriptions as Salesforce or tools print them.
	Messages []string
	// Patterns are RE2 regular expressions (case-insensitive) for texts that vary.
	Patterns []*regexp.Regexp
	Flows    []string
	// Static is the reference's verdict: yes, partly or no (can metadata show it).
	Static string
	// See names entries whose causes also apply (wrapped errors, platform behaviours).
	See     []string
	Causes  []*CauseSpec
	Sources []string
	Line    int
}

// CauseSpec is one cause of an entry in the catalogue and how to confirm or
// rule it out.
type CauseSpec struct {
	ID    string
	Entry string
	Title string
	// Rules are full rule ids whose findings confirm the cause.
	Rules []string
	// Check names a Go check of this package that confirms or rules it out from the model.
	Check string
	// Fields are the model fields the cause is about; a rule-based cause is
	// ruled out only when some app has one of them.
	Fields []string
	// Needs lists what the inputs must hold for the cause to be ruled out (holders).
	Needs []string
	// Manual is the checklist line of a cause metadata cannot show.
	Manual string
	// Remediation is the Setup click-path that fixes the cause (rules carry their own).
	Remediation string
	// RuledOut is said when the metadata rules the cause out.
	RuledOut string
	// Assumes states what the cause takes for granted (the flow in use, the
	// client's behaviour). Such a cause is confirmed only when the error text
	// names this entry; otherwise it is reported as unknown.
	Assumes string
	// Trips names baseline rules that applying the fix would trip.
	Trips []string
	// SameAs names vendor packs' manual checks (PACK/id) that say the same
	// thing for one vendor; when one of them is listed, this one is not.
	SameAs []string
	Docs   string
	Line   int
}

// Ref returns ENTRY/cause.
func (c *CauseSpec) Ref() string { return c.Entry + "/" + c.ID }

// IsManual reports whether the cause can only be checked by hand.
func (c *CauseSpec) IsManual() bool { return len(c.Rules) == 0 && c.Check == "" }

// Playbook is the ordered check list for "Salesforce approval fails or shows
// an error" (§3.1), used when no error text is given or it is not recognized.
type Playbook struct {
	Title string
	// Match are texts that ask for the playbook itself.
	Match []string
	// Seed is the troubleshooting text the vendor guides end with.
	Seed string
	// SeedSources names the guides the seed text comes from.
	SeedSources []string
	Steps       []*Step
	// Manual are the causes to check by hand after the steps (ENTRY/cause refs).
	Manual []string
}

// Step is one playbook step.
type Step struct {
	N       int
	Title   string
	Why     string
	Entries []string
	// Causes are ENTRY/cause refs; empty means every cause of the entries.
	Causes []string
}

// Entry returns an entry by id.
func (c *Catalogue) Entry(id string) *Entry { return c.byID[id] }

// Cause returns a cause by its ENTRY/cause ref.
func (c *Catalogue) Cause(ref string) *CauseSpec {
	eid, cid, ok := strings.Cut(ref, "/")
	if !ok {
		return nil
	}
	e := c.byID[eid]
	if e == nil {
		return nil
	}
	for _, cs := range e.Causes {
		if cs.ID == cid {
			return cs
		}
	}
	return nil
}

// LoadBuiltin loads the embedded catalogue, validating rule ids against the
// rule packs of rcat. With rcat nil the references are not checked: the
// built-in catalogue's references to the built-in packs are checked by its
// tests, and checking them at run time means parsing every vendor pack.
func LoadBuiltin(rcat *rules.Catalog) (*Catalogue, error) {
	return Load(BuiltinFile, bytes.NewReader(builtinCatalogue), rcat)
}

// LoadError is one mistake in a catalogue file.
type LoadError = rules.LoadError

// LoadErrors is every mistake found in one load.
type LoadErrors = rules.LoadErrors

type loader struct {
	file string
	errs []error
	rcat *rules.Catalog
}

func (l *loader) add(n *yaml.Node, format string, args ...any) {
	line, col := 0, 0
	if n != nil {
		line, col = n.Line, n.Column
	}
	l.errs = append(l.errs, &rules.LoadError{File: l.file, Line: line, Column: col, Msg: fmt.Sprintf(format, args...)})
}

var (
	entryIDRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^E\d\d$`) })
	causeIDRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`) })
	staticSet = []string{"yes", "partly", "no"}
	needsSet  = []string{"holders"}
)

// Load parses and validates a catalogue. Unknown keys, unknown rule ids
// (checked against rcat), unknown Go checks and unknown model field paths are
// errors with file:line:column; every mistake is reported.
func Load(file string, r io.Reader, rcat *rules.Catalog) (*Catalogue, error) {
	data, err := io.ReadAll(io.LimitReader(r, 4<<20))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", file, err)
	}
	l := &loader{file: file, rcat: rcat}
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		return nil, rules.LoadErrors{&rules.LoadError{File: file, Line: 1, Column: 1, Msg: "not valid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}}
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if n := findAlias(root); n != nil {
		return nil, rules.LoadErrors{&rules.LoadError{File: file, Line: n.Line, Column: n.Column, Msg: "YAML aliases are not allowed"}}
	}
	c := &Catalogue{File: file, byID: map[string]*Entry{}}
	var entriesNode, playbookNode *yaml.Node
	l.mapping(root, "catalogue", map[string]func(*yaml.Node){
		"version": func(n *yaml.Node) {
			if l.scalar(n) != "1" {
				l.add(n, "unsupported catalogue version %q (want 1)", n.Value)
			}
		},
		"source":   func(n *yaml.Node) { l.scalar(n) },
		"entries":  func(n *yaml.Node) { entriesNode = n },
		"playbook": func(n *yaml.Node) { playbookNode = n },
	}, "entries")
	if entriesNode != nil {
		l.entries(c, entriesNode)
	}
	if playbookNode != nil {
		l.playbook(c, playbookNode)
	}
	l.crossCheck(c, entriesNode)
	if len(l.errs) > 0 {
		return nil, rules.LoadErrors(l.errs)
	}
	return c, nil
}

func findAlias(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode {
		return n
	}
	for _, ch := range n.Content {
		if a := findAlias(ch); a != nil {
			return a
		}
	}
	return nil
}

// mapping walks a mapping node strictly: unknown and duplicate keys are errors,
// and required keys must be present.
func (l *loader) mapping(n *yaml.Node, what string, keys map[string]func(*yaml.Node), required ...string) {
	if n.Kind != yaml.MappingNode {
		l.add(n, "%s must be a mapping", what)
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if seen[k.Value] {
			l.add(k, "duplicate key %q in %s", k.Value, what)
			continue
		}
		seen[k.Value] = true
		fn, ok := keys[k.Value]
		if !ok {
			names := make([]string, 0, len(keys))
			for name := range keys {
				names = append(names, name)
			}
			sort.Strings(names)
			l.add(k, "unknown key %q in %s (keys: %s)", k.Value, what, strings.Join(names, ", "))
			continue
		}
		fn(v)
	}
	for _, req := range required {
		if !seen[req] {
			l.add(n, "%s has no %s", what, req)
		}
	}
}

func (l *loader) scalar(n *yaml.Node) string {
	if n.Kind != yaml.ScalarNode {
		l.add(n, "expected a single value")
		return ""
	}
	return n.Value
}

func (l *loader) list(n *yaml.Node) []string {
	if n.Kind == yaml.ScalarNode {
		return []string{n.Value}
	}
	if n.Kind != yaml.SequenceNode {
		l.add(n, "expected a list of strings")
		return nil
	}
	out := make([]string, 0, len(n.Content))
	for _, item := range n.Content {
		out = append(out, l.scalar(item))
	}
	return out
}

func (l *loader) entries(c *Catalogue, n *yaml.Node) {
	if n.Kind != yaml.SequenceNode {
		l.add(n, "entries must be a list")
		return
	}
	for _, item := range n.Content {
		e := &Entry{Line: item.Line}
		var causesNode *yaml.Node
		l.mapping(item, "entry", map[string]func(*yaml.Node){
			"id":       func(x *yaml.Node) { e.ID = l.scalar(x) },
			"title":    func(x *yaml.Node) { e.Title = l.scalar(x) },
			"meaning":  func(x *yaml.Node) { e.Meaning = strings.TrimSpace(l.scalar(x)) },
			"codes":    func(x *yaml.Node) { e.Codes = l.nonEmpty(x, "code") },
			"messages": func(x *yaml.Node) { e.Messages = l.nonEmpty(x, "message") },
			"patterns": func(x *yaml.Node) { e.Patterns = l.patterns(x) },
			"flows": func(x *yaml.Node) {
				e.Flows = l.list(x)
				for i, f := range e.Flows {
					if _, ok := flowNames[f]; !ok {
						l.add(itemNode(x, i), "unknown flow %q (flows: WS, UA, RT, JWT, CC, UP, DEV, TX, API)", f)
					}
				}
			},
			"static": func(x *yaml.Node) {
				e.Static = l.scalar(x)
				if !slices.Contains(staticSet, e.Static) {
					l.add(x, "static must be yes, partly or no, not %q", e.Static)
				}
			},
			"see":     func(x *yaml.Node) { e.See = l.list(x) },
			"sources": func(x *yaml.Node) { e.Sources = l.list(x) },
			"causes":  func(x *yaml.Node) { causesNode = x },
		}, "id", "title", "meaning", "flows", "static", "causes")
		if !entryIDRE().MatchString(e.ID) {
			l.add(item, "entry id %q must be E followed by two digits", e.ID)
		}
		if prev, dup := c.byID[e.ID]; dup && e.ID != "" {
			l.add(item, "duplicate entry %s (first at line %d)", e.ID, prev.Line)
			continue
		}
		if len(e.Codes) == 0 && len(e.Messages) == 0 && len(e.Patterns) == 0 {
			l.add(item, "entry %s has no codes, messages or patterns to match", e.ID)
		}
		if causesNode != nil {
			l.causes(e, causesNode)
		}
		c.byID[e.ID] = e
		c.Entries = append(c.Entries, e)
	}
}

func itemNode(n *yaml.Node, i int) *yaml.Node {
	if n.Kind == yaml.SequenceNode && i < len(n.Content) {
		return n.Content[i]
	}
	return n
}

func (l *loader) nonEmpty(n *yaml.Node, what string) []string {
	vals := l.list(n)
	for i, v := range vals {
		if normalize(v) == "" {
			l.add(itemNode(n, i), "empty %s", what)
		}
	}
	return vals
}

func (l *loader) patterns(n *yaml.Node) []*regexp.Regexp {
	var out []*regexp.Regexp
	for i, p := range l.list(n) {
		if len(p) > 1024 {
			l.add(itemNode(n, i), "pattern longer than 1024 characters")
			continue
		}
		re, err := regexp.Compile("(?i)" + p)
		if err != nil {
			l.add(itemNode(n, i), "bad regular expression %q: %v", p, err)
			continue
		}
		out = append(out, re)
	}
	return out
}

func (l *loader) causes(e *Entry, n *yaml.Node) {
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		l.add(n, "causes must be a non-empty list")
		return
	}
	seen := map[string]int{}
	for _, item := range n.Content {
		c := &CauseSpec{Entry: e.ID, Line: item.Line}
		var rulesNode, fieldsNode, checkNode, tripsNode, sameNode *yaml.Node
		l.mapping(item, "cause", map[string]func(*yaml.Node){
			"id":          func(x *yaml.Node) { c.ID = l.scalar(x) },
			"title":       func(x *yaml.Node) { c.Title = l.scalar(x) },
			"rules":       func(x *yaml.Node) { c.Rules, rulesNode = l.list(x), x },
			"check":       func(x *yaml.Node) { c.Check, checkNode = l.scalar(x), x },
			"fields":      func(x *yaml.Node) { c.Fields, fieldsNode = l.list(x), x },
			"needs":       func(x *yaml.Node) { c.Needs = l.list(x) },
			"manual":      func(x *yaml.Node) { c.Manual = strings.TrimSpace(l.scalar(x)) },
			"remediation": func(x *yaml.Node) { c.Remediation = strings.TrimSpace(l.scalar(x)) },
			"ruled-out":   func(x *yaml.Node) { c.RuledOut = strings.TrimSpace(l.scalar(x)) },
			"assumes":     func(x *yaml.Node) { c.Assumes = strings.TrimSpace(l.scalar(x)) },
			"trips":       func(x *yaml.Node) { c.Trips, tripsNode = l.list(x), x },
			"same-as":     func(x *yaml.Node) { c.SameAs, sameNode = l.list(x), x },
			"docs":        func(x *yaml.Node) { c.Docs = l.scalar(x) },
		}, "id", "title")
		if !causeIDRE().MatchString(c.ID) {
			l.add(item, "cause id %q must be lower-case kebab-case", c.ID)
		}
		if prev, dup := seen[c.ID]; dup {
			l.add(item, "duplicate cause %s/%s (first at line %d)", e.ID, c.ID, prev)
		}
		seen[c.ID] = item.Line
		for i, id := range c.Rules {
			l.checkRule(itemNode(rulesNode, i), id)
		}
		for i, id := range c.Trips {
			l.checkRule(itemNode(tripsNode, i), id)
		}
		for i, id := range c.SameAs {
			l.checkManual(itemNode(sameNode, i), id)
		}
		if len(c.SameAs) > 0 && !c.IsManual() {
			l.add(sameNode, "same-as applies to manual causes only")
		}
		if c.Check != "" {
			if _, ok := checks[c.Check]; !ok {
				l.add(checkNode, "unknown check %q (checks: %s)", c.Check, strings.Join(CheckNames(), ", "))
			}
		}
		for i, f := range c.Fields {
			if _, ok := metadata.LookupField(f); !ok {
				l.add(itemNode(fieldsNode, i), "unknown field path %q (run `sfapplint fields` for the list)", f)
			}
		}
		for _, nd := range c.Needs {
			if !slices.Contains(needsSet, nd) {
				l.add(item, "unknown need %q (needs: %s)", nd, strings.Join(needsSet, ", "))
			}
		}
		switch {
		case c.IsManual() && c.Manual == "":
			l.add(item, "cause %s/%s has no rules, no check and no manual checklist line", e.ID, c.ID)
		case !c.IsManual() && c.Manual != "":
			l.add(item, "cause %s/%s is either checked from metadata (rules, check) or manual, not both", e.ID, c.ID)
		case !c.IsManual() && c.RuledOut == "":
			l.add(item, "cause %s/%s needs a ruled-out text (what to say when the metadata rules it out)", e.ID, c.ID)
		case c.Check != "" && c.Remediation == "":
			l.add(item, "cause %s/%s is confirmed by a Go check and needs a remediation (the Setup click-path)", e.ID, c.ID)
		}
		e.Causes = append(e.Causes, c)
	}
}

func (l *loader) checkRule(n *yaml.Node, id string) {
	if l.rcat == nil {
		return
	}
	if !strings.Contains(id, "/") {
		l.add(n, "rule %q must be a full id, PACK/RULE", id)
		return
	}
	if l.rcat.Rule(id) == nil {
		pack, _, _ := strings.Cut(id, "/")
		if l.rcat.Pack(pack) == nil {
			l.add(n, "unknown rule %q: no pack %q", id, pack)
			return
		}
		l.add(n, "unknown rule %q", id)
	}
}

// checkManual verifies a vendor pack's manual check reference PACK/id.
func (l *loader) checkManual(n *yaml.Node, ref string) {
	if l.rcat == nil {
		return
	}
	pack, id, ok := strings.Cut(ref, "/")
	p := l.rcat.Pack(pack)
	if !ok || p == nil {
		l.add(n, "unknown manual check %q: no pack %q", ref, pack)
		return
	}
	for _, m := range p.Manual {
		if m.ID == id {
			return
		}
	}
	l.add(n, "unknown manual check %q: pack %s has no manual check %q", ref, pack, id)
}

func (l *loader) playbook(c *Catalogue, n *yaml.Node) {
	p := &c.Playbook
	var stepsNode, manualNode *yaml.Node
	l.mapping(n, "playbook", map[string]func(*yaml.Node){
		"title":        func(x *yaml.Node) { p.Title = l.scalar(x) },
		"match":        func(x *yaml.Node) { p.Match = l.nonEmpty(x, "match") },
		"seed":         func(x *yaml.Node) { p.Seed = strings.TrimSpace(l.scalar(x)) },
		"seed-sources": func(x *yaml.Node) { p.SeedSources = l.list(x) },
		"steps":        func(x *yaml.Node) { stepsNode = x },
		"manual":       func(x *yaml.Node) { p.Manual, manualNode = l.list(x), x },
	}, "title", "steps", "manual")
	if stepsNode != nil {
		if stepsNode.Kind != yaml.SequenceNode {
			l.add(stepsNode, "steps must be a list")
		} else {
			for i, item := range stepsNode.Content {
				s := &Step{}
				l.mapping(item, "step", map[string]func(*yaml.Node){
					"step": func(x *yaml.Node) {
						if _, err := fmt.Sscanf(l.scalar(x), "%d", &s.N); err != nil {
							l.add(x, "step must be a number")
						}
					},
					"title":   func(x *yaml.Node) { s.Title = l.scalar(x) },
					"why":     func(x *yaml.Node) { s.Why = l.scalar(x) },
					"entries": func(x *yaml.Node) { s.Entries = l.list(x) },
					"causes": func(x *yaml.Node) {
						s.Causes = l.list(x)
						for j, ref := range s.Causes {
							l.checkCauseRef(c, itemNode(x, j), ref)
						}
					},
				}, "step", "title", "entries")
				if s.N != i+1 {
					l.add(item, "steps must be numbered 1, 2, 3, ...; found %d at position %d", s.N, i+1)
				}
				for _, id := range s.Entries {
					l.checkEntryRef(c, item, id)
				}
				p.Steps = append(p.Steps, s)
			}
		}
	}
	for i, ref := range p.Manual {
		l.checkCauseRef(c, itemNode(manualNode, i), ref)
		if cs := c.Cause(ref); cs != nil && !cs.IsManual() {
			l.add(itemNode(manualNode, i), "playbook manual check %s is not a manual cause", ref)
		}
	}
}

func (l *loader) checkEntryRef(c *Catalogue, n *yaml.Node, id string) {
	if c.byID[id] == nil {
		l.add(n, "unknown entry %q", id)
	}
}

func (l *loader) checkCauseRef(c *Catalogue, n *yaml.Node, ref string) {
	if c.Cause(ref) == nil {
		l.add(n, "unknown cause %q (write ENTRY/cause, e.g. E01/callback-malformed)", ref)
	}
}

// crossCheck validates references between entries once all are loaded.
func (l *loader) crossCheck(c *Catalogue, n *yaml.Node) {
	for _, e := range c.Entries {
		for _, s := range e.See {
			if c.byID[s] == nil {
				l.add(n, "entry %s: see names unknown entry %q", e.ID, s)
			} else if s == e.ID {
				l.add(n, "entry %s: see names itself", e.ID)
			}
		}
	}
	// Every entry of the reference, once and in order.
	for i, e := range c.Entries {
		want := fmt.Sprintf("E%02d", i+1)
		if e.ID != want {
			l.add(n, "entries must be E01, E02, ... in order: found %s where %s belongs", e.ID, want)
			break
		}
	}
}
