package main

// BenchmarkCheck runs a whole `sfapplint check --format json` through Main,
// with in-memory streams and the report going to io.Discard, over synthetic
// SFDX projects. It runs only with -bench, e.g.
//
//	go test ./cmd/sfapplint -run '^$' -bench BenchmarkCheck -benchtime 3x
//
// The projects are written by metadata/internal/synth (through its synthgen
// command: an internal package cannot be imported from here), once per
// benchmark into b.TempDir(). Figures and targets: metadata/internal/synth/PERF.md.

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
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

// appBytes sums the sizes of the files sfapplint reads in the tree.
func appBytes(root string) int64 {
	var n int64
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, "-meta.xml") {
			return err
		}
		for _, s := range []string{".eca-", ".ecaGlblOauth-", ".ecaOauth-", ".ecaOauthPlcy-", ".ecaPlcy-", ".connectedApp-", ".permissionset-", ".profile-"} {
			if strings.Contains(d.Name(), s) {
				if info, err := d.Info(); err == nil {
					n += info.Size()
				}
				break
			}
		}
		return nil
	})
	return n
}

func BenchmarkCheck(b *testing.B) {
	for _, sz := range []struct {
		name         string
		apps, others int
	}{
		{"pre-commit/apps=1", 1, 0},
		{"apps=2000/others=20000", 2000, 20000},
		{"apps=10000/others=50000", 10000, 50000},
	} {
		b.Run(sz.name, func(b *testing.B) {
			dir := synthProject(b, sz.apps, sz.others)
			b.SetBytes(appBytes(dir))
			var stderr bytes.Buffer
			s := &Streams{In: strings.NewReader(""), Out: io.Discard, ErrOut: &stderr, WorkDir: dir}
			args := []string{"check", "--no-config", "--format", "json"}
			b.ReportAllocs()
			for b.Loop() {
				stderr.Reset()
				if code := Main(args, s); code != ExitOK && code != ExitFindings {
					b.Fatalf("exit %d: %s", code, stderr.String())
				}
			}
		})
	}
}

// BenchmarkStartup is the fixed cost of a command before it reads any file:
// building the command tree, loading the built-in packs and the schema.
func BenchmarkStartup(b *testing.B) {
	b.Run("version", func(b *testing.B) {
		s := &Streams{In: strings.NewReader(""), Out: io.Discard, ErrOut: io.Discard}
		b.ReportAllocs()
		for b.Loop() {
			if code := Main([]string{"--version"}, s); code != ExitOK {
				b.Fatalf("exit %d", code)
			}
		}
	})
	b.Run("check-no-files", func(b *testing.B) {
		dir := b.TempDir()
		s := &Streams{In: strings.NewReader(""), Out: io.Discard, ErrOut: io.Discard, WorkDir: dir}
		b.ReportAllocs()
		for b.Loop() {
			if code := Main([]string{"check", "--no-config", "--format", "json", dir}, s); code != ExitOK {
				b.Fatalf("exit %d", code)
			}
		}
	})
}
