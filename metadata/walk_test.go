//go:build unix

package metadata

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfapplint/sfapplint/metadata/internal/corpustest"
)

// walkResult is what a walker reports, in a comparable, sorted form.
type walkResult struct {
	Files    []string // display type component size
	Problems []string // file: message
}

func runWalker(walker func(*treeWalk, string), wd, root string, opts Options) walkResult {
	var r walkResult
	w := &treeWalk{wd: wd, opts: opts, emit: func(in input) {
		r.Files = append(r.Files, fmt.Sprintf("%s %s %s %d", in.display, in.typ, in.name, in.size))
	}}
	walker(w, root)
	for _, p := range w.probs {
		r.Problems = append(r.Problems, p.Pos.File+": "+p.Message)
	}
	sort.Strings(r.Files)
	sort.Strings(r.Problems)
	return r
}

// hostileTree builds a tree with everything a walk must get right: nested and
// large directories, skipped directories, mdapi names, links of every kind, a
// FIFO and a directory named like metadata, names with odd bytes.
func hostileTree(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	write := func(rel, body string) { writeFile(t, root, rel, body) }
	link := func(target, rel string) {
		t.Helper()
		if err := os.Symlink(target, filepath.Join(root, filepath.FromSlash(rel))); err != nil {
			t.Fatal(err)
		}
	}
	write("force-app/main/default/connectedApps/A.connectedApp-meta.xml", "<a/>")
	write("force-app/main/default/externalClientApps/B.eca-meta.xml", "<b/>")
	write("force-app/main/default/classes/C.cls-meta.xml", "x")
	write("force-app/main/default/classes/C.cls", "x")
	write("mdapi/connectedApps/D.connectedApp", "<d/>")
	write("mdapi/classes/E.connectedApp", "not in its folder")
	write("mdapi/package.xml", "<Package/>")
	write("force-app/.git/objects/F.connectedApp-meta.xml", "skipped")
	write("force-app/node_modules/G.connectedApp-meta.xml", "skipped")
	write("force-app/main/default/profiles/Admin.profile-meta.xml", "<p/>")
	write("force-app/main/default/permissionsets/Ops.permissionset-meta.xml", "<ps/>")
	write("force-app/weird/ünï cödé  name.connectedApp-meta.xml", "<w/>")
	write("force-app/weird/.hidden.connectedApp-meta.xml", "<h/>")
	write("force-app/weird/.connectedApp-meta.xml", "no name")
	// More entries than one getdents64 buffer holds.
	for i := range 1500 {
		write(fmt.Sprintf("force-app/main/default/objects/Big__c/fields/F%04d_with_a_long_name__c.field-meta.xml", i), "x")
	}
	for i := range 40 {
		write(fmt.Sprintf("force-app/main/default/connectedApps/Many_%02d_padded_to_fill_the_listing_buffer.connectedApp-meta.xml", i), "<m/>")
	}
	if err := os.MkdirAll(filepath.Join(root, "force-app/main/default/connectedApps/Dir.connectedApp-meta.xml"), 0o755); err != nil {
		t.Fatal(err)
	}
	link("A.connectedApp-meta.xml", "force-app/main/default/connectedApps/Alias.connectedApp-meta.xml")
	link("missing.xml", "force-app/main/default/connectedApps/Broken.connectedApp-meta.xml")
	link("Self.connectedApp-meta.xml", "force-app/main/default/connectedApps/Self.connectedApp-meta.xml")
	link("Dir.connectedApp-meta.xml", "force-app/main/default/connectedApps/ToDir.connectedApp-meta.xml")
	link("..", "force-app/main/default/loop")
	link("/", "force-app/root")
	if err := syscall.Mkfifo(filepath.Join(root, "force-app/main/default/connectedApps/Pipe.connectedApp-meta.xml"), 0o644); err != nil {
		t.Fatal(err)
	}
	return root
}

// TestWalkersAgree: the getdents walker (Linux) finds exactly what the
// os.ReadDir walker finds, on a hostile tree, with an ignore function, below a
// symlinked root, and on the real corpus.
func TestWalkersAgree(t *testing.T) {
	root := hostileTree(t)
	linkedRoot := filepath.Join(t.TempDir(), "linked")
	if err := os.Symlink(filepath.Join(root, "force-app"), linkedRoot); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		wd, root  string
		opts      Options
		wantFiles int
	}{
		{name: "hostile tree", wd: root, root: root, wantFiles: 48},
		{name: "ignore", wd: root, root: filepath.Join(root, "force-app"), wantFiles: 5, opts: Options{Ignore: func(p string) bool {
			return strings.Contains(p, "Many_") || strings.Contains(p, "weird")
		}}},
		{name: "symlinked root", wd: root, root: linkedRoot + string(filepath.Separator), wantFiles: 47},
		{name: "missing root", wd: root, root: filepath.Join(root, "nope")},
		{name: "corpus", wd: corpustest.Dir(t), root: corpustest.Dir(t), wantFiles: -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := runWalker(walkReadDir, tt.wd, tt.root, tt.opts)
			got := runWalker(walkTree, tt.wd, tt.root, tt.opts)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("walkTree differs from walkReadDir (-want +got):\n%s", diff)
			}
			if tt.wantFiles >= 0 && len(got.Files) != tt.wantFiles {
				t.Errorf("%d files found, want %d:\n%s", len(got.Files), tt.wantFiles, strings.Join(got.Files, "\n"))
			}
			if tt.wantFiles < 0 && len(got.Files) < 90 {
				t.Errorf("only %d corpus files found", len(got.Files))
			}
		})
	}
}
