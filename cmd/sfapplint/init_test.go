package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfapplint/sfapplint/rules"
)

// vendorPacks are the built-in packs other than the baseline.
func vendorPacks(t *testing.T) []*rules.Pack {
	t.Helper()
	cat, err := rules.LoadBuiltinCatalog()
	if err != nil {
		t.Fatal(err)
	}
	var out []*rules.Pack
	for _, p := range cat.Packs() {
		if p.ID != "baseline" {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		t.Fatal("no vendor packs are built in")
	}
	return out
}

// contradicted returns the baseline rules a pack knowingly contradicts.
func contradicted(p *rules.Pack) map[string]bool {
	out := map[string]bool{}
	for _, c := range p.Contradicts {
		out[c.Rule] = true
	}
	return out
}

// TestInitEveryVendorPack writes an app for every vendor pack, of both kinds,
// and checks it with the pack and with the baseline alone: no errors; for an
// External Client App no warnings from the pack, and from the baseline only
// those the pack knowingly contradicts.
func TestInitEveryVendorPack(t *testing.T) {
	for _, p := range vendorPacks(t) {
		for _, typ := range []string{"eca", "connectedapp"} {
			t.Run(p.ID+"/"+typ, func(t *testing.T) {
				wd := t.TempDir()
				fxWrite(t, wd, map[string]string{"sfdx-project.json": fxSfdx})
				if err := os.MkdirAll(filepath.Join(wd, "force-app"), 0o755); err != nil {
					t.Fatal(err)
				}
				name := "Vendor_App"
				r := fxRun(t, wd, "init", "--pack", p.ID, "--name", name, "--type", typ, "--contact-email", "owner@northwind.example")
				if r.code != 0 {
					t.Fatalf("init: exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
				}
				for _, want := range []string{"force-app/main/default/", "Still to do by hand:", "consumer key and consumer secret", "API Enabled"} {
					if !strings.Contains(r.stdout, want) {
						t.Errorf("init output lacks %q:\n%s", want, r.stdout)
					}
				}
				if strings.Contains(r.stdout, placeholderEmail) {
					t.Errorf("init asks to replace the contact e-mail although --contact-email was given")
				}
				for _, m := range p.Manual {
					if !strings.Contains(r.stdout, p.ID+"/"+m.ID) {
						t.Errorf("the to-do list lacks the manual check %s/%s", p.ID, m.ID)
					}
				}

				withPack := fxFindings(t, wd, "--no-config", "--pack", p.ID)
				for _, f := range withPack {
					switch {
					case f.Severity == "error":
						t.Errorf("check --pack %s reports an error: %+v", p.ID, f)
					case f.Severity == "warning" && typ == "eca":
						t.Errorf("check --pack %s reports a warning: %+v", p.ID, f)
					}
				}
				allowed := contradicted(p)
				for _, f := range fxFindings(t, wd, "--no-config") {
					switch {
					case f.Severity == "error":
						t.Errorf("the baseline reports an error: %+v", f)
					case f.Severity == "warning" && !allowed[f.Rule]:
						t.Errorf("the baseline reports a warning %s, which %s does not contradict: %+v", f.Rule, p.ID, f)
					}
				}
			})
		}
	}
}

func TestInitRefusesToOverwrite(t *testing.T) {
	wd := t.TempDir()
	dir := filepath.Join(wd, "out")
	r := fxRun(t, wd, "init", "--pack", "natero", "--name", "Natero_Sync", "--dir", "out")
	if r.code != 0 {
		t.Fatalf("init: exit %d\n%s", r.code, r.stderr)
	}
	header := filepath.Join(dir, "externalClientApps", "Natero_Sync.eca-meta.xml")
	if err := os.WriteFile(header, []byte("<!-- edited by hand -->\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := fxSnapshot(t, dir)
	r = fxRun(t, wd, "init", "--pack", "natero", "--name", "Natero_Sync", "--dir", "out")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "--force") {
		t.Errorf("init over existing files: exit %d, stderr %q; want exit 2 naming --force", r.code, r.stderr)
	}
	if diff := cmp.Diff(before, fxSnapshot(t, dir)); diff != "" {
		t.Errorf("init changed existing files without --force:\n%s", diff)
	}
	r = fxRun(t, wd, "init", "--pack", "natero", "--name", "Natero_Sync", "--dir", "out", "--force")
	if r.code != 0 {
		t.Fatalf("init --force: exit %d\n%s", r.code, r.stderr)
	}
	data, _ := os.ReadFile(header)
	if !strings.Contains(string(data), "<ExternalClientApplication") {
		t.Errorf("init --force did not rewrite the header:\n%s", data)
	}
}

func TestInitUsage(t *testing.T) {
	wd := t.TempDir()
	for _, args := range [][]string{
		{"init", "--name", "X"},
		{"init", "--pack", "natero", "--name", "bad name"},
		{"init", "--pack", "natero", "--name", "Trailing_"},
		{"init", "--pack", "natero", "--name", "X", "--type", "saml"},
		{"init", "--pack", "no-such-pack", "--name", "X"},
	} {
		if r := fxRun(t, wd, args...); r.code != ExitUsage {
			t.Errorf("%v: exit %d, want %d\n%s", args, r.code, ExitUsage, r.stderr)
		}
	}
	entries, _ := os.ReadDir(wd)
	if len(entries) != 0 {
		t.Errorf("a failed init wrote files: %v", entries)
	}
}

// TestInitCallbackFromPack: the callback URL comes from the pack's fix, with
// the pack's parameters; the placeholder is not left behind.
func TestInitCallbackFromPack(t *testing.T) {
	wd := t.TempDir()
	r := fxRun(t, wd, "init", "--pack", "autokitteh", "--name", "AK", "--type", "connectedapp", "--dir", ".",
		"--param", "deployment=dedicated", "--param", "autokitteh.name=acme")
	if r.code != 0 {
		t.Fatalf("init: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	data, err := os.ReadFile(filepath.Join(wd, "connectedApps", "AK.connectedApp-meta.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "<callbackUrl>https://acme-api.autokitteh.cloud/oauth/redirect/salesforce</callbackUrl>") {
		t.Errorf("the app does not have the pack's callback URL alone:\n%s", data)
	}
}
