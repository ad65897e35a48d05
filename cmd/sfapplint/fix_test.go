package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfapplint/sfapplint/metadata/edit"
)

// ---- helpers (prefixed fx: the CLI tests share the package) ----

type fxResult struct {
	code           int
	stdout, stderr string
}

// fxRun runs the CLI in memory in the working directory wd.
func fxRun(t *testing.T, wd string, args ...string) fxResult {
	t.Helper()
	var out, errOut bytes.Buffer
	s := &Streams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut, WorkDir: wd,
		Env: func(string) (string, bool) { return "", false }}
	code := Main(args, s)
	return fxResult{code: code, stdout: out.String(), stderr: errOut.String()}
}

func fxWrite(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// fxSnapshot reads every file below dir, by slash path.
func fxSnapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

type fxFinding struct {
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	App      string `json:"app"`
	File     string `json:"file"`
	Field    string `json:"field"`
}

// fxFindings runs check --format json and returns its findings.
func fxFindings(t *testing.T, wd string, args ...string) []fxFinding {
	t.Helper()
	r := fxRun(t, wd, append([]string{"check", "--format", "json"}, args...)...)
	if r.code != 0 && r.code != 1 {
		t.Fatalf("check %v: exit %d\n%s", args, r.code, r.stderr)
	}
	var rep struct {
		Findings []fxFinding `json:"findings"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("check --format json: %v\n%s", err, r.stdout)
	}
	return rep.Findings
}

func fxRuleIDs(fs []fxFinding, app string) []string {
	set := map[string]bool{}
	for _, f := range fs {
		if f.App == app {
			set[f.Rule] = true
		}
	}
	var out []string
	for r := range set {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}

// ---- a misconfigured project ----

const fxSfdx = `{"packageDirectories": [{"path": "force-app", "default": true}], "sourceApiVersion": "64.0"}
`

// fxBroken is an SFDX project whose apps have things --fix can repair, next to
// things it must leave alone: comments, Prettier-split tags, a suppressed
// finding, an excluded file, an element unknown to the schema.
var fxBroken = map[string]string{
	"sfdx-project.json": fxSfdx,
	".sfapplint.yaml": `packs: [baseline, atera-robin]
params:
  atera-robin.app: Robin_Bridge
ignore:
  - "force-app/main/default/extlClntAppOauthPolicies/**"
`,
	"force-app/main/default/externalClientApps/Robin_Bridge.eca-meta.xml": `<?xml version="1.0" encoding="UTF-8"?>
<ExternalClientApplication xmlns="http://soap.sforce.com/2006/04/metadata">
    <contactEmail>it@northwind.example</contactEmail>
    <!-- Set up from the Atera guide -->
    <distributionState>Packaged</distributionState>
    <isProtected>false</isProtected>
    <label>Robin Bridge</label>
</ExternalClientApplication>
`,
	"force-app/main/default/extlClntAppGlobalOauthSets/Robin_Bridge_glbloauth.ecaGlblOauth-meta.xml": `<?xml version="1.0" encoding="UTF-8" ?>
<ExtlClntAppGlobalOauthSettings
    xmlns="http://soap.sforce.com/2006/04/metadata"
>
    <callbackUrl
    >https://app.atera.com/old/callback</callbackUrl>
    <externalClientApplication
    >Robin_Bridge</externalClientApplication>
    <isCodeCredFlowEnabled>true</isCodeCredFlowEnabled>
    <isCodeCredPostOnly>true</isCodeCredPostOnly>
    <isConsumerSecretOptional>false</isConsumerSecretOptional>
    <isDeviceFlowEnabled>false</isDeviceFlowEnabled>
    <isPkceRequired>true</isPkceRequired>
    <isRefreshTokenRotationEnabled>true</isRefreshTokenRotationEnabled>
    <label>Robin_Bridge_glbloauth</label>
    <shouldRotateConsumerKey>false</shouldRotateConsumerKey>
    <shouldRotateConsumerSecret>false</shouldRotateConsumerSecret>
</ExtlClntAppGlobalOauthSettings>
`,
	"force-app/main/default/extlClntAppOauthSettings/Robin_Bridge_oauth.ecaOauth-meta.xml": `<?xml version="1.0" encoding="UTF-8"?>
<ExtlClntAppOauthSettings xmlns="http://soap.sforce.com/2006/04/metadata">
    <commaSeparatedOauthScopes>Api</commaSeparatedOauthScopes>
    <externalClientApplication>Robin_Bridge</externalClientApplication>
    <isFirstPartyAppEnabled>false</isFirstPartyAppEnabled>
    <label>Robin_Bridge_oauth</label>
</ExtlClntAppOauthSettings>
`,
	// Excluded by the config: no fix may touch (or recreate) it.
	"force-app/main/default/extlClntAppOauthPolicies/Robin_Bridge_oauthPlcy.ecaOauthPlcy-meta.xml": `<?xml version="1.0" encoding="UTF-8"?>
<ExtlClntAppOauthConfigurablePolicies xmlns="http://soap.sforce.com/2006/04/metadata">
    <externalClientApplication>Robin_Bridge</externalClientApplication>
    <ipRelaxationPolicyType>Enforce</ipRelaxationPolicyType>
    <label>Robin_Bridge_oauthPlcy</label>
    <permittedUsersPolicyType>AllSelfAuthorized</permittedUsersPolicyType>
    <refreshTokenPolicyType>Zero</refreshTokenPolicyType>
</ExtlClntAppOauthConfigurablePolicies>
`,
	"force-app/main/default/extlClntAppPolicies/Robin_Bridge_plcy.ecaPlcy-meta.xml": `<?xml version="1.0" encoding="UTF-8"?>
<ExtlClntAppConfigurablePolicies xmlns="http://soap.sforce.com/2006/04/metadata">
    <externalClientApplication>Robin_Bridge</externalClientApplication>
    <isEnabled>true</isEnabled>
    <isOauthPluginEnabled>false</isOauthPluginEnabled>
    <label>Robin_Bridge_plcy</label>
    <startPage>None</startPage>
</ExtlClntAppConfigurablePolicies>
`,
	"force-app/main/default/connectedApps/Legacy_Sync.connectedApp-meta.xml": `<?xml version="1.0" encoding="UTF-8"?>
<ConnectedApp xmlns="http://soap.sforce.com/2006/04/metadata">
	<contactEmail>it@northwind.example</contactEmail>
	<label>Legacy Sync</label>
	<oauthConfig>
		<callbackUrl>https://sync.northwind.example/cb?a=1&amp;b=2</callbackUrl>
		<isAdminApproved>false</isAdminApproved>
		<isConsumerSecretOptional>true</isConsumerSecretOptional>
		<!-- sfapplint-disable-next-line baseline/refresh-token-rotation: the client cannot store rotated tokens -->
		<isRefreshTokenRotationEnabled>false</isRefreshTokenRotationEnabled>
		<scopes>Api</scopes>
		<scopes>Full</scopes>
		<scopes>RefreshToken</scopes>
	</oauthConfig>
	<oauthPolicy>
		<ipRelaxation>ENFORCE</ipRelaxation>
		<refreshTokenPolicy>specific_inactivity:30:DAYS</refreshTokenPolicy>
	</oauthPolicy>
</ConnectedApp>
`,
}

const (
	fxGlobal = "force-app/main/default/extlClntAppGlobalOauthSets/Robin_Bridge_glbloauth.ecaGlblOauth-meta.xml"
	fxPolicy = "force-app/main/default/extlClntAppOauthPolicies/Robin_Bridge_oauthPlcy.ecaOauthPlcy-meta.xml"
	fxLegacy = "force-app/main/default/connectedApps/Legacy_Sync.connectedApp-meta.xml"
	fxHeader = "force-app/main/default/externalClientApps/Robin_Bridge.eca-meta.xml"
	fxOauth  = "force-app/main/default/extlClntAppOauthSettings/Robin_Bridge_oauth.ecaOauth-meta.xml"
	fxPlugin = "force-app/main/default/extlClntAppPolicies/Robin_Bridge_plcy.ecaPlcy-meta.xml"
)

func TestCheckDiffWritesNothing(t *testing.T) {
	dir := t.TempDir()
	fxWrite(t, dir, fxBroken)
	before := fxSnapshot(t, dir)
	r := fxRun(t, dir, "check", "--diff")
	if r.code != ExitFindings {
		t.Fatalf("check --diff: exit %d, want %d (the findings are still there)\nstderr: %s", r.code, ExitFindings, r.stderr)
	}
	for _, want := range []string{
		"--- a/" + fxHeader + "\n+++ b/" + fxHeader + "\n",
		"-    <distributionState>Packaged</distributionState>\n+    <distributionState>Local</distributionState>\n",
		"-    <commaSeparatedOauthScopes>Api</commaSeparatedOauthScopes>\n+    <commaSeparatedOauthScopes>Api, RefreshToken</commaSeparatedOauthScopes>\n",
		"-\t\t<scopes>Full</scopes>\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("diff lacks %q\nstdout:\n%s", want, r.stdout)
		}
	}
	if !strings.Contains(r.stderr, "would fix") {
		t.Errorf("stderr lacks the summary: %s", r.stderr)
	}
	if diff := cmp.Diff(before, fxSnapshot(t, dir)); diff != "" {
		t.Errorf("check --diff wrote files (-before +after):\n%s", diff)
	}

	// The diff is exactly what the first round of --fix writes.
	fixed := t.TempDir()
	fxWrite(t, fixed, fxBroken)
	var buf strings.Builder
	fxRun(t, fixed, "check", "--fix")
	after := fxSnapshot(t, fixed)
	var names []string
	for name := range after {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if before[name] != after[name] {
			buf.WriteString(edit.UnifiedDiff("a/"+name, "b/"+name, []byte(before[name]), []byte(after[name]), 3))
		}
	}
	// (The fixture needs one round of fixes; --fix would also apply the fixes
	// of findings its first round raises, which --diff cannot show.)
	if diff := cmp.Diff(buf.String(), r.stdout); diff != "" {
		t.Errorf("check --diff differs from what --fix wrote (-fix +diff):\n%s", diff)
	}
}

func TestCheckFixThenNothingLeftToFix(t *testing.T) {
	dir := t.TempDir()
	fxWrite(t, dir, fxBroken)
	before := fxSnapshot(t, dir)
	beforeFindings := fxFindings(t, dir)

	r := fxRun(t, dir, "check", "--fix")
	if !strings.Contains(r.stderr, "sfapplint: fixed ") || strings.Contains(r.stderr, "fixed 0 findings") {
		t.Fatalf("check --fix fixed nothing: exit %d\nstderr: %s", r.code, r.stderr)
	}
	first := fxSnapshot(t, dir)

	// Only the broken elements changed; the rest is byte for byte the same.
	want := map[string]string{}
	for k, v := range before {
		want[k] = v
	}
	want[fxHeader] = strings.Replace(before[fxHeader], "<distributionState>Packaged<", "<distributionState>Local<", 1)
	want[fxOauth] = strings.Replace(before[fxOauth], ">Api</commaSeparatedOauthScopes>", ">Api, RefreshToken</commaSeparatedOauthScopes>", 1)
	want[fxPlugin] = strings.Replace(before[fxPlugin], "<isOauthPluginEnabled>false<", "<isOauthPluginEnabled>true<", 1)
	want[fxGlobal] = strings.NewReplacer(
		">https://app.atera.com/old/callback</callbackUrl>", ">https://app.atera.com/old/callback\nhttps://app.atera.com/proxy/integrationssalesforce/management/callback</callbackUrl>",
		"<isDeviceFlowEnabled>false<", "<isDeviceFlowEnabled>true<",
	).Replace(before[fxGlobal])
	want[fxLegacy] = strings.NewReplacer(
		"\t\t<isConsumerSecretOptional>true</isConsumerSecretOptional>\n", "\t\t<isConsumerSecretOptional>true</isConsumerSecretOptional>\n\t\t<isPkceRequired>true</isPkceRequired>\n",
		"\t\t<scopes>Full</scopes>\n", "",
	).Replace(before[fxLegacy])
	if diff := cmp.Diff(want, first); diff != "" {
		t.Errorf("files after --fix (-want +got):\n%s", diff)
	}

	// The suppressed and the excluded findings are still reported; the fixed ones are gone.
	after := fxFindings(t, dir)
	for _, rule := range []string{"atera-robin/distribution-local", "atera-robin/scope-refresh-token", "atera-robin/device-flow", "atera-robin/callback-url", "baseline/full-scope", "baseline/secret-optional-without-pkce", "baseline/oauth-plugin-off"} {
		if !fxHas(beforeFindings, rule) {
			t.Errorf("fixture does not trigger %s before the fix", rule)
		}
		if fxHas(after, rule) {
			t.Errorf("%s is still reported after --fix", rule)
		}
	}

	// A second --fix changes nothing.
	r2 := fxRun(t, dir, "check", "--fix")
	if !strings.Contains(r2.stderr, "fixed 0 findings in 0 files") {
		t.Errorf("second --fix: %s", r2.stderr)
	}
	if diff := cmp.Diff(first, fxSnapshot(t, dir)); diff != "" {
		t.Errorf("second --fix changed files (-first +second):\n%s", diff)
	}
}

func fxHas(fs []fxFinding, rule string) bool {
	for _, f := range fs {
		if f.Rule == rule {
			return true
		}
	}
	return false
}

// TestCheckFixCascade: enabling a flow raises a finding another fix resolves;
// --fix applies both in one run, so a second run has nothing left to do.
func TestCheckFixCascade(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{}
	for k, v := range fxBroken {
		files[k] = v
	}
	files[fxGlobal] = strings.NewReplacer(
		"<isCodeCredFlowEnabled>true<", "<isCodeCredFlowEnabled>false<",
		"<isCodeCredPostOnly>true<", "<isCodeCredPostOnly>false<").Replace(fxBroken[fxGlobal])
	fxWrite(t, dir, files)
	fxRun(t, dir, "check", "--fix")
	got := fxSnapshot(t, dir)[fxGlobal]
	for _, want := range []string{"<isCodeCredFlowEnabled>true<", "<isCodeCredPostOnly>true<"} {
		if !strings.Contains(got, want) {
			t.Errorf("after --fix the global settings lack %s:\n%s", want, got)
		}
	}
	first := fxSnapshot(t, dir)
	r := fxRun(t, dir, "check", "--fix")
	if !strings.Contains(r.stderr, "fixed 0 findings in 0 files") {
		t.Errorf("second --fix: %s", r.stderr)
	}
	if diff := cmp.Diff(first, fxSnapshot(t, dir)); diff != "" {
		t.Errorf("second --fix changed files:\n%s", diff)
	}
}

// TestCheckFixFailedWrite makes the rename over a file fail: the command
// fails and every file keeps its bytes.
func TestCheckFixFailedWrite(t *testing.T) {
	dir := t.TempDir()
	fxWrite(t, dir, fxBroken)
	before := fxSnapshot(t, dir)
	var out, errOut bytes.Buffer
	s := &Streams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut, WorkDir: dir,
		Env:   func(string) (string, bool) { return "", false },
		Files: edit.Writer{Rename: func(_, _ string) error { return errors.New("simulated: no space left on device") }}}
	r := fxResult{code: Main([]string{"check", "--fix"}, s), stdout: out.String(), stderr: errOut.String()}
	if r.code == 0 || !strings.Contains(r.stderr, "simulated: no space left on device") {
		t.Fatalf("check --fix with a failing write: exit %d\nstderr: %s", r.code, r.stderr)
	}
	if diff := cmp.Diff(before, fxSnapshot(t, dir)); diff != "" {
		t.Errorf("a failed write changed files or left temporary files (-before +after):\n%s", diff)
	}
}

// TestCheckFixNeverTouchesExcluded: when the file a fix needs is excluded by
// the config, the fix is not applied: the file is neither overwritten nor
// recreated.
func TestCheckFixNeverTouchesExcluded(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{}
	for k, v := range fxBroken {
		files[k] = v
	}
	files[".sfapplint.yaml"] += "  - \"**/extlClntAppGlobalOauthSets/**\"\n"
	fxWrite(t, dir, files)
	before := fxSnapshot(t, dir)
	r := fxRun(t, dir, "check", "--fix")
	if !strings.Contains(r.stderr, "not writing "+fxGlobal+": the config's ignore list excludes it") {
		t.Errorf("stderr does not say the excluded file is left alone:\n%s", r.stderr)
	}
	after := fxSnapshot(t, dir)
	for _, f := range []string{fxGlobal, fxPolicy} {
		if after[f] != before[f] {
			t.Errorf("--fix changed the excluded file %s", f)
		}
	}
	if after[fxHeader] == before[fxHeader] {
		t.Errorf("--fix did not fix the files that are not excluded")
	}
}
