package edit

import (
	"errors"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestUnifiedDiff(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		nilA bool
		want string
	}{
		{name: "equal", a: "x\ny\n", b: "x\ny\n", want: ""},
		{
			name: "one line changed",
			a:    "1\n2\n3\n4\n5\n6\n7\n8\n",
			b:    "1\n2\n3\n4\nFIVE\n6\n7\n8\n",
			want: "--- a\n+++ b\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+FIVE\n 6\n 7\n 8\n",
		},
		{
			name: "insertion at start",
			a:    "b\nc\n",
			b:    "a\nb\nc\n",
			want: "--- a\n+++ b\n@@ -1,2 +1,3 @@\n+a\n b\n c\n",
		},
		{
			name: "created file",
			nilA: true,
			b:    "<x/>\n",
			want: "--- /dev/null\n+++ b\n@@ -0,0 +1 @@\n+<x/>\n",
		},
		{
			name: "no newline at end",
			a:    "a\nb",
			b:    "a\nc",
			want: "--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n",
		},
		{
			name: "crlf kept",
			a:    "a\r\nb\r\n",
			b:    "a\r\nB\r\n",
			want: "--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\r\n-b\r\n+B\r\n",
		},
		{
			name: "two hunks",
			a:    "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n",
			b:    "1\nTWO\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\nFIFTEEN\n16\n",
			want: "--- a\n+++ b\n@@ -1,5 +1,5 @@\n 1\n-2\n+TWO\n 3\n 4\n 5\n@@ -12,5 +12,5 @@\n 12\n 13\n 14\n-15\n+FIFTEEN\n 16\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var a []byte
			if !tt.nilA {
				a = []byte(tt.a)
			}
			got := UnifiedDiff("a", "b", a, []byte(tt.b), 3)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestUnifiedDiffApplies checks on random edits that applying the diff to the
// old text gives the new one.
func TestUnifiedDiffApplies(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 300; i++ {
		var a []string
		for j := rng.Intn(30); j > 0; j-- {
			a = append(a, strconv.Itoa(rng.Intn(6))+"\n")
		}
		b := append([]string(nil), a...)
		for k := rng.Intn(6); k > 0; k-- {
			switch pos := rng.Intn(len(b) + 1); rng.Intn(3) {
			case 0:
				b = append(b[:pos], append([]string{"new" + strconv.Itoa(k) + "\n"}, b[pos:]...)...)
			case 1:
				if pos < len(b) {
					b = append(b[:pos], b[pos+1:]...)
				}
			default:
				if pos < len(b) {
					b[pos] = "changed\n"
				}
			}
		}
		as, bs := strings.Join(a, ""), strings.Join(b, "")
		d := UnifiedDiff("a", "b", []byte(as), []byte(bs), rng.Intn(4))
		got, err := applyUnified(as, d)
		if err != nil {
			t.Fatalf("case %d: %v\n%s", i, err, d)
		}
		if got != bs {
			t.Fatalf("case %d: applying the diff gives\n%q\nwant\n%q\ndiff:\n%s", i, got, bs, d)
		}
	}
}

// applyUnified applies a unified diff (as UnifiedDiff writes it) to a.
func applyUnified(a, diff string) (string, error) {
	if diff == "" {
		return a, nil
	}
	old := splitLines([]byte(a))
	lines := strings.SplitAfter(diff, "\n")
	var out []string
	next := 0 // next old line to copy
	for i := 2; i < len(lines); i++ {
		l := lines[i]
		if l == "" {
			continue
		}
		if strings.HasPrefix(l, "@@") {
			f := strings.Fields(l)
			startStr, lenStr, hasLen := strings.Cut(strings.TrimPrefix(f[1], "-"), ",")
			as, err := strconv.Atoi(startStr)
			if err != nil {
				return "", err
			}
			al := 1
			if hasLen {
				if al, err = strconv.Atoi(lenStr); err != nil {
					return "", err
				}
			}
			start := as - 1
			if al == 0 {
				start = as
			}
			for next < start {
				out = append(out, old[next])
				next++
			}
			continue
		}
		switch l[0] {
		case ' ':
			out = append(out, old[next])
			next++
		case '-':
			next++
		case '+':
			out = append(out, l[1:])
		case '\\':
			// The marker follows a line UnifiedDiff ended with "\n" for display.
			if n := len(out); n > 0 && lines[i-1][0] == '+' {
				out[n-1] = strings.TrimSuffix(out[n-1], "\n")
			}
		default:
			return "", errors.New("bad diff line " + strconv.Quote(l))
		}
	}
	out = append(out, old[next:]...)
	return strings.Join(out, ""), nil
}

// TestWriterFailedRenameKeepsOriginal simulates a failed write: the rename
// over the target fails. The original keeps its bytes and mode and no
// temporary file is left behind.
func TestWriterFailedRenameKeepsOriginal(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "App.connectedApp-meta.xml")
	orig := []byte("<ConnectedApp/>\n")
	if err := os.WriteFile(p, orig, 0o640); err != nil {
		t.Fatal(err)
	}
	w := Writer{Rename: func(_, _ string) error { return errors.New("simulated: disk full") }}
	if err := w.WriteFile(p, []byte("<ConnectedApp>changed</ConnectedApp>\n"), 0o644); err == nil {
		t.Fatal("WriteFile succeeded although the rename failed")
	}
	got, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(orig), string(got)); diff != "" {
		t.Errorf("original changed (-want +got):\n%s", diff)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("temporary files left behind: %v", names)
	}

	// A successful write keeps the file's mode.
	if err := WriteFileAtomic(p, []byte("<ConnectedApp>new</ConnectedApp>\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o640 {
		t.Errorf("mode after write = %v, want 0640", st.Mode().Perm())
	}
}
