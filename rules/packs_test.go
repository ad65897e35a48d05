package rules_test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfapplint/sfapplint/metadata"
	"github.com/sfapplint/sfapplint/rules"
)

// vendorPacks are the built-in packs that encode a vendor setup guide.
var vendorPacks = []string{"atera-robin", "autokitteh", "natero", "robomq", "snow-atlas"}

const packFixtures = "testdata/packs"

// fixture is one SFDX project under testdata/packs and how to check it.
type fixture struct {
	dir    string // relative to testdata/packs
	packs  []string
	params map[string]map[string]string
}

// packFixtureTable lists every fixture project. compliant-* projects carry no
// want comments, so the pack must report nothing on them.
var packFixtureTable = []fixture{
	{dir: "atera-robin/compliant-eca", packs: []string{"atera-robin"}},
	{dir: "atera-robin/misconfigured/connected-app", packs: []string{"atera-robin"}},
	{dir: "atera-robin/misconfigured/eca-settings", packs: []string{"atera-robin"}},
	{dir: "atera-robin/misconfigured/missing-scopes-file", packs: []string{"atera-robin"}},
	{dir: "atera-robin/misconfigured/oauth-off", packs: []string{"atera-robin"}},
	{dir: "atera-robin/misconfigured/refresh-policy", packs: []string{"atera-robin"}},

	{dir: "snow-atlas/compliant-connectedapp", packs: []string{"snow-atlas"}},
	{dir: "snow-atlas/compliant-eca", packs: []string{"snow-atlas"}},
	{dir: "snow-atlas/compliant-sandbox", packs: []string{"snow-atlas"},
		params: map[string]map[string]string{"snow-atlas": {"environment": "sandbox"}}},
	{dir: "snow-atlas/misconfigured/connectedapp-settings", packs: []string{"snow-atlas"}},
	{dir: "snow-atlas/misconfigured/eca-settings", packs: []string{"snow-atlas"}},
	{dir: "snow-atlas/misconfigured/oauth-off", packs: []string{"snow-atlas"}},
	{dir: "snow-atlas/misconfigured/refresh-policy", packs: []string{"snow-atlas"}},
	{dir: "snow-atlas/misconfigured/sandbox-callback", packs: []string{"snow-atlas"},
		params: map[string]map[string]string{"snow-atlas": {"environment": "sandbox"}}},

	{dir: "natero/compliant-connectedapp", packs: []string{"natero"}},
	{dir: "natero/compliant-eca", packs: []string{"natero"}},
	{dir: "natero/misconfigured/api-disabled", packs: []string{"natero"}},
	{dir: "natero/misconfigured/oauth-off", packs: []string{"natero"}},
	{dir: "natero/misconfigured/refresh-policy", packs: []string{"natero"}},
	{dir: "natero/misconfigured/scopes", packs: []string{"natero"}},

	{dir: "robomq/compliant-connectedapp", packs: []string{"robomq"}},
	{dir: "robomq/compliant-eca", packs: []string{"robomq"}},
	{dir: "robomq/misconfigured/oauth-off", packs: []string{"robomq"}},
	{dir: "robomq/misconfigured/refresh-policy", packs: []string{"robomq"}},
	{dir: "robomq/misconfigured/scopes", packs: []string{"robomq"}},

	{dir: "autokitteh/compliant-connectedapp", packs: []string{"autokitteh"}},
	{dir: "autokitteh/compliant-eca", packs: []string{"autokitteh"}},
	{dir: "autokitteh/compliant-dedicated", packs: []string{"autokitteh"},
		params: map[string]map[string]string{"autokitteh": {"deployment": "dedicated", "name": "acme"}}},
	{dir: "autokitteh/compliant-self-hosted", packs: []string{"autokitteh"},
		params: map[string]map[string]string{"autokitteh": {"deployment": "self-hosted", "address": "ak.example.com:8443"}}},
	{dir: "autokitteh/misconfigured/cloud-callback", packs: []string{"autokitteh"}},
	{dir: "autokitteh/misconfigured/dedicated-callback", packs: []string{"autokitteh"},
		params: map[string]map[string]string{"autokitteh": {"deployment": "dedicated", "name": "acme"}}},
	{dir: "autokitteh/misconfigured/oauth-off", packs: []string{"autokitteh"}},
	{dir: "autokitteh/misconfigured/scopes-and-policy", packs: []string{"autokitteh"}},
	{dir: "autokitteh/misconfigured/self-hosted-callback", packs: []string{"autokitteh"},
		params: map[string]map[string]string{"autokitteh": {"deployment": "self-hosted", "address": "ak.example.com"}}},
}

func TestPackFixtures(t *testing.T) {
	for _, fx := range packFixtureTable {
		t.Run(fx.dir, func(t *testing.T) {
			dir := filepath.Join(packFixtures, filepath.FromSlash(fx.dir))
			if strings.HasPrefix(filepath.Base(dir), "compliant") {
				if wants := readWants(t, dir); len(wants) > 0 {
					t.Errorf("compliant fixture %s carries want comments; the pack must report nothing on it", fx.dir)
				}
			}
			runWantTest(t, dir, fx.packs, fx.params)
		})
	}
}

// TestEveryVendorRuleHasAFixture: every rule of every vendor pack is reported
// in at least one fixture (where TestPackFixtures checks its position).
func TestEveryVendorRuleHasAFixture(t *testing.T) {
	reported := map[string]bool{}
	for _, fx := range packFixtureTable {
		for _, d := range evaluate(t, filepath.Join(packFixtures, filepath.FromSlash(fx.dir)), fx.packs, fx.params) {
			reported[d.Rule] = true
		}
	}
	cat := builtinCatalog(t)
	var missing []string
	for _, id := range vendorPacks {
		for _, r := range cat.Pack(id).Rules {
			if !reported[r.FullID()] {
				missing = append(missing, r.FullID())
			}
		}
	}
	if len(missing) > 0 {
		t.Errorf("rules no fixture reports (add a misconfigured fixture with a want comment):\n%s", strings.Join(missing, "\n"))
	}
}

// TestPackFixtureTableIsComplete makes sure no fixture project is forgotten.
func TestPackFixtureTableIsComplete(t *testing.T) {
	listed := map[string]bool{}
	for _, fx := range packFixtureTable {
		listed[fx.dir] = true
	}
	var found []string
	for _, id := range vendorPacks {
		err := filepath.WalkDir(filepath.Join(packFixtures, id), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && d.Name() == "sfdx-project.json" {
				rel, err := filepath.Rel(packFixtures, filepath.Dir(path))
				if err != nil {
					return err
				}
				found = append(found, filepath.ToSlash(rel))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range found {
		if !listed[f] {
			t.Errorf("fixture project %s is not in packFixtureTable", f)
		}
	}
	// A compliant External Client App for every guide, and a compliant
	// Connected App wherever the guide allows one (all but Atera's).
	for _, id := range vendorPacks {
		want := []string{id + "/compliant-eca"}
		if id != "atera-robin" {
			want = append(want, id+"/compliant-connectedapp")
		}
		for _, w := range want {
			if !listed[w] {
				t.Errorf("pack %s has no %s fixture", id, w)
			}
		}
	}
}

func TestBuiltinPacksDocumented(t *testing.T) {
	cat := builtinCatalog(t)
	ids := map[string]bool{}
	for _, p := range cat.Packs() {
		ids[p.ID] = true
	}
	for _, want := range append([]string{"baseline"}, vendorPacks...) {
		if !ids[want] {
			t.Errorf("built-in pack %s is missing", want)
		}
	}
	isVendor := map[string]bool{}
	for _, id := range vendorPacks {
		isVendor[id] = true
	}
	for _, p := range cat.Packs() {
		if p.Title == "" || p.Description == "" {
			t.Errorf("%s: pack needs a title and a description", p.File)
		}
		for _, r := range p.Rules {
			var missing []string
			for name, v := range map[string]string{"title": r.Title, "description": r.Description, "remediation": r.Remediation, "docs": r.Docs} {
				if strings.TrimSpace(v) == "" {
					missing = append(missing, name)
				}
			}
			sort.Strings(missing)
			if len(missing) > 0 {
				t.Errorf("%s: rule %s has no %s", p.File, r.FullID(), strings.Join(missing, ", "))
			}
			if !isVendor[p.ID] {
				continue
			}
			// A vendor rule names the errors it explains, or says why there are none.
			if len(r.Explains) == 0 && !strings.Contains(r.Description, "No OAuth error") {
				t.Errorf("%s: rule %s explains no error and does not say why (write \"No OAuth error: ...\" in its description)", p.File, r.FullID())
			}
			if !strings.HasPrefix(r.Docs, "https://") {
				t.Errorf("%s: rule %s docs %q is not an https URL", p.File, r.FullID(), r.Docs)
			}
			if r.Go == "" && !messageStartOK(r.Message) {
				t.Errorf("%s: rule %s message %q starts with neither a lower-case word nor a name", p.File, r.FullID(), r.Message)
			}
		}
		if !isVendor[p.ID] {
			continue
		}
		if !strings.HasPrefix(p.Source.URL, "https://") || p.Source.Title == "" {
			t.Errorf("%s: vendor pack needs source title and https URL, got %q %q", p.File, p.Source.Title, p.Source.URL)
		}
		if len(p.Manual) == 0 {
			t.Errorf("%s: vendor pack has no manual checks", p.File)
		}
		for _, m := range p.Manual {
			if m.Title == "" || m.Description == "" || m.Remediation == "" {
				t.Errorf("%s: manual check %s needs a title, a description and a remediation", p.File, m.ID)
			}
		}
	}
}

// messageStartOK reports whether a message starts lower-case or with a name
// (an app placeholder or a Salesforce app kind).
func messageStartOK(msg string) bool {
	for _, name := range []string{"${app}", "External Client App", "Connected App"} {
		if strings.HasPrefix(msg, name) {
			return true
		}
	}
	return msg != "" && msg[0] >= 'a' && msg[0] <= 'z'
}

// TestVendorRulesApplyToBothKinds: guides that allow both app kinds (and Snow
// Atlas, whose Connected App needs Salesforce Support since Spring '26) check
// both; Atera's guide names an External Client App and warns on a Connected App.
func TestVendorRulesApplyToBothKinds(t *testing.T) {
	cat := builtinCatalog(t)
	for _, id := range vendorPacks {
		for _, r := range cat.Pack(id).Rules {
			if r.FullID() == "atera-robin/connected-app" {
				if diff := cmp.Diff([]metadata.AppKind{metadata.KindConnectedApp}, r.Kinds); diff != "" {
					t.Errorf("%s kinds (-want +got):\n%s", r.FullID(), diff)
				}
				if r.Severity != rules.SeverityWarning {
					t.Errorf("%s severity = %s, want warning", r.FullID(), r.Severity)
				}
				continue
			}
			if len(r.Kinds) != 0 && len(r.Kinds) != 2 {
				t.Errorf("%s applies only to %v", r.FullID(), r.Kinds)
			}
		}
	}
}

func TestSnowAtlasContradictsBaseline(t *testing.T) {
	dir := filepath.Join(packFixtures, "snow-atlas", "compliant-connectedapp")
	ds := evaluate(t, dir, []string{"baseline", "snow-atlas"}, nil)
	var got []string
	for _, d := range ds {
		if strings.HasPrefix(d.Rule, "snow-atlas/") {
			t.Errorf("snow-atlas reports on its compliant fixture: %s:%d: %s", d.File, d.Line, d.Rule)
		}
		if d.Severity == rules.SeverityError {
			t.Errorf("error on the compliant Snow Atlas app: %s:%d: %s %s", d.File, d.Line, d.Rule, d.Message)
		}
		switch d.Rule {
		case "baseline/full-scope", "baseline/pkce-not-required", "baseline/refresh-token-valid-forever":
			got = append(got, d.Rule)
			if d.Severity != rules.SeverityNote {
				t.Errorf("%s severity = %s, want note", d.Rule, d.Severity)
			}
			if !strings.Contains(d.Note, "snow-atlas") {
				t.Errorf("%s note %q does not name snow-atlas", d.Rule, d.Note)
			}
		}
	}
	sort.Strings(got)
	want := []string{"baseline/full-scope", "baseline/pkce-not-required", "baseline/refresh-token-valid-forever"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("contradicted baseline findings (-want +got):\n%s", diff)
	}

	// Without snow-atlas the same finding keeps its baseline severity and has no note.
	for _, d := range evaluate(t, dir, []string{"baseline"}, nil) {
		if d.Rule == "baseline/full-scope" && (d.Severity != rules.SeverityWarning || d.Note != "") {
			t.Errorf("baseline alone: full-scope is %s with note %q, want warning without note", d.Severity, d.Note)
		}
	}
}

func TestAutoKittehDedicatedNeedsName(t *testing.T) {
	cat := builtinCatalog(t)
	packs, err := cat.Resolve([]string{"autokitteh"})
	if err != nil {
		t.Fatal(err)
	}
	run := rules.Run{Packs: packs, GoRules: cat.GoRules,
		Params: map[string]map[string]string{"autokitteh": {"deployment": "dedicated"}}}
	if err := run.ValidateParams(); err != nil {
		t.Fatalf("ValidateParams: %v", err)
	}
	proj := load(t, filepath.Join(packFixtures, "autokitteh", "compliant-eca"))
	_, err = rules.Evaluate(context.Background(), proj, run)
	if err == nil {
		t.Fatal("Evaluate with deployment=dedicated and no name: no error")
	}
	if !strings.Contains(err.Error(), "--param autokitteh.name") {
		t.Errorf("error %q does not mention --param autokitteh.name", err)
	}
}

func TestVendorParamsValidated(t *testing.T) {
	cat := builtinCatalog(t)
	tests := []struct {
		pack, name, value string
		wantErr           string // "" means valid
	}{
		{"autokitteh", "deployment", "foo", `autokitteh.deployment: "foo" is not allowed`},
		{"autokitteh", "deployment", "self-hosted", ""},
		{"autokitteh", "region", "eu", `pack autokitteh has no parameter "region"`},
		{"snow-atlas", "environment", "staging", `snow-atlas.environment: "staging" is not allowed`},
		{"snow-atlas", "environment", "sandbox", ""},
		{"robomq", "environment", "sandbox", `pack robomq has no parameter "environment"`},
	}
	for _, tt := range tests {
		t.Run(tt.pack+"."+tt.name+"="+tt.value, func(t *testing.T) {
			packs, err := cat.Resolve([]string{tt.pack})
			if err != nil {
				t.Fatal(err)
			}
			run := rules.Run{Packs: packs, GoRules: cat.GoRules,
				Params: map[string]map[string]string{tt.pack: {tt.name: tt.value}}}
			err = run.ValidateParams()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("ValidateParams: %v", err)
			case tt.wantErr != "" && err == nil:
				t.Errorf("ValidateParams accepted %s.%s=%s", tt.pack, tt.name, tt.value)
			case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
				t.Errorf("ValidateParams error %q does not contain %q", err, tt.wantErr)
			}
		})
	}
}

// runWantTest loads the SFDX project in dir, runs the packs over it and
// compares the findings with the <!-- want "pack/rule" ... --> comments of its
// XML files: every finding must match a want pattern (a regexp matched against
// the full rule id) on its file and line, and every pattern must be used.
// It returns the findings.
func runWantTest(t *testing.T, dir string, packIDs []string, params map[string]map[string]string) []rules.Diagnostic {
	t.Helper()
	ds := evaluate(t, dir, packIDs, params)
	wants := readWants(t, dir)

	compareWants(t, dir, ds, wants)
	return ds
}

// compareWants matches findings with want patterns: every finding uses up one
// pattern on its file and line, and every pattern must be used.
func compareWants(t *testing.T, dir string, ds []rules.Diagnostic, wants map[string][]*wantPattern) {
	t.Helper()
	var wantLines, gotLines []string
	for _, d := range ds {
		key := fmt.Sprintf("%s:%d", d.File, d.Line)
		got := fmt.Sprintf("%s: %s", key, d.Rule)
		gotLines = append(gotLines, got)
		for _, w := range wants[key] {
			if !w.used && w.re.MatchString(d.Rule) {
				w.used, w.matched = true, got
				break
			}
		}
	}
	for key, ws := range wants {
		for _, w := range ws {
			if w.used {
				wantLines = append(wantLines, w.matched)
			} else {
				wantLines = append(wantLines, fmt.Sprintf("%s: %s", key, w.pattern))
			}
		}
	}
	sort.Strings(wantLines)
	sort.Strings(gotLines)
	if diff := cmp.Diff(wantLines, gotLines); diff != "" {
		var detail strings.Builder
		for _, d := range ds {
			fmt.Fprintf(&detail, "  %s:%d:%d %s %s: %s\n", d.File, d.Line, d.Column, d.Severity, d.Rule, d.Message)
		}
		t.Errorf("%s: findings differ from want comments (-want +got):\n%s\nfindings:\n%s", dir, diff, detail.String())
	}
}

type wantPattern struct {
	pattern string
	re      *regexp.Regexp
	used    bool
	matched string
}

var (
	wantCommentRE = regexp.MustCompile(`<!--\s*want\s+(.*?)-->`)
	wantPatternRE = regexp.MustCompile(`"([^"]*)"`)
)

// readWants parses the want comments of every XML file under dir, keyed by
// "file:line" with file relative to dir.
func readWants(t *testing.T, dir string) map[string][]*wantPattern {
	t.Helper()
	wants := map[string][]*wantPattern{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(d.Name(), ".xml") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		for _, m := range wantCommentRE.FindAllSubmatchIndex(data, -1) {
			line := 1 + strings.Count(string(data[:m[0]]), "\n")
			key := fmt.Sprintf("%s:%d", filepath.ToSlash(rel), line)
			body := string(data[m[2]:m[3]])
			pats := wantPatternRE.FindAllStringSubmatch(body, -1)
			if len(pats) == 0 {
				t.Errorf("%s: want comment without a quoted pattern", key)
			}
			for _, p := range pats {
				re, err := regexp.Compile("^(?:" + p[1] + ")$")
				if err != nil {
					t.Errorf("%s: bad want pattern %q: %v", key, p[1], err)
					continue
				}
				wants[key] = append(wants[key], &wantPattern{pattern: p[1], re: re})
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return wants
}

// evaluate loads dir and runs the packs (with every pack they extend) over it.
func evaluate(t *testing.T, dir string, packIDs []string, params map[string]map[string]string) []rules.Diagnostic {
	t.Helper()
	cat := builtinCatalog(t)
	packs, err := cat.Resolve(packIDs)
	if err != nil {
		t.Fatal(err)
	}
	run := rules.Run{Packs: packs, Params: params, GoRules: cat.GoRules}
	if err := run.ValidateParams(); err != nil {
		t.Fatalf("ValidateParams: %v", err)
	}
	ds, err := rules.Evaluate(context.Background(), load(t, dir), run)
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	return ds
}

// load reads the SFDX project in dir with schema validation. Fixtures must be
// valid metadata: any problem the loader finds fails the test.
func load(t *testing.T, dir string) *metadata.Project {
	t.Helper()
	schema, err := loadSchema()
	if err != nil {
		t.Fatal(err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	proj, err := metadata.Load(context.Background(), metadata.Options{WorkDir: abs, Validator: schema})
	if err != nil {
		t.Fatalf("metadata.Load(%s): %v", dir, err)
	}
	for _, p := range proj.Problems {
		t.Errorf("%s: fixture problem %s at %s:%d: %s", dir, p.Code, p.Pos.File, p.Pos.Line, p.Message)
	}
	if len(proj.Apps) == 0 {
		t.Errorf("%s: fixture holds no app", dir)
	}
	return proj
}

var loadSchema = sync.OnceValues(metadata.NewSchema)

var (
	catalogOnce sync.Once
	catalog     *rules.Catalog
	catalogErr  error
)

// builtinCatalog loads the built-in packs once. Resolve never adds files here,
// so sharing it between tests is safe.
func builtinCatalog(t *testing.T) *rules.Catalog {
	t.Helper()
	catalogOnce.Do(func() { catalog, catalogErr = rules.LoadBuiltinCatalog() })
	if catalogErr != nil {
		t.Fatalf("LoadBuiltinCatalog: %v", catalogErr)
	}
	return catalog
}
