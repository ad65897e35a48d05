package metadata

// Benchmarks of the loader's stages over synthetic SFDX projects written by
// metadata/internal/synth. They run only with -bench, e.g.
//
//	go test ./metadata -run '^$' -bench . -benchtime 3x
//
// Each benchmark generates its trees once, into b.TempDir(). See
// metadata/internal/synth/PERF.md for the figures and the targets.

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sfapplint/sfapplint/metadata/internal/synth"
)

// benchSizes are the project sizes the loader benchmarks run on: apps among others.
var benchSizes = []struct{ apps, others int }{
	{1, 0},        // pre-commit: one app
	{2000, 0},     // only app files
	{2000, 20000}, // the CI target
	{10000, 50000},
}

func sizeName(apps, others int) string { return fmt.Sprintf("apps=%d/others=%d", apps, others) }

// synthProject writes a synthetic project into a temporary directory and
// returns its package directory (force-app) and the project root.
func synthProject(tb testing.TB, apps, others int) (pkgDir, root string) {
	tb.Helper()
	root = tb.TempDir()
	if err := synth.Generate(root, apps, others, 1); err != nil {
		tb.Fatal(err)
	}
	return filepath.Join(root, synth.PackageDir), root
}

func isSynthAppFile(name string) bool {
	for _, s := range synth.AppSuffixes {
		if strings.HasSuffix(name, s) {
			return true
		}
	}
	return false
}

// TestSynthProjectLoads keeps the generator honest: a small tree loads into the
// promised number of apps and holders, and the only problems are the ones the
// generator plants.
func TestSynthProjectLoads(t *testing.T) {
	const apps, others = 40, 300
	_, root := synthProject(t, apps, others)
	schema, err := NewSchema()
	if err != nil {
		t.Fatal(err)
	}
	proj, err := Load(context.Background(), Options{WorkDir: root, Validator: schema})
	if err != nil {
		t.Fatal(err)
	}
	c := synth.CountsFor(apps, others)
	if got, want := len(proj.Apps), apps; got != want {
		t.Errorf("apps: got %d, want %d", got, want)
	}
	if got, want := len(proj.Holders), c.PermissionSets+c.Profiles; got != want {
		t.Errorf("permission holders: got %d, want %d", got, want)
	}
	if got, want := len(proj.Documents), c.AppFiles; got != want {
		t.Errorf("documents: got %d, want %d", got, want)
	}
	for _, p := range proj.Problems {
		t.Errorf("unexpected problem in a generated file: %s: %s (%s)", p.Pos, p.Message, p.Code)
	}
	var files, appFiles int
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		if isSynthAppFile(d.Name()) {
			appFiles++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	const projectFiles = 2 // sfdx-project.json, .forceignore
	if files != c.AppFiles+c.Others+projectFiles || appFiles != c.AppFiles {
		t.Errorf("files: got %d (%d app files), want %d (%d app files)", files, appFiles, c.AppFiles+c.Others+projectFiles, c.AppFiles)
	}
}

// BenchmarkDiscover walks the package directory and classifies every file by
// name, opening none. ns/file is per file in the tree, app or not.
func BenchmarkDiscover(b *testing.B) {
	for _, sz := range benchSizes {
		b.Run(sizeName(sz.apps, sz.others), func(b *testing.B) {
			pkg, root := synthProject(b, sz.apps, sz.others)
			opts := Options{WorkDir: root, Limits: DefaultLimits()}
			total := synth.CountsFor(sz.apps, sz.others)
			files := total.AppFiles + total.Others
			b.ReportAllocs()
			var found int
			for b.Loop() {
				inputs, _, err := discover(pkg, root, opts)
				if err != nil {
					b.Fatal(err)
				}
				found = len(inputs)
			}
			if found != total.AppFiles {
				b.Fatalf("discovered %d files, want %d", found, total.AppFiles)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(files), "ns/file")
		})
	}
}

// BenchmarkParse parses one file of each app type (MB/s is source bytes).
func BenchmarkParse(b *testing.B) {
	_, root := synthProject(b, 40, 0)
	samples := map[Type]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if t, _, _, ok := Classify(p); ok {
			if prev, seen := samples[t]; !seen || p < prev {
				samples[t] = p
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	schema, err := NewSchema()
	if err != nil {
		b.Fatal(err)
	}
	for _, ti := range knownTypes {
		path, ok := samples[ti.Type]
		if !ok {
			continue
		}
		src, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(string(ti.Type), func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ParseDocument("x", src, ParseLimits{}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(string(ti.Type)+"/validate", func(b *testing.B) {
			doc, err := ParseDocument("x", src, ParseLimits{})
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				if probs := schema.Validate(doc, ti.Type); len(probs) > 0 {
					b.Fatalf("%s: %v", path, probs)
				}
			}
		})
	}
}

// BenchmarkJoin joins parsed documents into apps and builds their model fields.
func BenchmarkJoin(b *testing.B) {
	for _, apps := range []int{200, 2000, 10000} {
		b.Run(fmt.Sprintf("apps=%d", apps), func(b *testing.B) {
			pkg, root := synthProject(b, apps, 0)
			opts := Options{WorkDir: root, Limits: DefaultLimits()}
			inputs, _, err := discover(pkg, root, opts)
			if err != nil {
				b.Fatal(err)
			}
			docs, info, _ := parseAll(context.Background(), dedupeInputs(inputs), opts)
			b.ReportAllocs()
			var n int
			for b.Loop() {
				proj := &Project{Root: root}
				join(proj, docs, info)
				n = len(proj.Apps)
			}
			if want := synth.CountsFor(apps, 0).LoadedApps(); n != want {
				b.Fatalf("joined %d apps, want %d", n, want)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(apps), "ns/app")
		})
	}
}

// BenchmarkLoad is the whole loader with the schema: discover, read, parse,
// validate, join. MB/s counts the bytes of the app files read.
func BenchmarkLoad(b *testing.B) {
	schema, err := NewSchema()
	if err != nil {
		b.Fatal(err)
	}
	for _, sz := range benchSizes {
		b.Run(sizeName(sz.apps, sz.others), func(b *testing.B) {
			_, root := synthProject(b, sz.apps, sz.others)
			var bytes int64
			_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() && isSynthAppFile(d.Name()) {
					if info, err := d.Info(); err == nil {
						bytes += info.Size()
					}
				}
				return nil
			})
			b.SetBytes(bytes)
			b.ReportAllocs()
			var apps int
			for b.Loop() {
				proj, err := Load(context.Background(), Options{WorkDir: root, Validator: schema})
				if err != nil {
					b.Fatal(err)
				}
				apps = len(proj.Apps)
			}
			if want := synth.CountsFor(sz.apps, sz.others).LoadedApps(); apps != want {
				b.Fatalf("loaded %d apps, want %d", apps, want)
			}
		})
	}
}

// BenchmarkNewSchema is start-up cost paid by every command that loads metadata.
func BenchmarkNewSchema(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NewSchema(); err != nil {
			b.Fatal(err)
		}
	}
}
