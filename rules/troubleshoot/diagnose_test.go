package troubleshoot

import (
	"bytes"
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// firstCause is what a present-cause fixture must put first.
type firstCause struct {
	ID     string // ENTRY/cause
	Rule   string // rule that confirmed it ("" for a Go check)
	Check  string // Go check that confirmed it ("" for a rule)
	App    string
	File   string // relative to the fixture directory
	Line   int
	Status Status
}

// entryCase is one metadata-visible catalogue entry: a fixture where its cause
// is present (diagnose must confirm it first, at the right file and line) and
// one where it is absent (diagnose must not confirm it, and says why).
type entryCase struct {
	name    string
	entry   string   // the entry the error text must match
	text    string   // what the user pasted
	packs   []string // vendor packs (baseline always runs)
	present string   // fixture directory with the cause
	file    string   // file of the broken setting, relative to the fixture
	marker  string   // text on the line of the broken setting
	want    firstCause
	absent  string // fixture directory without the cause ("" when the case has none)
	// absentStatus is the status the cause must have without it ("" = any but confirmed).
	absentStatus Status
	// absentClean requires that nothing at all is confirmed without the cause.
	absentClean bool
	// foundContains is checked against the first cause's found value.
	foundContains string
}

var entryCases = []entryCase{
	{
		name: "E01 code, malformed callback", entry: "E01", text: "redirect_uri_mismatch",
		present: "E01/present", file: "connectedApps/Orders_Sync.connectedApp-meta.xml", marker: "<callbackUrl>",
		want:   firstCause{ID: "E01/callback-malformed", Rule: "baseline/callback-invalid", App: "Orders_Sync"},
		absent: "E01/absent", absentStatus: StatusRuledOut, absentClean: true,
	},
	{
		name: "E01 pasted authorization URL, trailing slash", entry: "E01",
		text:    "redirect_uri_mismatch https://login.salesforce.com/services/oauth2/authorize?response_type=code&client_id=3MVG9Example&redirect_uri=https%3A%2F%2Fapp.example.com%2Foauth%2Fcallback%2F",
		present: "E01/redirect", file: "connectedApps/Orders_Sync.connectedApp-meta.xml", marker: "<callbackUrl>",
		want:          firstCause{ID: "E01/redirect-uri-not-registered", Check: "redirect-uri-registered", App: "Orders_Sync"},
		foundContains: "https://app.example.com/oauth/callback",
	},
	{
		name: "E01 vendor callback with a trailing slash", entry: "E01", text: "error=redirect_uri_mismatch&error_description=redirect_uri%20must%20match%20configuration",
		packs: []string{"autokitteh"}, present: "E01/vendor", file: "connectedApps/AutoKitteh.connectedApp-meta.xml", marker: "<callbackUrl>",
		want:   firstCause{ID: "E01/vendor-callback", Rule: "autokitteh/callback-url-cloud", App: "AutoKitteh"},
		absent: "E01/vendor-absent", absentStatus: StatusRuledOut, absentClean: true,
	},
	{
		name: "E02 no callback URL", entry: "E02", text: "error=redirect_uri_missing&error_description=Redirect_uri+not+provided",
		present: "E02/present", file: "connectedApps/Portal.connectedApp-meta.xml", marker: "<oauthConfig>",
		want:   firstCause{ID: "E02/no-callback", Rule: "baseline/oauth-no-callback", App: "Portal"},
		absent: "E02/absent", absentStatus: StatusRuledOut, absentClean: true,
	},
	{
		name: "E03 Connected App without OAuth", entry: "E03", text: "invalid_client_id: client identifier invalid",
		present: "E03/present", file: "connectedApps/Reporting.connectedApp-meta.xml", marker: "<ConnectedApp",
		want:   firstCause{ID: "E03/oauth-off", Check: "oauth-disabled", App: "Reporting"},
		absent: "E03/absent", absentStatus: StatusRuledOut, absentClean: true,
	},
	{
		name: "E03 External Client App with the OAuth plugin off", entry: "E03", text: "Error (1): invalid_client_id client identifier invalid",
		present: "E03/plugin", file: "extlClntAppPolicies/Billing_Bridge_plcy.ecaPlcy-meta.xml", marker: "<isOauthPluginEnabled>",
		want: firstCause{ID: "E03/plugin-off", Rule: "baseline/oauth-plugin-off", App: "Billing_Bridge"},
	},
	{
		name: "E05 Atera scope missing behind the generic error page", entry: "E05",
		text:  "https://acme.my.salesforce.com/setup/secur/RemoteAccessErrorPage.apexp?error=invalid_scope&error_description=the+requested+scope+is+not+allowed",
		packs: []string{"atera-robin"}, present: "E05/present", file: "extlClntAppOauthSettings/Robin_oauth.ecaOauth-meta.xml", marker: "<commaSeparatedOauthScopes>",
		want:   firstCause{ID: "E05/vendor-scopes", Rule: "atera-robin/scope-refresh-token", App: "Robin"},
		absent: "E05/absent", absentStatus: StatusRuledOut, absentClean: true,
	},
	{
		name: "E05 requested scope from the pasted request", entry: "E05",
		text:    "invalid_scope: the requested scope is not allowed https://login.salesforce.com/services/oauth2/authorize?response_type=code&client_id=3MVG9Example&scope=api%20refresh_token&redirect_uri=https%3A%2F%2Fapp.example.com%2Foauth%2Fcallback",
		present: "E05/requested", file: "connectedApps/Mobile_App.connectedApp-meta.xml", marker: "<scopes>Api</scopes>",
		want:          firstCause{ID: "E05/requested-scope-missing", Check: "requested-scopes", App: "Mobile_App"},
		foundContains: "Api, OpenID",
	},
	{
		name: "E06 PKCE required", entry: "E06", text: "https://app.example.com/oauth/callback?error=invalid_request&error_description=missing+required+code+challenge",
		present: "E06/present", file: "connectedApps/Legacy_Connector.connectedApp-meta.xml", marker: "<isPkceRequired>",
		want:   firstCause{ID: "E06/pkce-required", Check: "pkce-required", App: "Legacy_Connector"},
		absent: "E06/absent", absentStatus: StatusRuledOut, absentClean: true,
	},
	{
		name: "E06 Snow Atlas needs PKCE off (External Client App default on)", entry: "E06", text: "invalid_request: missing required code challenge",
		packs: []string{"snow-atlas"}, present: "E06/vendor", file: "extlClntAppGlobalOauthSets/Snow_Atlas_glbloauth.ecaGlblOauth-meta.xml", marker: "<ExtlClntAppGlobalOauthSettings",
		want: firstCause{ID: "E06/vendor-pkce-off", Rule: "snow-atlas/pkce-not-required", App: "Snow_Atlas"},
	},
	{
		name: "E07 plain http callback", entry: "E07", text: "invalid_request: HTTPS required",
		present: "E07/present", file: "connectedApps/Field_App.connectedApp-meta.xml", marker: "<callbackUrl>",
		want:   firstCause{ID: "E07/callback-http", Rule: "baseline/callback-not-https", App: "Field_App"},
		absent: "E07/absent", absentStatus: StatusRuledOut, absentClean: true,
	},
	{
		name: "E10 uninstalled app, nobody may approve it", entry: "E10",
		text:    "https://acme.my.salesforce.com/setup/secur/RemoteAccessErrorPage.apexp?error=invalid_client&error_description=app+must+be+installed+into+org",
		present: "E10/present", file: "permissionsets/Sales_Users.permissionset-meta.xml", marker: "<PermissionSet",
		want:   firstCause{ID: "E10/uninstalled-app", Check: "approve-uninstalled"},
		absent: "E10/absent", absentStatus: StatusRuledOut, absentClean: true,
	},
	{
		name: "E11 blocked: admin approved with nobody pre-authorized", entry: "E11", text: "Remote_Error: OAUTH_APP_BLOCKED",
		present: "E11/present", file: "connectedApps/Partner_Portal.connectedApp-meta.xml", marker: "<ConnectedApp",
		want:   firstCause{ID: "E11/no-grants", Rule: "baseline/admin-approved-no-grants", App: "Partner_Portal"},
		absent: "E11/absent", absentStatus: StatusRuledOut, absentClean: true,
	},
	{
		name: "E12 not admin approved", entry: "E12", text: `{"error":"invalid_app_access","error_description":"user is not admin approved to access this app"}`,
		present: "E12/present", file: "connectedApps/Partner_Portal.connectedApp-meta.xml", marker: "<ConnectedApp",
		want:   firstCause{ID: "E12/no-grants", Rule: "baseline/admin-approved-no-grants", App: "Partner_Portal"},
		absent: "E12/absent", absentStatus: StatusRuledOut, absentClean: true,
	},
	{
		name: "E13 Local External Client App", entry: "E13", text: "OAUTH_AUTHORIZATION_BLOCKED: Cross-org OAuth flows are not supported for this external client app",
		present: "E13/present", file: "externalClientApps/Multi_Org.eca-meta.xml", marker: "<distributionState>",
		want:   firstCause{ID: "E13/eca-local", Check: "eca-local", App: "Multi_Org"},
		absent: "E13/absent", absentStatus: StatusRuledOut, absentClean: true,
	},
	{
		name: "E14 OAuth plugin off", entry: "E14", text: "OAUTH_EC_APP_NOT_FOUND",
		present: "E14/present", file: "extlClntAppPolicies/Packaged_Sync_plcy.ecaPlcy-meta.xml", marker: "<isOauthPluginEnabled>",
		want:   firstCause{ID: "E14/plugin-off", Rule: "baseline/oauth-plugin-off", App: "Packaged_Sync"},
		absent: "E14/absent", absentStatus: StatusRuledOut, absentClean: true,
	},
	{
		name: "E18 secret rotated on deploy", entry: "E18", text: `{"error":"invalid_client","error_description":"invalid client credentials"}`,
		present: "E18/present", file: "extlClntAppGlobalOauthSets/Ledger_glbloauth.ecaGlblOauth-meta.xml", marker: "<shouldRotateConsumerSecret>",
		want:   firstCause{ID: "E18/secret-rotated-on-deploy", Rule: "baseline/rotate-credentials-on-deploy", App: "Ledger"},
		absent: "E18/absent", absentStatus: StatusRuledOut, absentClean: true,
	},
	{
		name: "E20 profile login IP ranges enforced", entry: "E20", text: "Error (1): invalid_grant: ip restricted or invalid login hours",
		present: "E20/present", file: "profiles/Integration Profile.profile-meta.xml", marker: "<loginIpRanges>",
		want:   firstCause{ID: "E20/ip-restricted", Check: "ip-restricted", App: "Warehouse_Feed"},
		absent: "E20/absent", absentStatus: StatusRuledOut, absentClean: true,
	},
	{
		name: "E21 refresh tokens expire immediately", entry: "E21", text: `{"error":"invalid_grant","error_description":"expired access/refresh token"}`,
		present: "E21/present", file: "connectedApps/Marketing_Sync.connectedApp-meta.xml", marker: "<refreshTokenPolicy>",
		want:   firstCause{ID: "E21/refresh-zero", Rule: "baseline/refresh-token-immediately-expired", App: "Marketing_Sync"},
		absent: "E21/absent", absentStatus: StatusRuledOut, absentClean: true,
	},
	{
		name: "E24 client credentials off in the policies", entry: "E24", text: "unsupported_grant_type: grant type not supported",
		present: "E24/present", file: "extlClntAppOauthPolicies/Nightly_Job_oauthPlcy.ecaOauthPlcy-meta.xml", marker: "<isClientCredentialsFlowEnabled>",
		want:   firstCause{ID: "E24/cc-policy-off", Rule: "baseline/client-credentials-policy-off", App: "Nightly_Job"},
		absent: "E24/absent", absentStatus: StatusRuledOut, absentClean: true,
	},
	{
		name: "E24 token exchange off in the policy", entry: "E24", text: "unsupported_grant_type",
		present: "E24/token-exchange", file: "connectedApps/Token_Broker.connectedApp-meta.xml", marker: "<isTokenExchangeFlowEnabled>",
		want: firstCause{ID: "E24/token-exchange-policy-off", Check: "token-exchange-policy-off", App: "Token_Broker"},
	},
	{
		name: "E25 JWT user has not approved a self-authorized app", entry: "E25", text: "ERROR running auth:jwt:grant:  user hasn't approved this consumer",
		present: "E25/present", file: "connectedApps/CI_Deploy.connectedApp-meta.xml", marker: "<scopes>Api</scopes>",
		want:   firstCause{ID: "E25/self-authorized-no-refresh", Check: "jwt-self-authorized-no-refresh", App: "CI_Deploy"},
		absent: "E25/absent", absentStatus: StatusRuledOut, absentClean: true,
	},
	{
		name: "E26 expired certificate", entry: "E26", text: `{"error":"invalid_grant","error_description":"invalid assertion"}`,
		present: "E26/present", file: "connectedApps/CI_Deploy.connectedApp-meta.xml", marker: "<certificate>",
		want:   firstCause{ID: "E26/certificate", Check: "jwt-certificate", App: "CI_Deploy"},
		absent: "E26/absent", absentStatus: StatusRuledOut, absentClean: true, foundContains: "expired on 2001-01-01",
	},
	{
		name: "E26 no certificate", entry: "E26", text: "invalid_grant: audience is invalid",
		present: "E26/missing", file: "connectedApps/CI_Deploy.connectedApp-meta.xml", marker: "<oauthConfig>",
		want: firstCause{ID: "E26/certificate", Check: "jwt-certificate", App: "CI_Deploy"},
	},
	{
		name: "E27 JWT without pre-authorization or refresh_token", entry: "E27",
		text:    "invalid_request: refresh_token scope is required and the connected app should be installed and preauthorized",
		present: "E27/present", file: "connectedApps/CI_Deploy.connectedApp-meta.xml", marker: "<scopes>Api</scopes>",
		want:   firstCause{ID: "E27/self-authorized-no-refresh", Check: "jwt-self-authorized-no-refresh", App: "CI_Deploy"},
		absent: "E27/absent", absentStatus: StatusRuledOut, absentClean: true,
	},
	{
		name: "E28 client credentials without Run As user", entry: "E28", text: `{"error":"invalid_grant","error_description":"no client credentials user enabled"}`,
		present: "E28/present", file: "connectedApps/Data_Loader.connectedApp-meta.xml", marker: "<oauthConfig>",
		want:   firstCause{ID: "E28/no-run-as", Rule: "baseline/client-credentials-no-user", App: "Data_Loader"},
		absent: "E28/absent", absentStatus: StatusRuledOut, absentClean: true,
	},
	{
		name: "E29 client credentials off", entry: "E29", text: "invalid_grant: client credentials flow not enabled",
		present: "E29/present", file: "connectedApps/Data_Loader.connectedApp-meta.xml", marker: "<isClientCredentialEnabled>",
		want:   firstCause{ID: "E29/cc-off", Check: "client-credentials-off", App: "Data_Loader"},
		absent: "E29/absent", absentStatus: StatusRuledOut, absentClean: true,
	},
	{
		name: "E31 device flow off (Salesforce CLI line)", entry: "E31", text: "Request Failed: invalid_grant device flow is not enabled for the app",
		present: "E31/present", file: "extlClntAppGlobalOauthSets/Kiosk_glbloauth.ecaGlblOauth-meta.xml", marker: "<isDeviceFlowEnabled>",
		want:   firstCause{ID: "E31/device-flow-off", Check: "device-flow-off", App: "Kiosk"},
		absent: "E31/absent", absentStatus: StatusRuledOut, absentClean: true,
	},
	{
		name: "E31 device flow switch misspelled", entry: "E31", text: "device flow is not enabled for the app",
		present: "E31/misspelled", file: "extlClntAppGlobalOauthSets/Kiosk_glbloauth.ecaGlblOauth-meta.xml", marker: "<isDeviceFlowEnabeld>",
		want:          firstCause{ID: "E31/device-flow-off", Check: "device-flow-off", App: "Kiosk"},
		foundContains: "misspelled",
	},
	{
		name: "E33 username-password flow on an External Client App", entry: "E33", text: "invalid_grant: username-password flow is blocked",
		present: "E33/present", file: "externalClientApps/Legacy_Script.eca-meta.xml", marker: "<ExternalClientApplication",
		want:   firstCause{ID: "E33/eca-password", Check: "eca-password-flow", App: "Legacy_Script"},
		absent: "E33/absent", absentStatus: StatusRuledOut, absentClean: true,
	},
	{
		name: "E34 no refresh token scope", entry: "E34", text: "No refresh token stored in current session",
		present: "E34/present", file: "connectedApps/Analytics.connectedApp-meta.xml", marker: "<scopes>Api</scopes>",
		want:   firstCause{ID: "E34/no-refresh-scope", Check: "no-refresh-scope", App: "Analytics"},
		absent: "E34/absent", absentStatus: StatusRuledOut, absentClean: true,
	},
	{
		name: "E35 REST API error array, pre-authorized set without API Enabled", entry: "E35",
		text:    `[{"message":"The REST API is not enabled for this Organization.","errorCode":"API_DISABLED_FOR_ORG"}]`,
		present: "E35/present", file: "connectedApps/ERP_Connector.connectedApp-meta.xml", marker: "<permissionSetName>",
		want:   firstCause{ID: "E36/preauthorized-without-api", Rule: "baseline/preauthorized-without-api-enabled", App: "ERP_Connector"},
		absent: "E35/absent", absentClean: true,
	},
	{
		name: "E36 SOAP fault, pre-authorized set without API Enabled", entry: "E36",
		text:    `<soapenv:Fault><faultcode>sf:API_CURRENTLY_DISABLED</faultcode><faultstring>API_CURRENTLY_DISABLED: API is disabled for this User</faultstring></soapenv:Fault>`,
		present: "E36/present", file: "connectedApps/ERP_Connector.connectedApp-meta.xml", marker: "<permissionSetName>",
		want:   firstCause{ID: "E36/preauthorized-without-api", Rule: "baseline/preauthorized-without-api-enabled", App: "ERP_Connector"},
		absent: "E36/absent", absentStatus: StatusRuledOut, absentClean: true,
	},
	{
		name: "E37 very short session timeout", entry: "E37", text: `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`,
		present: "E37/present", file: "connectedApps/Dashboard.connectedApp-meta.xml", marker: "<sessionTimeout>",
		want:   firstCause{ID: "E37/short-session", Check: "session-timeout", App: "Dashboard"},
		absent: "E37/absent", absentStatus: StatusRuledOut, absentClean: true,
	},
	{
		name: "E41 metadata says valid until revoked", entry: "E41", text: "idle refresh token expired",
		present: "E41/present", file: "connectedApps/Support_Sync.connectedApp-meta.xml", marker: "<refreshTokenPolicy>",
		want:   firstCause{ID: "E41/refresh-infinite", Rule: "baseline/refresh-token-valid-forever", App: "Support_Sync"},
		absent: "E41/absent", absentStatus: StatusRuledOut, absentClean: true,
	},
}

func TestDiagnoseEntries(t *testing.T) {
	for _, tc := range entryCases {
		t.Run(tc.name, func(t *testing.T) {
			rep := diagnoseFixture(t, tc.present, tc.text, tc.packs...)
			if rep.Entry == nil || rep.Entry.ID != tc.entry {
				t.Fatalf("matched %+v, want entry %s (parsed %+v)", rep.Match, tc.entry, rep.Parsed)
			}
			if rep.Mode != ModeError {
				t.Errorf("mode = %s, want %s", rep.Mode, ModeError)
			}
			if len(rep.Causes) == 0 {
				t.Fatalf("no causes")
			}
			want := tc.want
			want.File = tc.file
			want.Line = lineOf(t, tc.present, tc.file, tc.marker)
			want.Status = StatusConfirmed
			got0 := rep.Causes[0]
			got := firstCause{ID: got0.ID, Rule: got0.Rule, Check: got0.Check, App: got0.App, File: got0.File, Line: got0.Line, Status: got0.Status}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("first cause mismatch (-want +got):\n%s\nall causes:\n%s", diff, strings.Join(statuses(rep), "\n"))
			}
			if got0.Fix == "" {
				t.Errorf("first cause has no fix (Setup click-path)")
			}
			if got0.Column < 1 {
				t.Errorf("first cause column = %d, want >= 1", got0.Column)
			}
			if tc.foundContains != "" && !strings.Contains(got0.Found, tc.foundContains) {
				t.Errorf("found = %q, want it to contain %q", got0.Found, tc.foundContains)
			}
			if tc.absent == "" {
				return
			}
			rep = diagnoseFixture(t, tc.absent, tc.text, tc.packs...)
			var gotStatuses []Status
			for _, c := range rep.Causes {
				if c.ID == tc.want.ID {
					gotStatuses = append(gotStatuses, c.Status)
				}
			}
			for _, st := range gotStatuses {
				if st == StatusConfirmed {
					t.Errorf("absent fixture: %s confirmed\n%s", tc.want.ID, strings.Join(statuses(rep), "\n"))
				}
			}
			if tc.absentStatus != "" {
				if diff := cmp.Diff([]Status{tc.absentStatus}, gotStatuses); diff != "" {
					t.Errorf("absent fixture: status of %s mismatch (-want +got):\n%s\n%s", tc.want.ID, diff, strings.Join(statuses(rep), "\n"))
				}
			}
			if tc.absentClean && rep.Confirmed() != 0 {
				t.Errorf("absent fixture: %d causes confirmed, want 0\n%s", rep.Confirmed(), strings.Join(statuses(rep), "\n"))
			}
		})
	}
}

// TestEveryEntryCovered keeps the tests in step with the catalogue: every
// entry has a present/absent case or a manual-only case.
func TestEveryEntryCovered(t *testing.T) {
	_, cat := catalogues(t)
	covered := map[string]bool{}
	for _, tc := range entryCases {
		covered[tc.entry] = true
	}
	for _, tc := range manualCases {
		if covered[tc.entry] {
			t.Errorf("%s is both a metadata case and a manual-only case", tc.entry)
		}
		covered[tc.entry] = true
	}
	var missing []string
	for _, e := range cat.Entries {
		if !covered[e.ID] {
			missing = append(missing, e.ID)
		}
		// An entry with a cause metadata can show has a metadata case.
		metadataVisible := false
		for _, c := range e.Causes {
			if !c.IsManual() {
				metadataVisible = true
			}
		}
		isManualCase := false
		for _, tc := range manualCases {
			if tc.entry == e.ID {
				isManualCase = true
			}
		}
		if metadataVisible && isManualCase && e.ID != "E11" {
			t.Errorf("%s has metadata causes but only a manual-only test", e.ID)
		}
	}
	if len(missing) > 0 {
		t.Errorf("entries without a test: %v", missing)
	}
}

// manualCases are the entries metadata cannot show: diagnose recognizes them
// and yields the checklist, confirming nothing.
var manualCases = []struct {
	entry, text string
}{
	{"E04", "unsupported_response_type"},
	{"E08", "https://app.example.com/oauth/callback?error=access_denied&error_description=end-user+denied+authorization&state=af0ifjsldkj"},
	{"E09", "https://app.example.com/oauth/callback#error=immediate_unsuccessful&error_description=Immediate+unsuccessful"},
	{"E15", `{"error":"inactive_user","error_description":"User is inactive"}`},
	{"E16", "inactive_org: Org is locked, closed, or suspended"},
	{"E17", `{"error":"rate_limit_exceeded","error_description":"Number of logins exceeded"}`},
	{"E19", `{"error":"invalid_grant","error_description":"authentication failure"}`},
	{"E22", "Error (1): invalid_grant: expired authorization code"},
	{"E23", `{"error":"invalid_grant","error_description":"invalid code verifier"}`},
	{"E30", "Request Failed: invalid_grant request not supported on this domain"},
	{"E32", `{"error":"authorization_pending","error_description":"authorization pending"}`},
	{"E38", "five approvals per user per app"},
	{"E39", "Changes can take up to 10 minutes to take effect"},
	{"E40", "wrong login host"},
}

func TestDiagnoseManualOnly(t *testing.T) {
	for _, tc := range manualCases {
		t.Run(tc.entry, func(t *testing.T) {
			rep := diagnoseFixture(t, "manual", tc.text)
			if rep.Entry == nil || rep.Entry.ID != tc.entry {
				t.Fatalf("matched %+v, want %s (parsed %+v)", rep.Match, tc.entry, rep.Parsed)
			}
			if rep.Confirmed() != 0 {
				t.Errorf("%d causes confirmed, want 0\n%s", rep.Confirmed(), strings.Join(statuses(rep), "\n"))
			}
			var own []string
			for _, c := range rep.Causes {
				if c.Entry == tc.entry && c.Status == StatusManual {
					own = append(own, c.ID)
					if c.Message == "" || c.Title == "" {
						t.Errorf("manual cause %s has no checklist line or title", c.ID)
					}
				}
			}
			var want []string
			for _, c := range rep.Entry.Causes {
				if c.IsManual() {
					want = append(want, c.Ref())
				}
			}
			if diff := cmp.Diff(want, own); diff != "" {
				t.Errorf("checklist mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRankOrder checks the ranking contract: confirmed, unknown, ruled out, manual.
func TestRankOrder(t *testing.T) {
	for _, tc := range entryCases {
		rep := diagnoseFixture(t, tc.present, tc.text, tc.packs...)
		last := -1
		for _, c := range rep.Causes {
			if c.Status.Rank() < last {
				t.Errorf("%s: causes out of order:\n%s", tc.name, strings.Join(statuses(rep), "\n"))
				break
			}
			last = c.Status.Rank()
		}
	}
}

func TestDiagnoseAmbiguousCode(t *testing.T) {
	// invalid_grant alone: E28's rule finding decides.
	rep := diagnoseFixture(t, "E28/present", "invalid_grant")
	if rep.Entry != nil || rep.Match.Kind != ByCodeGuess {
		t.Fatalf("match = %+v, want an ambiguous code", rep.Match)
	}
	var ids []string
	for _, e := range rep.Match.Candidates {
		ids = append(ids, e.ID)
	}
	for _, want := range []string{"E19", "E21", "E28"} {
		if !slices.Contains(ids, want) {
			t.Errorf("candidates %v lack %s", ids, want)
		}
	}
	if c := rep.Causes[0]; c.ID != "E28/no-run-as" || c.Status != StatusConfirmed {
		t.Errorf("first cause = %s %s, want confirmed E28/no-run-as\n%s", c.Status, c.ID, strings.Join(statuses(rep), "\n"))
	}
	if got := rep.JSON().Error.ID; got != "E28" {
		t.Errorf("JSON error id = %q, want E28 (the entry of the first confirmed cause)", got)
	}
	// A cause that assumes the flow is not confirmed from an ambiguous code.
	rep = diagnoseFixture(t, "E31/present", "invalid_grant")
	for _, c := range rep.Causes {
		if c.ID == "E31/device-flow-off" && c.Status == StatusConfirmed {
			t.Errorf("E31/device-flow-off confirmed from invalid_grant alone")
		}
	}
	// The grant_type of a pasted request narrows the candidates to its flow.
	rep = diagnoseFixture(t, "E21/present", `invalid_grant https://acme.my.salesforce.com/services/oauth2/token?grant_type=refresh_token&client_id=x`)
	var got []string
	for _, e := range rep.Match.Candidates {
		got = append(got, e.ID)
	}
	if diff := cmp.Diff([]string{"E19", "E20", "E21"}, got); diff != "" {
		t.Errorf("refresh_token candidates mismatch (-want +got):\n%s", diff)
	}
	if c := rep.Causes[0]; c.ID != "E21/refresh-zero" {
		t.Errorf("first cause = %s, want E21/refresh-zero", c.ID)
	}
}

func TestDiagnoseUnknownText(t *testing.T) {
	rep := diagnoseFixture(t, "E01/present", "redirect_uri_mistmatch")
	if rep.Mode != ModeUnknown || rep.Entry != nil {
		t.Fatalf("mode = %s entry = %v, want unknown", rep.Mode, rep.Entry)
	}
	if len(rep.Match.Closest) == 0 || rep.Match.Closest[0].ID != "E01" {
		t.Errorf("closest = %+v, want E01 first", rep.Match.Closest)
	}
	// The playbook follows: step 2 finds the malformed callback.
	if c := rep.Causes[0]; c.ID != "E01/callback-malformed" || c.Status != StatusConfirmed || c.Step != 2 {
		t.Errorf("first cause = %+v, want confirmed E01/callback-malformed at step 2", c)
	}
	var buf bytes.Buffer
	if err := WriteText(&buf, rep); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Unknown error", "Closest known errors", "E01", "approval fails"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("text output lacks %q:\n%s", want, buf.String())
		}
	}
	// Nothing like any error: still a playbook, no suggestions.
	rep = diagnoseFixture(t, "manual", "the printer is on fire")
	if rep.Mode != ModeUnknown || len(rep.Causes) == 0 {
		t.Errorf("mode = %s with %d causes, want unknown with the playbook", rep.Mode, len(rep.Causes))
	}
}

func TestDiagnosePlaybookText(t *testing.T) {
	rep := diagnoseFixture(t, "E21/present", "Salesforce approval fails or shows an error")
	if rep.Mode != ModePlaybook {
		t.Fatalf("mode = %s, want playbook", rep.Mode)
	}
	if c := rep.Causes[0]; c.ID != "E21/refresh-zero" || c.Step != 9 {
		t.Errorf("first cause = %s step %d, want E21/refresh-zero at step 9", c.ID, c.Step)
	}
}

func TestDiagnoseReadiness(t *testing.T) {
	rep := diagnoseFixture(t, "readiness", "", "atera-robin")
	if rep.Mode != ModeReadiness {
		t.Fatalf("mode = %s, want readiness", rep.Mode)
	}
	type row struct {
		ID, Rule string
		Step     int
		Status   Status
	}
	var got []row
	for _, c := range rep.Causes {
		if c.Status == StatusConfirmed {
			got = append(got, row{c.ID, c.Rule, c.Step, c.Status})
		}
	}
	want := []row{
		{"E01/vendor-callback", "atera-robin/callback-url", 2, StatusConfirmed},
		{"E05/vendor-scopes", "atera-robin/scope-refresh-token", 3, StatusConfirmed},
		{"E24/vendor-flow", "atera-robin/code-credential-flow", 6, StatusConfirmed},
		{"E31/vendor-device-flow", "atera-robin/device-flow", 6, StatusConfirmed},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("confirmed causes mismatch (-want +got):\n%s\nall:\n%s", diff, strings.Join(statuses(rep), "\n"))
	}
	// Then the manual checks, the vendor's own among them.
	var manual []string
	for _, c := range rep.Causes {
		if c.Status == StatusManual {
			manual = append(manual, c.ID)
		}
	}
	for _, want := range []string{"atera-robin/connecting-user-permissions", "atera-robin/propagation-delay", "E38/five-approvals", "E40/login-host"} {
		if !slices.Contains(manual, want) {
			t.Errorf("manual checks %v lack %s", manual, want)
		}
	}
	// The vendor's propagation check replaces the generic one.
	if slices.Contains(manual, "E39/propagation") {
		t.Errorf("manual checks list E39/propagation next to atera-robin/propagation-delay")
	}
	if rep.Causes[len(rep.Causes)-1].Status != StatusManual {
		t.Errorf("manual checks are not last")
	}
}

func TestDiagnoseVendorContradiction(t *testing.T) {
	rep := diagnoseFixture(t, "E06/vendor", "missing required code challenge", "snow-atlas")
	c := rep.Causes[0]
	if !strings.Contains(c.Note, "snow-atlas") || !strings.Contains(c.Note, "baseline/pkce-not-required") {
		t.Errorf("note = %q, want it to name the snow-atlas requirement and baseline/pkce-not-required", c.Note)
	}
	// Without the vendor pack, the PKCE fix warns that it trips the baseline.
	rep = diagnoseFixture(t, "E06/present", "missing required code challenge")
	if c := rep.Causes[0]; !strings.Contains(c.Note, "trips baseline/pkce-not-required") {
		t.Errorf("note = %q, want a warning that the fix trips baseline/pkce-not-required", c.Note)
	}
}

func TestDiagnoseClientIDFocus(t *testing.T) {
	// A pasted request names the app by its consumer key; an unknown key is a cause.
	rep := diagnoseFixture(t, "E03/absent", "invalid_client_id https://login.salesforce.com/services/oauth2/authorize?response_type=code&client_id=3MVG9SomeOtherApp&redirect_uri=https%3A%2F%2Fapp.example.com%2Foauth%2Fcallback")
	c := rep.Causes[0]
	if c.ID != "E03/client-id-not-this-app" || c.Status != StatusConfirmed {
		t.Errorf("first cause = %s %s, want confirmed E03/client-id-not-this-app", c.Status, c.ID)
	}
}

// TestJSONContract decodes the JSON form and checks the keys the issue names.
func TestJSONContract(t *testing.T) {
	rep := diagnoseFixture(t, "E28/present", `{"error":"invalid_grant","error_description":"no client credentials user enabled"}`)
	var buf bytes.Buffer
	if err := WriteJSON(&buf, rep); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Error  map[string]any   `json:"error"`
		Causes []map[string]any `json:"causes"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, buf.String())
	}
	gotErr := map[string]any{"id": doc.Error["id"], "code": doc.Error["code"], "matched": doc.Error["matched"]}
	wantErr := map[string]any{"id": "E28", "code": "invalid_grant", "matched": "no client credentials user enabled"}
	if diff := cmp.Diff(wantErr, gotErr); diff != "" {
		t.Errorf("error mismatch (-want +got):\n%s", diff)
	}
	if len(doc.Causes) == 0 {
		t.Fatal("no causes")
	}
	for i, c := range doc.Causes {
		var keys []string
		for k := range c {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range []string{"id", "status", "field", "app", "file", "line", "column", "found", "expected", "fix"} {
			if _, ok := c[k]; !ok {
				t.Errorf("cause %d lacks %q (keys %v)", i, k, keys)
			}
		}
		switch c["status"] {
		case "confirmed", "ruled-out", "unknown", "manual":
		default:
			t.Errorf("cause %d status = %v", i, c["status"])
		}
	}
	first := doc.Causes[0]
	wantFirst := map[string]any{
		"id": "E28/no-run-as", "status": "confirmed", "field": "oauth.clientCredentialsUser", "app": "Data_Loader",
		"file": "connectedApps/Data_Loader.connectedApp-meta.xml", "line": float64(lineOf(t, "E28/present", "connectedApps/Data_Loader.connectedApp-meta.xml", "<oauthConfig>")),
		"column": float64(5), "found": "not set", "expected": "present",
	}
	gotFirst := map[string]any{}
	for k := range wantFirst {
		gotFirst[k] = first[k]
	}
	if diff := cmp.Diff(wantFirst, gotFirst); diff != "" {
		t.Errorf("first cause mismatch (-want +got):\n%s", diff)
	}
	if fix, _ := first["fix"].(string); !strings.Contains(fix, "Run As") {
		t.Errorf("fix = %q, want the Setup click-path to the Run As user", fix)
	}
	// Readiness: no error object.
	rep = diagnoseFixture(t, "readiness", "", "atera-robin")
	buf.Reset()
	if err := WriteJSON(&buf, rep); err != nil {
		t.Fatal(err)
	}
	var ready map[string]any
	if err := json.Unmarshal(buf.Bytes(), &ready); err != nil {
		t.Fatal(err)
	}
	if ready["error"] != nil || ready["mode"] != "readiness" {
		t.Errorf("readiness JSON error = %v mode = %v, want null and readiness", ready["error"], ready["mode"])
	}
}

func TestWriteTextSections(t *testing.T) {
	rep := diagnoseFixture(t, "E21/present", `{"error":"invalid_grant","error_description":"expired access/refresh token"}`)
	var buf bytes.Buffer
	if err := WriteText(&buf, rep); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	line := lineOf(t, "E21/present", "connectedApps/Marketing_Sync.connectedApp-meta.xml", "<refreshTokenPolicy>")
	for _, want := range []string{
		"E21: The refresh token is expired or revoked",
		"Confirmed (1)",
		"connectedApps/Marketing_Sync.connectedApp-meta.xml:" + itoa(line) + ":9:",
		"found: zero",
		"fix: ",
		"Ruled out",
		"Check by hand",
		"[ ] Five approvals per user per app",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
	// Sections come in order.
	if i, j, k := strings.Index(out, "Confirmed"), strings.Index(out, "Ruled out"), strings.Index(out, "Check by hand"); !(i < j && j < k) {
		t.Errorf("sections out of order: confirmed %d, ruled out %d, by hand %d", i, j, k)
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// TestSecretsNeverShown: a committed secret is reported by presence only.
func TestSecretsNeverShown(t *testing.T) {
	rep := diagnoseFixture(t, "E26/present", "invalid assertion")
	var buf bytes.Buffer
	_ = WriteText(&buf, rep)
	_ = WriteJSON(&buf, rep)
	cert := strings.TrimSpace(strings.SplitN(strings.SplitN(readFixture(t, "E26/present", "connectedApps/CI_Deploy.connectedApp-meta.xml"), "<certificate>", 2)[1], "</certificate>", 2)[0])
	if strings.Contains(buf.String(), cert[:40]) {
		t.Errorf("output contains the certificate text")
	}
}
