package rules

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"sort"
	"strings"

	"github.com/sfapplint/sfapplint/rules/packs"
)

// Catalog is every pack available to a run: the built-in ones and any loaded
// from files. Built-in packs are parsed on first use, so a run pays only for
// the packs it selects.
type Catalog struct {
	packs map[string]*Pack
	// builtin lists the embedded pack files not parsed yet, by pack id.
	builtin map[string]string
	GoRules GoRuleSet
}

// OpenBuiltinCatalog returns the catalog of embedded packs without parsing
// them: each is parsed, and checked, the first time it is used.
func OpenBuiltinCatalog() (*Catalog, error) {
	c := &Catalog{packs: map[string]*Pack{}, builtin: map[string]string{}, GoRules: BuiltinGoRules()}
	names, err := fs.Glob(packs.FS(), "*.yaml")
	if err != nil {
		return nil, fmt.Errorf("listing built-in packs: %w", err)
	}
	for _, name := range names {
		c.builtin[strings.TrimSuffix(name, ".yaml")] = name
	}
	return c, nil
}

// LoadBuiltinCatalog loads and checks every embedded pack. An error here is a
// bug in a built-in pack; tests load every pack.
func LoadBuiltinCatalog() (*Catalog, error) {
	c, err := OpenBuiltinCatalog()
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, id := range c.ids() {
		if _, err := c.load(id); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return c, nil
}

// load returns the pack with the given id, parsing a built-in pack on first
// use and checking its references (which may load the packs it names).
func (c *Catalog) load(id string) (*Pack, error) {
	if p, ok := c.packs[id]; ok {
		return p, nil
	}
	name, ok := c.builtin[id]
	if !ok {
		return nil, nil
	}
	delete(c.builtin, id)
	f, err := packs.FS().Open(name)
	if err != nil {
		return nil, fmt.Errorf("opening built-in pack %s: %w", name, err)
	}
	p, err := LoadPack("builtin:"+name, f, c.GoRules)
	_ = f.Close() // read-only embedded file: nothing to flush
	if err != nil {
		return nil, err
	}
	if p.ID != id {
		return nil, fmt.Errorf("builtin:%s: pack id %q does not match the file name", name, p.ID)
	}
	c.packs[p.ID] = p
	if err := c.checkPack(p); err != nil {
		delete(c.packs, p.ID)
		return nil, err
	}
	return p, nil
}

// AddFile loads a pack from a YAML file and adds it to the catalog.
func (c *Catalog) AddFile(file string) (*Pack, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("opening pack: %w", err)
	}
	defer func() { _ = f.Close() }() // read-only: nothing to flush
	p, err := LoadPack(file, f, c.GoRules)
	if err != nil {
		return nil, err
	}
	if prev, err := c.load(p.ID); err == nil && prev != nil {
		return nil, fmt.Errorf("%s: pack id %q is already defined by %s", file, p.ID, prev.File)
	}
	c.packs[p.ID] = p
	if err := c.checkPack(p); err != nil {
		delete(c.packs, p.ID)
		return nil, err
	}
	return p, nil
}

// checkPack verifies that a pack's extends and contradicts name existing
// packs and rules.
func (c *Catalog) checkPack(p *Pack) error {
	var errs []string
	for _, e := range p.Extends {
		if q, err := c.load(e); err != nil || q == nil {
			errs = append(errs, fmt.Sprintf("%s: extends unknown pack %q", p.File, e))
		}
	}
	for _, k := range p.Contradicts {
		if c.Rule(k.Rule) == nil {
			errs = append(errs, fmt.Sprintf("%s:%d: contradicts unknown rule %q", p.File, k.Line, k.Rule))
		}
	}
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "\n"))
	}
	return nil
}

// Pack returns a pack by id, or nil when there is none (or a built-in pack
// fails to load, which tests rule out).
func (c *Catalog) Pack(id string) *Pack {
	p, _ := c.load(id)
	return p
}

// Packs returns every pack, sorted by id with baseline first. It parses the
// built-in packs not used yet.
func (c *Catalog) Packs() []*Pack {
	for _, id := range c.ids() {
		_, _ = c.load(id) // a broken built-in pack is left out; tests rule it out
	}
	out := make([]*Pack, 0, len(c.packs))
	for _, p := range c.packs {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool {
		if (out[i].ID == "baseline") != (out[j].ID == "baseline") {
			return out[i].ID == "baseline"
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// Rule finds a rule by its full id (pack/rule).
func (c *Catalog) Rule(full string) *Rule {
	packID, ruleID, ok := strings.Cut(full, "/")
	if !ok {
		return nil
	}
	p := c.Pack(packID)
	if p == nil {
		return nil
	}
	return ruleByID(p, ruleID)
}

// Resolve turns --pack arguments (ids or YAML file paths) into the packs to run,
// with every pack they extend, each once, in a stable order.
func (c *Catalog) Resolve(refs []string) ([]*Pack, error) {
	var out []*Pack
	seen := map[string]bool{}
	var visit func(id string, from string) error
	visit = func(id, from string) error {
		if seen[id] {
			return nil
		}
		p, err := c.load(id)
		if err != nil {
			return err
		}
		if p == nil {
			return fmt.Errorf("unknown pack %q%s (packs: %s)", id, from, strings.Join(c.ids(), ", "))
		}
		seen[id] = true
		for _, e := range p.Extends {
			if err := visit(e, " (extended by "+id+")"); err != nil {
				return err
			}
		}
		out = append(out, p)
		return nil
	}
	for _, ref := range refs {
		id := ref
		if strings.HasSuffix(ref, ".yaml") || strings.HasSuffix(ref, ".yml") || strings.ContainsRune(ref, os.PathSeparator) {
			p, err := c.AddFile(ref)
			if err != nil {
				return nil, err
			}
			id = p.ID
		}
		if err := visit(id, ""); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (c *Catalog) ids() []string {
	var ids []string
	for id := range c.packs {
		ids = append(ids, id)
	}
	for id := range c.builtin {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Docs returns the documentation of every rule in the packs.
func Docs(ps []*Pack) []RuleDoc {
	var out []RuleDoc
	for _, p := range ps {
		for _, r := range p.Rules {
			out = append(out, r.Doc())
		}
	}
	return out
}

// Doc documents the rule.
func (r *Rule) Doc() RuleDoc {
	d := RuleDoc{ID: r.FullID(), Pack: r.Pack, Title: r.Title, Description: r.Description, Severity: r.Severity,
		Remediation: r.Remediation, Docs: r.Docs, Explains: r.Explains, References: r.References}
	if r.Fix != nil {
		d.FixSummary = fmt.Sprintf("%s %s %s", r.Fix.Op, r.Fix.Field, r.Fix.Value)
	}
	return d
}

// Doc documents the pack.
func (p *Pack) Doc() PackDoc {
	return PackDoc{ID: p.ID, Title: p.Title, Description: p.Description, SourceTitle: p.Source.Title, SourceURL: p.Source.URL}
}
