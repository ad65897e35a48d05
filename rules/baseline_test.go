package rules_test

import (
	"bufio"
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfapplint/sfapplint/metadata"
	"github.com/sfapplint/sfapplint/rules"
)

// baselineFixtures holds one SFDX project per baseline rule, named after the
// rule, plus compliant/, on which the baseline reports nothing at all.
const baselineFixtures = "testdata/packs/baseline"

// loaderFixture says how to read a fixture whose inputs the loader itself
// reports as problems (malformed, unreadable, too large, schema errors...) or
// that holds no app. runWantTest rejects both, so these fixtures go through
// runLoaderWantTest.
type loaderFixture struct {
	// paths are the inputs, relative to the fixture; nil means the SFDX
	// project's package directories.
	paths []string
	// maxFileSize overrides the loader's file size limit when not 0.
	maxFileSize int64
	// brokenLinks are files created, in a copy of the fixture, as symbolic
	// links to a file that does not exist. Git keeps such links badly and other
	// tools trip over them, so the fixture does not carry them.
	brokenLinks []string
}

var baselineLoaderFixtures = map[string]loaderFixture{
	"xml-malformed": {},
	"file-unreadable": {brokenLinks: []string{
		"force-app/main/default/connectedApps/Field_Service.connectedApp-meta.xml",
	}},
	"file-too-large":     {maxFileSize: 512},
	"zip-unreadable":     {paths: []string{"force-app", "retrieve/unpackaged.zip"}},
	"wrong-root":         {},
	"wrong-namespace":    {},
	"unknown-element":    {},
	"bad-enum-value":     {},
	"bad-boolean":        {},
	"bad-number":         {},
	"missing-required":   {},
	"duplicate-element":  {},
	"eca-orphan":         {},
	"eca-duplicate":      {},
	"deprecated-element": {},
	// A permission set without any app.
	"use-any-api-client": {},
}

// TestBaselineRules runs the baseline over each fixture project and compares
// the findings with the want comments (and want.txt). Each rule fixture must
// report its own rule; every baseline rule must have a fixture.
func TestBaselineRules(t *testing.T) {
	base := builtinCatalog(t).Pack("baseline")
	if base == nil {
		t.Fatal("no baseline pack")
	}
	ruleIDs := map[string]bool{}
	for _, r := range base.Rules {
		ruleIDs[r.ID] = true
	}
	entries, err := os.ReadDir(baselineFixtures)
	if err != nil {
		t.Fatal(err)
	}
	dirs := map[string]bool{}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		name := e.Name()
		dirs[name] = true
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(baselineFixtures, name)
			var ds []rules.Diagnostic
			if lf, ok := baselineLoaderFixtures[name]; ok {
				ds = runLoaderWantTest(t, dir, lf)
			} else {
				ds = runWantTest(t, dir, []string{"baseline"}, nil)
			}
			if name == "compliant" {
				checkCompliantKinds(t, dir)
				return
			}
			if !ruleIDs[name] {
				t.Fatalf("fixture %s is not named after a baseline rule", name)
			}
			for _, d := range ds {
				if d.Rule == "baseline/"+name {
					return
				}
			}
			t.Errorf("fixture %s does not report baseline/%s", name, name)
		})
	}
	var missing []string
	for _, r := range base.Rules {
		if !dirs[r.ID] {
			missing = append(missing, r.ID)
		}
	}
	if !dirs["compliant"] {
		missing = append(missing, "compliant")
	}
	if len(missing) > 0 {
		t.Errorf("baseline rules without a fixture under %s:\n%s", baselineFixtures, strings.Join(missing, "\n"))
	}
	for name := range baselineLoaderFixtures {
		if !dirs[name] {
			t.Errorf("baselineLoaderFixtures names %s, which has no fixture", name)
		}
	}
}

// checkCompliantKinds makes sure the compliant project holds both app kinds,
// so that "reports nothing" covers Connected Apps and External Client Apps.
func checkCompliantKinds(t *testing.T, dir string) {
	t.Helper()
	var got []string
	for _, a := range load(t, dir).Apps {
		got = append(got, string(a.Kind))
	}
	sort.Strings(got)
	want := []string{string(metadata.KindConnectedApp), string(metadata.KindECA)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s: app kinds (-want +got):\n%s", dir, diff)
	}
}

// runLoaderWantTest is runWantTest for fixtures the loader finds problems in:
// it reads the inputs as lf says, keeps the problems (they become findings),
// and takes expectations from want comments and from the sidecar want.txt.
func runLoaderWantTest(t *testing.T, dir string, lf loaderFixture) []rules.Diagnostic {
	t.Helper()
	wants := readWants(t, dir)
	for key, ws := range readWantFile(t, dir) {
		wants[key] = append(wants[key], ws...)
	}
	work, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(lf.brokenLinks) > 0 {
		work = copyFixture(t, work)
		for _, l := range lf.brokenLinks {
			target := filepath.Join(t.TempDir(), "missing", filepath.Base(l))
			if err := os.Symlink(target, filepath.Join(work, filepath.FromSlash(l))); err != nil {
				t.Fatal(err)
			}
		}
	}
	schema, err := loadSchema()
	if err != nil {
		t.Fatal(err)
	}
	lim := metadata.DefaultLimits()
	if lf.maxFileSize > 0 {
		lim.MaxFileSize = lf.maxFileSize
	}
	proj, err := metadata.Load(context.Background(), metadata.Options{Paths: lf.paths, WorkDir: work, Limits: lim, Validator: schema})
	if err != nil {
		t.Fatalf("metadata.Load(%s): %v", dir, err)
	}
	cat := builtinCatalog(t)
	packs, err := cat.Resolve([]string{"baseline"})
	if err != nil {
		t.Fatal(err)
	}
	ds, err := rules.Evaluate(context.Background(), proj, rules.Run{Packs: packs, GoRules: cat.GoRules})
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	compareWants(t, dir, ds, wants)
	return ds
}

// wantFileLineRE is one expectation of want.txt: FILE:LINE PATTERN, with FILE
// relative to the fixture and PATTERN a regexp on the full rule id.
var wantFileLineRE = regexp.MustCompile(`^(\S+):(\d+)\s+(\S+)$`)

// readWantFile reads the fixture's want.txt, if any: expectations for files
// that cannot carry a want comment (malformed XML, unreadable files, zips).
// Blank lines and lines starting with # are ignored.
func readWantFile(t *testing.T, dir string) map[string][]*wantPattern {
	t.Helper()
	wants := map[string][]*wantPattern{}
	data, err := os.ReadFile(filepath.Join(dir, "want.txt"))
	if err != nil {
		if os.IsNotExist(err) {
			return wants
		}
		t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m := wantFileLineRE.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("%s/want.txt:%d: want FILE:LINE RULE, got %q", dir, n, line)
			continue
		}
		if _, err := strconv.Atoi(m[2]); err != nil {
			t.Errorf("%s/want.txt:%d: bad line number %q", dir, n, m[2])
			continue
		}
		re, err := regexp.Compile("^(?:" + m[3] + ")$")
		if err != nil {
			t.Errorf("%s/want.txt:%d: bad pattern %q: %v", dir, n, m[3], err)
			continue
		}
		key := m[1] + ":" + m[2]
		wants[key] = append(wants[key], &wantPattern{pattern: m[3], re: re})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return wants
}

// copyFixture copies the regular files of dir into a temporary directory and
// returns it.
func copyFixture(t *testing.T, dir string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}
