package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode"

	"github.com/google/go-cmp/cmp"

	"github.com/sfapplint/sfapplint/rules"
)

var update = flag.Bool("update", false, "rewrite golden files")

// secretValue is a value no report may ever contain.
const secretValue = "s3cr3t-DO-NOT-PRINT"

// Paths used by the fixture.
const (
	acmeFile  = "force-app/main/default/connectedApps/Acme_Sync.connectedApp-meta.xml"
	ateraFile = "force-app/main/default/extlClntAppOauthSettings/Atera_RMM.ecaOauth-meta.xml"
	ateraGlbl = "force-app/main/default/extlClntAppGlobalOauthSets/Atera RMM#1.ecaGlblOauth-meta.xml"
	zipEntry  = "retrieved.zip!unpackaged/connectedApps/Bad.connectedApp"
)

// fixture is the fixed input every format is tested with: findings of every
// severity, a fix, a note, a finding outside any app, a zip entry path, an
// undocumented rule, a secret that must not leak, and text that needs escaping.
func fixture() Input {
	ds := []rules.Diagnostic{
		{
			Rule: "baseline/full-scope", Severity: rules.SeverityError, App: "Acme_Sync",
			File: acmeFile, Line: 12, Column: 9, Field: "oauth.scopes",
			Message:     `OAuth scope "Full" grants full access to the org`,
			Remediation: "In Setup > App Manager, edit Acme_Sync and remove \"Full access (full)\" from Selected OAuth Scopes",
			Docs:        "https://github.com/sfapplint/sfapplint/blob/main/docs/rules.md#baseline-full-scope",
			Found:       "Full",
		},
		{
			Rule: "baseline/pkce-required", Severity: rules.SeverityWarning, App: "Acme_Sync",
			File: acmeFile, Line: 14, Column: 5, Field: "oauth.pkceRequired",
			Message:     "PKCE is not required for the web server flow",
			Remediation: "In Setup > App Manager > Acme_Sync > Edit, select Require Proof Key for Code Exchange (PKCE)",
			Docs:        "https://github.com/sfapplint/sfapplint/blob/main/docs/rules.md#baseline-pkce-required",
			Found:       "false", Expected: "true",
			Fix: &rules.Fix{Op: rules.FixSet, Field: "oauth.pkceRequired", Value: "true", Description: `set isPkceRequired to "true"`,
				Edits: []rules.TextEdit{{File: acmeFile, StartLine: 14, StartColumn: 1, EndLine: 14, EndColumn: 43, Text: "    <isPkceRequired>true</isPkceRequired>"}}},
		},
		{
			Rule: "baseline/secret-in-metadata", Severity: rules.SeverityError, App: "Acme_Sync",
			File: acmeFile, Line: 20, Column: 5, Field: "secrets.consumerSecret",
			Message:     "the consumer secret is stored in source control",
			Remediation: "Remove <consumerSecret> from the file and rotate the secret in Setup",
			Found:       secretValue,
		},
		{
			Rule: "baseline/unknown-element", Severity: rules.SeverityNote, App: "Atera_RMM",
			File: ateraGlbl, Line: 4, Column: 5, Field: "",
			Message:     `unknown element <isSecretRequiredForRefresh>; did you mean <isSecretRequiredForRefreshToken>?`,
			Remediation: "Rename the element",
		},
		{
			Rule: "atera-robin/callback-url", Severity: rules.SeverityError, App: "Atera_RMM",
			File: ateraFile, Line: 7, Column: 3, Field: "oauth.callbackUrls",
			Message:     "callback URL <https://x.example/cb?a=1&b=2> is not \"https://app.atera.com/oauth/callback\"; 100% wrong,\nsee: the vendor guide",
			Remediation: "In Setup > External Client App Manager > Atera_RMM > Settings > OAuth Settings,\nset Callback URL to https://app.atera.com/oauth/callback",
			Docs:        "docs/packs/atera-robin.md",
			Note:        "raised from warning: Atera's setup guide requires this exact URL",
			Expected:    "https://app.atera.com/oauth/callback",
		},
		{
			Rule: "atera-robin/api-enabled", Severity: rules.SeverityWarning, App: "",
			File: "force-app/main/default/profiles/Integration User.profile-meta.xml", Line: 3, Column: 1,
			Field:       "org.apiEnabled",
			Message:     "no profile or permission set in the inputs grants API Enabled",
			Remediation: "Grant API Enabled to the integration user's profile or a permission set",
		},
		{
			Rule: "baseline/xml-malformed", Severity: rules.SeverityError, App: "",
			File: zipEntry, Line: 5, Column: 17,
			Message:     "XML syntax error: element <oauthConfig> closed by </ConnectedApp>",
			Remediation: "Fix the XML so that every element is closed in order",
			Docs:        "https://github.com/sfapplint/sfapplint/blob/main/docs/rules.md#baseline-xml-malformed",
		},
	}
	for i := range ds {
		ds[i].Fingerprint = rules.ComputeFingerprint(ds[i])
	}
	return Input{
		Tool: ToolInfo{Name: "sfapplint", Version: "1.2.3", InformationURI: "https://github.com/sfapplint/sfapplint"},
		Packs: []rules.PackDoc{
			{ID: "baseline", Title: "Baseline", Description: "Security and correctness checks for every OAuth app"},
			{ID: "atera-robin", Title: "Atera (Robin)", Description: "What Atera's setup guide requires",
				SourceTitle: "Atera: Salesforce integration", SourceURL: "https://support.atera.com/salesforce"},
		},
		Rules: []rules.RuleDoc{
			{ID: "baseline/full-scope", Pack: "baseline", Title: "Full access scope granted",
				Description: "The full scope grants every permission of the user, including ones the integration never needs.",
				Severity:    rules.SeverityError, Remediation: "Remove the Full access (full) scope and grant only the scopes the integration needs",
				Docs: "https://github.com/sfapplint/sfapplint/blob/main/docs/rules.md#baseline-full-scope"},
			{ID: "baseline/pkce-required", Pack: "baseline", Title: "PKCE not required",
				Description: "Without PKCE an intercepted authorization code can be redeemed.",
				Severity:    rules.SeverityWarning, Remediation: "Select Require Proof Key for Code Exchange (PKCE)",
				Docs: "https://github.com/sfapplint/sfapplint/blob/main/docs/rules.md#baseline-pkce-required", FixSummary: "set isPkceRequired to true"},
			{ID: "baseline/secret-in-metadata", Pack: "baseline", Title: "Secret stored in metadata",
				Description: "A consumer secret or private key in source control is readable by everyone with access to the repository.",
				Severity:    rules.SeverityError, Remediation: "Remove the secret from the file and rotate it in Setup"},
			{ID: "baseline/xml-malformed", Pack: "baseline", Title: "Malformed XML",
				Description: "The file is not well-formed XML.", Severity: rules.SeverityError,
				Remediation: "Fix the XML so that every element is closed in order",
				Docs:        "https://github.com/sfapplint/sfapplint/blob/main/docs/rules.md#baseline-xml-malformed"},
			{ID: "atera-robin/callback-url", Pack: "atera-robin", Title: "Callback URL is Atera's",
				Description: "Atera's guide requires the callback URL https://app.atera.com/oauth/callback & nothing else.",
				Severity:    rules.SeverityError, Remediation: "Set Callback URL to https://app.atera.com/oauth/callback",
				Docs: "docs/packs/atera-robin.md"},
			{ID: "atera-robin/api-enabled", Pack: "atera-robin", Title: "API Enabled granted",
				Description: "The integration user needs the API Enabled permission.",
				Severity:    rules.SeverityWarning, Remediation: "Grant API Enabled to the integration user", Manual: true},
		},
		Apps: []AppRef{
			{Name: "Acme_Sync", Kind: "ConnectedApp", Files: []string{acmeFile}},
			{Name: "Atera_RMM", Kind: "ExternalClientApplication", Files: []string{ateraFile, ateraGlbl}},
		},
		Diagnostics: ds,
		FailOn:      rules.SeverityError,
	}
}

// render writes in as format and fails the test on error.
func render(t *testing.T, format string, in Input) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, format, in); err != nil {
		t.Fatalf("Write(%s): %v", format, err)
	}
	return buf.Bytes()
}

func TestGolden(t *testing.T) {
	empty := Input{Tool: fixture().Tool, FailOn: rules.SeverityError}
	color := fixture()
	color.Color = true
	// SARIF goldens are indented (as at a terminal) to keep them readable;
	// TestSARIFCompact checks the compact form holds the same document.
	indented, emptyIndented := fixture(), empty
	indented.Indent, emptyIndented.Indent = true, true
	tests := []struct {
		name   string // golden file is testdata/<name>.golden
		format string
		in     Input
	}{
		{"text", FormatText, fixture()},
		{"text-color", FormatText, color},
		{"json", FormatJSON, fixture()},
		{"sarif", FormatSARIF, indented},
		{"junit", FormatJUnit, fixture()},
		{"github", FormatGitHub, fixture()},
		{"checkstyle", FormatCheckstyle, fixture()},
		{"text-empty", FormatText, empty},
		{"json-empty", FormatJSON, empty},
		{"sarif-empty", FormatSARIF, emptyIndented},
		{"junit-empty", FormatJUnit, empty},
		{"checkstyle-empty", FormatCheckstyle, empty},
	}
	covered := make(map[string]bool)
	for _, tt := range tests {
		covered[tt.format] = true
		t.Run(tt.name, func(t *testing.T) {
			got := render(t, tt.format, tt.in)
			golden := filepath.Join("testdata", tt.name+".golden")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("Write(%s) mismatch with %s (-want +got):\n%s\nrun go test -update if the change is intended", tt.format, golden, diff)
			}
		})
	}
	for _, f := range Formats() {
		if !covered[f] {
			t.Errorf("format %s has no golden test", f)
		}
	}
}

func TestNoSecretInAnyFormat(t *testing.T) {
	in := fixture()
	// Even a fix on a secret field must not carry its value out.
	in.Diagnostics[2].Fix = &rules.Fix{Op: rules.FixRemove, Field: "secrets.consumerSecret", Value: secretValue}
	for _, f := range Formats() {
		if out := render(t, f, in); bytes.Contains(out, []byte(secretValue)) {
			t.Errorf("%s output contains the secret value:\n%s", f, out)
		}
	}
	if in.Diagnostics[2].Found != secretValue || in.Diagnostics[2].Fix.Value != secretValue {
		t.Error("Write modified the caller's diagnostics")
	}
}

func TestJSONContract(t *testing.T) {
	var got map[string]json.RawMessage
	if err := json.Unmarshal(render(t, FormatJSON, fixture()), &got); err != nil {
		t.Fatal(err)
	}
	wantKeys := []string{"failOn", "failed", "findings", "packs", "summary", "tool", "version"}
	if diff := cmp.Diff(wantKeys, sortedKeys(got)); diff != "" {
		t.Errorf("top-level keys (-want +got):\n%s", diff)
	}

	var doc struct {
		Version  int                          `json:"version"`
		Tool     map[string]string            `json:"tool"`
		Packs    []rules.PackDoc              `json:"packs"`
		Findings []map[string]json.RawMessage `json:"findings"`
		Summary  rules.Summary                `json:"summary"`
		FailOn   string                       `json:"failOn"`
		Failed   bool                         `json:"failed"`
	}
	raw := render(t, FormatJSON, fixture())
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != 1 || !doc.Failed || doc.FailOn != "error" {
		t.Errorf("version %d, failed %v, failOn %q; want 1, true, error", doc.Version, doc.Failed, doc.FailOn)
	}
	if diff := cmp.Diff(map[string]string{"name": "sfapplint", "version": "1.2.3", "informationUri": "https://github.com/sfapplint/sfapplint"}, doc.Tool); diff != "" {
		t.Errorf("tool (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(rules.Summary{Error: 4, Warning: 2, Note: 1}, doc.Summary); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	if len(doc.Findings) != len(fixture().Diagnostics) {
		t.Fatalf("%d findings, want %d", len(doc.Findings), len(fixture().Diagnostics))
	}
	contract := []string{"rule", "severity", "app", "file", "line", "column", "field", "message", "remediation", "docs", "fingerprint"}
	for i, f := range doc.Findings {
		for _, k := range contract {
			if _, ok := f[k]; !ok {
				t.Errorf("finding %d has no %q key", i, k)
			}
		}
	}

	// The findings decode back into the diagnostics, secrets redacted.
	var back struct {
		Findings []rules.Diagnostic `json:"findings"`
	}
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	want := fixture().Diagnostics
	want[2].Found = ""
	if diff := cmp.Diff(want, back.Findings); diff != "" {
		t.Errorf("findings round trip (-want +got):\n%s", diff)
	}
}

func TestJSONEmptyAndThresholds(t *testing.T) {
	tests := []struct {
		name       string
		failOn     rules.Severity
		ds         []rules.Diagnostic
		wantFailed bool
	}{
		{"no findings", rules.SeverityError, nil, false},
		{"warning below error", rules.SeverityError, []rules.Diagnostic{{Severity: rules.SeverityWarning}}, false},
		{"warning at warning", rules.SeverityWarning, []rules.Diagnostic{{Severity: rules.SeverityWarning}}, true},
		{"error above note", rules.SeverityNote, []rules.Diagnostic{{Severity: rules.SeverityError}}, true},
		{"never fail", "", []rules.Diagnostic{{Severity: rules.SeverityError}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := render(t, FormatJSON, Input{Diagnostics: tt.ds, FailOn: tt.failOn})
			var doc struct {
				Packs    json.RawMessage `json:"packs"`
				Findings json.RawMessage `json:"findings"`
				FailOn   *string         `json:"failOn"`
				Failed   bool            `json:"failed"`
			}
			if err := json.Unmarshal(out, &doc); err != nil {
				t.Fatal(err)
			}
			if string(doc.Packs) != "[]" {
				t.Errorf("packs = %s, want []", doc.Packs)
			}
			if len(tt.ds) == 0 && string(doc.Findings) != "[]" {
				t.Errorf("findings = %s, want []", doc.Findings)
			}
			if doc.FailOn == nil || *doc.FailOn != string(tt.failOn) {
				t.Errorf("failOn = %v, want %q", doc.FailOn, tt.failOn)
			}
			if doc.Failed != tt.wantFailed {
				t.Errorf("failed = %v, want %v", doc.Failed, tt.wantFailed)
			}
			if got := Fails(tt.ds, tt.failOn); got != tt.wantFailed {
				t.Errorf("Fails() = %v, want %v", got, tt.wantFailed)
			}
		})
	}
}

// sarifDoc is an independent decoding of the SARIF fields the tests check.
type sarifDoc struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name            string `json:"name"`
				SemanticVersion string `json:"semanticVersion"`
				Rules           []struct {
					ID      string `json:"id"`
					Name    string `json:"name"`
					HelpURI string `json:"helpUri"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex *int   `json:"ruleIndex"`
			Level     string `json:"level"`
			Message   struct {
				Text string `json:"text"`
			} `json:"message"`
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI       string `json:"uri"`
						URIBaseID string `json:"uriBaseId"`
					} `json:"artifactLocation"`
					Region struct {
						StartLine   int `json:"startLine"`
						StartColumn int `json:"startColumn"`
					} `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
			PartialFingerprints map[string]string `json:"partialFingerprints"`
			Fixes               []struct {
				ArtifactChanges []struct {
					Replacements []json.RawMessage `json:"replacements"`
				} `json:"artifactChanges"`
			} `json:"fixes"`
		} `json:"results"`
		ColumnKind string `json:"columnKind"`
	} `json:"runs"`
}

// pascalRE is the Microsoft SARIF validator's test of a friendly rule name.
var pascalRE = regexp.MustCompile(`^(\p{Lu}[\p{Ll}\p{Nd}]+)*$`)

func TestSARIFStructure(t *testing.T) {
	in := fixture()
	var doc sarifDoc
	if err := json.Unmarshal(render(t, FormatSARIF, in), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Schema != SARIFSchema || doc.Version != "2.1.0" || len(doc.Runs) != 1 {
		t.Fatalf("$schema %q, version %q, %d runs", doc.Schema, doc.Version, len(doc.Runs))
	}
	run := doc.Runs[0]
	if run.ColumnKind != "unicodeCodePoints" || run.Tool.Driver.SemanticVersion != "1.2.3" {
		t.Errorf("columnKind %q, semanticVersion %q", run.ColumnKind, run.Tool.Driver.SemanticVersion)
	}
	// Every documented rule plus the undocumented baseline/unknown-element.
	if got, want := len(run.Tool.Driver.Rules), len(in.Rules)+1; got != want {
		t.Errorf("%d rule descriptors, want %d", got, want)
	}
	for _, r := range run.Tool.Driver.Rules {
		// The Microsoft validator's Pascal-case test (SARIF2012).
		if r.Name == "" || r.Name == r.ID || !pascalRE.MatchString(r.Name) {
			t.Errorf("rule %s has name %q; want a Pascal-case name distinct from the id", r.ID, r.Name)
		}
		if r.HelpURI != "" && !strings.HasPrefix(r.HelpURI, "https://") {
			t.Errorf("rule %s has non-absolute helpUri %q", r.ID, r.HelpURI)
		}
	}
	if len(run.Results) != len(in.Diagnostics) {
		t.Fatalf("%d results, want %d", len(run.Results), len(in.Diagnostics))
	}
	fixes := 0
	for i, r := range run.Results {
		d := in.Diagnostics[i]
		if r.RuleID != d.Rule {
			t.Errorf("result %d: ruleId %q, want %q (results must keep the given order)", i, r.RuleID, d.Rule)
		}
		if r.RuleIndex == nil || *r.RuleIndex < 0 || *r.RuleIndex >= len(run.Tool.Driver.Rules) ||
			run.Tool.Driver.Rules[*r.RuleIndex].ID != r.RuleID {
			t.Errorf("result %d (%s): ruleIndex %v does not point at its rule", i, r.RuleID, r.RuleIndex)
		}
		if len(r.Locations) != 1 {
			t.Fatalf("result %d: %d locations, want 1", i, len(r.Locations))
		}
		pl := r.Locations[0].PhysicalLocation
		if pl.Region.StartLine < 1 {
			t.Errorf("result %d: startLine %d", i, pl.Region.StartLine)
		}
		u, err := url.Parse(pl.ArtifactLocation.URI)
		if err != nil || u.IsAbs() || u.Host != "" || strings.HasPrefix(u.Path, "/") {
			t.Errorf("result %d: uri %q is not a relative URI reference (%v)", i, pl.ArtifactLocation.URI, err)
		} else if u.Path != d.File {
			t.Errorf("result %d: uri %q decodes to %q, want %q", i, pl.ArtifactLocation.URI, u.Path, d.File)
		}
		if pl.ArtifactLocation.URIBaseID != "%SRCROOT%" {
			t.Errorf("result %d: uriBaseId %q", i, pl.ArtifactLocation.URIBaseID)
		}
		if r.PartialFingerprints[SARIFFingerprintKey] != d.Fingerprint {
			t.Errorf("result %d: partialFingerprints %v", i, r.PartialFingerprints)
		}
		for _, f := range r.Fixes {
			fixes++
			if len(f.ArtifactChanges) == 0 || len(f.ArtifactChanges[0].Replacements) == 0 {
				t.Errorf("result %d: fix without a replacement", i)
			}
		}
	}
	if fixes != 1 {
		t.Errorf("%d fixes, want 1", fixes)
	}
}

// junitDoc is an independent decoding of a JUnit report.
type junitDoc struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Cases    []struct {
			Classname string `xml:"classname,attr"`
			Name      string `xml:"name,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			SystemOut *string `xml:"system-out"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func TestJUnitCounts(t *testing.T) {
	in := fixture()
	var doc junitDoc
	if err := xml.Unmarshal(render(t, FormatJUnit, in), &doc); err != nil {
		t.Fatal(err)
	}
	type caseKey struct{ suite, class, name string }
	failed := make(map[caseKey]string)
	outs := make(map[caseKey]string)
	tests, failures := 0, 0
	var suites []string
	for _, s := range doc.Suites {
		suites = append(suites, s.Name)
		sf := 0
		for _, c := range s.Cases {
			k := caseKey{s.Name, c.Classname, c.Name}
			if c.Failure != nil {
				sf++
				failed[k] = c.Failure.Type
				if !strings.Contains(c.Failure.Text, "remediation: ") {
					t.Errorf("%v: failure text has no remediation:\n%s", k, c.Failure.Text)
				}
			}
			if c.SystemOut != nil {
				outs[k] = *c.SystemOut
			}
		}
		if s.Tests != len(s.Cases) || s.Failures != sf {
			t.Errorf("suite %s: tests=%d failures=%d, want %d and %d", s.Name, s.Tests, s.Failures, len(s.Cases), sf)
		}
		tests += len(s.Cases)
		failures += sf
	}
	if doc.Tests != tests || doc.Failures != failures {
		t.Errorf("testsuites: tests=%d failures=%d, want %d and %d", doc.Tests, doc.Failures, tests, failures)
	}
	if diff := cmp.Diff([]string{"baseline", "atera-robin"}, suites); diff != "" {
		t.Errorf("suites (-want +got):\n%s", diff)
	}
	// baseline: 2 apps x 5 rules (4 documented + unknown-element) + (project) xml-malformed;
	// atera-robin: 2 apps x 2 rules + (project) api-enabled.
	if tests != 11+5 {
		t.Errorf("%d test cases, want 16", tests)
	}
	wantFailed := map[caseKey]string{
		{"baseline", "Acme_Sync", "baseline/full-scope"}:         "error",
		{"baseline", "Acme_Sync", "baseline/secret-in-metadata"}: "error",
		{"baseline", "(project)", "baseline/xml-malformed"}:      "error",
		{"atera-robin", "Atera_RMM", "atera-robin/callback-url"}: "error",
	}
	if diff := cmp.Diff(wantFailed, failed); diff != "" {
		t.Errorf("failed cases (-want +got):\n%s", diff)
	}
	// Below the threshold: in system-out, not failures.
	for _, k := range []caseKey{
		{"baseline", "Acme_Sync", "baseline/pkce-required"},
		{"baseline", "Atera_RMM", "baseline/unknown-element"},
		{"atera-robin", "(project)", "atera-robin/api-enabled"},
	} {
		if outs[k] == "" {
			t.Errorf("%v: no system-out", k)
		}
	}
	// Escaped text survives the round trip.
	msg := in.Diagnostics[4].Message
	if !strings.Contains(doc.Suites[1].Cases[2].Failure.Text, strings.Split(msg, "\n")[0]) {
		t.Errorf("failure text lost the message %q:\n%s", msg, doc.Suites[1].Cases[2].Failure.Text)
	}
}

func TestCheckstyleCounts(t *testing.T) {
	in := fixture()
	var doc struct {
		Version string `xml:"version,attr"`
		Files   []struct {
			Name   string `xml:"name,attr"`
			Errors []struct {
				Line     int    `xml:"line,attr"`
				Column   int    `xml:"column,attr"`
				Severity string `xml:"severity,attr"`
				Message  string `xml:"message,attr"`
				Source   string `xml:"source,attr"`
			} `xml:"error"`
		} `xml:"file"`
	}
	if err := xml.Unmarshal(render(t, FormatCheckstyle, in), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != "4.3" {
		t.Errorf("version %q", doc.Version)
	}
	var names []string
	errs := 0
	bySource := make(map[string]string)
	for _, f := range doc.Files {
		names = append(names, f.Name)
		for _, e := range f.Errors {
			errs++
			bySource[e.Source] = e.Severity
			if e.Source == "atera-robin/callback-url" && !strings.HasPrefix(e.Message, in.Diagnostics[4].Message) {
				t.Errorf("message %q does not start with the finding's message", e.Message)
			}
		}
	}
	if !sort.StringsAreSorted(names) || len(names) != 5 {
		t.Errorf("files %q: want 5, sorted", names)
	}
	if errs != len(in.Diagnostics) {
		t.Errorf("%d errors, want %d", errs, len(in.Diagnostics))
	}
	if bySource["baseline/unknown-element"] != "info" || bySource["baseline/pkce-required"] != "warning" || bySource["baseline/full-scope"] != "error" {
		t.Errorf("severities %v", bySource)
	}
}

// githubLineRE is the strict shape of one annotation command.
var githubLineRE = regexp.MustCompile(`^::(error|warning|notice) ` +
	`file=[^,:\r\n]+,line=[1-9][0-9]*,col=[1-9][0-9]*,title=[^,:\r\n]+` +
	`::[^\r\n]+$`)

func TestGitHubLines(t *testing.T) {
	in := fixture()
	out := strings.TrimSuffix(string(render(t, FormatGitHub, in)), "\n")
	lines := strings.Split(out, "\n")
	if len(lines) != len(in.Diagnostics) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(in.Diagnostics), out)
	}
	for i, line := range lines {
		if !githubLineRE.MatchString(line) {
			t.Errorf("line %d does not match %s:\n%s", i+1, githubLineRE, line)
		}
	}
	if want := "::warning file=force-app/main/default/connectedApps/Acme_Sync.connectedApp-meta.xml,line=14,col=5,title=baseline/pkce-required::"; !strings.HasPrefix(lines[1], want) {
		t.Errorf("line 2 = %q, want prefix %q", lines[1], want)
	}
	if !strings.HasPrefix(lines[3], "::notice ") {
		t.Errorf("a note is not a ::notice: %q", lines[3])
	}
}

func TestGitHubEscaping(t *testing.T) {
	tests := []struct{ in, data, prop string }{
		{"plain", "plain", "plain"},
		{"100%", "100%25", "100%25"},
		{"a\r\nb", "a%0D%0Ab", "a%0D%0Ab"},
		{"x.zip!dir/f.xml", "x.zip!dir/f.xml", "x.zip!dir/f.xml"},
		{"a:b,c", "a:b,c", "a%3Ab%2Cc"},
		{"%0A", "%250A", "%250A"},
	}
	for _, tt := range tests {
		if got := githubData(tt.in); got != tt.data {
			t.Errorf("githubData(%q) = %q, want %q", tt.in, got, tt.data)
		}
		if got := githubProperty(tt.in); got != tt.prop {
			t.Errorf("githubProperty(%q) = %q, want %q", tt.in, got, tt.prop)
		}
	}
}

func TestTextSummary(t *testing.T) {
	d := func(s rules.Severity) rules.Diagnostic { return rules.Diagnostic{Severity: s} }
	tests := []struct {
		apps int
		ds   []rules.Diagnostic
		want string
	}{
		{2, nil, "no findings in 2 apps"},
		{1, nil, "no findings in 1 app"},
		{0, nil, "no findings in 0 apps"},
		{1, []rules.Diagnostic{d(rules.SeverityError)}, "1 error, 0 warnings, 0 notes in 1 app"},
		{2, []rules.Diagnostic{d(rules.SeverityError), d(rules.SeverityError), d(rules.SeverityError), d(rules.SeverityWarning)},
			"3 errors, 1 warning, 0 notes in 2 apps"},
		{3, []rules.Diagnostic{d(rules.SeverityNote)}, "0 errors, 0 warnings, 1 note in 3 apps"},
	}
	for _, tt := range tests {
		in := Input{Apps: make([]AppRef, tt.apps), Diagnostics: tt.ds}
		if got := textSummary(in); got != tt.want {
			t.Errorf("textSummary(%d apps, %d findings) = %q, want %q", tt.apps, len(tt.ds), got, tt.want)
		}
	}
}

func TestTextColorAndSafety(t *testing.T) {
	in := Input{Diagnostics: []rules.Diagnostic{{
		Rule: "baseline/x", Severity: rules.SeverityError, File: "a.xml", Line: 1, Column: 2,
		Message: "evil \x1b[2Jclear\nsecond line",
	}}}
	plain := string(render(t, FormatText, in))
	if strings.Contains(plain, "\x1b") {
		t.Errorf("text output carries a raw ESC:\n%q", plain)
	}
	want := "a.xml:1:2: error: evil \\x1b[2Jclear second line [baseline/x]\n"
	if !strings.HasPrefix(plain, want) {
		t.Errorf("got %q, want prefix %q", plain, want)
	}
	in.Color = true
	colored := string(render(t, FormatText, in))
	if !strings.Contains(colored, ansiRed+"error"+ansiReset) {
		t.Errorf("coloured output has no red severity: %q", colored)
	}
	if strings.Count(colored, "\x1b") != 2 {
		t.Errorf("colour codes outside the severity word: %q", colored)
	}
}

func TestPositionWithoutFileOrLine(t *testing.T) {
	in := Input{Diagnostics: []rules.Diagnostic{
		{Rule: "p/a", Severity: rules.SeverityNote, Message: "m"},
		{Rule: "p/b", Severity: rules.SeverityNote, File: "f.xml", Message: "m"},
	}}
	text := string(render(t, FormatText, in))
	if !strings.HasPrefix(text, "note: m [p/a]\nf.xml: note: m [p/b]\n") {
		t.Errorf("text:\n%s", text)
	}
	var doc sarifDoc
	if err := json.Unmarshal(render(t, FormatSARIF, in), &doc); err != nil {
		t.Fatal(err)
	}
	r := doc.Runs[0].Results
	if len(r[0].Locations) != 0 || r[1].Locations[0].PhysicalLocation.Region.StartLine != 1 {
		t.Errorf("locations: %+v", r)
	}
	gh := string(render(t, FormatGitHub, in))
	if want := "::notice title=p/a::m\n::notice file=f.xml,title=p/b::m\n"; gh != want {
		t.Errorf("github = %q, want %q", gh, want)
	}
}

func TestWriteErrors(t *testing.T) {
	err := Write(&bytes.Buffer{}, "yaml", fixture())
	if err == nil || !strings.Contains(err.Error(), `unknown report format "yaml"`) || !strings.Contains(err.Error(), "checkstyle") {
		t.Errorf("unknown format: err = %v", err)
	}
	in := fixture()
	in.FailOn = "fatal"
	if err := Write(&bytes.Buffer{}, FormatJSON, in); err == nil || !strings.Contains(err.Error(), "fatal") {
		t.Errorf("bad fail threshold: err = %v", err)
	}
	errBoom := errors.New("boom")
	err = Write(failingWriter{errBoom}, FormatSARIF, fixture())
	if !errors.Is(err, errBoom) || !strings.Contains(err.Error(), "writing sarif report") {
		t.Errorf("failing writer: err = %v", err)
	}
}

// failingWriter fails every write.
type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }

func TestFormatsAreFresh(t *testing.T) {
	Formats()[0] = "changed"
	if Formats()[0] != FormatText {
		t.Error("Formats returns shared state")
	}
}

func TestHelpers(t *testing.T) {
	camel := []struct{ in, want string }{
		{"Full access scope granted", "FullAccessScopeGranted"},
		{"baseline/full-scope", "BaselineFullScope"},
		{"Callback URL is Atera’s", "CallbackUrlIsAteras"},
		{"PKCE not required", "PkceNotRequired"},
		{"Use a PKCE verifier", "UseaPkceVerifier"},
		{"Require 2FA for admins", "Require2faForAdmins"},
		{"Évaluer l'accès", "ÉvaluerLaccès"},
		{"", ""},
	}
	for _, tt := range camel {
		if got := camelCase(tt.in); got != tt.want {
			t.Errorf("camelCase(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	semver := []struct{ in, want string }{
		{"1.2.3", "1.2.3"},
		{"v0.4.0-rc.1+build.5", "0.4.0-rc.1+build.5"},
		{"dev", ""},
		{"1.2", ""},
		{"01.2.3", ""},
		{"", ""},
	}
	for _, tt := range semver {
		if got := semanticVersion(tt.in); got != tt.want {
			t.Errorf("semanticVersion(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	locs := []struct {
		in   string
		want sarifArtifactLocation
	}{
		{"force-app/a.xml", sarifArtifactLocation{URI: "force-app/a.xml", URIBaseID: "%SRCROOT%"}},
		{"x.zip!dir/f.xml", sarifArtifactLocation{URI: "x.zip!dir/f.xml", URIBaseID: "%SRCROOT%"}},
		{"My App#1 100%.xml", sarifArtifactLocation{URI: "My%20App%231%20100%25.xml", URIBaseID: "%SRCROOT%"}},
		{"a:b/c.xml", sarifArtifactLocation{URI: "a%3Ab/c.xml", URIBaseID: "%SRCROOT%"}},
		{"dir\\f.xml", sarifArtifactLocation{URI: "dir/f.xml", URIBaseID: "%SRCROOT%"}},
		{"/abs/f.xml", sarifArtifactLocation{URI: "file:///abs/f.xml"}},
		{`C:\src\f.xml`, sarifArtifactLocation{URI: "file:///C:/src/f.xml"}},
		{"é.xml", sarifArtifactLocation{URI: "%C3%A9.xml", URIBaseID: "%SRCROOT%"}},
	}
	for _, tt := range locs {
		if diff := cmp.Diff(tt.want, artifactLocation(tt.in)); diff != "" {
			t.Errorf("artifactLocation(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
	abs := []struct{ in, want string }{
		{"https://x.example/a#b", "https://x.example/a#b"},
		{"docs/rules.md", ""},
		{"mailto:a@b", ""},
		{"", ""},
	}
	for _, tt := range abs {
		if got := absoluteURL(tt.in); got != tt.want {
			t.Errorf("absoluteURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got, want := xmlSafe("a\x01b\r\nc\uFFFE"), "a\uFFFDb\nc\uFFFD"; got != want {
		t.Errorf("xmlSafe = %q, want %q", got, want)
	}
}

// sortedKeys returns the keys of m, sorted.
func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// FuzzPlainLine: text that plainLine lets through unchanged is text the full
// clean-up (oneLine for head lines, detail for detail lines) would not change.
func FuzzPlainLine(f *testing.F) {
	for _, s := range []string{"", "plain", " lead", "trail ", "tab\there", "nl\n", "cr\r", "esc\x1b[31m", "del\x7f", "é", "\u0085", "a  b", "\u00a0nbsp"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !plainLine(s) {
			return
		}
		head := terminalSafe(strings.ReplaceAll(strings.TrimSpace(normalizeNewlines(s)), "\n", " "))
		det := strings.TrimRightFunc(terminalSafe(strings.TrimSpace(s)), unicode.IsSpace)
		if head != s || det != s || strings.Contains(s, "\n") {
			t.Fatalf("plainLine(%q) = true, but the clean-up gives %q / %q", s, head, det)
		}
	})
}

// TestSARIFCompact: without Indent the SARIF log is the indented one, compacted.
func TestSARIFCompact(t *testing.T) {
	in := fixture()
	compact := render(t, FormatSARIF, in)
	in.Indent = true
	var want bytes.Buffer
	if err := json.Compact(&want, render(t, FormatSARIF, in)); err != nil {
		t.Fatal(err)
	}
	want.WriteByte('\n')
	if diff := cmp.Diff(want.String(), string(compact)); diff != "" {
		t.Errorf("compact SARIF (-compacted indented +compact):\n%s", diff)
	}
}
