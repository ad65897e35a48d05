package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfapplint/sfapplint/rules"
)

// TestDocsUpToDate fails when the committed reference docs differ from what
// `sfapplint docs` generates. Refresh them with:
//
//	go run ./cmd/sfapplint docs --out cmd/sfapplint/docs
func TestDocsUpToDate(t *testing.T) {
	cat, err := rules.LoadBuiltinCatalog()
	if err != nil {
		t.Fatal(err)
	}
	s := &Streams{In: strings.NewReader(""), Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}}
	want := generateDocs(newRootCmd(s), cat)
	got := map[string][]byte{}
	err = filepath.WalkDir("docs", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel("docs", p)
		got[filepath.ToSlash(rel)] = data
		return nil
	})
	if err != nil {
		t.Fatalf("reading committed docs: %v (regenerate: go run ./cmd/sfapplint docs --out cmd/sfapplint/docs)", err)
	}
	toText := func(m map[string][]byte) map[string]string {
		out := map[string]string{}
		for k, v := range m {
			out[k] = string(v)
		}
		return out
	}
	if diff := cmp.Diff(toText(want), toText(got)); diff != "" {
		t.Errorf("committed docs are stale (-want +got); regenerate with: go run ./cmd/sfapplint docs --out cmd/sfapplint/docs\n%s", diff)
	}
}
