package synth

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGenerateDeterministic: the same arguments write the same files, and the
// counts are the ones CountsFor promises.
func TestGenerateDeterministic(t *testing.T) {
	const apps, others = 12, 57
	read := func(dir string) map[string][]byte {
		out := map[string][]byte{}
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(dir, p)
			out[filepath.ToSlash(rel)] = data
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	a, b := t.TempDir(), t.TempDir()
	for _, d := range []string{a, b} {
		if err := Generate(d, apps, others, 7); err != nil {
			t.Fatal(err)
		}
	}
	fa, fb := read(a), read(b)
	if len(fa) != len(fb) {
		t.Fatalf("%d files, then %d", len(fa), len(fb))
	}
	for p, data := range fa {
		if !bytes.Equal(data, fb[p]) {
			t.Errorf("%s differs between two runs with the same seed", p)
		}
	}
	c := CountsFor(apps, others)
	var appFiles, otherFiles int
	for p := range fa {
		switch {
		case p == "sfdx-project.json" || p == ".forceignore":
		case hasAppSuffix(p):
			appFiles++
		default:
			otherFiles++
		}
	}
	if appFiles != c.AppFiles || otherFiles != c.Others {
		t.Errorf("%d app files and %d others, want %d and %d", appFiles, otherFiles, c.AppFiles, c.Others)
	}
}

func hasAppSuffix(p string) bool {
	for _, s := range AppSuffixes {
		if strings.HasSuffix(p, s) {
			return true
		}
	}
	return false
}
