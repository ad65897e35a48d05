package troubleshoot

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sfapplint/sfapplint/metadata"
	"github.com/sfapplint/sfapplint/rules"
)

var (
	loadOnce sync.Once
	testRCat *rules.Catalog
	testCat  *Catalogue
	testErr  error
)

// catalogues loads the built-in rule packs and error catalogue once.
func catalogues(t testing.TB) (*rules.Catalog, *Catalogue) {
	t.Helper()
	loadOnce.Do(func() {
		testRCat, testErr = rules.LoadBuiltinCatalog()
		if testErr != nil {
			return
		}
		testCat, testErr = LoadBuiltin(testRCat)
	})
	if testErr != nil {
		t.Fatalf("loading the built-in catalogues: %v", testErr)
	}
	return testRCat, testCat
}

// diagnoseFixture runs diagnose on a fixture directory under testdata with
// the baseline and the given packs, the way the CLI does.
func diagnoseFixture(t *testing.T, dir, text string, packs ...string) Report {
	t.Helper()
	rcat, cat := catalogues(t)
	resolved, err := rcat.Resolve(append([]string{"baseline"}, packs...))
	if err != nil {
		t.Fatalf("resolving packs %v: %v", packs, err)
	}
	root := filepath.Join("testdata", dir)
	if _, err := os.Stat(root); err != nil {
		t.Fatalf("fixture %s: %v", root, err)
	}
	schema, err := metadata.NewSchema()
	if err != nil {
		t.Fatalf("schema: %v", err)
	}
	proj, err := metadata.Load(context.Background(), metadata.Options{Paths: []string{"."}, WorkDir: root, Validator: schema})
	if err != nil {
		t.Fatalf("loading %s: %v", root, err)
	}
	run := rules.Run{Packs: resolved, GoRules: rcat.GoRules}
	diags, err := rules.Evaluate(context.Background(), proj, run)
	if err != nil {
		t.Fatalf("evaluating %s: %v", root, err)
	}
	return DiagnoseAt(fixedDay, proj, diags, cat, ParseError(text), resolved)
}

// lineOf returns the 1-based line of the first line of a fixture file that
// contains marker.
func lineOf(t *testing.T, dir, file, marker string) int {
	t.Helper()
	for n, line := range strings.Split(readFixture(t, dir, file), "\n") {
		if strings.Contains(line, marker) {
			return n + 1
		}
	}
	t.Fatalf("%s/%s has no line containing %q", dir, file, marker)
	return 0
}

func statuses(rep Report) []string {
	var out []string
	for _, c := range rep.Causes {
		out = append(out, string(c.Status)+" "+c.ID+" "+c.File)
	}
	return out
}

// fixedDay is the day certificate checks compare with, so fixtures never expire.
var fixedDay = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

func readFixture(t *testing.T, dir, file string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", dir, filepath.FromSlash(file)))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
