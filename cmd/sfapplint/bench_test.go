package main

// BenchmarkCheck runs a whole `sfapplint check --format json` through Main,
// with in-memory streams and the report going to io.Discard, over synthetic
// SFDX projects. It runs only with -bench, e.g.
//
//	go test ./cmd/sfapplint -run '^$' -bench BenchmarkCheck -benchtime 3x
//
// The projects are written by metadata/synth once per benchmark into
// b.TempDir(). Figures and targets: metadata/synth/PERF.md.

import (
	"bytes"
	"io"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

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
		name          string
		apps, others  int
		format        string
		largeProfiles int // extra profiles of 15,000 field permissions (2.3 MB) each
	}{
		{"pre-commit/apps=1", 1, 0, "text", 0},
		{"pre-commit/apps=1/large-profiles=20", 1, 0, "text", 20},
		{"apps=2000/others=20000", 2000, 20000, "json", 0},
		{"apps=2000/others=20000/sarif", 2000, 20000, "sarif", 0},
		{"apps=10000/others=50000", 10000, 50000, "json", 0},
	} {
		b.Run(sz.name, func(b *testing.B) {
			dir := synthProject(b, sz.apps, sz.others)
			if err := synth.LargeProfiles(dir, sz.largeProfiles, 15000); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(appBytes(dir))
			var stderr bytes.Buffer
			s := &Streams{In: strings.NewReader(""), Out: io.Discard, ErrOut: &stderr, WorkDir: dir}
			args := []string{"check", "--no-config", "--format", sz.format}
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
