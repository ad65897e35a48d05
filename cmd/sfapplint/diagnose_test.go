package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// diagDataLoader is a Connected App with the client credentials flow on and
// no Run As user (oauth-troubleshooting.md E28).
const diagDataLoader = `<?xml version="1.0" encoding="UTF-8"?>
<ConnectedApp xmlns="http://soap.sforce.com/2006/04/metadata">
    <contactEmail>ops@northwind.example</contactEmail>
    <label>Data Loader</label>
    <oauthConfig>
        <callbackUrl>https://loader.northwind.example/oauth/callback</callbackUrl>
        <consumerKey>3MVG9DataLoaderExampleConsumerKey.NotReal_000000000000000000000</consumerKey>
        <isAdminApproved>true</isAdminApproved>
        <isClientCredentialEnabled>true</isClientCredentialEnabled>
        <isPkceRequired>true</isPkceRequired>
        <scopes>Api</scopes>
    </oauthConfig>
    <oauthPolicy>
        <ipRelaxation>ENFORCE</ipRelaxation>
        <refreshTokenPolicy>specific_inactivity:30:DAYS</refreshTokenPolicy>
    </oauthPolicy>
    <permissionSetName>Data Loader Integration</permissionSetName>
</ConnectedApp>
`

const diagDataLoaderPath = "force-app/main/default/connectedApps/Data_Loader.connectedApp-meta.xml"

// diagAteraFiles is an Atera Robin External Client App with the callback URL,
// scopes and flows the guide asks for.
var diagAteraFiles = map[string]string{
	"force-app/main/default/externalClientApps/Robin.eca-meta.xml": `<?xml version="1.0" encoding="UTF-8"?>
<ExternalClientApplication xmlns="http://soap.sforce.com/2006/04/metadata">
    <contactEmail>it@northwind.example</contactEmail>
    <distributionState>Local</distributionState>
    <isProtected>false</isProtected>
    <label>Robin</label>
</ExternalClientApplication>
`,
	"force-app/main/default/extlClntAppGlobalOauthSets/Robin_glbloauth.ecaGlblOauth-meta.xml": `<?xml version="1.0" encoding="UTF-8"?>
<ExtlClntAppGlobalOauthSettings xmlns="http://soap.sforce.com/2006/04/metadata">
    <callbackUrl>https://app.atera.com/proxy/integrationssalesforce/management/callback</callbackUrl>
    <externalClientApplication>Robin</externalClientApplication>
    <isCodeCredFlowEnabled>true</isCodeCredFlowEnabled>
    <isDeviceFlowEnabled>true</isDeviceFlowEnabled>
    <label>Robin_glbloauth</label>
</ExtlClntAppGlobalOauthSettings>
`,
	"force-app/main/default/extlClntAppOauthSettings/Robin_oauth.ecaOauth-meta.xml": `<?xml version="1.0" encoding="UTF-8"?>
<ExtlClntAppOauthSettings xmlns="http://soap.sforce.com/2006/04/metadata">
    <commaSeparatedOauthScopes>Api, RefreshToken</commaSeparatedOauthScopes>
    <externalClientApplication>Robin</externalClientApplication>
    <label>Robin_oauth</label>
</ExtlClntAppOauthSettings>
`,
}

// diagProject writes files into a fresh directory and returns it.
func diagProject(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

type diagResult struct {
	code        int
	out, errOut string
}

// diagMain runs sfapplint in memory in dir, with stdin.
func diagMain(t *testing.T, dir, stdin string, args ...string) diagResult {
	t.Helper()
	var out, errOut bytes.Buffer
	s := &Streams{In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut, WorkDir: dir,
		Env: func(string) (string, bool) { return "", false }}
	code := Main(append(args, "--no-config"), s)
	return diagResult{code: code, out: out.String(), errOut: errOut.String()}
}

func TestDiagnoseCLIExitCodes(t *testing.T) {
	loader := diagProject(t, map[string]string{diagDataLoaderPath: diagDataLoader})
	robin := diagProject(t, diagAteraFiles)
	tests := []struct {
		name     string
		dir      string
		stdin    string
		args     []string
		wantCode int
		wantOut  []string
		wantErr  []string
	}{
		{
			name: "JSON body, cause confirmed", dir: loader,
			args:     []string{"diagnose", "force-app", "--error", `{"error":"invalid_grant","error_description":"no client credentials user enabled"}`},
			wantCode: ExitFindings,
			wantOut:  []string{"E28: Client credentials without a Run As user", "Confirmed (1)", diagDataLoaderPath + ":5:5:", "[E28/no-run-as, baseline/client-credentials-no-user]", "fix: Setup > "},
		},
		{
			name: "error read from standard input", dir: loader, stdin: "Error (1): invalid_grant: no client credentials user enabled\n",
			args:     []string{"diagnose", "--error", "-", "force-app"},
			wantCode: ExitFindings,
			wantOut:  []string{"E28/no-run-as"},
		},
		{
			name: "ruled out: the vendor's callback matches exactly", dir: robin,
			args:     []string{"diagnose", "force-app", "--pack", "atera-robin", "--error", "redirect_uri_mismatch"},
			wantCode: ExitOK,
			wantOut:  []string{"E01: Callback URL does not match", "Ruled out", "callback URL matches exactly", "Check by hand", "Wait for the new or edited app to take effect"},
		},
		{
			name: "readiness with a vendor pack and no error", dir: robin,
			args:     []string{"diagnose", "force-app", "--pack", "atera-robin"},
			wantCode: ExitOK,
			wantOut:  []string{"Readiness for atera-robin", "Check by hand", "The connecting Salesforce user has the permissions Robin needs"},
		},
		{
			name: "unknown text falls back to the playbook", dir: loader,
			args:     []string{"diagnose", "force-app", "--error", "redirect_uri_mistmatch"},
			wantCode: ExitFindings, // the playbook still finds the missing Run As user
			wantOut:  []string{"Unknown error", "E01 Callback URL does not match the redirect_uri", "E28/no-run-as"},
		},
		{
			name: "bad format", dir: loader,
			args:     []string{"diagnose", "force-app", "--error", "x", "--format", "sarif"},
			wantCode: ExitUsage, wantErr: []string{`unknown --format "sarif"`},
		},
		{
			name: "empty error", dir: loader,
			args:     []string{"diagnose", "force-app", "--error", "  "},
			wantCode: ExitUsage, wantErr: []string{"--error is empty"},
		},
		{
			name: "empty standard input", dir: loader,
			args:     []string{"diagnose", "force-app", "--error", "-"},
			wantCode: ExitUsage, wantErr: []string{"--error is empty"},
		},
		{
			name: "missing input path", dir: loader,
			args:     []string{"diagnose", "no-such-dir", "--error", "redirect_uri_mismatch"},
			wantCode: ExitUsage, wantErr: []string{"no-such-dir: no such file or directory"},
		},
		{
			name: "unknown pack", dir: loader,
			args:     []string{"diagnose", "force-app", "--error", "redirect_uri_mismatch", "--pack", "acme"},
			wantCode: ExitUsage, wantErr: []string{`unknown pack "acme"`},
		},
		{
			name: "bad parameter", dir: loader,
			args:     []string{"diagnose", "force-app", "--error", "redirect_uri_mismatch", "--pack", "autokitteh", "--param", "autokitteh.deployment=moon"},
			wantCode: ExitUsage, wantErr: []string{"autokitteh.deployment"},
		},
		{
			name: "unknown flag", dir: loader,
			args:     []string{"diagnose", "--errror", "x"},
			wantCode: ExitUsage, wantErr: []string{"unknown flag"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := diagMain(t, tc.dir, tc.stdin, tc.args...)
			if r.code != tc.wantCode {
				t.Errorf("exit code = %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tc.wantCode, r.out, r.errOut)
			}
			for _, w := range tc.wantOut {
				if !strings.Contains(r.out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, r.out)
				}
			}
			for _, w := range tc.wantErr {
				if !strings.Contains(r.errOut, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.errOut)
				}
			}
			if tc.wantCode == ExitUsage && r.out != "" {
				t.Errorf("usage error wrote to stdout:\n%s", r.out)
			}
		})
	}
}

// TestDiagnoseCLIJSON checks the JSON contract through the command.
func TestDiagnoseCLIJSON(t *testing.T) {
	dir := diagProject(t, map[string]string{diagDataLoaderPath: diagDataLoader})
	url := "https://loader.northwind.example/oauth/callback?error=invalid_grant&error_description=no+client+credentials+user+enabled"
	r := diagMain(t, dir, "", "diagnose", "--format", "json", "--error", url, "force-app")
	if r.code != ExitFindings {
		t.Fatalf("exit code = %d, want %d\n%s%s", r.code, ExitFindings, r.out, r.errOut)
	}
	var doc struct {
		Mode  string `json:"mode"`
		Error struct {
			ID      string `json:"id"`
			Code    string `json:"code"`
			Matched string `json:"matched"`
		} `json:"error"`
		Causes []struct {
			ID       string `json:"id"`
			Status   string `json:"status"`
			Field    string `json:"field"`
			App      string `json:"app"`
			File     string `json:"file"`
			Line     int    `json:"line"`
			Column   int    `json:"column"`
			Found    string `json:"found"`
			Expected string `json:"expected"`
			Fix      string `json:"fix"`
		} `json:"causes"`
	}
	dec := json.NewDecoder(strings.NewReader(r.out))
	dec.DisallowUnknownFields()
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
		t.Fatalf("stdout is not the JSON contract: %v\n%s", err, r.out)
	}
	type head struct{ Mode, ID, Code, Matched string }
	if diff := cmp.Diff(head{"error", "E28", "invalid_grant", "no client credentials user enabled"}, head{doc.Mode, doc.Error.ID, doc.Error.Code, doc.Error.Matched}); diff != "" {
		t.Errorf("error mismatch (-want +got):\n%s", diff)
	}
	if len(doc.Causes) == 0 {
		t.Fatal("no causes")
	}
	first := doc.Causes[0]
	first.Fix = strings.SplitN(first.Fix, " >", 2)[0]
	want := doc.Causes[0]
	want.ID, want.Status, want.Field, want.App = "E28/no-run-as", "confirmed", "oauth.clientCredentialsUser", "Data_Loader"
	want.File, want.Line, want.Column, want.Found, want.Expected, want.Fix = diagDataLoaderPath, 5, 5, "not set", "present", "Setup"
	if diff := cmp.Diff(want, first); diff != "" {
		t.Errorf("first cause mismatch (-want +got):\n%s", diff)
	}
	seen := map[string]bool{}
	for _, c := range doc.Causes {
		seen[c.Status] = true
	}
	for _, st := range []string{"confirmed", "manual"} {
		if !seen[st] {
			t.Errorf("no cause with status %s", st)
		}
	}
}

func TestDiagnoseCLIHelp(t *testing.T) {
	r := diagMain(t, t.TempDir(), "", "diagnose", "--help")
	if r.code != ExitOK || !strings.Contains(r.out, "--error") || !strings.Contains(r.out, "readiness report") {
		t.Errorf("help: exit %d\n%s%s", r.code, r.out, r.errOut)
	}
}
