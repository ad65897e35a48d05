package main

import (
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/sfapplint/sfapplint/metadata"
	"github.com/sfapplint/sfapplint/rules"
)

func newPacksCmd(s *Streams) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "packs",
		Short: "List the built-in rule packs",
		Args:  cobra.NoArgs,
		RunE: func(_ *cobra.Command, _ []string) error {
			cat, err := rules.LoadBuiltinCatalog()
			if err != nil {
				return err
			}
			if format == "json" {
				var docs []rules.PackDoc
				for _, p := range cat.Packs() {
					docs = append(docs, p.Doc())
				}
				return writeJSON(s.Out, docs)
			}
			if format != "text" {
				return usageErrorf("unknown --format %q (want text or json)", format)
			}
			tw := tabwriter.NewWriter(s.Out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "PACK\tRULES\tPARAMETERS\tTITLE")
			for _, p := range cat.Packs() {
				params := append([]string{"app"}, p.ParamOrder...)
				fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", p.ID, len(p.Rules), strings.Join(params, ", "), p.Title)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "text", "output format: text or json")
	return cmd
}

func newRulesCmd(s *Streams) *cobra.Command {
	var format string
	var packs []string
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List rules and manual checks, for all packs or the given ones",
		Args:  cobra.NoArgs,
		RunE: func(_ *cobra.Command, _ []string) error {
			var selected []*rules.Pack
			if len(packs) > 0 {
				// Parse only the packs named (and those they name), as check does.
				cat, err := rules.OpenBuiltinCatalog()
				if err != nil {
					return err
				}
				if selected, err = cat.Resolve(packs); err != nil {
					return &usageError{err: err}
				}
			} else {
				cat, err := rules.LoadBuiltinCatalog()
				if err != nil {
					return err
				}
				selected = cat.Packs()
			}
			if format == "json" {
				type packRules struct {
					Pack   string              `json:"pack"`
					Rules  []rules.RuleDoc     `json:"rules"`
					Manual []rules.ManualCheck `json:"manual"`
				}
				var out []packRules
				for _, p := range selected {
					out = append(out, packRules{Pack: p.ID, Rules: rules.Docs([]*rules.Pack{p}), Manual: p.Manual})
				}
				return writeJSON(s.Out, out)
			}
			if format != "text" {
				return usageErrorf("unknown --format %q (want text or json)", format)
			}
			tw := tabwriter.NewWriter(s.Out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "RULE\tSEVERITY\tFIX\tTITLE")
			for _, p := range selected {
				for _, r := range p.Rules {
					fix := ""
					if r.Fix != nil {
						fix = "yes"
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.FullID(), r.Severity, fix, r.Title)
				}
				for _, m := range p.Manual {
					fmt.Fprintf(tw, "%s/%s\tmanual\t\t%s (check by hand)\n", p.ID, m.ID, m.Title)
				}
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "text", "output format: text or json")
	stringArrayVarP(cmd.Flags(), &packs, "pack", "p", "only these packs (repeatable)")
	return cmd
}

func newExplainCmd(s *Streams) *cobra.Command {
	return &cobra.Command{
		Use:   "explain RULE",
		Short: "Explain a rule or manual check: rationale, remediation, source, errors it explains, fix",
		Args:  cobra.ExactArgs(1),
		Example: `  sfapplint explain baseline/full-scope
  sfapplint explain atera-robin/callback-url`,
		RunE: func(_ *cobra.Command, args []string) error {
			cat, err := rules.LoadBuiltinCatalog()
			if err != nil {
				return err
			}
			return explain(s.Out, cat, args[0])
		},
	}
}

func explain(w io.Writer, cat *rules.Catalog, id string) error {
	packID, ruleID, ok := strings.Cut(id, "/")
	if !ok {
		return usageErrorf("rule %q: write PACK/RULE, e.g. baseline/full-scope (see `sfapplint rules`)", id)
	}
	p := cat.Pack(packID)
	if p == nil {
		return usageErrorf("unknown pack %q (see `sfapplint packs`)", packID)
	}
	if r := cat.Rule(id); r != nil {
		fmt.Fprintf(w, "%s — %s\n\n", r.FullID(), r.Title)
		fmt.Fprintf(w, "Severity:    %s\n", r.Severity)
		if len(r.Kinds) > 0 {
			var ks []string
			for _, k := range r.Kinds {
				ks = append(ks, string(k))
			}
			fmt.Fprintf(w, "Applies to:  %s\n", strings.Join(ks, ", "))
		}
		fmt.Fprintf(w, "Pack:        %s (%s)\n", p.ID, p.Title)
		if p.Source.Title != "" {
			fmt.Fprintf(w, "Source:      %s %s\n", p.Source.Title, p.Source.URL)
		}
		if r.Go != "" {
			fmt.Fprintf(w, "Implemented: in Go (%s)\n", r.Go)
		}
		fmt.Fprintf(w, "\nWhy:\n%s\n", indent(wrap(r.Description, 76), "  "))
		fmt.Fprintf(w, "\nHow to fix:\n%s\n", indent(wrap(strings.ReplaceAll(r.Remediation, "${app}", "<app>"), 76), "  "))
		if r.Fix != nil {
			fmt.Fprintf(w, "\nAutomatic fix (check --fix): %s %s %q\n", r.Fix.Op, r.Fix.Field, r.Fix.Value)
		}
		if len(r.Explains) > 0 {
			fmt.Fprintf(w, "\nExplains these errors:\n")
			for _, e := range r.Explains {
				fmt.Fprintf(w, "  - %s\n", e)
			}
		}
		if len(r.References) > 0 {
			fmt.Fprintf(w, "\nReferences: %s\n", strings.Join(r.References, "; "))
		}
		if r.Docs != "" {
			fmt.Fprintf(w, "Docs: %s\n", r.Docs)
		}
		for _, c := range contradictionsOf(cat, id) {
			fmt.Fprintf(w, "\nKnowingly contradicted by %s: %s\n", c[0], c[1])
		}
		return nil
	}
	for _, m := range p.Manual {
		if m.ID == ruleID {
			fmt.Fprintf(w, "%s/%s — %s (manual check)\n\n", p.ID, m.ID, m.Title)
			fmt.Fprintf(w, "Metadata cannot show this; check it by hand.\n\n%s\n", wrap(m.Description, 78))
			if m.Remediation != "" {
				fmt.Fprintf(w, "\nHow to check:\n%s\n", indent(wrap(m.Remediation, 76), "  "))
			}
			if len(m.Explains) > 0 {
				fmt.Fprintf(w, "\nExplains these errors:\n")
				for _, e := range m.Explains {
					fmt.Fprintf(w, "  - %s\n", e)
				}
			}
			return nil
		}
	}
	return usageErrorf("pack %s has no rule or manual check %q (see `sfapplint rules --pack %s`)", packID, ruleID, packID)
}

func contradictionsOf(cat *rules.Catalog, id string) [][2]string {
	var out [][2]string
	for _, p := range cat.Packs() {
		for _, c := range p.Contradicts {
			if c.Rule == id {
				out = append(out, [2]string{p.ID, c.Reason})
			}
		}
	}
	return out
}

func newFieldsCmd(s *Streams) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "fields",
		Short: "Document the model paths rules are written in, and which element feeds each",
		Args:  cobra.NoArgs,
		RunE: func(_ *cobra.Command, _ []string) error {
			specs := metadata.FieldSpecs()
			switch format {
			case "json":
				type fieldDoc struct {
					Path       string   `json:"path"`
					Kind       string   `json:"kind"`
					Doc        string   `json:"doc"`
					CA         string   `json:"connectedApp,omitempty"`
					ECA        string   `json:"externalClientApp,omitempty"`
					DefaultCA  any      `json:"defaultConnectedApp,omitempty"`
					DefaultECA any      `json:"defaultExternalClientApp,omitempty"`
					Enum       []string `json:"values,omitempty"`
					Derived    string   `json:"derived,omitempty"`
				}
				var out []fieldDoc
				for _, f := range specs {
					out = append(out, fieldDoc{f.Path, string(f.Kind), f.Doc, f.CA.String(), f.ECA.String(), f.DefaultCA, f.DefaultECA, f.Enum, f.Derived})
				}
				return writeJSON(s.Out, out)
			case "text":
			default:
				return usageErrorf("unknown --format %q (want text or json)", format)
			}
			for _, f := range specs {
				fmt.Fprintf(s.Out, "%s (%s)\n  %s\n", f.Path, f.Kind, f.Doc)
				if f.Derived != "" {
					fmt.Fprintf(s.Out, "  derived: %s\n", f.Derived)
				}
				if src := f.CA.String(); src != "" {
					fmt.Fprintf(s.Out, "  ConnectedApp:              %s%s\n", src, defaultNote(f.DefaultCA))
				}
				if src := f.ECA.String(); src != "" {
					fmt.Fprintf(s.Out, "  ExternalClientApplication: %s%s\n", src, defaultNote(f.DefaultECA))
				}
				if len(f.Enum) > 0 {
					fmt.Fprintf(s.Out, "  values: %s\n", strings.Join(f.Enum, ", "))
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "text", "output format: text or json")
	return cmd
}

func defaultNote(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprintf(" (default %v)", v)
}

func newSchemaCmd(s *Streams) *cobra.Command {
	return &cobra.Command{
		Use:       "schema pack|config",
		Short:     "Print the JSON Schema of the rule-pack or config format",
		Args:      cobra.ExactArgs(1),
		ValidArgs: []string{"pack", "config"},
		RunE: func(_ *cobra.Command, args []string) error {
			switch args[0] {
			case "pack":
				return writeJSON(s.Out, rules.PackSchema(rules.BuiltinGoRules()))
			case "config":
				return writeJSON(s.Out, rules.ConfigSchema())
			}
			return usageErrorf("unknown schema %q (want pack or config)", args[0])
		},
	}
}

func newConfigCmd(s *Streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Validate or print the project configuration (.sfapplint.yaml)",
	}
	var pf packFlags
	validate := &cobra.Command{
		Use:   "validate",
		Short: "Check .sfapplint.yaml: keys, packs, rule ids, parameters, globs",
		Args:  cobra.NoArgs,
		RunE: func(_ *cobra.Command, _ []string) error {
			st, err := resolveSetup(s, &pf)
			if err != nil {
				return err
			}
			if st.config == nil {
				fmt.Fprintln(s.Out, "no .sfapplint.yaml found; defaults apply")
				return nil
			}
			fmt.Fprintf(s.Out, "%s: valid\n", displayPath(st.wd, st.config.File))
			return nil
		},
	}
	pf.register(validate)
	var ppf packFlags
	var format string
	printCmd := &cobra.Command{
		Use:   "print",
		Short: "Print the effective configuration and where each value came from",
		Args:  cobra.NoArgs,
		RunE: func(_ *cobra.Command, _ []string) error {
			st, err := resolveSetup(s, &ppf)
			if err != nil {
				return err
			}
			return printEffectiveConfig(s.Out, st, &ppf, format)
		},
	}
	ppf.register(printCmd)
	printCmd.Flags().StringVarP(&format, "format", "f", "text", "output format: text or json")
	cmd.AddCommand(validate, printCmd)
	return cmd
}

type configEntry struct {
	Key    string `json:"key"`
	Value  any    `json:"value"`
	Origin string `json:"origin"`
}

func printEffectiveConfig(w io.Writer, st *setup, pf *packFlags, format string) error {
	var entries []configEntry
	origin := func(key, def string) string {
		if st.config != nil {
			if o, ok := st.config.Origins[key]; ok {
				return displayPath(st.wd, o)
			}
		}
		return def
	}
	var packIDs []string
	for _, p := range st.run.Packs {
		packIDs = append(packIDs, p.ID)
	}
	packOrigin := origin("packs", "default")
	if len(pf.packs) > 0 {
		packOrigin = "--pack"
	}
	entries = append(entries, configEntry{"packs", packIDs, packOrigin})
	for _, p := range st.run.Packs {
		for _, name := range append([]string{"app"}, p.ParamOrder...) {
			key := p.ID + "." + name
			o := "default"
			if _, ok := st.run.Params[p.ID][name]; ok {
				o = origin("params."+key, "--param")
				for _, f := range pf.params {
					if strings.HasPrefix(f, key+"=") {
						o = "--param"
					}
				}
			}
			entries = append(entries, configEntry{"params." + key, st.run.ParamValue(p, name), o})
		}
	}
	var sevKeys []string
	for k := range st.run.Severity {
		sevKeys = append(sevKeys, k)
	}
	sort.Strings(sevKeys)
	for _, k := range sevKeys {
		entries = append(entries, configEntry{"severity." + k, st.run.Severity[k], origin("severity."+k, "")})
	}
	failOn, failOrigin := "error", "default"
	var ignore []string
	baseline := ""
	if st.config != nil {
		if st.config.FailOn != "" {
			failOn, failOrigin = st.config.FailOn, origin("fail-on", "")
		}
		ignore = st.config.Ignore
		baseline = st.config.Baseline
	}
	entries = append(entries, configEntry{"fail-on", failOn, failOrigin})
	if len(ignore) > 0 {
		entries = append(entries, configEntry{"ignore", ignore, origin("ignore", "")})
	}
	if baseline != "" {
		entries = append(entries, configEntry{"baseline", baseline, origin("baseline", "")})
	}
	switch format {
	case "json":
		return writeJSON(w, entries)
	case "text":
	default:
		return usageErrorf("unknown --format %q (want text or json)", format)
	}
	if st.config != nil {
		fmt.Fprintf(w, "# config: %s\n", displayPath(st.wd, st.config.File))
	} else {
		fmt.Fprintln(w, "# no .sfapplint.yaml found")
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, e := range entries {
		v := e.Value
		if l, ok := v.([]string); ok {
			v = strings.Join(l, ", ")
		}
		fmt.Fprintf(tw, "%s\t%v\t# %s\n", e.Key, v, e.Origin)
	}
	return tw.Flush()
}

func displayPath(wd, p string) string {
	// p may end in :LINE or :LINE:COLUMN (a config origin).
	if m := positionSuffix().FindStringIndex(p); m != nil && m[0] > 0 {
		return metadata.DisplayPath(wd, p[:m[0]]) + p[m[0]:]
	}
	return metadata.DisplayPath(wd, p)
}

var positionSuffix = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(:\d+){1,2}$`) })

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("writing JSON: %w", err)
	}
	return nil
}

func wrap(s string, width int) string {
	words := strings.Fields(s)
	var lines []string
	cur := ""
	for _, w := range words {
		if cur != "" && len(cur)+1+len(w) > width {
			lines = append(lines, cur)
			cur = w
			continue
		}
		if cur != "" {
			cur += " "
		}
		cur += w
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return strings.Join(lines, "\n")
}

func indent(s, prefix string) string {
	if s == "" {
		return s
	}
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}
