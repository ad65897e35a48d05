package troubleshoot

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

type parseCase struct {
	name string
	in   string
	want ParsedError // Input is filled in by the test
}

// parseCases are real-looking error texts in every shape the reference
// (oauth-troubleshooting.md §1) lists.
var parseCases = []parseCase{
	{"bare code", "redirect_uri_mismatch",
		ParsedError{Shape: ShapeCode, Code: "redirect_uri_mismatch"}},
	{"upper-case code", "API_DISABLED_FOR_ORG",
		ParsedError{Shape: ShapeCode, Code: "API_DISABLED_FOR_ORG"}},
	{"message", "user hasn't approved this consumer",
		ParsedError{Shape: ShapeMessage, Description: "user hasn't approved this consumer"}},
	{"message with quotes and spaces", `  "Session expired or invalid"  `,
		ParsedError{Shape: ShapeMessage, Description: "Session expired or invalid"}},
	{"web server redirect, query", "https://app.example.com/oauth/callback?error=redirect_uri_mismatch&error_description=redirect_uri%20must%20match%20configuration&state=xyz",
		ParsedError{Shape: ShapeURL, Code: "redirect_uri_mismatch", Description: "redirect_uri must match configuration", Host: "app.example.com"}},
	{"user-agent redirect, fragment, plus as space", "https://app.example.com/oauth/callback#error=access_denied&error_description=end-user+denied+authorization&state=af0ifjsldkj",
		ParsedError{Shape: ShapeURL, Code: "access_denied", Description: "end-user denied authorization", Host: "app.example.com"}},
	{"RemoteAccessErrorPage with the real error", "https://acme.my.salesforce.com/setup/secur/RemoteAccessErrorPage.apexp?error=invalid_scope&error_description=the+requested+scope+is+not+allowed",
		ParsedError{Shape: ShapeURL, Code: "invalid_scope", Description: "the requested scope is not allowed", Wrappers: []string{WrapperErrorPage}, Host: "acme.my.salesforce.com"}},
	{"RemoteAccessErrorPage, generic wrapper naming the inner error", "https://acme.my.salesforce.com/setup/secur/RemoteAccessErrorPage.apexp?error=OAUTH_APPROVAL_ERROR_GENERIC&error_description=invalid_client%3A+app+must+be+installed+into+org",
		ParsedError{Shape: ShapeURL, Code: "invalid_client", Description: "app must be installed into org", Wrappers: []string{WrapperErrorPage, WrapperGeneric}, Host: "acme.my.salesforce.com"}},
	{"RemoteAccessErrorPage, double-encoded", "https://acme.my.salesforce.com/setup/secur/RemoteAccessErrorPage.apexp?error=invalid_client&error_description=app%2Bmust%2Bbe%2Binstalled%2Binto%2Borg",
		ParsedError{Shape: ShapeURL, Code: "invalid_client", Description: "app must be installed into org", Wrappers: []string{WrapperErrorPage}, Host: "acme.my.salesforce.com"}},
	{"error page address nested in startURL", "https://acme.my.salesforce.com/?ec=302&startURL=%2Fsetup%2Fsecur%2FRemoteAccessErrorPage.apexp%3Ferror%3Dinvalid_scope%26error_description%3Dthe%2Brequested%2Bscope%2Bis%2Bnot%2Ballowed",
		ParsedError{Shape: ShapeURL, Code: "invalid_scope", Description: "the requested scope is not allowed", Wrappers: []string{WrapperErrorPage}, Host: "acme.my.salesforce.com"}},
	{"description pasted with spaces decoded", "https://acme.my.salesforce.com/setup/secur/RemoteAccessErrorPage.apexp?error=invalid_scope&error_description=the requested scope is not allowed",
		ParsedError{Shape: ShapeURL, Code: "invalid_scope", Description: "the requested scope is not allowed", Wrappers: []string{WrapperErrorPage}, Host: "acme.my.salesforce.com"}},
	{"generic wrapper alone", "OAUTH_APPROVAL_ERROR_GENERIC : An unexpected error has occured during authentication",
		ParsedError{Shape: ShapeCLI, Wrappers: []string{WrapperGeneric}}},
	{"generic text alone", "An unexpected error has occurred during authentication.",
		ParsedError{Shape: ShapeMessage, Wrappers: []string{WrapperGeneric}}},
	{"real code with the generic text", "error=invalid_request&error_description=OAUTH_APPROVAL_ERROR_GENERIC+%3A+An+unexpected+error+has+occured+during+authentication",
		ParsedError{Shape: ShapePairs, Code: "invalid_request", Wrappers: []string{WrapperGeneric}}},
	{"authorization request without error", "https://login.salesforce.com/services/oauth2/authorize?response_type=code&client_id=3MVG9Example&redirect_uri=https%3A%2F%2Fapp.atera.com%2Fproxy%2Fintegrationssalesforce%2Fmanagement%2Fcallback&scope=api+refresh_token",
		ParsedError{Shape: ShapeURL, Host: "login.salesforce.com", Params: map[string]string{"response_type": "code", "client_id": "3MVG9Example", "redirect_uri": "https://app.atera.com/proxy/integrationssalesforce/management/callback", "scope": "api refresh_token"}}},
	{"code next to the authorization request", "redirect_uri_mismatch https://login.salesforce.com/services/oauth2/authorize?response_type=code&client_id=abc&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb%2F",
		ParsedError{Shape: ShapeCode, Code: "redirect_uri_mismatch", Host: "login.salesforce.com", Params: map[string]string{"response_type": "code", "client_id": "abc", "redirect_uri": "https://app.example.com/cb/"}}},
	{"token endpoint JSON", `{"error":"invalid_grant","error_description":"expired access/refresh token"}`,
		ParsedError{Shape: ShapeJSON, Code: "invalid_grant", Description: "expired access/refresh token"}},
	{"token endpoint JSON, JWT audience", `{"error":"invalid_grant","error_description":"Audience validation failed"}`,
		ParsedError{Shape: ShapeJSON, Code: "invalid_grant", Description: "Audience validation failed"}},
	{"JSON after an HTTP status line", `HTTP/1.1 400 Bad Request {"error":"invalid_grant","error_description":"no client credentials user enabled"}`,
		ParsedError{Shape: ShapeJSON, Code: "invalid_grant", Description: "no client credentials user enabled"}},
	{"REST error array", `[{"message":"The REST API is not enabled for this Organization.","errorCode":"API_DISABLED_FOR_ORG"}]`,
		ParsedError{Shape: ShapeJSON, Code: "API_DISABLED_FOR_ORG", Description: "The REST API is not enabled for this Organization."}},
	{"REST error array, session", `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`,
		ParsedError{Shape: ShapeJSON, Code: "INVALID_SESSION_ID", Description: "Session expired or invalid"}},
	{"nested JSON error object", `{"error":{"code":"invalid_client","message":"invalid client credentials"}}`,
		ParsedError{Shape: ShapeJSON, Code: "invalid_client", Description: "invalid client credentials"}},
	{"SOAP fault", `<soapenv:Envelope><soapenv:Body><soapenv:Fault><faultcode>sf:API_CURRENTLY_DISABLED</faultcode><faultstring>API_CURRENTLY_DISABLED: API is disabled for this User</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>`,
		ParsedError{Shape: ShapeSOAP, Code: "API_CURRENTLY_DISABLED", Description: "API is disabled for this User"}},
	{"SOAP faultCode as text", "faultCode: INVALID_SESSION_ID faultString: Invalid Session ID found in SessionHeader",
		ParsedError{Shape: ShapeSOAP, Code: "INVALID_SESSION_ID", Description: "Invalid Session ID found in SessionHeader"}},
	{"CLI Error (1)", "Error (1): invalid_grant: authentication failure",
		ParsedError{Shape: ShapeCLI, Code: "invalid_grant", Description: "authentication failure"}},
	{"CLI Request Failed", "Request Failed: invalid_grant device flow is not enabled for the app",
		ParsedError{Shape: ShapeCLI, Code: "invalid_grant", Description: "device flow is not enabled for the app"}},
	{"sfdx ERROR running", "ERROR running force:auth:jwt:grant:  user hasn't approved this consumer",
		ParsedError{Shape: ShapeCLI, Description: "user hasn't approved this consumer"}},
	{"CLI due to", "Error authenticating with auth code due to: expired access/refresh token",
		ParsedError{Shape: ShapeCLI, Description: "expired access/refresh token"}},
	{"library wrapper", "invalid_client_id: client identifier invalid",
		ParsedError{Shape: ShapeCLI, Code: "invalid_client_id", Description: "client identifier invalid"}},
	{"Remote_Error", "Remote_Error: OAUTH_APP_BLOCKED",
		ParsedError{Shape: ShapeCLI, Code: "OAUTH_APP_BLOCKED"}},
	{"key=value text", "error=OAUTH_APP_BLOCKED error_description=this app is blocked by admin",
		ParsedError{Shape: ShapePairs, Code: "OAUTH_APP_BLOCKED", Description: "this app is blocked by admin"}},
	{"bare query", "error=invalid_scope&error_description=the+requested+scope+is+not+allowed",
		ParsedError{Shape: ShapePairs, Code: "invalid_scope", Description: "the requested scope is not allowed"}},
	{"Login History status", "Failed: Not approved for access",
		ParsedError{Shape: ShapeCLI, Description: "Not approved for access"}},
	{"code with a dash and colon", "INVALID_SESSION_ID - Session expired or invalid",
		ParsedError{Shape: ShapeCLI, Code: "INVALID_SESSION_ID", Description: "Session expired or invalid"}},
	{"empty", "   \n\t ",
		ParsedError{Shape: ShapeEmpty}},
}

func TestParseError(t *testing.T) {
	for _, tc := range parseCases {
		t.Run(tc.name, func(t *testing.T) {
			got := ParseError(tc.in)
			want := tc.want
			want.Input = strings.TrimSpace(tc.in)
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("ParseError(%q) mismatch (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

// TestMatch checks that each shape of input reaches the right entry, with
// matching that ignores case and punctuation and prefers descriptions to codes.
func TestMatch(t *testing.T) {
	_, cat := catalogues(t)
	tests := []struct {
		in   string
		kind MatchKind
		id   string // "" for ambiguous / unknown
	}{
		{"redirect_uri_mismatch", ByCode, "E01"},
		{"REDIRECT_URI_MISMATCH", ByCode, "E01"},
		{"Redirect URI mismatch", ByCode, "E01"},
		{"redirect-uri-mismatch!", ByCode, "E01"},
		{"Redirect_uri mismatch with connected app object", ByMessage, "E01"},
		{"USER HASN'T APPROVED THIS CONSUMER.", ByMessage, "E25"},
		{"user hasn’t approved this consumer", ByMessage, "E25"},
		{"invalid_grant: ip restricted or invalid login hours", ByMessage, "E20"},
		{"invalid_grant: IP restricted or invalid login hours", ByMessage, "E20"},
		{`{"error":"invalid_grant","error_description":"expired access/refresh token"}`, ByMessage, "E21"},
		{`{"error":"invalid_grant","error_description":"authentication failure"}`, ByMessage, "E19"},
		{"invalid_grant", ByCodeGuess, ""},
		{"invalid_request", ByCodeGuess, ""},
		{"invalid_client_id: client identifier invalid", ByMessage, "E03"},
		{"invalid_client", ByCode, "E18"},
		{"https://acme.my.salesforce.com/setup/secur/RemoteAccessErrorPage.apexp?error=invalid_client&error_description=app+must+be+installed+into+org", ByMessage, "E10"},
		{"OAUTH_APPROVAL_ERROR_GENERIC", ByCode, "E10"},
		{"https://acme.my.salesforce.com/setup/secur/RemoteAccessErrorPage.apexp?error=OAUTH_APPROVAL_ERROR_GENERIC&error_description=An+unexpected+error+has+occured+during+authentication", ByCode, "E10"},
		{"error=invalid_request&error_description=missing+required+code+challenge", ByMessage, "E06"},
		{"Request Failed: invalid_grant device flow is not enabled for the app", ByMessage, "E31"},
		{"API_CURRENTLY_DISABLED", ByCode, "E36"},
		{"access-denied", ByCode, "E08"},
		{"Salesforce approval fails or shows an error", ByPlaybook, ""},
		{"redirect_uri_mistmatch", ByNothing, ""},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			m := cat.Match(ParseError(tc.in))
			id := ""
			if m.Entry != nil {
				id = m.Entry.ID
			}
			if m.Kind != tc.kind || id != tc.id {
				t.Errorf("Match(%q) = %s %s (matched %q), want %s %s", tc.in, m.Kind, id, m.Matched, tc.kind, tc.id)
			}
		})
	}
}

// TestMatchCatalogueStrings: every message and every code only one entry has
// finds its own entry.
func TestMatchCatalogueStrings(t *testing.T) {
	_, cat := catalogues(t)
	owners := map[string][]string{}
	for _, e := range cat.Entries {
		for _, c := range e.Codes {
			if !slices.Contains(owners[normalize(c)], e.ID) {
				owners[normalize(c)] = append(owners[normalize(c)], e.ID)
			}
		}
	}
	for _, e := range cat.Entries {
		for _, m := range e.Messages {
			if got := cat.Match(ParseError(m)); got.Entry != e {
				t.Errorf("message %q of %s matched %+v", m, e.ID, got)
			}
		}
		for _, c := range e.Codes {
			got := cat.Match(ParseError(c))
			switch {
			case len(owners[normalize(c)]) == 1 && got.Entry != e:
				t.Errorf("code %q of %s matched %+v", c, e.ID, got)
			case len(owners[normalize(c)]) > 1 && got.Kind != ByCodeGuess:
				t.Errorf("shared code %q (%v) matched %+v, want ambiguous", c, owners[normalize(c)], got)
			}
			if !knownCode(c) {
				t.Errorf("code %q of %s is not in knownCodes (parse.go)", c, e.ID)
			}
		}
	}
}

func TestClosest(t *testing.T) {
	_, cat := catalogues(t)
	for _, tc := range []struct{ in, want string }{
		{"redirect_uri_mistmatch", "E01"},
		{"invalid_clent_id", "E03"},
		{"user has not aproved this consumer", "E25"},
		{"device flow disabled", "E31"},
	} {
		m := cat.Match(ParseError(tc.in))
		if m.Kind != ByNothing || len(m.Closest) == 0 || m.Closest[0].ID != tc.want {
			t.Errorf("Match(%q) = %s, closest %+v, want unknown with %s first", tc.in, m.Kind, m.Closest, tc.want)
		}
	}
}

// FuzzParseError: any input parses without panicking, and the result is valid
// UTF-8 and matches without panicking either.
func FuzzParseError(f *testing.F) {
	for _, tc := range parseCases {
		f.Add(tc.in)
	}
	for _, tc := range entryCases {
		f.Add(tc.text)
	}
	for _, tc := range manualCases {
		f.Add(tc.text)
	}
	for _, s := range []string{"%", "%%25%2", "?error=", "#error=&error_description=%ZZ", "{\"error\":", "[[[[[[", "<faultcode>", "error=a error_description=", "\xff\xfe", strings.Repeat("{", 5000)} {
		f.Add(s)
	}
	_, cat := catalogues(f)
	f.Fuzz(func(t *testing.T, in string) {
		p := ParseError(in)
		for _, s := range []string{p.Code, p.Description, p.Input, p.Host} {
			if !utf8.ValidString(s) {
				t.Errorf("ParseError(%q) returned invalid UTF-8 %q", in, s)
			}
		}
		_ = cat.Match(p)
		_ = p.RequestFlow()
	})
}
