package rules

// BenchmarkEvaluate runs the baseline pack (the default run of `check`) over
// N apps loaded from a synthetic SFDX project. It runs only with -bench, e.g.
//
//	go test ./rules -run '^$' -bench BenchmarkEvaluate -benchtime 3x
//
// The projects are written by metadata/synth once per benchmark into
// b.TempDir(). Figures: metadata/synth/PERF.md.

import (
	"context"
	"fmt"
	"testing"

	"github.com/sfapplint/sfapplint/metadata"
	"github.com/sfapplint/sfapplint/metadata/synth"
)

// synthProject writes a synthetic SFDX project with apps apps among others
// unrelated files into b.TempDir() and returns it.
func synthProject(b *testing.B, apps, others int) string {
	b.Helper()
	dir := b.TempDir()
	if err := synth.Generate(dir, apps, others, 1); err != nil {
		b.Fatalf("generating a synthetic project: %v", err)
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
		want := placeholderRE().ReplaceAllStringFunc(s, func(m string) string { return "<" + m[2:len(m)-1] + ">" })
		got := replacePlaceholders(s, func(name string) string { return "<" + name + ">" })
		if got != want {
			t.Errorf("replacePlaceholders(%q) = %q, want %q", s, got, want)
		}
	}
}
