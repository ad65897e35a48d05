package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/sfapplint/sfapplint/metadata"
	"github.com/sfapplint/sfapplint/rules"
	"github.com/sfapplint/sfapplint/rules/report"
)

// packFlags select packs, parameters and config; shared by check, diagnose and rules.
type packFlags struct {
	packs      []string
	params     []string
	configFile string
	noConfig   bool
}

func (f *packFlags) register(cmd *cobra.Command) {
	stringArrayVarP(cmd.Flags(), &f.packs, "pack", "p", "pack to run: a built-in id or a YAML file (repeatable; default: the config's packs, else baseline)")
	stringArrayVarP(cmd.Flags(), &f.params, "param", "", "pack parameter PACK.NAME=VALUE (repeatable)")
	cmd.Flags().StringVarP(&f.configFile, "config", "c", "", "config file (default: .sfapplint.yaml found from the working directory upwards)")
	cmd.Flags().BoolVar(&f.noConfig, "no-config", false, "ignore any .sfapplint.yaml")
}

// setup is the resolved configuration of a run.
type setup struct {
	wd      string
	config  *rules.Config
	catalog *rules.Catalog
	run     rules.Run
	// ignore excludes files by display path: the config's ignore list, nil
	// without a config or an ignore list.
	ignore func(string) bool
	// schema returns the embedded schema, built on first use and kept
	// (metadata.NewSchema: build it once); the Schema is read-only.
	schema func() (*metadata.Schema, error)
}

func workDir(s *Streams) (string, error) {
	if s.WorkDir != "" {
		return s.WorkDir, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("finding working directory: %w", err)
	}
	return wd, nil
}

// resolveSetup loads the config and packs and validates parameters. Every error
// here is a usage error (exit 2).
func resolveSetup(s *Streams, f *packFlags) (*setup, error) {
	st, err := resolveConfig(s, f)
	if err != nil {
		return nil, err
	}
	if err := st.resolvePacks(f); err != nil {
		return nil, err
	}
	return st, nil
}

// resolveConfig is the first half of resolveSetup: the working directory, the
// built-in catalog and the config file (with its ignore list).
func resolveConfig(s *Streams, f *packFlags) (*setup, error) {
	wd, err := workDir(s)
	if err != nil {
		return nil, err
	}
	st := &setup{wd: wd, schema: sync.OnceValues(metadata.NewSchema)}
	cat, err := rules.OpenBuiltinCatalog()
	if err != nil {
		return nil, fmt.Errorf("built-in packs: %w", err)
	}
	st.catalog = cat
	cfg, err := findAndLoadConfig(wd, f)
	if err != nil {
		return nil, &usageError{err: err}
	}
	st.config = cfg
	if cfg != nil {
		st.ignore = cfg.IgnoreFunc(wd)
	}
	return st, nil
}

// resolvePacks is the second half of resolveSetup: it loads the packs the
// flags or the config name and checks the config and parameters against them.
// It only reads st.wd, st.config and st.catalog and sets st.run, so it may run
// while the project loads.
func (st *setup) resolvePacks(f *packFlags) error {
	cat, cfg, wd := st.catalog, st.config, st.wd
	refs := f.packs
	if len(refs) == 0 && cfg != nil && len(cfg.Packs) > 0 {
		for _, p := range cfg.Packs {
			if strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml") {
				p = filepath.Join(cfg.Dir(), p)
			}
			refs = append(refs, p)
		}
	}
	if len(refs) == 0 {
		refs = []string{"baseline"}
	}
	for i, r := range refs {
		if (strings.HasSuffix(r, ".yaml") || strings.HasSuffix(r, ".yml")) && !filepath.IsAbs(r) {
			refs[i] = filepath.Join(wd, r)
		}
	}
	packs, err := cat.Resolve(refs)
	if err != nil {
		return &usageError{err: err}
	}
	if cfg != nil {
		if err := cfg.Validate(cat); err != nil {
			return &usageError{err: err}
		}
	}
	run := rules.Run{Packs: packs, Params: map[string]map[string]string{}, Severity: map[string]string{}, GoRules: cat.GoRules}
	if cfg != nil {
		for k, v := range cfg.Params {
			pack, name, _ := strings.Cut(k, ".")
			if run.Params[pack] == nil {
				run.Params[pack] = map[string]string{}
			}
			run.Params[pack][name] = v
		}
		for k, v := range cfg.Severity {
			run.Severity[k] = v
		}
	}
	for _, p := range f.params {
		key, val, ok := strings.Cut(p, "=")
		pack, name, ok2 := strings.Cut(key, ".")
		if !ok || !ok2 || pack == "" || name == "" {
			return usageErrorf("--param %q: want PACK.NAME=VALUE, e.g. autokitteh.deployment=dedicated", p)
		}
		if run.Params[pack] == nil {
			run.Params[pack] = map[string]string{}
		}
		run.Params[pack][name] = val
	}
	if err := run.ValidateParams(); err != nil {
		return &usageError{err: err}
	}
	st.run = run
	return nil
}

func findAndLoadConfig(wd string, f *packFlags) (*rules.Config, error) {
	if f.noConfig {
		return nil, nil
	}
	file := f.configFile
	if file == "" {
		found, err := rules.FindConfig(wd)
		if err != nil || found == "" {
			return nil, err
		}
		file = found
	} else if !filepath.IsAbs(file) {
		file = filepath.Join(wd, file)
	}
	cfg, err := rules.LoadConfigFile(file)
	if err != nil {
		return nil, err
	}
	return cfg, nil
}

type checkOptions struct {
	pack          packFlags
	inputs        inputFlags
	format        string
	outputs       []string
	failOn        string
	baseline      string
	writeBaseline string
	changed       bool
	since         string
	fix           bool
	diff          bool
	fixState      *fixProgress // totals and setup across the rounds of --fix
}

func newCheckCmd(s *Streams) *cobra.Command {
	opts := &checkOptions{}
	cmd := &cobra.Command{
		Use:   "check [paths...]",
		Short: "Check apps against rule packs and report findings",
		Long: `check reads the inputs (files, directories, Metadata API trees, retrieved .zip
files, or the SFDX project found from the working directory), evaluates the
selected packs (default: the config's packs, else baseline), and reports
findings as file:line:column.

Exit status: 0 when no finding is at or above --fail-on (default error),
1 when one is, 2 on usage, config or pack errors or a missing input path.`,
		Example: `  sfapplint check
  sfapplint check force-app --pack atera-robin
  sfapplint check --pack autokitteh --param autokitteh.deployment=dedicated --param autokitteh.name=acme
  sfapplint check --format sarif --output junit=report.xml`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCheck(cmd.Context(), s, args, opts)
		},
	}
	opts.pack.register(cmd)
	opts.inputs.register(cmd.Flags())
	cmd.Flags().StringVarP(&opts.format, "format", "f", "text", "output format on stdout: "+strings.Join(report.Formats(), ", "))
	stringArrayVarP(cmd.Flags(), &opts.outputs, "output", "o", "also write FORMAT=PATH (repeatable), e.g. sarif=results.sarif")
	cmd.Flags().StringVar(&opts.failOn, "fail-on", "", "lowest severity that fails the run: error, warning, note or never (default error)")
	cmd.Flags().StringVar(&opts.baseline, "baseline", "", "report only findings not recorded in this baseline file (default: the config's baseline)")
	cmd.Flags().StringVar(&opts.writeBaseline, "write-baseline", "", "record today's findings in this baseline file and exit 0")
	cmd.Flags().BoolVar(&opts.changed, "changed", false, "check only apps with a file changed since the merge base with the upstream branch")
	cmd.Flags().StringVar(&opts.since, "since", "", "check only apps with a file changed since the git revision REV")
	cmd.Flags().BoolVar(&opts.fix, "fix", false, "apply the fixes rules define to the reported findings, then report what remains")
	cmd.Flags().BoolVar(&opts.diff, "diff", false, "print the fixes as a unified diff instead of the report; write nothing")
	return cmd
}

type outputSpec struct{ format, path string }

func parseOutputs(format string, outputs []string) ([]outputSpec, error) {
	if !validFormat(format) {
		return nil, usageErrorf("unknown --format %q (formats: %s)", format, strings.Join(report.Formats(), ", "))
	}
	var out []outputSpec
	for _, o := range outputs {
		f, p, ok := strings.Cut(o, "=")
		if !ok || p == "" {
			return nil, usageErrorf("--output %q: want FORMAT=PATH", o)
		}
		if !validFormat(f) {
			return nil, usageErrorf("--output %q: unknown format %q (formats: %s)", o, f, strings.Join(report.Formats(), ", "))
		}
		out = append(out, outputSpec{f, p})
	}
	return out, nil
}

func validFormat(f string) bool {
	for _, x := range report.Formats() {
		if x == f {
			return true
		}
	}
	return false
}

func runCheck(ctx context.Context, s *Streams, args []string, opts *checkOptions) error {
	outputs, err := parseOutputs(opts.format, opts.outputs)
	if err != nil {
		return err
	}
	// A later round of --fix reuses the first round's setup: fixes write only
	// app metadata, never the config or a pack.
	var st *setup
	var packsDone chan error
	if opts.fixState != nil {
		st = opts.fixState.setup
	} else {
		st, err = resolveConfig(s, &opts.pack)
		if err != nil {
			return err
		}
		// The packs (YAML, parsed on first use) load while the project does: on
		// a pre-commit run of one app they are a third of the work. A pack
		// error still wins over anything the load reports.
		done := make(chan error, 1)
		go func() { done <- st.resolvePacks(&opts.pack) }()
		packsDone = done
	}
	packsErr := func() error {
		if packsDone == nil {
			return nil
		}
		err := <-packsDone
		packsDone = nil
		return err
	}
	defer func() { _ = packsErr() }() // never leave the goroutine behind
	// usage reports err unless the packs failed, as when they loaded first.
	usage := func(err error) error {
		if perr := packsErr(); perr != nil {
			return perr
		}
		return err
	}
	failOn := opts.failOn
	if failOn == "" && st.config != nil && st.config.FailOn != "" {
		failOn = st.config.FailOn
	}
	if failOn == "" {
		failOn = "error"
	}
	if !rules.ValidFailOn(failOn) {
		return usage(usageErrorf("--fail-on %q: want error, warning, note or never", failOn))
	}
	if opts.changed && opts.since != "" {
		return usage(usageErrorf("--changed and --since cannot be combined"))
	}
	// Files passed one by one (as pre-commit does) are checked as whole apps:
	// read the whole project, report on the apps those files belong to.
	var only map[string]bool
	loadArgs := args
	if fileArgs(st.wd, args) {
		only = map[string]bool{}
		for _, a := range args {
			if !filepath.IsAbs(a) {
				a = filepath.Join(st.wd, a)
			}
			only[a] = true
		}
		loadArgs = projectArgs(st.wd, args)
	}
	if opts.changed || opts.since != "" {
		changed, err := changedFiles(ctx, st.wd, opts.since)
		if err != nil {
			return usage(&usageError{err: err})
		}
		if only == nil {
			only = changed
		} else {
			for f := range only {
				if !changed[f] {
					delete(only, f)
				}
			}
		}
	}
	proj, err := loadInputs(ctx, s, st.schema, loadArgs, &opts.inputs, st.ignore)
	if err := usage(err); err != nil {
		return err
	}
	diags, err := rules.Evaluate(ctx, proj, st.run)
	if err != nil {
		return &usageError{err: err}
	}
	if only != nil {
		diags = restrictToChanged(proj, st.wd, diags, only)
	}
	if opts.writeBaseline != "" {
		var buf bytes.Buffer
		if err := rules.WriteBaseline(&buf, diags); err != nil {
			return err
		}
		if err := s.Files.WriteFile(absPath(st.wd, opts.writeBaseline), buf.Bytes(), 0o644); err != nil {
			return fmt.Errorf("writing baseline: %w", err)
		}
		fmt.Fprintf(s.ErrOut, "sfapplint: recorded %d finding(s) in %s\n", len(diags), opts.writeBaseline)
		return nil
	}
	baselineFile := opts.baseline
	if baselineFile == "" && st.config != nil && st.config.Baseline != "" {
		baselineFile = filepath.Join(st.config.Dir(), st.config.Baseline)
	}
	if baselineFile != "" {
		b, err := rules.LoadBaseline(absPath(st.wd, baselineFile))
		if err != nil {
			return &usageError{err: err}
		}
		var hidden int
		diags, hidden = b.Filter(diags)
		if hidden > 0 {
			fmt.Fprintf(s.ErrOut, "sfapplint: %d finding(s) hidden by the baseline %s\n", hidden, baselineFile)
		}
	}
	if opts.fix || opts.diff {
		// Fix (or diff) the reported findings, then check again (fix.go).
		return fixAndRecheck(ctx, s, args, opts, st, proj, diags, failOn)
	}
	if wantsSARIF(opts.format, outputs) {
		attachFixEdits(proj, diags)
	}
	in := reportInput(st, proj, diags, failOn, s.Color())
	in.Indent = s.OutTTY
	if err := report.Write(s.Out, opts.format, in); err != nil {
		return err
	}
	for _, o := range outputs {
		var buf bytes.Buffer
		in.Color, in.Indent = false, false
		if err := report.Write(&buf, o.format, in); err != nil {
			return err
		}
		path := o.path
		if !filepath.IsAbs(path) {
			path = filepath.Join(st.wd, path)
		}
		if err := s.Files.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			return fmt.Errorf("writing %s report: %w", o.format, err)
		}
	}
	if failOn != "never" && report.Fails(diags, rules.Severity(failOn)) {
		return &exitError{code: ExitFindings}
	}
	return nil
}

func reportInput(st *setup, proj *metadata.Project, diags []rules.Diagnostic, failOn string, color bool) report.Input {
	in := report.Input{
		Tool:        report.ToolInfo{Name: "sfapplint", Version: version, InformationURI: "https://github.com/sfapplint/sfapplint"},
		Rules:       rules.Docs(st.run.Packs),
		Diagnostics: diags,
		Color:       color,
	}
	if failOn != "never" {
		in.FailOn = rules.Severity(failOn)
	}
	for _, p := range st.run.Packs {
		in.Packs = append(in.Packs, p.Doc())
	}
	for _, a := range proj.Apps {
		in.Apps = append(in.Apps, report.AppRef{Name: a.Name, Kind: string(a.Kind), Files: a.Files()})
	}
	return in
}

func absPath(wd, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(wd, p)
}

// projectArgs returns what to load when single files are given: the SFDX
// project's package directories (so each file's whole app is read) plus the
// files themselves, or just the files outside an SFDX project.
func projectArgs(wd string, files []string) []string {
	dirs, err := metadata.PackageDirectories(wd)
	if err != nil {
		return files
	}
	return append(dirs, files...)
}

func wantsSARIF(format string, outputs []outputSpec) bool {
	if format == "sarif" {
		return true
	}
	for _, o := range outputs {
		if o.format == "sarif" {
			return true
		}
	}
	return false
}
