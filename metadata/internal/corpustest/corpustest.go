// Package corpustest finds the corpus of real metadata files the tests of
// package metadata and its subpackages read. It is imported by tests only.
package corpustest

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the absolute path of the corpus: $SFAPPLINT_CORPUS (absolute,
// or relative to the module root, or to the test's package directory), else
// ../shared/corpus beside the module root. The corpus is required: without it
// the test fails, saying how to provide it.
func Dir(tb testing.TB) string {
	tb.Helper()
	wd, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	root := wd
	for {
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(root)
		if parent == root {
			tb.Fatalf("no go.mod above %s", wd)
		}
		root = parent
	}
	isDir := func(p string) bool {
		st, err := os.Stat(p)
		return err == nil && st.IsDir()
	}
	if env := os.Getenv("SFAPPLINT_CORPUS"); env != "" {
		candidates := []string{env}
		if !filepath.IsAbs(env) {
			candidates = []string{filepath.Join(root, env), filepath.Join(wd, env)}
		}
		for _, p := range candidates {
			if isDir(p) {
				return p
			}
		}
		tb.Fatalf("SFAPPLINT_CORPUS=%q is not a directory (tried %v)", env, candidates)
	}
	p := filepath.Join(filepath.Dir(root), "shared", "corpus")
	if !isDir(p) {
		tb.Fatalf("the corpus of real metadata is required: set SFAPPLINT_CORPUS to its directory (the default %s does not exist)", p)
	}
	return p
}
