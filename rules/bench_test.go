package rules

// BenchmarkEvaluate runs the baseline pack (the default run of `check`) over
// N apps loaded from a synthetic SFDX project. It runs only with -bench, e.g.
//
//	go test ./rules -run '^$' -bench BenchmarkEvaluate -benchtime 3x
//
// The projects are written by metadata/internal/synth through its synthgen
// command (an internal package of metadata cannot be imported from here),
// once per benchmark into b.TempDir(). Figures: metadata/internal/synth/PERF.md.

import (
	"context"
	"fmt"
	"os/exec"
	"testing"

	"github.com/sfapplint/sfapplint/metadata"
)

// synthProject writes a synthetic SFDX project with apps apps among others
// unrelated files into b.TempDir() with the synthgen command (go run caches
// its build) and returns it.
func synthProject(b *testing.B, apps, others int) string {
	b.Helper()
	dir := b.TempDir()
	cmd := exec.Command("go", "run", "github.com/sfapplint/sfapplint/metadata/internal/synth/cmd/synthgen",
		"-dir", dir, "-apps", fmt.Sprint(apps), "-others", fmt.Sprint(others), "-seed", "1")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("synthgen: %v\n%s", err, out)
	}
	return dir
}

func BenchmarkEvaluate(b *testing.B) {
	cat, err := LoadBuiltinCatalog()
	if err != nil {
		b.Fatal(err)
	}
	packs, err := cat.Resolve([]string{"baseline"})
	if err != nil {
		b.Fatal(err)
	}
	run := Run{Packs: packs, Params: map[string]map[string]string{}, Severity: map[string]string{}, GoRules: cat.GoRules}
	schema, err := metadata.NewSchema()
	if err != nil {
		b.Fatal(err)
	}
	for _, apps := range []int{1, 200, 2000, 10000} {
		b.Run(fmt.Sprintf("apps=%d", apps), func(b *testing.B) {
			dir := synthProject(b, apps, 0)
			proj, err := metadata.Load(context.Background(), metadata.Options{WorkDir: dir, Validator: schema})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			var n int
			for b.Loop() {
				ds, err := Evaluate(context.Background(), proj, run)
				if err != nil {
					b.Fatal(err)
				}
				n = len(ds)
			}
			if n == 0 {
				b.Fatal("no findings: the synthetic project plants some")
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(proj.Apps)), "ns/app")
			b.ReportMetric(float64(n), "findings")
		})
	}
}

// BenchmarkLoadBuiltinCatalog is start-up cost paid by every command that runs packs.
func BenchmarkLoadBuiltinCatalog(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := LoadBuiltinCatalog(); err != nil {
			b.Fatal(err)
		}
	}
}

// TestReplacePlaceholdersMatchesRegexp pins the hand-written placeholder
// expansion to placeholderRE, which pack validation uses.
func TestReplacePlaceholdersMatchesRegexp(t *testing.T) {
	for _, s := range []string{"", "plain", "${app}", "a ${app} b ${params.x}", "${", "${a", "}${a}}", "${a${b}", "$${a}", "${}x", "${a}${b}", "x${a}y${b"} {
		want := placeholderRE.ReplaceAllStringFunc(s, func(m string) string { return "<" + m[2:len(m)-1] + ">" })
		got := replacePlaceholders(s, func(name string) string { return "<" + name + ">" })
		if got != want {
			t.Errorf("replacePlaceholders(%q) = %q, want %q", s, got, want)
		}
	}
}
