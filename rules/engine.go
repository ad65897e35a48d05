package rules

import (
	"context"
	"fmt"
	"path"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/sfapplint/sfapplint/metadata"
)

// Run is one evaluation: which packs, with which parameters and overrides.
type Run struct {
	Packs []*Pack
	// Params holds parameter values by pack id, then name. Unset parameters take their defaults.
	Params map[string]map[string]string
	// Severity overrides by full rule id; SeverityOff disables a rule.
	Severity map[string]string
	// GoRules implements the `go:` rules.
	GoRules GoRuleSet
}

// SeverityOff disables a rule in a severity override.
const SeverityOff = "off"

// ParamValue returns the effective value of a pack parameter.
func (r Run) ParamValue(p *Pack, name string) string {
	if v, ok := r.Params[p.ID][name]; ok {
		return v
	}
	if name == "app" {
		return "*"
	}
	if prm := p.Params[name]; prm != nil {
		return prm.Default
	}
	return ""
}

// ValidateParams checks every parameter value given on the command line or in
// config against the packs' declarations.
func (r Run) ValidateParams() error {
	var errs []string
	for packID, values := range r.Params {
		pack := packByID(r.Packs, packID)
		if pack == nil {
			errs = append(errs, fmt.Sprintf("parameter for pack %q, which is not selected", packID))
			continue
		}
		for name, v := range values {
			if name == "app" {
				if _, err := path.Match(v, "x"); err != nil {
					errs = append(errs, fmt.Sprintf("%s.app: bad pattern %q", packID, v))
				}
				continue
			}
			prm := pack.Params[name]
			if prm == nil {
				errs = append(errs, fmt.Sprintf("pack %s has no parameter %q (parameters: %s)", packID, name, strings.Join(append([]string{"app"}, pack.ParamOrder...), ", ")))
				continue
			}
			if err := prm.validate(v); err != nil {
				errs = append(errs, fmt.Sprintf("%s.%s: %v", packID, name, err))
			}
		}
	}
	if len(errs) > 0 {
		sort.Strings(errs)
		return fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return nil
}

// Result is the outcome of an evaluation.
type Result struct {
	// Diagnostics are the findings that stand, sorted.
	Diagnostics []Diagnostic
	// Suppressed are the findings an inline suppression removed, sorted.
	Suppressed []Diagnostic
}

// Evaluate runs the packs over the project and returns the findings that are
// not suppressed, sorted. It returns an error only when a rule cannot be
// evaluated (e.g. a parameter a rule needs is empty).
func Evaluate(ctx context.Context, proj *metadata.Project, run Run) ([]Diagnostic, error) {
	res, err := EvaluateAll(ctx, proj, run)
	if err != nil {
		return nil, err
	}
	return res.Diagnostics, nil
}

// EvaluateAll is Evaluate that also returns the suppressed findings.
func EvaluateAll(ctx context.Context, proj *metadata.Project, run Run) (Result, error) {
	var out []Diagnostic
	for _, pack := range run.Packs {
		apps := selectApps(proj, run.ParamValue(pack, "app"))
		// Rules only read the project: they run in parallel, and their
		// findings are put together in rule order, as if run one by one.
		found := make([][]Diagnostic, len(pack.Rules))
		errs := make([]error, len(pack.Rules))
		parallelEach(len(pack.Rules), func(i int) {
			rule := pack.Rules[i]
			if err := ctx.Err(); err != nil {
				errs[i] = err
				return
			}
			override, overridden := run.Severity[rule.FullID()]
			if override == SeverityOff {
				return
			}
			var ds []Diagnostic
			var err error
			if rule.Go != "" {
				ds, err = runGoRule(proj, apps, rule, run)
			} else {
				ds, err = runRule(apps, pack, rule, run)
			}
			if err != nil {
				errs[i] = err
				return
			}
			for i := range ds {
				switch {
				case overridden:
					ds[i].Severity = Severity(override)
				case ds[i].Severity == "":
					ds[i].Severity = rule.Severity
				}
			}
			found[i] = ds
		})
		n := 0
		for i := range pack.Rules {
			if errs[i] != nil {
				return Result{}, errs[i]
			}
			n += len(found[i])
		}
		out = slices.Grow(out, n)
		for i := range pack.Rules {
			out = append(out, found[i]...)
		}
	}
	applyContradictions(proj, out, run)
	kept, suppressed := applySuppressions(proj, out, run)
	for _, ds := range [][]Diagnostic{kept, suppressed} {
		for i := range ds {
			ds[i].Fingerprint = ComputeFingerprint(ds[i])
		}
	}
	return Result{Diagnostics: SortDiagnostics(kept), Suppressed: SortDiagnostics(suppressed)}, nil
}

// parallelEach calls fn(0) ... fn(n-1) on GOMAXPROCS goroutines.
func parallelEach(n int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := 0; i < n; i++ {
			fn(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				fn(i)
			}
		}()
	}
	wg.Wait()
}

func selectApps(proj *metadata.Project, pattern string) []*metadata.App {
	if pattern == "" || pattern == "*" {
		return proj.Apps
	}
	var out []*metadata.App
	for _, a := range proj.Apps {
		if ok, _ := path.Match(pattern, a.Name); ok {
			out = append(out, a)
		}
	}
	return out
}

// applyContradictions turns baseline findings that a selected vendor pack
// knowingly requires into notes naming the requirement, on the apps that pack checks.
func applyContradictions(proj *metadata.Project, ds []Diagnostic, run Run) {
	for _, p := range run.Packs {
		if len(p.Contradicts) == 0 {
			continue
		}
		selected := map[string]bool{}
		for _, a := range selectApps(proj, run.ParamValue(p, "app")) {
			selected[a.Name] = true
		}
		for _, c := range p.Contradicts {
			for i := range ds {
				if ds[i].Rule == c.Rule && selected[ds[i].App] {
					ds[i].Severity = SeverityNote
					ds[i].Note = fmt.Sprintf("required by %s (%s): %s", p.ID, p.Title, c.Reason)
				}
			}
		}
	}
}

// resolver expands ${params.X}, ${app}, ${found} and ${expected}.
type resolver struct {
	pack *Pack
	run  Run
	app  string
	// missing collects parameters that were needed but empty.
	missing []string
}

func (r *resolver) expand(s string, found, expected string) string {
	if !strings.Contains(s, "${") {
		return s
	}
	return replacePlaceholders(s, func(name string) string {
		switch name {
		case "app":
			return r.app
		case "found":
			return found
		case "expected":
			return expected
		}
		p := strings.TrimPrefix(name, "params.")
		v := r.run.ParamValue(r.pack, p)
		if v == "" {
			r.missing = append(r.missing, p)
		}
		return v
	})
}

// values expands the placeholders in vs. When there are none it returns vs
// itself (callers only read it): rules are evaluated once per app.
// replacePlaceholders replaces every ${name} in s with fn(name), matching
// exactly what placeholderRE matches, without a regexp: messages and
// remediations are expanded for every finding.
func replacePlaceholders(s string, fn func(name string) string) string {
	var b strings.Builder
	i := 0
	for {
		j := strings.Index(s[i:], "${")
		if j < 0 {
			break
		}
		j += i
		k := strings.IndexByte(s[j+2:], '}')
		if k < 0 {
			break
		}
		k += j + 2
		b.WriteString(s[i:j])
		b.WriteString(fn(s[j+2 : k]))
		i = k + 1
	}
	if i == 0 {
		return s
	}
	b.WriteString(s[i:])
	return b.String()
}

func (r *resolver) values(vs []string) []string {
	plain := true
	for _, v := range vs {
		if strings.Contains(v, "${") {
			plain = false
			break
		}
	}
	if plain {
		return vs
	}
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = r.expand(v, "", "")
	}
	return out
}

func (r *resolver) err(rule *Rule) error {
	if len(r.missing) == 0 {
		return nil
	}
	return fmt.Errorf("rule %s needs parameter %s.%s: set it with --param %s.%s=VALUE", rule.FullID(), r.pack.ID, r.missing[0], r.pack.ID, r.missing[0])
}

// kindAllowed reports whether r applies to apps of kind k: every kind when
// the rule names none.
func kindAllowed(r *Rule, k metadata.AppKind) bool {
	return len(r.Kinds) == 0 || slices.Contains(r.Kinds, k)
}

// applicable reports whether every field the conditions read exists for the app's kind.
func applicable(c *Condition, app *metadata.App) bool {
	if c == nil {
		return true
	}
	if c.Field != "" && app.Field(c.Field) == nil {
		return false
	}
	for _, ch := range c.Children {
		if !applicable(ch, app) {
			return false
		}
	}
	return true
}

func runRule(apps []*metadata.App, pack *Pack, rule *Rule, run Run) ([]Diagnostic, error) {
	var out []Diagnostic
	id := rule.FullID()
	for _, app := range apps {
		if !kindAllowed(rule, app.Kind) || !applicable(rule.When, app) || !applicable(rule.Check, app) {
			continue
		}
		res := &resolver{pack: pack, run: run, app: app.Name}
		if rule.When != nil {
			if ok, _ := evalCond(rule.When, app, res); !ok {
				if err := res.err(rule); err != nil {
					return nil, err
				}
				continue
			}
		}
		ok, culprit := evalCond(rule.Check, app, res)
		if err := res.err(rule); err != nil {
			return nil, err
		}
		if ok {
			continue
		}
		d := Diagnostic{
			Rule:        id,
			App:         app.Name,
			Remediation: res.expand(rule.RemediationFor(app.Kind), "", ""),
			Docs:        rule.Docs,
		}
		d.Field = culprit.field
		d.File, d.Line, d.Column = culprit.pos.File, culprit.pos.Line, culprit.pos.Column
		if d.Line == 0 {
			d.File, d.Line, d.Column = app.Pos.File, app.Pos.Line, app.Pos.Column
		}
		if !metadata.IsSecretPath(d.Field) {
			d.Found, d.Expected = culprit.found, culprit.expected
		}
		d.Key = culprit.key
		d.Message = trimMessage(res.expand(rule.Message, d.Found, d.Expected))
		if rule.Fix != nil {
			d.Fix = buildFix(rule.Fix, app, res)
		}
		out = append(out, d)
	}
	return out, nil
}

func buildFix(f *FixSpec, app *metadata.App, res *resolver) *Fix {
	v := res.expand(f.Value, "", "")
	spec, _ := metadata.LookupField(f.Field)
	if spec.Kind == metadata.KindScopes {
		if c, ok := metadata.CanonicalScope(v); ok {
			v = metadata.ScopeSpelling(c, app.Kind)
		}
	}
	return NewFix(f.Op, f.Field, v)
}

// culprit says which leaf decided a failed check.
type culprit struct {
	field           string
	pos             metadata.Pos
	found, expected string
	key             string
}

// evalCond evaluates c on app. When it is false, culprit names the deciding leaf.
func evalCond(c *Condition, app *metadata.App, res *resolver) (bool, culprit) {
	switch c.Op {
	case OpAll:
		for _, ch := range c.Children {
			if ok, cu := evalCond(ch, app, res); !ok {
				return false, cu
			}
		}
		return true, culprit{}
	case OpAny:
		var first culprit
		for i, ch := range c.Children {
			ok, cu := evalCond(ch, app, res)
			if ok {
				return true, culprit{}
			}
			if i == 0 {
				first = cu
			}
		}
		return false, first
	case OpNot:
		ok, _ := evalCond(c.Children[0], app, res)
		if !ok {
			return true, culprit{}
		}
		return false, leafCulprit(c.Children[0], app, res)
	}
	if c.Param != "" {
		v := res.run.ParamValue(res.pack, c.Param)
		return evalScalar(c, v, v != "", res), culprit{}
	}
	return evalField(c, app, res)
}

// leafCulprit locates the first field leaf of c (for a failed `not`).
func leafCulprit(c *Condition, app *metadata.App, res *resolver) culprit {
	if c.Field != "" {
		f := app.Field(c.Field)
		return culprit{field: c.Field, pos: f.Pos(), found: f.Display(), expected: "not " + strings.Join(res.values(c.Values), ", ")}
	}
	for _, ch := range c.Children {
		if cu := leafCulprit(ch, app, res); cu.field != "" {
			return cu
		}
	}
	return culprit{}
}

func evalScalar(c *Condition, v string, has bool, res *resolver) bool {
	vals := res.values(c.Values)
	switch c.Op {
	case OpEquals:
		return has && v == vals[0]
	case OpOneOf:
		return has && slices.Contains(vals, v)
	case OpPresent:
		return has
	case OpAbsent:
		return !has
	case OpTrue, OpFalse:
		b, ok := metadata.ParseBool(v)
		return ok && b == (c.Op == OpTrue)
	case OpMatches:
		return has && matchRE(c, vals[0], v)
	case OpPrefix:
		return has && strings.HasPrefix(v, vals[0])
	case OpContains:
		return has && strings.Contains(v, vals[0])
	case OpExcludes:
		for _, x := range vals {
			if strings.Contains(v, x) {
				return false
			}
		}
		return true
	}
	return false
}

func matchRE(c *Condition, pattern, v string) bool {
	re := c.re
	if re == nil || re.String() != pattern {
		var err error
		if re, err = compileRE(pattern); err != nil {
			return false
		}
	}
	return re.MatchString(v)
}

func evalField(c *Condition, app *metadata.App, res *resolver) (bool, culprit) {
	f := app.Field(c.Field)
	vals := res.values(c.Values)
	// The culprit matters only when the check fails: what was found is
	// formatted then, not for every app that passes.
	cu := culprit{field: c.Field}
	has := f.HasValue()
	fail := func(expected string) (bool, culprit) {
		cu.pos = f.Pos()
		cu.found = f.Display()
		cu.expected = expected
		return false, cu
	}
	switch c.Op {
	case OpPresent:
		if f.Present {
			return true, cu
		}
		return fail("present")
	case OpAbsent:
		if !f.Present {
			return true, cu
		}
		return fail("absent")
	case OpTrue, OpFalse:
		want := c.Op == OpTrue
		if b, ok := f.Bool(); ok && has && b == want {
			return true, cu
		}
		return fail(strconv.FormatBool(want))
	case OpAtLeast, OpAtMost:
		n, ok := f.Int()
		lim, _ := strconv.Atoi(vals[0])
		if ok && has && (c.Op == OpAtLeast && n >= lim || c.Op == OpAtMost && n <= lim) {
			return true, cu
		}
		return fail(fmt.Sprintf("%s %d", c.Op, lim))
	}
	switch f.Kind {
	case metadata.KindList, metadata.KindScopes, metadata.KindURLs:
		return evalList(c, f, vals, cu)
	}
	v := fieldScalar(f)
	switch c.Op {
	case OpEquals, OpOneOf:
		for _, want := range vals {
			if has && scalarEqual(f, v, want) {
				return true, cu
			}
		}
		return fail(strings.Join(vals, " or "))
	case OpContains:
		if has && strings.Contains(v, vals[0]) {
			return true, cu
		}
		return fail("containing " + vals[0])
	case OpExcludes:
		for _, x := range vals {
			if has && (strings.Contains(v, x) || scalarEqual(f, v, x)) {
				return fail("not " + x)
			}
		}
		return true, cu
	case OpMatches:
		if has && matchRE(c, vals[0], v) {
			return true, cu
		}
		return fail("matching " + vals[0])
	case OpPrefix:
		if has && strings.HasPrefix(v, vals[0]) {
			return true, cu
		}
		return fail("starting with " + vals[0])
	}
	return fail("")
}

func fieldScalar(f *metadata.Field) string {
	switch v := f.Canonical.(type) {
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case int:
		return strconv.Itoa(v)
	}
	return ""
}

func scalarEqual(f *metadata.Field, v, want string) bool {
	switch f.Kind {
	case metadata.KindEnum:
		if c, ok := metadata.CanonicalValue(f.Path, want); ok {
			want = c
		}
		return strings.EqualFold(v, want)
	case metadata.KindBool:
		b, ok := metadata.ParseBool(want)
		fb, _ := f.Bool()
		return ok && b == fb
	}
	return v == want
}

// listMember compares one list item with an operand: scopes by canonical name,
// URLs and other lists exactly.
func listMember(f *metadata.Field, item, want string) bool {
	if f.Kind == metadata.KindScopes {
		a, okA := metadata.CanonicalScope(item)
		b, okB := metadata.CanonicalScope(want)
		if okA && okB {
			return a == b
		}
		return strings.EqualFold(item, want)
	}
	if f.Kind == metadata.KindList && (strings.HasPrefix(f.Path, "policy.")) {
		return strings.EqualFold(strings.TrimSpace(item), strings.TrimSpace(want))
	}
	return item == want
}

func evalList(c *Condition, f *metadata.Field, vals []string, cu culprit) (bool, culprit) {
	items := f.Items
	has := func(want string) bool {
		for _, it := range items {
			if listMember(f, it.Value, want) {
				return true
			}
		}
		return false
	}
	fail := func(expected string, at *metadata.Item) (bool, culprit) {
		cu.found = f.Display()
		cu.expected = expected
		cu.pos = f.Pos()
		if at != nil {
			cu.pos, cu.key = at.Pos, at.Value
		}
		return false, cu
	}
	switch c.Op {
	case OpContains:
		if has(vals[0]) {
			return true, cu
		}
		return fail(vals[0], nil)
	case OpContainsAll:
		var missing []string
		for _, v := range vals {
			if !has(v) {
				missing = append(missing, v)
			}
		}
		if len(missing) == 0 {
			return true, cu
		}
		return fail(strings.Join(missing, ", "), nil)
	case OpExcludes:
		for _, v := range vals {
			for i := range items {
				if listMember(f, items[i].Value, v) {
					return fail("no "+v, &items[i])
				}
			}
		}
		return true, cu
	case OpEquals:
		if sameSet(f, items, vals) {
			return true, cu
		}
		return fail(strings.Join(vals, ", "), nil)
	case OpMatches:
		for i := range items {
			if !matchRE(c, vals[0], items[i].Value) {
				return fail("matching "+vals[0], &items[i])
			}
		}
		return true, cu
	case OpPrefix:
		for i := range items {
			if !strings.HasPrefix(items[i].Value, vals[0]) {
				return fail("starting with "+vals[0], &items[i])
			}
		}
		return true, cu
	}
	return fail("", nil)
}

func sameSet(f *metadata.Field, items []metadata.Item, vals []string) bool {
	for _, v := range vals {
		found := false
		for _, it := range items {
			if listMember(f, it.Value, v) {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	for _, it := range items {
		found := false
		for _, v := range vals {
			if listMember(f, it.Value, v) {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}
