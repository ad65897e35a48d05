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

// Catalog is every pack available to a run: the built-in ones and any loaded from files.
type Catalog struct {
	packs   map[string]*Pack
	GoRules GoRuleSet
}

// LoadBuiltinCatalog loads the embedded packs. An error here is a bug in a
// built-in pack; tests load every pack.
func LoadBuiltinCatalog() (*Catalog, error) {
	c := &Catalog{packs: map[string]*Pack{}, GoRules: BuiltinGoRules()}
	names, err := fs.Glob(packs.FS(), "*.yaml")
	if err != nil {
		return nil, fmt.Errorf("listing built-in packs: %w", err)
	}
	var errs []error
	for _, name := range names {
		f, err := packs.FS().Open(name)
		if err != nil {
			return nil, fmt.Errorf("opening built-in pack %s: %w", name, err)
		}
		p, err := LoadPack("builtin:"+name, f, c.GoRules)
		_ = f.Close() // read-only embedded file: nothing to flush
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if strings.TrimSuffix(name, ".yaml") != p.ID {
			errs = append(errs, fmt.Errorf("builtin:%s: pack id %q does not match the file name", name, p.ID))
		}
		c.packs[p.ID] = p
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if err := c.checkReferences(); err != nil {
		return nil, err
	}
	return c, nil
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
	if prev, ok := c.packs[p.ID]; ok {
		return nil, fmt.Errorf("%s: pack id %q is already defined by %s", file, p.ID, prev.File)
	}
	c.packs[p.ID] = p
	if err := c.checkReferences(); err != nil {
		delete(c.packs, p.ID)
		return nil, err
	}
	return p, nil
}

// checkReferences verifies extends and contradicts name existing packs and rules.
func (c *Catalog) checkReferences() error {
	var errs []string
	for _, p := range c.Packs() {
		for _, e := range p.Extends {
			if c.packs[e] == nil {
				errs = append(errs, fmt.Sprintf("%s: extends unknown pack %q", p.File, e))
			}
		}
		for _, k := range p.Contradicts {
			if c.Rule(k.Rule) == nil {
				errs = append(errs, fmt.Sprintf("%s:%d: contradicts unknown rule %q", p.File, k.Line, k.Rule))
			}
		}
	}
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "\n"))
	}
	return nil
}

// Pack returns a pack by id.
func (c *Catalog) Pack(id string) *Pack { return c.packs[id] }

// Packs returns every pack, sorted by id with baseline first.
func (c *Catalog) Packs() []*Pack {
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
	p := c.packs[packID]
	if p == nil {
		return nil
	}
	for _, r := range p.Rules {
		if r.ID == ruleID {
			return r
		}
	}
	return nil
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
		p := c.packs[id]
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
