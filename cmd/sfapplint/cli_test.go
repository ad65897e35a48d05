package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The CLI tests run Main in memory and compare stdout, stderr and the exit
// code with the golden files under testdata/cli/<case>/. The goldens make every
// change to the CLI's output visible in review. Refresh them with:
//
//	go test ./cmd/sfapplint -run TestCLI -update
var update = flag.Bool("update", false, "rewrite the golden files under testdata/cli")

// exampleDir is the repository's bundled example project.
const exampleDir = "../../testdata/example"

// ---- input projects, written to a temporary directory by the tests ----

const sfdxProject = `{
    "packageDirectories": [
        {
            "path": "force-app",
            "default": true
        }
    ],
    "name": "northwind-integrations",
    "namespace": "",
    "sfdcLoginUrl": "https://login.salesforce.com",
    "sourceApiVersion": "64.0"
}
`

const reportMailerPath = "force-app/main/default/connectedApps/Report_Mailer.connectedApp-meta.xml"

// compliantCA is a Connected App on which the baseline reports nothing.
const compliantCA = `<?xml version="1.0" encoding="UTF-8"?>
<ConnectedApp xmlns="http://soap.sforce.com/2006/04/metadata">
    <contactEmail>bi-team@northwind.example</contactEmail>
    <description>Mails scheduled dashboards to executives</description>
    <label>Report Mailer</label>
    <oauthConfig>
        <callbackUrl>https://mailer.northwind.example/oauth/salesforce/callback</callbackUrl>
        <consumerKey>3MVG9ReportMailerExampleConsumerKey.NotReal_0000000000000000000</consumerKey>
        <isAdminApproved>true</isAdminApproved>
        <isClientCredentialEnabled>false</isClientCredentialEnabled>
        <isCodeCredentialEnabled>false</isCodeCredentialEnabled>
        <isConsumerSecretOptional>false</isConsumerSecretOptional>
        <isIntrospectAllTokens>false</isIntrospectAllTokens>
        <isPkceRequired>true</isPkceRequired>
        <isRefreshTokenRotationEnabled>true</isRefreshTokenRotationEnabled>
        <isSecretRequiredForRefreshToken>true</isSecretRequiredForRefreshToken>
        <scopes>Api</scopes>
        <scopes>RefreshToken</scopes>
    </oauthConfig>
    <oauthPolicy>
        <ipRelaxation>ENFORCE</ipRelaxation>
        <refreshTokenPolicy>specific_inactivity:30:DAYS</refreshTokenPolicy>
    </oauthPolicy>
    <permissionSetName>Report Mailer Integration</permissionSetName>
</ConnectedApp>
`

// withEdits returns s with old replaced by new, and panics when s has no old: a
// fixture that silently stays unchanged would make a test meaningless.
func withEdits(s string, pairs ...string) string {
	for i := 0; i+1 < len(pairs); i += 2 {
		if !strings.Contains(s, pairs[i]) {
			panic("fixture edit: no " + strconv.Quote(pairs[i]))
		}
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	return s
}

const (
	httpsCallback = "<callbackUrl>https://mailer.northwind.example/"
	httpCallback  = "<callbackUrl>http://mailer.northwind.example/"
	apiScope      = "<scopes>Api</scopes>\n"
	fullScope     = "<scopes>Api</scopes>\n        <scopes>Full</scopes>\n"
	rotationOn    = "<isRefreshTokenRotationEnabled>true<"
	rotationOff   = "<isRefreshTokenRotationEnabled>false<"
	consumerKey   = "</consumerKey>\n"
)

// secretValue is a consumer secret that must never be printed.
const secretValue = "S3cr3tValue-DoNotPrint"

var (
	// tinyCA has one error (http callback), one warning (full scope) and one
	// note (no refresh token rotation).
	tinyCA = withEdits(compliantCA, httpsCallback, httpCallback, apiScope, fullScope, rotationOn, rotationOff)
	// warningCA has one warning and nothing else.
	warningCA = withEdits(compliantCA, apiScope, fullScope)
	// noteCA has one note and nothing else.
	noteCA = withEdits(compliantCA, rotationOn, rotationOff)
	// suppressedCA suppresses its full-scope finding with a reason.
	suppressedCA = withEdits(compliantCA, apiScope, "<scopes>Api</scopes>\n"+
		"        <!-- sfapplint-disable-next-line baseline/full-scope: the dashboard exporter reads every object -->\n"+
		"        <scopes>Full</scopes>\n")
	// unreasonedCA tries to suppress its full-scope finding without a reason.
	unreasonedCA = withEdits(compliantCA, apiScope, "<scopes>Api</scopes>\n"+
		"        <!-- sfapplint-disable-next-line baseline/full-scope -->\n"+
		"        <scopes>Full</scopes>\n")
	// secretCA commits a consumer secret.
	secretCA = withEdits(compliantCA, consumerKey, consumerKey+"        <consumerSecret>"+secretValue+"</consumerSecret>\n")
)

// secretECAGlobal is an External Client App global OAuth settings file with a
// committed consumer secret.
const secretECAGlobal = `<?xml version="1.0" encoding="UTF-8"?>
<ExtlClntAppGlobalOauthSettings xmlns="http://soap.sforce.com/2006/04/metadata">
    <callbackUrl>https://vault.northwind.example/oauth/callback</callbackUrl>
    <consumerKey>3MVG9VaultSyncExampleConsumerKey.NotReal_0000000000000000000</consumerKey>
    <consumerSecret>` + secretValue + `</consumerSecret>
    <externalClientApplication>Vault_Sync</externalClientApplication>
    <isConsumerSecretOptional>false</isConsumerSecretOptional>
    <isPkceRequired>true</isPkceRequired>
    <label>Vault_Sync_glbloauth</label>
</ExtlClntAppGlobalOauthSettings>
`

const secretECAHeader = `<?xml version="1.0" encoding="UTF-8"?>
<ExternalClientApplication xmlns="http://soap.sforce.com/2006/04/metadata">
    <contactEmail>security@northwind.example</contactEmail>
    <description>Rotates service credentials in the vault</description>
    <distributionState>Local</distributionState>
    <isProtected>false</isProtected>
    <label>Vault Sync</label>
</ExternalClientApplication>
`

// project returns an SFDX project with one Connected App, Report_Mailer.
func project(ca string) map[string]string {
	return map[string]string{"sfdx-project.json": sfdxProject, reportMailerPath: ca}
}

// writeFiles writes files (slash-separated paths relative to dir) into dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
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

// ---- running Main ----

type cliResult struct {
	stdout, stderr string
	code           int
}

type runOptions struct {
	env map[string]string
	tty bool
}

// runMain runs Main in wd and returns its output with wd replaced by $WORK.
func runMain(t *testing.T, wd string, args []string, o runOptions) cliResult {
	t.Helper()
	var out, errOut bytes.Buffer
	s := &Streams{
		In:     strings.NewReader(""),
		Out:    &out,
		ErrOut: &errOut,
		OutTTY: o.tty,
		Env: func(k string) (string, bool) {
			v, ok := o.env[k]
			return v, ok
		},
		WorkDir: wd,
	}
	code := Main(args, s)
	return cliResult{stdout: normalize(out.String(), wd), stderr: normalize(errOut.String(), wd), code: code}
}

// normalize replaces the working directory, which differs between runs, with $WORK.
func normalize(s, wd string) string {
	if wd == "" {
		return s
	}
	s = strings.ReplaceAll(s, wd, "$WORK")
	return strings.ReplaceAll(s, filepath.ToSlash(wd), "$WORK")
}

func absDir(t *testing.T, dir string) string {
	t.Helper()
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// ---- goldens ----

// checkGolden compares r with testdata/cli/<name>/{stdout,stderr,exitcode}, or
// rewrites them with -update. JSON stdout is compared decoded.
func checkGolden(t *testing.T, name string, r cliResult, jsonOut bool) {
	t.Helper()
	dir := filepath.Join("testdata", "cli", name)
	files := map[string]string{"stdout": r.stdout, "stderr": r.stderr, "exitcode": strconv.Itoa(r.code) + "\n"}
	if *update {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for f, content := range files {
			if err := os.WriteFile(filepath.Join(dir, f), []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	for _, f := range []string{"exitcode", "stderr", "stdout"} {
		path := filepath.Join(dir, f)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("reading golden: %v (create it with go test -run TestCLI -update)", err)
			continue
		}
		want, got := string(data), files[f]
		if f == "stdout" && jsonOut {
			var w, g any
			if err := json.Unmarshal(data, &w); err != nil {
				t.Errorf("%s: not JSON: %v", path, err)
				continue
			}
			if err := json.Unmarshal([]byte(got), &g); err != nil {
				t.Errorf("%s: output is not JSON: %v\n%s", name, err, got)
				continue
			}
			if diff := cmp.Diff(w, g); diff != "" {
				t.Errorf("%s mismatch (-want +got); if the change is intended run go test -run TestCLI -update:\n%s", path, diff)
			}
			continue
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s mismatch (-want +got); if the change is intended run go test -run TestCLI -update:\n%s", path, diff)
		}
	}
}

// ---- the table ----

// The bad pack has an unknown key, a bad regexp and an unknown field path.
const badPack = `id: acme-custom
title: Acme custom checks
description: Rules Acme's security team added on top of the baseline
colour: blue
rules:
  - id: callback-host
    title: Callback on the Acme domain
    description: Callbacks must point at Acme's own domain
    severity: error
    check: {field: oauth.callbackUrls, matches: "https://(acme\\.example/"}
    message: '${app} has a callback outside acme.example'
    remediation: Setup > App Manager > ${app} > Edit > Callback URL
    docs: https://acme.example/salesforce/callbacks
  - id: api-scope
    title: API scope requested
    description: The integration needs the api scope
    severity: error
    check: {field: oauth.scopez, contains: Api}
    message: '${app} does not request the api scope'
    remediation: Setup > App Manager > ${app} > Edit > Selected OAuth Scopes
    docs: https://acme.example/salesforce/scopes
`

const goodConfig = `# Northwind's sfapplint settings
packs: [baseline]
params:
  baseline.app: "Report_*"
severity:
  baseline/refresh-token-rotation: "off"
  baseline/full-scope: error
ignore:
  - "force-app/**/legacy/**"
fail-on: warning
`

const badConfig = `packs: [baseline]
fail-on: sometimes
severity:
  baseline/full-scope: critical
colour: blue
`

type cliCase struct {
	name string // the golden directory testdata/cli/<name>
	args []string
	// dir is the working directory: exampleDir, or "" for a temporary
	// directory holding files.
	dir   string
	files map[string]string
	opts  runOptions
	want  int  // exit code
	json  bool // stdout is JSON
	check func(t *testing.T, r cliResult)
}

func cliCases() []cliCase {
	withConfig := func(cfg string) map[string]string {
		files := project(tinyCA)
		files[".sfapplint.yaml"] = cfg
		return files
	}
	badPackFiles := project(tinyCA)
	badPackFiles["acme.yaml"] = badPack
	return []cliCase{
		{name: "inspect-example-text", args: []string{"inspect"}, dir: exampleDir},
		{name: "inspect-example-json", args: []string{"inspect", "--format", "json"}, dir: exampleDir, json: true},
		{name: "inspect-tiny-text", args: []string{"inspect"}, files: project(tinyCA)},
		{name: "inspect-tiny-json", args: []string{"inspect", "--format", "json"}, files: project(tinyCA), json: true},
		{name: "inspect-bad-format", args: []string{"inspect", "--format", "yaml"}, files: project(tinyCA), want: 2},

		{name: "check-example-text", args: []string{"check"}, dir: exampleDir, want: 1},
		{name: "check-example-json", args: []string{"check", "--format", "json"}, dir: exampleDir, want: 1, json: true,
			check: checkJSONContract},
		{name: "check-tiny-text", args: []string{"check"}, files: project(tinyCA), want: 1},
		{name: "check-compliant", args: []string{"check"}, files: project(compliantCA), want: 0},

		{name: "fail-on-default-warning-only", args: []string{"check"}, files: project(warningCA), want: 0},
		{name: "fail-on-warning", args: []string{"check", "--fail-on", "warning"}, files: project(warningCA), want: 1},
		{name: "fail-on-warning-note-only", args: []string{"check", "--fail-on", "warning"}, files: project(noteCA), want: 0},
		{name: "fail-on-note", args: []string{"check", "--fail-on", "note"}, files: project(noteCA), want: 1},
		{name: "fail-on-never", args: []string{"check", "--fail-on", "never"}, files: project(tinyCA), want: 0},
		{name: "fail-on-bad", args: []string{"check", "--fail-on", "critical"}, files: project(tinyCA), want: 2},

		{name: "check-missing-path", args: []string{"check", "force-app/main/missing"}, files: project(tinyCA), want: 2,
			check: stderrContains("force-app/main/missing")},
		{name: "check-no-project", args: []string{"check"}, files: map[string]string{"README.md": "empty\n"}, want: 2},
		{name: "check-bad-flag", args: []string{"check", "--colour"}, files: project(tinyCA), want: 2,
			check: stderrContains("--colour")},
		{name: "check-bad-format", args: []string{"check", "--format", "nope"}, files: project(tinyCA), want: 2,
			check: stderrContains(`"nope"`, "text, json, sarif, junit, github, checkstyle")},
		{name: "check-bad-output", args: []string{"check", "--output", "pdf=report.pdf"}, files: project(tinyCA), want: 2},
		{name: "param-malformed", args: []string{"check", "--param", "deployment"}, files: project(tinyCA), want: 2,
			check: stderrContains("PACK.NAME=VALUE")},
		{name: "param-unknown", args: []string{"check", "--param", "baseline.region=eu"}, files: project(tinyCA), want: 2,
			check: stderrContains(`"region"`)},
		{name: "param-not-allowed", args: []string{"check", "--pack", "autokitteh", "--param", "autokitteh.deployment=on-prem"},
			files: project(tinyCA), want: 2, check: stderrContains(`"on-prem"`, "cloud, dedicated, self-hosted")},
		{name: "param-pack-not-selected", args: []string{"check", "--param", "autokitteh.deployment=cloud"}, files: project(tinyCA), want: 2},
		{name: "bad-pack-file", args: []string{"check", "--pack", "acme.yaml"}, files: badPackFiles, want: 2,
			check: stderrContains(
				"$WORK/acme.yaml:4:1: unknown key \"colour\"",
				"$WORK/acme.yaml:10:",
				"bad regular expression",
				"$WORK/acme.yaml:18:20: unknown field path \"oauth.scopez\"",
			)},
		{name: "unknown-pack", args: []string{"check", "--pack", "acme"}, files: project(tinyCA), want: 2},

		{name: "config-bad", args: []string{"check"}, files: withConfig(badConfig), want: 2,
			check: stderrContains(
				".sfapplint.yaml:2:10: fail-on \"sometimes\"",
				".sfapplint.yaml:4:24: severity of baseline/full-scope: \"critical\"",
				".sfapplint.yaml:5:1: unknown key \"colour\"",
			)},
		{name: "config-validate-bad", args: []string{"config", "validate"}, files: withConfig(badConfig), want: 2},
		{name: "config-unknown-rule", args: []string{"config", "validate"},
			files: withConfig("severity:\n  baseline/full-scopes: note\n"), want: 2,
			check: stderrContains(`unknown rule "baseline/full-scopes"`)},
		{name: "config-validate", args: []string{"config", "validate"}, files: withConfig(goodConfig)},
		{name: "config-validate-none", args: []string{"config", "validate"}, files: project(tinyCA)},
		{name: "config-print", args: []string{"config", "print"}, files: withConfig(goodConfig)},
		{name: "config-print-json", args: []string{"config", "print", "--format", "json"}, files: withConfig(goodConfig), json: true},
		{name: "check-with-config", args: []string{"check"}, files: withConfig(goodConfig), want: 1},

		{name: "suppressed-with-reason", args: []string{"check", "--fail-on", "note"}, files: project(suppressedCA), want: 0},
		{name: "suppressed-without-reason", args: []string{"check"}, files: project(unreasonedCA), want: 0,
			check: stdoutContains("[baseline/full-scope]", "[baseline/suppression-without-reason]")},

		{name: "packs", args: []string{"packs"}},
		{name: "rules", args: []string{"rules"}},
		{name: "rules-baseline", args: []string{"rules", "--pack", "baseline"}},
		{name: "explain-full-scope", args: []string{"explain", "baseline/full-scope"}},
		{name: "explain-unknown-pack", args: []string{"explain", "nope/x"}, want: 2},
		{name: "explain-unknown-rule", args: []string{"explain", "baseline/nope"}, want: 2},
		{name: "explain-no-args", args: []string{"explain"}, want: 2},
		{name: "fields", args: []string{"fields"}},
		{name: "schema-pack", args: []string{"schema", "pack"}, json: true, check: validSchema},
		{name: "schema-config", args: []string{"schema", "config"}, json: true, check: validSchema},
		{name: "help", args: []string{"--help"}},
		{name: "check-help", args: []string{"check", "--help"}},
		{name: "unknown-command", args: []string{"lint"}, want: 2},

		{name: "color-tty", args: []string{"check"}, files: project(tinyCA), opts: runOptions{tty: true}, want: 1,
			check: func(t *testing.T, r cliResult) {
				for _, esc := range []string{"\x1b[1;31merror\x1b[0m", "\x1b[1;33mwarning\x1b[0m", "\x1b[1;36mnote\x1b[0m"} {
					if !strings.Contains(r.stdout, esc) {
						t.Errorf("stdout on a terminal lacks %q:\n%s", esc, r.stdout)
					}
				}
			}},
		{name: "color-no-color", args: []string{"check"}, files: project(tinyCA),
			opts: runOptions{tty: true, env: map[string]string{"NO_COLOR": "1"}}, want: 1, check: noEscapes},
		{name: "color-not-tty", args: []string{"check"}, files: project(tinyCA), want: 1, check: noEscapes},
	}
}

func TestCLI(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range cliCases() {
		if seen[c.name] {
			t.Fatalf("duplicate case %s", c.name)
		}
		seen[c.name] = true
		t.Run(c.name, func(t *testing.T) {
			wd := t.TempDir()
			if c.dir != "" {
				wd = absDir(t, c.dir)
			}
			writeFiles(t, wd, c.files)
			r := runMain(t, wd, c.args, c.opts)
			if r.code != c.want {
				t.Errorf("sfapplint %s: exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(c.args, " "), r.code, c.want, r.stdout, r.stderr)
			}
			checkGolden(t, c.name, r, c.json)
			if c.check != nil {
				c.check(t, r)
			}
		})
	}
	if *update {
		return
	}
	// Every golden directory belongs to a case.
	entries, err := os.ReadDir(filepath.Join("testdata", "cli"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !seen[e.Name()] {
			t.Errorf("testdata/cli/%s belongs to no case; remove it", e.Name())
		}
	}
}

func stderrContains(subs ...string) func(*testing.T, cliResult) {
	return func(t *testing.T, r cliResult) {
		t.Helper()
		for _, s := range subs {
			if !strings.Contains(r.stderr, s) {
				t.Errorf("stderr lacks %q:\n%s", s, r.stderr)
			}
		}
	}
}

func stdoutContains(subs ...string) func(*testing.T, cliResult) {
	return func(t *testing.T, r cliResult) {
		t.Helper()
		for _, s := range subs {
			if !strings.Contains(r.stdout, s) {
				t.Errorf("stdout lacks %q:\n%s", s, r.stdout)
			}
		}
	}
}

func noEscapes(t *testing.T, r cliResult) {
	t.Helper()
	if strings.Contains(r.stdout+r.stderr, "\x1b") {
		t.Errorf("output has ANSI escapes:\n%q", r.stdout)
	}
}

func validSchema(t *testing.T, r cliResult) {
	t.Helper()
	var schema map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &schema); err != nil {
		t.Fatalf("schema is not JSON: %v", err)
	}
	for _, k := range []string{"$schema", "type"} {
		if _, ok := schema[k]; !ok {
			t.Errorf("schema has no %q key", k)
		}
	}
}

// contractKeys are the keys every finding of `check --format json` has (DESIGN.md).
var contractKeys = []string{"rule", "severity", "app", "file", "line", "column", "field", "message", "remediation", "docs", "fingerprint"}

func checkJSONContract(t *testing.T, r cliResult) {
	t.Helper()
	var rep struct {
		Version  int              `json:"version"`
		Tool     map[string]any   `json:"tool"`
		Packs    []map[string]any `json:"packs"`
		Findings []map[string]any `json:"findings"`
		Summary  map[string]int   `json:"summary"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("check --format json: %v", err)
	}
	if rep.Version != 1 {
		t.Errorf("version = %d, want 1", rep.Version)
	}
	if rep.Tool["name"] != "sfapplint" {
		t.Errorf("tool = %v, want name sfapplint", rep.Tool)
	}
	if len(rep.Packs) != 1 || rep.Packs[0]["id"] != "baseline" {
		t.Errorf("packs = %v, want baseline only", rep.Packs)
	}
	if len(rep.Findings) == 0 {
		t.Fatal("no findings on the example project")
	}
	counts := map[string]int{"error": 0, "warning": 0, "note": 0}
	for i, f := range rep.Findings {
		var missing []string
		for _, k := range contractKeys {
			if _, ok := f[k]; !ok {
				missing = append(missing, k)
			}
		}
		if len(missing) > 0 {
			t.Errorf("finding %d (%v) lacks %s", i, f["rule"], strings.Join(missing, ", "))
		}
		sev, _ := f["severity"].(string)
		if _, ok := counts[sev]; !ok {
			t.Errorf("finding %d: severity %q", i, sev)
		}
		counts[sev]++
		for _, k := range []string{"line", "column"} {
			if n, _ := f[k].(float64); n < 1 {
				t.Errorf("finding %d: %s = %v, want >= 1", i, k, f[k])
			}
		}
		if file, _ := f["file"].(string); filepath.IsAbs(file) || strings.Contains(file, `\`) {
			t.Errorf("finding %d: file %q is not relative with forward slashes", i, file)
		}
		if fp, _ := f["fingerprint"].(string); fp == "" {
			t.Errorf("finding %d: empty fingerprint", i)
		}
	}
	if diff := cmp.Diff(counts, rep.Summary); diff != "" {
		t.Errorf("summary does not count the findings (-want +got):\n%s", diff)
	}
}

// ---- behaviours that take several runs ----

// findings decodes `check --format json` output into rule ids with their app
// and file, sorted.
func findings(t *testing.T, r cliResult) []string {
	t.Helper()
	var rep struct {
		Findings []struct {
			Rule string `json:"rule"`
			App  string `json:"app"`
			File string `json:"file"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("check --format json: %v\nstdout:\n%s\nstderr:\n%s", err, r.stdout, r.stderr)
	}
	out := []string{}
	for _, f := range rep.Findings {
		out = append(out, f.App+" "+f.Rule+" "+f.File)
	}
	sort.Strings(out)
	return out
}

// TestSecretsNeverPrinted checks that a committed consumer secret is reported
// but its value appears in no output format of inspect and check.
func TestSecretsNeverPrinted(t *testing.T) {
	wd := t.TempDir()
	writeFiles(t, wd, map[string]string{
		"sfdx-project.json": sfdxProject,
		reportMailerPath:    secretCA,
		"force-app/main/default/externalClientApps/Vault_Sync.eca-meta.xml":                            secretECAHeader,
		"force-app/main/default/extlClntAppGlobalOauthSets/Vault_Sync_glbloauth.ecaGlblOauth-meta.xml": secretECAGlobal,
	})
	runs := [][]string{{"inspect"}, {"inspect", "--format", "json"}}
	for _, f := range []string{"text", "json", "sarif", "junit", "github", "checkstyle"} {
		runs = append(runs, []string{"check", "--format", f})
	}
	for _, args := range runs {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			r := runMain(t, wd, args, runOptions{})
			if r.code == 2 {
				t.Fatalf("exit code 2:\n%s", r.stderr)
			}
			if strings.Contains(r.stdout, secretValue) || strings.Contains(r.stderr, secretValue) {
				t.Errorf("the consumer secret is printed:\nstdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
			}
			if args[0] == "check" && !strings.Contains(r.stdout, "consumer-secret-committed") {
				t.Errorf("no consumer-secret-committed finding in %s:\n%s", args[2], r.stdout)
			}
		})
	}
}

// TestCheckBaseline records today's findings, checks that they stay hidden
// when the XML is reformatted, and that a new problem still shows.
func TestCheckBaseline(t *testing.T) {
	wd := t.TempDir()
	writeFiles(t, wd, project(tinyCA))

	before := runMain(t, wd, []string{"check", "--format", "json"}, runOptions{})
	if before.code != 1 || len(findings(t, before)) != 3 {
		t.Fatalf("before the baseline: exit %d, findings %v; want 1 and 3 findings", before.code, findings(t, before))
	}

	r := runMain(t, wd, []string{"check", "--write-baseline", "sfapplint-baseline.json"}, runOptions{})
	if r.code != 0 || r.stdout != "" {
		t.Fatalf("--write-baseline: exit %d, stdout %q, stderr %q; want 0 and no output", r.code, r.stdout, r.stderr)
	}
	if want := "sfapplint: recorded 3 finding(s) in sfapplint-baseline.json\n"; r.stderr != want {
		t.Errorf("--write-baseline stderr (-want +got):\n%s", cmp.Diff(want, r.stderr))
	}

	checkHidden := func(t *testing.T, what string) {
		t.Helper()
		r := runMain(t, wd, []string{"check", "--format", "json", "--baseline", "sfapplint-baseline.json"}, runOptions{})
		if r.code != 0 {
			t.Errorf("%s: exit %d, want 0", what, r.code)
		}
		if diff := cmp.Diff([]string{}, findings(t, r)); diff != "" {
			t.Errorf("%s: findings the baseline should hide (-want +got):\n%s", what, diff)
		}
		if want := "sfapplint: 3 finding(s) hidden by the baseline sfapplint-baseline.json\n"; r.stderr != want {
			t.Errorf("%s: stderr (-want +got):\n%s", what, cmp.Diff(want, r.stderr))
		}
	}
	checkHidden(t, "unchanged project")

	// Reformat: two-space indentation, comments, elements and scopes reordered.
	reformatted := `<?xml version="1.0" encoding="UTF-8"?>
<!-- Report Mailer: owned by the BI team -->
<ConnectedApp xmlns="http://soap.sforce.com/2006/04/metadata">
  <label>Report Mailer</label>
  <description>Mails scheduled dashboards to executives</description>
  <contactEmail>bi-team@northwind.example</contactEmail>
  <permissionSetName>Report Mailer Integration</permissionSetName>
  <oauthPolicy>
    <refreshTokenPolicy>specific_inactivity:30:DAYS</refreshTokenPolicy>
    <ipRelaxation>ENFORCE</ipRelaxation>
  </oauthPolicy>
  <oauthConfig>
    <!-- scopes agreed with security in the 2026 review -->
    <scopes>RefreshToken</scopes>
    <scopes>Full</scopes>
    <scopes>Api</scopes>
    <isSecretRequiredForRefreshToken>true</isSecretRequiredForRefreshToken>
    <isRefreshTokenRotationEnabled>false</isRefreshTokenRotationEnabled>
    <isPkceRequired>true</isPkceRequired>
    <isIntrospectAllTokens>false</isIntrospectAllTokens>
    <isConsumerSecretOptional>false</isConsumerSecretOptional>
    <isCodeCredentialEnabled>false</isCodeCredentialEnabled>
    <isClientCredentialEnabled>false</isClientCredentialEnabled>
    <isAdminApproved>true</isAdminApproved>
    <consumerKey>3MVG9ReportMailerExampleConsumerKey.NotReal_0000000000000000000</consumerKey>

    <callbackUrl>
      http://mailer.northwind.example/oauth/salesforce/callback
    </callbackUrl>
  </oauthConfig>
</ConnectedApp>
`
	writeFiles(t, wd, map[string]string{reportMailerPath: reformatted})
	checkHidden(t, "reformatted project")

	// A new problem shows, and only it.
	writeFiles(t, wd, map[string]string{reportMailerPath: withEdits(reformatted, "<ipRelaxation>ENFORCE<", "<ipRelaxation>BYPASS<")})
	r = runMain(t, wd, []string{"check", "--format", "json", "--baseline", "sfapplint-baseline.json"}, runOptions{})
	want := []string{"Report_Mailer baseline/ip-relaxation-bypass " + reportMailerPath}
	if diff := cmp.Diff(want, findings(t, r)); diff != "" {
		t.Errorf("after adding a problem (-want +got):\n%s", diff)
	}
	if r.code != 0 {
		t.Errorf("after adding a warning: exit %d, want 0 (the fail threshold is error)", r.code)
	}
}

// TestCheckSince checks --since in a git repository: only the app with a
// changed file is reported, and always the whole app, whichever of its files
// changed.
func TestCheckSince(t *testing.T) {
	wd := t.TempDir()
	eca := "force-app/main/default/"
	files := map[string]string{
		"sfdx-project.json": sfdxProject,
		reportMailerPath:    warningCA,
		eca + "externalClientApps/Vault_Sync.eca-meta.xml": secretECAHeader,
		eca + "extlClntAppGlobalOauthSets/Vault_Sync_glbloauth.ecaGlblOauth-meta.xml": withEdits(secretECAGlobal,
			"    <consumerSecret>"+secretValue+"</consumerSecret>\n", "",
			"https://vault.", "http://vault."),
		eca + "extlClntAppOauthPolicies/Vault_Sync_oauthPlcy.ecaOauthPlcy-meta.xml": vaultPolicies("Enforce"),
	}
	writeFiles(t, wd, files)
	gitRun := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=sfapplint tests", "-c", "user.email=tests@sfapplint.example", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"}, args...)...)
		cmd.Dir = wd
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	gitRun("init", "-q")
	gitRun("add", "-A")
	gitRun("commit", "-q", "-m", "Report Mailer and Vault Sync")

	all := runMain(t, wd, []string{"check", "--format", "json", "--fail-on", "never"}, runOptions{})
	apps := map[string]bool{}
	for _, f := range findings(t, all) {
		apps[strings.Fields(f)[0]] = true
	}
	if !apps["Report_Mailer"] || !apps["Vault_Sync"] {
		t.Fatalf("the project should have findings in both apps, got %v", findings(t, all))
	}

	r := runMain(t, wd, []string{"check", "--format", "json", "--since", "HEAD"}, runOptions{})
	if diff := cmp.Diff([]string{}, findings(t, r)); diff != "" {
		t.Errorf("--since HEAD with nothing changed (-want +got):\n%s", diff)
	}

	// Change only the policies file of Vault_Sync: its callback finding, in
	// another file, must be reported too, and Report_Mailer not at all.
	writeFiles(t, wd, map[string]string{eca + "extlClntAppOauthPolicies/Vault_Sync_oauthPlcy.ecaOauthPlcy-meta.xml": vaultPolicies("Bypass")})
	r = runMain(t, wd, []string{"check", "--format", "json", "--since", "HEAD"}, runOptions{})
	var want []string
	for _, f := range findings(t, all) {
		if strings.HasPrefix(f, "Vault_Sync ") {
			want = append(want, f)
		}
	}
	want = append(want, "Vault_Sync baseline/ip-relaxation-bypass "+eca+"extlClntAppOauthPolicies/Vault_Sync_oauthPlcy.ecaOauthPlcy-meta.xml")
	sort.Strings(want)
	if diff := cmp.Diff(want, findings(t, r)); diff != "" {
		t.Errorf("--since HEAD after changing Vault_Sync's policies (-want +got):\n%s", diff)
	}
	if !strings.Contains(strings.Join(want, "\n"), "Vault_Sync baseline/callback-not-https "+eca+"extlClntAppGlobalOauthSets/") {
		t.Errorf("the whole-app check needs a Vault_Sync finding in an unchanged file; want %v", want)
	}

	r = runMain(t, wd, []string{"check", "--since", "no-such-rev"}, runOptions{})
	if r.code != 2 || !strings.Contains(r.stderr, `--since "no-such-rev"`) {
		t.Errorf("--since no-such-rev: exit %d, stderr %q; want 2 naming the revision", r.code, r.stderr)
	}
}

func vaultPolicies(ip string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<ExtlClntAppOauthConfigurablePolicies xmlns="http://soap.sforce.com/2006/04/metadata">
    <commaSeparatedPermissionSet>Vault_Sync_Integration</commaSeparatedPermissionSet>
    <externalClientApplication>Vault_Sync</externalClientApplication>
    <ipRelaxationPolicyType>` + ip + `</ipRelaxationPolicyType>
    <isClientCredentialsFlowEnabled>false</isClientCredentialsFlowEnabled>
    <label>Vault_Sync_oauthPlcy</label>
    <permittedUsersPolicyType>AdminApprovedPreAuthorized</permittedUsersPolicyType>
    <refreshTokenPolicyType>SpecificInactivity</refreshTokenPolicyType>
    <refreshTokenValidityPeriod>30</refreshTokenValidityPeriod>
    <refreshTokenValidityUnit>Days</refreshTokenValidityUnit>
</ExtlClntAppOauthConfigurablePolicies>
`
}
