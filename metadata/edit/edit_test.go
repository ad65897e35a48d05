package edit

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfapplint/sfapplint/metadata"
)

// The fixture tests apply the edits in testdata/cases/<case>/edits.txt to the
// app under testdata/cases/<case>/in and compare the outcomes and the unified
// diff of every changed file with testdata/cases/<case>/want.golden. Refresh
// the goldens after an intended change with:
//
//	go test ./metadata/edit -run TestFixtures -update
var update = flag.Bool("update", false, "rewrite the golden files under testdata/cases")

// caseSpec is a parsed edits.txt: the edits, then the model values expected
// after them ("expect FIELD VALUE", lists comma-separated) and fields that may
// change without an expectation ("may-change FIELD").
type caseSpec struct {
	edits     []Edit
	expect    map[string]string
	mayChange map[string]bool
}

func readCase(t *testing.T, path string) caseSpec {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	spec := caseSpec{expect: map[string]string{}, mayChange: map[string]bool{}}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		word, rest, _ := strings.Cut(line, " ")
		field, value, _ := strings.Cut(rest, " ")
		switch word {
		case "set", "add", "remove":
			spec.edits = append(spec.edits, Edit{Op: Op(word), Field: field, Value: value})
		case "expect":
			spec.expect[field] = value
		case "may-change":
			spec.mayChange[field] = true
		default:
			t.Fatalf("%s: unknown line %q", path, line)
		}
	}
	return spec
}

func load(t *testing.T, dir string) *metadata.Project {
	t.Helper()
	schema, err := metadata.NewSchema()
	if err != nil {
		t.Fatal(err)
	}
	proj, err := metadata.Load(context.Background(), metadata.Options{Paths: []string{dir}, WorkDir: dir, Validator: schema})
	if err != nil {
		t.Fatal(err)
	}
	return proj
}

func onlyApp(t *testing.T, proj *metadata.Project) *metadata.App {
	t.Helper()
	if len(proj.Apps) != 1 {
		t.Fatalf("want one app, found %d", len(proj.Apps))
	}
	return proj.Apps[0]
}

// render is the golden form of a result: outcomes, then diffs.
func render(res *Result) string {
	var b strings.Builder
	for i, o := range res.Outcomes {
		fmt.Fprintf(&b, "%2d. %s: %s", i+1, o.Edit, o.Status)
		if o.Reason != "" {
			fmt.Fprintf(&b, ": %s", o.Reason)
		}
		b.WriteString("\n")
	}
	for _, c := range res.Changes {
		b.WriteString("\n")
		b.WriteString(UnifiedDiff("a/"+c.Path, "b/"+c.Path, c.Before, c.After, 2))
	}
	return b.String()
}

func TestFixtures(t *testing.T) {
	cases, err := os.ReadDir("testdata/cases")
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatal("no fixtures under testdata/cases")
	}
	for _, c := range cases {
		t.Run(c.Name(), func(t *testing.T) {
			dir := filepath.Join("testdata", "cases", c.Name())
			spec := readCase(t, filepath.Join(dir, "edits.txt"))
			in, err := filepath.Abs(filepath.Join(dir, "in"))
			if err != nil {
				t.Fatal(err)
			}
			proj := load(t, in)
			app := onlyApp(t, proj)
			res := Apply(app, spec.edits)

			got := render(res)
			golden := filepath.Join(dir, "want.golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (create it with -update)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("outcomes and diffs differ from %s (-want +got):\n%s", golden, diff)
			}

			checkOutsideUnchanged(t, app, spec.edits, res)
			after := applyAndReload(t, in, res)
			checkModel(t, proj, app, after, spec, res)
			checkIdempotent(t, after, app, spec.edits)
		})
	}
}

// applyAndReload writes the changes into a copy of dir and loads the copy.
func applyAndReload(t *testing.T, dir string, res *Result) *metadata.Project {
	t.Helper()
	tmp := t.TempDir()
	copyTree(t, dir, tmp)
	for _, c := range res.Changes {
		p := filepath.Join(tmp, filepath.FromSlash(c.Path))
		if c.Created {
			if _, err := os.Stat(p); err == nil {
				t.Fatalf("created file %s already exists", c.Path)
			}
		} else {
			old, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(c.Before), string(old)); diff != "" {
				t.Fatalf("Change.Before of %s is not the file's content:\n%s", c.Path, diff)
			}
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := WriteFileAtomic(p, c.After, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := metadata.ParseDocument(c.Path, c.After, metadata.ParseLimits{}); err != nil {
			t.Fatalf("%s is not well-formed after the edit: %v", c.Path, err)
		}
	}
	return load(t, tmp)
}

func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if info.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !info.Mode().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// fieldSnap is what a rule can see of a field, without positions.
type fieldSnap struct {
	Value                     any
	Canonical                 any
	Present, Default, Invalid bool
}

func snap(f *metadata.Field) fieldSnap {
	return fieldSnap{Value: f.Value, Canonical: f.Canonical, Present: f.Present, Default: f.Default, Invalid: f.Invalid}
}

// companions are fields that change together with an edited field.
var companions = map[string][]string{
	"oauth.secretRequiredForWebServerFlow": {"oauth.consumerSecretOptional"},
	"oauth.consumerSecretOptional":         {"oauth.secretRequiredForWebServerFlow"},
	"policy.refreshToken":                  {"policy.refreshTokenValidityPeriod", "policy.refreshTokenValidityUnit"},
	"policy.refreshTokenValidityPeriod":    {"policy.refreshToken", "policy.refreshTokenValidityUnit"},
	"policy.refreshTokenValidityUnit":      {"policy.refreshToken", "policy.refreshTokenValidityPeriod"},
	"oauth.pluginEnabled":                  {"oauth.enabled"},
	"app.enabled":                          {"oauth.enabled"},
}

// checkModel compares the reloaded app with the original: edited fields have
// their expected values, every other field is unchanged, and no new problem
// appears in the app's files.
func checkModel(t *testing.T, before *metadata.Project, app *metadata.App, afterProj *metadata.Project, spec caseSpec, res *Result) {
	t.Helper()
	after := afterProj.App(app.Name)
	if after == nil || after.Kind != app.Kind {
		t.Fatalf("app %s does not load after the edits", app.Name)
	}
	may := map[string]bool{}
	for k := range spec.mayChange {
		may[k] = true
	}
	for i, e := range spec.edits {
		if res.Outcomes[i].Status == Skipped {
			continue
		}
		may[e.Field] = true
		for _, c := range companions[e.Field] {
			may[c] = true
		}
	}
	for path, want := range spec.expect {
		f := after.Field(path)
		if f == nil {
			t.Errorf("expect %s: not a field of the app", path)
			continue
		}
		if got := fieldText(f); got != normalizeExpect(f, want) {
			t.Errorf("%s = %q after the edits, want %q", path, got, normalizeExpect(f, want))
		}
	}
	for _, f := range app.Fields() {
		if may[f.Path] {
			continue
		}
		g := after.Field(f.Path)
		if g == nil {
			t.Errorf("%s disappeared from the model", f.Path)
			continue
		}
		want := snap(f)
		if f.Default && g.Present && cmp.Equal(f.Canonical, g.Canonical) {
			// A created file or container writes the elements its type
			// requires with their documented defaults: same value, now written.
			want = snap(g)
		}
		if diff := cmp.Diff(want, snap(g)); diff != "" {
			t.Errorf("%s changed although no edit targets it (-before +after):\n%s", f.Path, diff)
		}
	}
	codes := func(p *metadata.Project, a *metadata.App) map[string]bool {
		files := map[string]bool{}
		for _, f := range a.Files() {
			files[f] = true
		}
		out := map[string]bool{}
		for _, pr := range p.Problems {
			if files[pr.Pos.File] {
				out[string(pr.Code)+" "+pr.Element] = true
			}
		}
		return out
	}
	was := codes(before, app)
	for c := range codes(afterProj, after) {
		if !was[c] {
			t.Errorf("the edits introduced a new problem: %s", c)
		}
	}
}

// fieldText renders a field for comparison with an expectation: lists
// comma-separated (scopes as their sorted canonical set), scalars as text.
func fieldText(f *metadata.Field) string {
	switch f.Kind {
	case metadata.KindScopes:
		s := append([]string(nil), f.Strings()...)
		sort.Strings(s)
		return strings.Join(s, ",")
	case metadata.KindList, metadata.KindURLs:
		var vs []string
		for _, it := range f.Items {
			vs = append(vs, it.Value)
		}
		return strings.Join(vs, ",")
	}
	if f.Canonical == nil {
		return ""
	}
	return fmt.Sprint(f.Canonical)
}

func normalizeExpect(f *metadata.Field, want string) string {
	if f.Kind != metadata.KindScopes {
		return want
	}
	var vs []string
	for _, v := range strings.Split(want, ",") {
		if v = strings.TrimSpace(v); v != "" {
			if c, ok := metadata.CanonicalScope(v); ok {
				v = c
			}
			vs = append(vs, v)
		}
	}
	sort.Strings(vs)
	return strings.Join(vs, ",")
}

// checkIdempotent applies the edits again to the edited app: nothing changes.
func checkIdempotent(t *testing.T, after *metadata.Project, app *metadata.App, edits []Edit) {
	t.Helper()
	again := Apply(after.App(app.Name), edits)
	for _, o := range again.Outcomes {
		if o.Status == Changed {
			t.Errorf("second run changed something: %s", o.Edit)
		}
	}
	for _, c := range again.Changes {
		t.Errorf("second run changed %s:\n%s", c.Path, UnifiedDiff("a", "b", c.Before, c.After, 1))
	}
}

// span is a byte range of a document that an edit may change.
type span struct{ start, end int }

// editSpan returns the part of doc an edit of field may change: the element
// itself for a scalar that exists, else the content of the container that
// holds (or will hold) it; list fields may change their whole container.
func editSpan(app *metadata.App, field string, doc *metadata.Document) (span, bool) {
	switch field {
	case "oauth.secretRequiredForWebServerFlow":
		field = "oauth.consumerSecretOptional"
	case "oauth.enabled":
		field = "oauth.pluginEnabled"
	}
	f := app.Field(field)
	if f == nil || f.Doc != doc {
		return span{}, false
	}
	container := func(el *metadata.Element) span {
		if el.SelfClosing {
			return span{el.StartOffset, el.EndOffset}
		}
		return span{el.ContentStart, el.ContentEnd}
	}
	isList := f.Kind == metadata.KindList || f.Kind == metadata.KindScopes || f.Kind == metadata.KindURLs
	switch {
	case f.Elem != nil && !isList:
		return span{f.Elem.StartOffset, f.Elem.EndOffset}, true
	case f.Parent != nil:
		return container(f.Parent), true
	}
	return container(doc.Root), true
}

// checkOutsideUnchanged asserts that every changed file is byte for byte the
// same outside the spans of the elements its edits target.
func checkOutsideUnchanged(t *testing.T, app *metadata.App, edits []Edit, res *Result) {
	t.Helper()
	for _, c := range res.Changes {
		if c.Created {
			continue
		}
		doc := app.Docs[c.Type]
		lo, hi := len(c.Before), 0
		for _, e := range edits {
			for _, field := range append([]string{e.Field}, companions[e.Field]...) {
				if sp, ok := editSpan(app, field, doc); ok {
					lo, hi = min(lo, sp.start), max(hi, sp.end)
				}
			}
		}
		if lo > hi {
			t.Errorf("%s changed, but no edit targets it", c.Path)
			continue
		}
		tail := len(c.Before) - hi
		if len(c.After) < lo+tail {
			t.Errorf("%s: the edit removed bytes outside the edited elements", c.Path)
			continue
		}
		if diff := cmp.Diff(string(c.Before[:lo]), string(c.After[:lo])); diff != "" {
			t.Errorf("%s: bytes before the edited elements changed (-before +after):\n%s", c.Path, diff)
		}
		if diff := cmp.Diff(string(c.Before[hi:]), string(c.After[len(c.After)-tail:])); diff != "" {
			t.Errorf("%s: bytes after the edited elements changed (-before +after):\n%s", c.Path, diff)
		}
	}
}
