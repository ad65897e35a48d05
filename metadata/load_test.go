package metadata

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// loadTestdata is the directory of the loader's fixtures.
var loadTestdata = filepath.Join("testdata", "load")

// sfdxPaths are the two package directories of testdata/load/sfdx, relative to loadTestdata.
var sfdxPaths = []string{"sfdx/force-app", "sfdx/integrations"}

// mustLoad runs Load and fails the test on a usage error. A Load that does not
// return within a minute fails the test instead of hanging it.
func mustLoad(t testing.TB, opts Options) *Project {
	t.Helper()
	type result struct {
		p   *Project
		err error
	}
	done := make(chan result, 1)
	go func() {
		p, err := Load(context.Background(), opts)
		done <- result{p, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatalf("Load(%+v): %v", opts.Paths, r.err)
		}
		return r.p
	case <-time.After(time.Minute):
		t.Fatalf("Load(%v) did not return within a minute (blocked on a file it should never open?)", opts.Paths)
		return nil
	}
}

// writeFile writes content to dir/rel, creating directories.
func writeFile(t testing.TB, dir, rel, content string) string {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// copyTree copies the regular files below src into dst.
func copyTree(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		writeFile(t, dst, filepath.ToSlash(rel), string(data))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// symlink creates link pointing at target (target is written as given).
func symlink(t testing.TB, target, link string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

// mkfifo creates a named pipe: opening it for reading blocks until a writer
// comes, so a loader that opens it hangs, even as root.
func mkfifo(t testing.TB, p string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mkfifo", p).CombinedOutput(); err != nil {
		t.Fatalf("mkfifo %s: %v: %s", p, err, out)
	}
}

// zipEntry is one entry of a zip built by a test.
type zipEntry struct {
	Name string
	Body []byte
}

// buildZip writes a zip archive of entries to p.
func buildZip(t testing.TB, p string, entries []zipEntry) {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.Create(e.Name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(e.Body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// treeEntries reads the files below dir as zip entries named by their
// slash-separated path relative to dir, prefixed with prefix.
func treeEntries(t testing.TB, dir, prefix string) []zipEntry {
	t.Helper()
	var out []zipEntry
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out = append(out, zipEntry{Name: prefix + filepath.ToSlash(rel), Body: data})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// bombXML is a valid ConnectedApp whose comment holds n '0' characters: it
// compresses about a thousand times.
func bombXML(n int) []byte {
	var b bytes.Buffer
	b.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ConnectedApp xmlns=\"" + Namespace + "\">\n<!-- ")
	b.Write(bytes.Repeat([]byte("0"), n))
	b.WriteString(" -->\n    <label>Bomb</label>\n</ConnectedApp>\n")
	return b.Bytes()
}

// loadProblem is what the loader tests compare for one problem.
type loadProblem struct {
	Code    ProblemCode
	File    string
	At      string // line:column; 0:0 for file-level problems found before parsing
	App     string
	Element string
	Message string
}

func viewLoadProblems(ps []Problem) []loadProblem {
	out := []loadProblem{}
	for _, p := range ps {
		out = append(out, loadProblem{Code: p.Code, File: p.Pos.File, At: lineCol(p.Pos), App: p.App, Element: p.Element, Message: p.Message})
	}
	return out
}

// appSummary is one app as the loader tests compare it.
type appSummary struct {
	Name      string
	Kind      AppKind
	Namespace string
	Files     []string
}

func summarizeApps(p *Project) []appSummary {
	out := []appSummary{}
	for _, a := range p.Apps {
		out = append(out, appSummary{Name: a.Name, Kind: a.Kind, Namespace: a.Namespace, Files: a.Files()})
	}
	return out
}

// fieldValue is a field as inspect shows it, without the file name (which
// differs between source, mdapi and zip layouts of the same app).
type fieldValue struct {
	Value, Canonical          any
	Present, Default, Invalid bool
	At                        string // line:column
	Items                     []string
}

func fieldValues(a *App) map[string]fieldValue {
	out := map[string]fieldValue{}
	for _, f := range a.Fields() {
		v := fieldValue{Value: f.Value, Canonical: f.Canonical, Present: f.Present, Default: f.Default, Invalid: f.Invalid, At: lineCol(f.Pos())}
		for _, it := range f.Items {
			v.Items = append(v.Items, it.Value+"@"+lineCol(it.Pos))
		}
		out[f.Path] = v
	}
	return out
}

func projectFieldValues(p *Project) map[string]map[string]fieldValue {
	out := map[string]map[string]fieldValue{}
	for _, a := range p.Apps {
		out[string(a.Kind)+" "+a.Name] = fieldValues(a)
	}
	return out
}

type holderSummary struct {
	Type       Type
	Name       string
	Label      string
	APIEnabled bool
}

func summarizeHolders(p *Project) []holderSummary {
	out := []holderSummary{}
	for _, h := range p.Holders {
		_, on := h.Grants("ApiEnabled")
		out = append(out, holderSummary{Type: h.Type, Name: h.Name, Label: h.Label, APIEnabled: on})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func documentPaths(p *Project) []string {
	var out []string
	for _, d := range p.Documents {
		out = append(out, d.Path)
	}
	sort.Strings(out)
	return out
}

const (
	acmeSrc    = "sfdx/force-app/main/default/connectedApps/Acme_Sync.connectedApp-meta.xml"
	portalSrc  = "sfdx/force-app/main/default/connectedApps/Portal_Login.connectedApp-meta.xml"
	billingSrc = "sfdx/integrations/main/default/"
)

func TestLoadSourceTree(t *testing.T) {
	p := mustLoad(t, Options{WorkDir: loadTestdata, Paths: sfdxPaths})
	want := []appSummary{
		{Name: "Acme_Sync", Kind: KindConnectedApp, Files: []string{acmeSrc}},
		{Name: "Billing_Sync", Kind: KindECA, Files: []string{
			billingSrc + "externalClientApps/Billing_Sync.eca-meta.xml",
			billingSrc + "extlClntAppGlobalOauthSets/Billing_Sync_glbloauth.ecaGlblOauth-meta.xml",
			billingSrc + "extlClntAppOauthSettings/Billing_Sync_oauth.ecaOauth-meta.xml",
			billingSrc + "extlClntAppOauthPolicies/Billing_Sync_oauthPlcy.ecaOauthPlcy-meta.xml",
			billingSrc + "extlClntAppPolicies/Billing_Sync_plcy.ecaPlcy-meta.xml",
			billingSrc + "extlClntAppOauthSecuritySettings/Billing_Sync_oauthSecurity.ecaOauthSecurity-meta.xml",
		}},
		{Name: "Portal_Login", Kind: KindConnectedApp, Files: []string{portalSrc}},
	}
	if diff := cmp.Diff(want, summarizeApps(p)); diff != "" {
		t.Errorf("apps (-want +got):\n%s", diff)
	}
	wantHolders := []holderSummary{
		{Type: TypeProfile, Name: "Acme Reader", Label: "Acme Reader", APIEnabled: false},
		{Type: TypePermissionSet, Name: "Acme_Integration", Label: "Acme Integration", APIEnabled: true},
	}
	if diff := cmp.Diff(wantHolders, summarizeHolders(p)); diff != "" {
		t.Errorf("holders (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]loadProblem{}, viewLoadProblems(p.Problems)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	if len(p.Documents) != 10 {
		t.Errorf("%d documents, want 10 (the .cls and .cls-meta.xml are not app metadata): %v", len(p.Documents), documentPaths(p))
	}
	if got := p.FindHolder(TypePermissionSet, "acme integration"); got == nil || got.Name != "Acme_Integration" {
		t.Errorf("FindHolder by label = %v, want Acme_Integration", got)
	}
	if got := p.APIEnabledHolders(); len(got) != 1 || got[0].Name != "Acme_Integration" {
		t.Errorf("APIEnabledHolders = %v, want [Acme_Integration]", got)
	}
	if p.App("Acme_Sync") == nil || p.App("acme_sync") != nil {
		t.Error("Project.App must find apps by exact name")
	}
}

func TestLoadSFDXProjectDiscovery(t *testing.T) {
	root := t.TempDir()
	copyTree(t, filepath.Join(loadTestdata, "sfdx"), root)

	t.Run("from the project root", func(t *testing.T) {
		p := mustLoad(t, Options{WorkDir: root})
		want := []appSummary{
			{Name: "Acme_Sync", Kind: KindConnectedApp, Files: []string{"force-app/main/default/connectedApps/Acme_Sync.connectedApp-meta.xml"}},
			{Name: "Billing_Sync", Kind: KindECA, Files: []string{
				"integrations/main/default/externalClientApps/Billing_Sync.eca-meta.xml",
				"integrations/main/default/extlClntAppGlobalOauthSets/Billing_Sync_glbloauth.ecaGlblOauth-meta.xml",
				"integrations/main/default/extlClntAppOauthSettings/Billing_Sync_oauth.ecaOauth-meta.xml",
				"integrations/main/default/extlClntAppOauthPolicies/Billing_Sync_oauthPlcy.ecaOauthPlcy-meta.xml",
				"integrations/main/default/extlClntAppPolicies/Billing_Sync_plcy.ecaPlcy-meta.xml",
				"integrations/main/default/extlClntAppOauthSecuritySettings/Billing_Sync_oauthSecurity.ecaOauthSecurity-meta.xml",
			}},
			{Name: "Portal_Login", Kind: KindConnectedApp, Files: []string{"force-app/main/default/connectedApps/Portal_Login.connectedApp-meta.xml"}},
		}
		if diff := cmp.Diff(want, summarizeApps(p)); diff != "" {
			t.Errorf("apps (-want +got):\n%s", diff)
		}
		if p.Root != root {
			t.Errorf("Project.Root = %q, want %q", p.Root, root)
		}
	})

	t.Run("from a subdirectory", func(t *testing.T) {
		wd := filepath.Join(root, "force-app", "main")
		p := mustLoad(t, Options{WorkDir: wd})
		// Files below the working directory are shown relative to it; the other
		// package directory is outside it and is shown in full.
		billing := func(rel string) string {
			return DisplayPath(wd, filepath.Join(root, "integrations", "main", "default", filepath.FromSlash(rel)))
		}
		want := []appSummary{
			{Name: "Acme_Sync", Kind: KindConnectedApp, Files: []string{"default/connectedApps/Acme_Sync.connectedApp-meta.xml"}},
			{Name: "Billing_Sync", Kind: KindECA, Files: []string{
				billing("externalClientApps/Billing_Sync.eca-meta.xml"),
				billing("extlClntAppGlobalOauthSets/Billing_Sync_glbloauth.ecaGlblOauth-meta.xml"),
				billing("extlClntAppOauthSettings/Billing_Sync_oauth.ecaOauth-meta.xml"),
				billing("extlClntAppOauthPolicies/Billing_Sync_oauthPlcy.ecaOauthPlcy-meta.xml"),
				billing("extlClntAppPolicies/Billing_Sync_plcy.ecaPlcy-meta.xml"),
				billing("extlClntAppOauthSecuritySettings/Billing_Sync_oauthSecurity.ecaOauthSecurity-meta.xml"),
			}},
			{Name: "Portal_Login", Kind: KindConnectedApp, Files: []string{"default/connectedApps/Portal_Login.connectedApp-meta.xml"}},
		}
		if diff := cmp.Diff(want, summarizeApps(p)); diff != "" {
			t.Errorf("apps (-want +got):\n%s", diff)
		}
		if len(p.Problems) != 0 {
			t.Errorf("problems: %v", p.Problems)
		}
	})

	bad := []struct {
		name, json, want string
	}{
		{"not JSON", `{"packageDirectories": [`, "sfdx-project.json: not valid JSON"},
		{"missing package directory", `{"packageDirectories": [{"path": "force-app"}, {"path": "gone"}]}`, `sfdx-project.json: package directory "gone" does not exist`},
		{"no package directories", `{"packageDirectories": []}`, "sfdx-project.json: no packageDirectories"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, dir, "sfdx-project.json", tt.json)
			writeFile(t, dir, "force-app/main/default/connectedApps/A.connectedApp-meta.xml", "<ConnectedApp/>")
			_, err := Load(context.Background(), Options{WorkDir: filepath.Join(dir, "force-app")})
			var ue *UsageError
			if !errors.As(err, &ue) {
				t.Fatalf("Load: %v (%T), want a *UsageError", err, err)
			}
			if !strings.Contains(ue.Error(), tt.want) || !strings.Contains(ue.Error(), dir) {
				t.Errorf("error %q does not contain %q and the project directory %s", ue.Error(), tt.want, dir)
			}
		})
	}
}

func TestLoadUsageErrors(t *testing.T) {
	t.Run("no sfdx-project.json and no paths", func(t *testing.T) {
		dir := t.TempDir()
		writeFile(t, dir, "connectedApps/A.connectedApp-meta.xml", "<ConnectedApp/>")
		p, err := Load(context.Background(), Options{WorkDir: dir})
		var ue *UsageError
		if !errors.As(err, &ue) {
			t.Fatalf("Load = %v, %v; want a *UsageError", p, err)
		}
		if !strings.Contains(ue.Msg, "no sfdx-project.json") || !strings.Contains(ue.Msg, dir) {
			t.Errorf("message %q must say no sfdx-project.json was found and name %s", ue.Msg, dir)
		}
	})
	t.Run("missing path", func(t *testing.T) {
		dir := t.TempDir()
		writeFile(t, dir, "force-app/main/default/connectedApps/A.connectedApp-meta.xml", "<ConnectedApp/>")
		_, err := Load(context.Background(), Options{WorkDir: dir, Paths: []string{"force-app", "forse-app/main"}})
		var ue *UsageError
		if !errors.As(err, &ue) {
			t.Fatalf("Load: %v (%T), want a *UsageError", err, err)
		}
		if want := "forse-app/main: no such file or directory"; ue.Msg != want {
			t.Errorf("message = %q, want %q", ue.Msg, want)
		}
	})
}

func TestLoadDirectoryNamedLikeMetadata(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "x.connectedApp-meta.xml/connectedApps/Inner.connectedApp-meta.xml",
		`<ConnectedApp xmlns="`+Namespace+`"><label>Inner</label></ConnectedApp>`)
	if err := os.MkdirAll(filepath.Join(dir, "connectedApps", "Empty.connectedApp"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, paths := range [][]string{{"."}, {"x.connectedApp-meta.xml"}} {
		p := mustLoad(t, Options{WorkDir: dir, Paths: paths})
		want := []appSummary{{Name: "Inner", Kind: KindConnectedApp, Files: []string{"x.connectedApp-meta.xml/connectedApps/Inner.connectedApp-meta.xml"}}}
		if diff := cmp.Diff(want, summarizeApps(p)); diff != "" {
			t.Errorf("Paths %v: apps (-want +got):\n%s", paths, diff)
		}
		if diff := cmp.Diff([]loadProblem{}, viewLoadProblems(p.Problems)); diff != "" {
			t.Errorf("Paths %v: problems (-want +got):\n%s", paths, diff)
		}
	}
}

// TestLoadNeverOpensUnrelatedFiles proves that files which are not app metadata
// are never opened, in a way that holds as root (CI runs as root, where chmod 000
// does not stop reads): named pipes block whoever opens them, and dangling
// symlinks fail whoever stats them, so a loader that touched them would hang or
// report a problem.
func TestLoadNeverOpensUnrelatedFiles(t *testing.T) {
	root := t.TempDir()
	copyTree(t, filepath.Join(loadTestdata, "sfdx"), root)
	classes := filepath.Join(root, "force-app", "main", "default", "classes")
	cls := filepath.Join(classes, "AcmeSyncHandler.cls")
	if err := os.Chmod(cls, 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(cls, 0o644) })
	mkfifo(t, filepath.Join(classes, "Blocking.cls"))
	mkfifo(t, filepath.Join(classes, "Blocking.cls-meta.xml"))
	mkfifo(t, filepath.Join(root, "force-app", "main", "default", "staticresources", "big.resource"))
	symlink(t, "does-not-exist.cls", filepath.Join(classes, "Gone.cls"))
	symlink(t, "does-not-exist.xml", filepath.Join(classes, "Gone.cls-meta.xml"))
	// Metadata-named files in directories that never hold deployable metadata.
	for _, skip := range []string{".git", "node_modules", ".sfdx", ".sf"} {
		base := filepath.Join(root, "force-app", skip, "connectedApps")
		mkfifo(t, filepath.Join(base, "Hidden.connectedApp-meta.xml"))
		symlink(t, "nowhere", filepath.Join(base, "Dangling.connectedApp-meta.xml"))
	}
	// A named pipe with a metadata name is not a regular file: skipped unopened.
	mkfifo(t, filepath.Join(root, "force-app", "main", "default", "connectedApps", "Pipe.connectedApp-meta.xml"))

	p := mustLoad(t, Options{WorkDir: root})
	if diff := cmp.Diff([]loadProblem{}, viewLoadProblems(p.Problems)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	var names []string
	for _, a := range p.Apps {
		names = append(names, a.Name)
	}
	if diff := cmp.Diff([]string{"Acme_Sync", "Billing_Sync", "Portal_Login"}, names); diff != "" {
		t.Errorf("apps (-want +got):\n%s", diff)
	}
	for _, d := range documentPaths(p) {
		if strings.Contains(d, "classes/") || strings.Contains(d, "Pipe") || strings.Contains(d, "Hidden") {
			t.Errorf("read %s, which is not app metadata", d)
		}
	}
}

func TestLoadUnreadableFiles(t *testing.T) {
	root := t.TempDir()
	copyTree(t, filepath.Join(loadTestdata, "sfdx"), root)
	apps := filepath.Join(root, "force-app", "main", "default", "connectedApps")
	symlink(t, filepath.Join("..", "moved", "Gone.connectedApp-meta.xml"), filepath.Join(apps, "Gone.connectedApp-meta.xml"))
	symlink(t, "Self.connectedApp-meta.xml", filepath.Join(apps, "Self.connectedApp-meta.xml"))
	// A symlink to a regular file is read through.
	symlink(t, "Portal_Login.connectedApp-meta.xml", filepath.Join(apps, "Portal_Alias.connectedApp-meta.xml"))
	// chmod 000 stops reads for other users; root reads anyway.
	locked := filepath.Join(apps, "Acme_Sync.connectedApp-meta.xml")
	if err := os.Chmod(locked, 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(locked, 0o644) })
	_, lockedErr := os.ReadFile(locked)

	const dir = "force-app/main/default/connectedApps/"
	want := []loadProblem{
		{Code: ProblemUnreadable, File: dir + "Gone.connectedApp-meta.xml", At: "0:0", App: "", Message: "broken symbolic link: no such file or directory"},
		{Code: ProblemUnreadable, File: dir + "Self.connectedApp-meta.xml", At: "0:0", Message: "broken symbolic link: too many levels of symbolic links"},
	}
	wantApps := []string{"Billing_Sync", "Portal_Alias", "Portal_Login"}
	if lockedErr != nil {
		want = append([]loadProblem{{Code: ProblemUnreadable, File: dir + "Acme_Sync.connectedApp-meta.xml", At: "1:1", Message: "cannot read: permission denied"}}, want...)
	} else {
		wantApps = append([]string{"Acme_Sync"}, wantApps...)
	}
	// /proc/self/mem is a regular file that even root cannot read at offset 0.
	if _, err := os.Stat("/proc/self/mem"); err == nil {
		symlink(t, "/proc/self/mem", filepath.Join(apps, "Mem.connectedApp-meta.xml"))
		want = append(want, loadProblem{Code: ProblemUnreadable, File: dir + "Mem.connectedApp-meta.xml", At: "1:1", Message: "cannot read: input/output error"})
	}
	sort.SliceStable(want, func(i, j int) bool { return want[i].File < want[j].File })

	p := mustLoad(t, Options{WorkDir: root})
	if diff := cmp.Diff(want, viewLoadProblems(p.Problems)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	var names []string
	for _, a := range p.Apps {
		names = append(names, a.Name)
	}
	if diff := cmp.Diff(wantApps, names); diff != "" {
		t.Errorf("apps still loaded (-want +got):\n%s", diff)
	}
}

func TestLoadSymlinks(t *testing.T) {
	root := t.TempDir()
	copyTree(t, filepath.Join(loadTestdata, "sfdx"), root)
	def := filepath.Join(root, "force-app", "main", "default")
	symlink(t, "..", filepath.Join(def, "loop"))                  // a directory symlink to its parent
	symlink(t, ".", filepath.Join(def, "connectedApps", "again")) // to itself
	symlink(t, "integrations", filepath.Join(root, "linked-integrations"))

	t.Run("loops in the tree are not followed", func(t *testing.T) {
		p := mustLoad(t, Options{WorkDir: root})
		if diff := cmp.Diff([]string{
			"force-app/main/default/connectedApps/Acme_Sync.connectedApp-meta.xml",
			"force-app/main/default/connectedApps/Portal_Login.connectedApp-meta.xml",
		}, append(p.App("Acme_Sync").Files(), p.App("Portal_Login").Files()...)); diff != "" {
			t.Errorf("files (-want +got):\n%s", diff)
		}
		if len(p.Problems) != 0 || len(p.Documents) != 10 {
			t.Errorf("%d documents, problems %v; want 10 and none", len(p.Documents), p.Problems)
		}
	})
	t.Run("a symlinked directory named as input is walked once", func(t *testing.T) {
		p := mustLoad(t, Options{WorkDir: root, Paths: []string{"force-app/main/default/loop", "linked-integrations"}})
		want := []appSummary{
			{Name: "Acme_Sync", Kind: KindConnectedApp, Files: []string{"force-app/main/default/loop/default/connectedApps/Acme_Sync.connectedApp-meta.xml"}},
			{Name: "Billing_Sync", Kind: KindECA, Files: []string{
				"linked-integrations/main/default/externalClientApps/Billing_Sync.eca-meta.xml",
				"linked-integrations/main/default/extlClntAppGlobalOauthSets/Billing_Sync_glbloauth.ecaGlblOauth-meta.xml",
				"linked-integrations/main/default/extlClntAppOauthSettings/Billing_Sync_oauth.ecaOauth-meta.xml",
				"linked-integrations/main/default/extlClntAppOauthPolicies/Billing_Sync_oauthPlcy.ecaOauthPlcy-meta.xml",
				"linked-integrations/main/default/extlClntAppPolicies/Billing_Sync_plcy.ecaPlcy-meta.xml",
				"linked-integrations/main/default/extlClntAppOauthSecuritySettings/Billing_Sync_oauthSecurity.ecaOauthSecurity-meta.xml",
			}},
			{Name: "Portal_Login", Kind: KindConnectedApp, Files: []string{"force-app/main/default/loop/default/connectedApps/Portal_Login.connectedApp-meta.xml"}},
		}
		if diff := cmp.Diff(want, summarizeApps(p)); diff != "" {
			t.Errorf("apps (-want +got):\n%s", diff)
		}
		if len(p.Problems) != 0 {
			t.Errorf("problems: %v", p.Problems)
		}
	})
}

func TestLoadExplicitPaths(t *testing.T) {
	root := t.TempDir()
	copyTree(t, filepath.Join(loadTestdata, "sfdx"), root)
	mkfifo(t, filepath.Join(root, "Pipe.connectedApp-meta.xml"))
	mkfifo(t, filepath.Join(root, "pipe.zip"))
	acme := "force-app/main/default/connectedApps/Acme_Sync.connectedApp-meta.xml"
	p := mustLoad(t, Options{WorkDir: root, Paths: []string{
		acme,
		"force-app/main/default/connectedApps", // holds acme again: read once
		filepath.Join(root, filepath.FromSlash(acme)),
		"force-app/main/default/classes/AcmeSyncHandler.cls", // not app metadata: nothing to read
		"Pipe.connectedApp-meta.xml",                         // not a regular file: never opened
		"pipe.zip",
	}})
	want := []loadProblem{
		{Code: ProblemUnreadable, File: "Pipe.connectedApp-meta.xml", At: "0:0", Message: "not a regular file; not read"},
		{Code: ProblemZip, File: "pipe.zip", At: "0:0", Message: "not a regular file; not read"},
	}
	if diff := cmp.Diff(want, viewLoadProblems(p.Problems)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{acme, "force-app/main/default/connectedApps/Portal_Login.connectedApp-meta.xml"}, documentPaths(p)); diff != "" {
		t.Errorf("documents (-want +got):\n%s", diff)
	}
}

// TestLoadMDAPIMatchesSource loads the same apps from the source tree, the
// Metadata API tree (with and without package.xml) and a retrieved zip, and
// compares every field's value, flags and line:column.
func TestLoadMDAPIMatchesSource(t *testing.T) {
	src := mustLoad(t, Options{WorkDir: loadTestdata, Paths: sfdxPaths})
	want := projectFieldValues(src)
	if len(want) != 3 {
		t.Fatalf("source tree: %d apps, want 3", len(want))
	}
	wantHolders := summarizeHolders(src)

	noManifest := t.TempDir()
	copyTree(t, filepath.Join(loadTestdata, "mdapi"), noManifest)
	if err := os.Remove(filepath.Join(noManifest, "package.xml")); err != nil {
		t.Fatal(err)
	}
	zipDir := t.TempDir()
	buildZip(t, filepath.Join(zipDir, "retrieve.zip"), treeEntries(t, filepath.Join(loadTestdata, "mdapi"), ""))
	buildZip(t, filepath.Join(zipDir, "unpackaged.zip"), append([]zipEntry{{Name: "unpackaged/"}}, treeEntries(t, filepath.Join(loadTestdata, "mdapi"), "unpackaged/")...))

	layouts := []struct {
		name    string
		opts    Options
		acme    string // display path of the Acme_Sync file
		billing []string
	}{
		{
			name: "mdapi with package.xml",
			opts: Options{WorkDir: loadTestdata, Paths: []string{"mdapi"}},
			acme: "mdapi/connectedApps/Acme_Sync.connectedApp",
			billing: []string{
				"mdapi/externalClientApps/Billing_Sync.eca",
				"mdapi/extlClntAppGlobalOauthSets/Billing_Sync_glbloauth.ecaGlblOauth",
				"mdapi/extlClntAppOauthSettings/Billing_Sync_oauth.ecaOauth",
				"mdapi/extlClntAppOauthPolicies/Billing_Sync_oauthPlcy.ecaOauthPlcy",
				"mdapi/extlClntAppPolicies/Billing_Sync_plcy.ecaPlcy",
				"mdapi/extlClntAppOauthSecuritySettings/Billing_Sync_oauthSecurity.ecaOauthSecurity",
			},
		},
		{
			name: "mdapi without package.xml",
			opts: Options{WorkDir: noManifest, Paths: []string{"."}},
			acme: "connectedApps/Acme_Sync.connectedApp",
		},
		{
			name: "zip",
			opts: Options{WorkDir: zipDir, Paths: []string{"retrieve.zip"}},
			acme: "retrieve.zip!connectedApps/Acme_Sync.connectedApp",
			billing: []string{
				"retrieve.zip!externalClientApps/Billing_Sync.eca",
				"retrieve.zip!extlClntAppGlobalOauthSets/Billing_Sync_glbloauth.ecaGlblOauth",
				"retrieve.zip!extlClntAppOauthSettings/Billing_Sync_oauth.ecaOauth",
				"retrieve.zip!extlClntAppOauthPolicies/Billing_Sync_oauthPlcy.ecaOauthPlcy",
				"retrieve.zip!extlClntAppPolicies/Billing_Sync_plcy.ecaPlcy",
				"retrieve.zip!extlClntAppOauthSecuritySettings/Billing_Sync_oauthSecurity.ecaOauthSecurity",
			},
		},
		{
			name: "zip with a top folder, given by absolute path",
			opts: Options{WorkDir: zipDir, Paths: []string{filepath.Join(zipDir, "unpackaged.zip")}},
			acme: "unpackaged.zip!unpackaged/connectedApps/Acme_Sync.connectedApp",
		},
	}
	for _, l := range layouts {
		t.Run(l.name, func(t *testing.T) {
			p := mustLoad(t, l.opts)
			if diff := cmp.Diff(want, projectFieldValues(p)); diff != "" {
				t.Errorf("fields differ from the source tree (-source +%s):\n%s", l.name, diff)
			}
			if diff := cmp.Diff(wantHolders, summarizeHolders(p)); diff != "" {
				t.Errorf("holders (-source +%s):\n%s", l.name, diff)
			}
			if diff := cmp.Diff([]loadProblem{}, viewLoadProblems(p.Problems)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			acme := p.App("Acme_Sync")
			if acme == nil {
				t.Fatal("no Acme_Sync")
			}
			if got := acme.Files(); len(got) != 1 || got[0] != l.acme {
				t.Errorf("Acme_Sync files = %v, want [%s]", got, l.acme)
			}
			if f := acme.Field("oauth.scopes"); f.Items[0].Pos.File != l.acme {
				t.Errorf("scope item file = %q, want %q", f.Items[0].Pos.File, l.acme)
			}
			if l.billing != nil {
				if diff := cmp.Diff(l.billing, p.App("Billing_Sync").Files()); diff != "" {
					t.Errorf("Billing_Sync files (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestLoadZipProblems(t *testing.T) {
	good := zipEntry{Name: "connectedApps/Good.connectedApp", Body: []byte(`<ConnectedApp xmlns="` + Namespace + `"><label>Good</label></ConnectedApp>`)}
	small := func() Limits {
		l := DefaultLimits()
		l.MaxZipEntrySize = 1 << 20
		return l
	}
	tests := []struct {
		name    string
		entries []zipEntry
		raw     []byte // written instead of a zip built from entries
		limits  Limits
		want    []loadProblem
		noGood  bool // the good entry is not expected to load
		godebug string
	}{
		{
			name: "zip slip",
			entries: []zipEntry{
				good,
				{Name: "../evil.connectedApp", Body: good.Body},
				{Name: "connectedApps/../../escape/connectedApps/Esc.connectedApp", Body: good.Body},
				{Name: "/abs/connectedApps/Abs.connectedApp", Body: good.Body},
				{Name: `connectedApps\Win.connectedApp`, Body: good.Body},
			},
			want: []loadProblem{
				{Code: ProblemZip, File: "in.zip!../evil.connectedApp", At: "0:0", Message: `zip entry "../evil.connectedApp" escapes the archive (zip slip); skipped`},
				{Code: ProblemZip, File: "in.zip!/abs/connectedApps/Abs.connectedApp", At: "0:0", Message: `zip entry "/abs/connectedApps/Abs.connectedApp" escapes the archive (zip slip); skipped`},
				{Code: ProblemZip, File: "in.zip!connectedApps/../../escape/connectedApps/Esc.connectedApp", At: "0:0", Message: `zip entry "connectedApps/../../escape/connectedApps/Esc.connectedApp" escapes the archive (zip slip); skipped`},
				{Code: ProblemZip, File: `in.zip!connectedApps\Win.connectedApp`, At: "0:0", Message: `zip entry "connectedApps\\Win.connectedApp" escapes the archive (zip slip); skipped`},
			},
		},
		{
			name:    "zip slip with GODEBUG=zipinsecurepath=0",
			godebug: "zipinsecurepath=0",
			entries: []zipEntry{good, {Name: "../evil.connectedApp", Body: good.Body}},
			want: []loadProblem{
				{Code: ProblemZip, File: "in.zip!../evil.connectedApp", At: "0:0", Message: `zip entry "../evil.connectedApp" escapes the archive (zip slip); skipped`},
			},
		},
		{
			name:    "zip bomb: entry expands beyond MaxZipEntrySize",
			entries: []zipEntry{good, {Name: "connectedApps/Bomb.connectedApp", Body: bombXML(8 << 20)}},
			limits:  small(),
			want: []loadProblem{
				{Code: ProblemUnreadable, File: "in.zip!connectedApps/Bomb.connectedApp", At: "1:1", Message: "cannot read: zip entry expands beyond the size limit (possible zip bomb)"},
			},
		},
		{
			name:    "entry declared larger than MaxFileSize is not decompressed",
			entries: []zipEntry{good, {Name: "connectedApps/Huge.connectedApp", Body: bombXML(17 << 20)}},
			want: []loadProblem{
				{Code: ProblemTooLarge, File: "in.zip!connectedApps/Huge.connectedApp", At: "1:1", Message: fmt.Sprintf("file is %d bytes, over the 16777216-byte limit (--max-file-size); not read", len(bombXML(17<<20)))},
			},
		},
		{
			name:    "archive larger than MaxZipSize",
			entries: []zipEntry{good},
			limits:  func() Limits { l := DefaultLimits(); l.MaxZipSize = 64; return l }(),
			noGood:  true,
			want:    []loadProblem{{Code: ProblemZip, File: "in.zip", At: "0:0", Message: "over the 64-byte limit (--max-zip-size)"}},
		},
		{
			name:    "too many entries",
			entries: []zipEntry{good, {Name: "a.txt"}, {Name: "b.txt"}},
			limits:  func() Limits { l := DefaultLimits(); l.MaxZipEntries = 2; return l }(),
			noGood:  true,
			want:    []loadProblem{{Code: ProblemZip, File: "in.zip", At: "0:0", Message: "zip archive has 3 entries, over the 2-entry limit"}},
		},
		{
			name:   "not a zip",
			raw:    []byte("PK\x03\x04 this is not really a zip archive"),
			noGood: true,
			want:   []loadProblem{{Code: ProblemZip, File: "in.zip", At: "0:0", Message: "not a readable zip archive: zip: not a valid zip file"}},
		},
		{
			name:    "malformed entry",
			entries: []zipEntry{good, {Name: "connectedApps/Broken.connectedApp", Body: []byte("<ConnectedApp>\n  <label>x</label>\n")}},
			want:    []loadProblem{{Code: ProblemMalformed, File: "in.zip!connectedApps/Broken.connectedApp", At: "3:1", Message: "malformed XML: unexpected end of file: <ConnectedApp> is not closed"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.godebug != "" {
				t.Setenv("GODEBUG", tt.godebug)
			}
			dir := t.TempDir()
			zp := filepath.Join(dir, "in.zip")
			if tt.raw != nil {
				writeFile(t, dir, "in.zip", string(tt.raw))
			} else {
				buildZip(t, zp, tt.entries)
			}
			if tt.godebug != "" {
				// The setting must really be in force for the case to mean anything.
				data, err := os.ReadFile(zp)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := zip.NewReader(bytes.NewReader(data), int64(len(data))); !errors.Is(err, zip.ErrInsecurePath) {
					t.Fatalf("with GODEBUG=%s, zip.NewReader error = %v, want ErrInsecurePath", tt.godebug, err)
				}
			}
			var before runtime.MemStats
			runtime.ReadMemStats(&before)
			p := mustLoad(t, Options{WorkDir: dir, Paths: []string{"in.zip"}, Limits: tt.limits})
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			got := viewLoadProblems(p.Problems)
			for i := range got {
				if i < len(tt.want) && strings.Contains(got[i].Message, tt.want[i].Message) {
					got[i].Message = tt.want[i].Message // the want holds a substring
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if loaded := p.App("Good") != nil; loaded == tt.noGood {
				t.Errorf("Good loaded = %v, want %v", loaded, !tt.noGood)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
				t.Errorf("Load allocated %d MB reading a %d-byte archive", alloc>>20, fileSize(t, zp))
			}
		})
	}
}

func fileSize(t testing.TB, p string) int64 {
	t.Helper()
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return st.Size()
}

// TestLoadZipTotalBudget: when the entries together expand beyond MaxUnzipped,
// the entries read after the budget ran out are reported, the others load.
// Which entry comes last depends on scheduling, so only the count is fixed.
func TestLoadZipTotalBudget(t *testing.T) {
	dir := t.TempDir()
	body := bombXML(600 << 10)
	buildZip(t, filepath.Join(dir, "in.zip"), []zipEntry{
		{Name: "connectedApps/One.connectedApp", Body: body},
		{Name: "connectedApps/Two.connectedApp", Body: body},
	})
	lim := DefaultLimits()
	lim.MaxUnzipped = int64(len(body)) * 3 / 2
	p := mustLoad(t, Options{WorkDir: dir, Paths: []string{"in.zip"}, Limits: lim})
	if len(p.Apps) != 1 || len(p.Problems) != 1 {
		t.Fatalf("apps %v, problems %v; want one of each", summarizeApps(p), p.Problems)
	}
	if pr := p.Problems[0]; pr.Code != ProblemUnreadable || !strings.Contains(pr.Message, "possible zip bomb") {
		t.Errorf("problem = %+v, want a zip-bomb file-unreadable problem", pr)
	}
}

func TestLoadECAJoin(t *testing.T) {
	p := mustLoad(t, Options{WorkDir: loadTestdata, Paths: []string{"join"}})
	const d = "join/force-app/main/default/"
	want := []appSummary{
		{Name: "Header_Only", Kind: KindECA, Files: []string{d + "externalClientApps/Header_Only.eca-meta.xml"}},
		{Name: "Partner_Connector", Kind: KindECA, Namespace: "acme", Files: []string{
			d + "externalClientApps/Partner_Connector.eca-meta.xml",
			d + "extlClntAppGlobalOauthSets/Partner_Connector_glbloauth.ecaGlblOauth-meta.xml",
			d + "extlClntAppOauthSettings/Partner_Connector_oauth.ecaOauth-meta.xml",
			d + "extlClntAppPolicies/Partner_Connector_plcy.ecaPlcy-meta.xml",
		}},
		{Name: "Shared_Name", Kind: KindConnectedApp, Files: []string{d + "connectedApps/Shared_Name.connectedApp-meta.xml"}},
	}
	if diff := cmp.Diff(want, summarizeApps(p)); diff != "" {
		t.Errorf("apps (-want +got):\n%s", diff)
	}
	wantProblems := []loadProblem{
		{
			Code: ProblemECADuplicate, File: d + "extlClntAppGlobalOauthSets/Partner_Connector_v2_glbloauth.ecaGlblOauth-meta.xml", At: "4:5",
			App: "Partner_Connector", Element: "ExtlClntAppGlobalOauthSettings/externalClientApplication",
			Message: `External Client App "Partner_Connector" has two ExtlClntAppGlobalOauthSettings files; this one is ignored, the first is ` + d + "extlClntAppGlobalOauthSets/Partner_Connector_glbloauth.ecaGlblOauth-meta.xml",
		},
		{
			Code: ProblemECAOrphan, File: d + "extlClntAppOauthPolicies/Retired_App_oauthPlcy.ecaOauthPlcy-meta.xml", At: "3:5",
			App: "Retired_App", Element: "ExtlClntAppOauthConfigurablePolicies/externalClientApplication",
			Message: `ExtlClntAppOauthConfigurablePolicies names External Client App "Retired_App", which is not among the inputs`,
		},
		{
			Code: ProblemECADuplicate, File: "join/legacy/connectedApps/Shared_Name.connectedApp-meta.xml", At: "3:1", App: "Shared_Name",
			Message: `ConnectedApp "Shared_Name" is defined twice; this file is ignored, the first is ` + d + "connectedApps/Shared_Name.connectedApp-meta.xml",
		},
	}
	if diff := cmp.Diff(wantProblems, viewLoadProblems(p.Problems)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	// The namespaced children feed the app's fields.
	partner := p.App("Partner_Connector")
	if got := partner.Field("oauth.scopes").Strings(); !cmp.Equal(got, []string{"Api", "RefreshToken"}) {
		t.Errorf("Partner_Connector scopes = %v", got)
	}
	if b, _ := partner.Field("oauth.enabled").Bool(); b {
		t.Error("Partner_Connector oauth.enabled = true, want false (its OAuth plugin is off)")
	}
	if got := partner.Field("oauth.callbackUrls").Strings(); !cmp.Equal(got, []string{"https://partner.example.com/callback"}) {
		t.Errorf("Partner_Connector callbacks = %v, want the first global settings file's", got)
	}
	// An ECA with only its header has the ECA defaults, placed at the header.
	hdr := p.App("Header_Only")
	pk := hdr.Field("oauth.pkceRequired")
	got := fieldValue{Value: pk.Value, Present: pk.Present, Default: pk.Default, At: pk.Pos().String()}
	if diff := cmp.Diff(fieldValue{Value: true, Default: true, At: d + "externalClientApps/Header_Only.eca-meta.xml:2:1"}, got); diff != "" {
		t.Errorf("Header_Only oauth.pkceRequired (-want +got):\n%s", diff)
	}
	if pk.Doc != nil || pk.Parent != nil {
		t.Error("a field of a missing file must have nil Doc and Parent")
	}
}

func TestLoadIgnore(t *testing.T) {
	zipDir := t.TempDir()
	buildZip(t, filepath.Join(zipDir, "retrieve.zip"), treeEntries(t, filepath.Join(loadTestdata, "mdapi"), ""))
	var seen []string
	ignore := func(display string) bool {
		seen = append(seen, display)
		return strings.Contains(display, "/integrations/") ||
			strings.HasSuffix(display, "Portal_Login.connectedApp") ||
			strings.HasSuffix(display, ".ecaOauthPlcy")
	}
	p := mustLoad(t, Options{WorkDir: loadTestdata, Paths: []string{"sfdx", filepath.Join(zipDir, "retrieve.zip")}, Ignore: ignore, Workers: 1})
	var names []string
	for _, a := range p.Apps {
		names = append(names, a.Name+" "+strings.Join(a.Files(), ","))
	}
	zp := filepath.ToSlash(filepath.Join(zipDir, "retrieve.zip"))
	want := []string{
		// Acme_Sync twice: once from the source tree, once from the zip (a duplicate).
		"Acme_Sync " + zp + "!connectedApps/Acme_Sync.connectedApp",
		"Billing_Sync " + strings.Join([]string{
			zp + "!externalClientApps/Billing_Sync.eca",
			zp + "!extlClntAppGlobalOauthSets/Billing_Sync_glbloauth.ecaGlblOauth",
			zp + "!extlClntAppOauthSettings/Billing_Sync_oauth.ecaOauth",
			zp + "!extlClntAppPolicies/Billing_Sync_plcy.ecaPlcy",
			zp + "!extlClntAppOauthSecuritySettings/Billing_Sync_oauthSecurity.ecaOauthSecurity",
		}, ","),
		"Portal_Login " + "sfdx/force-app/main/default/connectedApps/Portal_Login.connectedApp-meta.xml",
	}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("apps (-want +got):\n%s", diff)
	}
	if len(p.Problems) != 1 || p.Problems[0].Code != ProblemECADuplicate || p.Problems[0].Pos.File != acmeSrc {
		t.Errorf("problems = %v, want one duplicate for the source Acme_Sync", p.Problems)
	}
	for _, s := range seen {
		if strings.HasSuffix(s, ".cls") || strings.HasSuffix(s, ".json") || strings.HasSuffix(s, "package.xml") {
			t.Errorf("Ignore was asked about %s, which is not app metadata", s)
		}
	}
}

func TestLoadDeterministic(t *testing.T) {
	view := func(p *Project) string {
		var b strings.Builder
		fmt.Fprintf(&b, "%v\n%v\n%v\n", summarizeApps(p), viewLoadProblems(p.Problems), documentPaths(p))
		fmt.Fprintf(&b, "%v\n", projectFieldValues(p))
		return b.String()
	}
	paths := []string{"sfdx", "mdapi", "join"}
	want := view(mustLoad(t, Options{WorkDir: loadTestdata, Paths: paths, Workers: 1}))
	for i := 0; i < 5; i++ {
		if got := view(mustLoad(t, Options{WorkDir: loadTestdata, Paths: paths, Workers: 8})); got != want {
			t.Fatalf("run %d with 8 workers differs from 1 worker:\n%s", i, cmp.Diff(want, got))
		}
	}
}

func TestLoadCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	p, err := Load(ctx, Options{WorkDir: loadTestdata, Paths: sfdxPaths})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Load with a canceled context: err = %v, want context.Canceled", err)
	}
	if p == nil {
		t.Error("Load with a canceled context returned no project")
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		path   string
		typ    Type
		name   string
		format FileKind
		ok     bool
	}{
		{"force-app/main/default/connectedApps/A.connectedApp-meta.xml", TypeConnectedApp, "A", FormatSource, true},
		{"anywhere/B.eca-meta.xml", TypeExternalClientApp, "B", FormatSource, true},
		{`C:\proj\x\Billing_Sync_glbloauth.ecaGlblOauth-meta.xml`, TypeECAGlobalOauth, "Billing_Sync_glbloauth", FormatSource, true},
		{"profiles/Minimum Access - API Only Integrations.profile-meta.xml", TypeProfile, "Minimum Access - API Only Integrations", FormatSource, true},
		{"a.b.permissionset-meta.xml", TypePermissionSet, "a.b", FormatSource, true},
		{"connectedApps/A.connectedApp", TypeConnectedApp, "A", FormatMDAPI, true},
		{"zip!unpackaged/extlClntAppOauthPolicies/P.ecaOauthPlcy", TypeECAOauthPolicies, "P", FormatMDAPI, true},
		{"other/A.connectedApp", TypeUnknown, "", 0, false},         // mdapi files only in their directory
		{"connectedApps/A.connectedapp", TypeUnknown, "", 0, false}, // suffix case matters
		{"classes/A.cls-meta.xml", TypeUnknown, "", 0, false},
		{".connectedApp-meta.xml", TypeUnknown, "", 0, false},
		{"connectedApps/.connectedApp", TypeUnknown, "", 0, false},
		{"package.xml", TypeUnknown, "", 0, false},
	}
	for _, tt := range tests {
		typ, name, format, ok := Classify(tt.path)
		if typ != tt.typ || name != tt.name || format != tt.format || ok != tt.ok {
			t.Errorf("Classify(%q) = %q, %q, %d, %v; want %q, %q, %d, %v", tt.path, typ, name, format, ok, tt.typ, tt.name, tt.format, tt.ok)
		}
	}
}

func TestDisplayPath(t *testing.T) {
	wd := filepath.Join(string(filepath.Separator), "work", "proj")
	tests := []struct{ p, want string }{
		{filepath.Join(wd, "force-app", "a.xml"), "force-app/a.xml"},
		{wd, "."},
		{filepath.Join(string(filepath.Separator), "work", "other", "b.xml"), path.Join("/work", "other", "b.xml")},
	}
	for _, tt := range tests {
		if got := DisplayPath(wd, tt.p); got != tt.want {
			t.Errorf("DisplayPath(%q, %q) = %q, want %q", wd, tt.p, got, tt.want)
		}
	}
}

// TestLoadSkimsLargeProfiles: a profile of real-world size (tens of thousands
// of field permissions) is read for what sfapplint uses — user permissions,
// label, login IP ranges and hours — without building the rest, and still
// checked to be well-formed.
func TestLoadSkimsLargeProfiles(t *testing.T) {
	var b strings.Builder
	b.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Profile xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n")
	b.WriteString("    <!-- sfapplint-disable-next-line baseline/x: inside the skimmed part -->\n")
	for i := range 40000 {
		fmt.Fprintf(&b, "    <fieldPermissions>\n        <editable>false</editable>\n        <field>Account.F%05d__c</field>\n        <readable>true</readable>\n    </fieldPermissions>\n", i)
	}
	b.WriteString("    <loginIpRanges>\n        <endAddress>10.0.0.255</endAddress>\n        <startAddress>10.0.0.0</startAddress>\n    </loginIpRanges>\n")
	b.WriteString("    <userLicense>Salesforce</userLicense>\n")
	b.WriteString("    <userPermissions>\n        <enabled>true</enabled>\n        <name>ApiEnabled</name>\n    </userPermissions>\n</Profile>\n")
	src := b.String()
	if len(src) < 4<<20 {
		t.Fatalf("the profile is only %d bytes", len(src))
	}
	root := t.TempDir()
	writeFile(t, root, "force-app/main/default/profiles/Integration.profile-meta.xml", src)
	lines := strings.Count(src, "\n")

	p := mustLoad(t, Options{WorkDir: root, Paths: []string{"force-app"}})
	if len(p.Problems) != 0 || len(p.Holders) != 1 || len(p.Documents) != 1 {
		t.Fatalf("problems %v, %d holders, %d documents; want none, 1, 1", p.Problems, len(p.Holders), len(p.Documents))
	}
	h := p.Holders[0]
	perm, ok := h.Grants("ApiEnabled")
	if want := (Pos{File: "force-app/main/default/profiles/Integration.profile-meta.xml", Line: lines - 4, Column: 5}); !ok || perm.Pos != want {
		t.Errorf("ApiEnabled granted %v at %v, want true at %v", ok, perm.Pos, want)
	}
	doc := p.Documents[0]
	var names []string
	count := 0
	var walk func(e *Element)
	walk = func(e *Element) {
		count++
		for _, c := range e.Children {
			walk(c)
		}
	}
	walk(doc.Root)
	for _, c := range doc.Root.Children {
		names = append(names, c.Name)
	}
	if diff := cmp.Diff([]string{"loginIpRanges", "userPermissions"}, names); diff != "" {
		t.Errorf("top-level elements built (-want +got):\n%s", diff)
	}
	if count != 7 {
		t.Errorf("%d elements built, want 7", count)
	}
	if len(doc.Comments) != 1 || doc.Comments[0].Next != nil || doc.Comments[0].Pos.Line != 3 {
		t.Errorf("comments %+v: want the one on line 3, with no next element built", doc.Comments)
	}

	// Skimmed parts are still checked: a broken tag deep inside is malformed XML.
	broken := strings.Replace(src, "<field>Account.F20000__c</field>", "<field>Account.F20000__c</feld>", 1)
	writeFile(t, root, "force-app/main/default/profiles/Integration.profile-meta.xml", broken)
	p = mustLoad(t, Options{WorkDir: root, Paths: []string{"force-app"}})
	if len(p.Problems) != 1 || p.Problems[0].Code != ProblemMalformed || p.Problems[0].Pos.Line != 3+5*20000+3 {
		t.Errorf("problems %v: want one malformed-XML problem on line %d", p.Problems, 3+5*20000+3)
	}
}

// TestKeptTopLevelCoversPartialRoots: what the schema checks in a profile or
// permission set (partialRoots) is among what the loader builds, so skimming
// never hides a problem Validate would report.
func TestKeptTopLevelCoversPartialRoots(t *testing.T) {
	for typ, checked := range partialRoots() {
		kept := keptTopLevel(typ)
		for _, name := range checked {
			if !slices.Contains(kept, name) {
				t.Errorf("%s: Validate checks <%s>, which the loader does not build (keptTopLevel)", typ, name)
			}
		}
	}
}
