package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestIsTerminal: a device that is not a terminal (/dev/null, where CI jobs
// and benchmarks send output) and a file are not terminals, so output there is
// compact and uncoloured.
func TestIsTerminal(t *testing.T) {
	devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = devNull.Close() }()
	file, err := os.Create(filepath.Join(t.TempDir(), "out.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = file.Close() }()
	for _, f := range []*os.File{devNull, file} {
		if isTerminal(f) {
			t.Errorf("isTerminal(%s) = true, want false", f.Name())
		}
	}
}
