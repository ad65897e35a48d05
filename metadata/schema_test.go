package metadata

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/sfapplint/sfapplint/metadata/internal/corpustest"
)

func newTestSchema(t testing.TB) *Schema {
	t.Helper()
	s, err := NewSchema()
	if err != nil {
		t.Fatalf("NewSchema: %v", err)
	}
	return s
}

// parseFixture classifies and parses a file the way the loader does.
func parseFixture(t testing.TB, path string) (*Document, Type) {
	t.Helper()
	typ, _, _, ok := Classify(path)
	if !ok {
		t.Fatalf("Classify(%q): not a metadata file", path)
	}
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := ParseDocument(filepath.ToSlash(path), src, ParseLimits{})
	if err != nil {
		t.Fatalf("ParseDocument(%q): %v", path, err)
	}
	return doc, typ
}

// problemView is the part of a Problem the tests compare.
type problemView struct {
	Code       ProblemCode
	At         string // line:column
	Element    string
	Suggestion string
	Message    string
}

func viewProblems(ps []Problem) []problemView {
	var out []problemView
	for _, p := range ps {
		out = append(out, problemView{
			Code:       p.Code,
			At:         fmt.Sprintf("%d:%d", p.Pos.Line, p.Pos.Column),
			Element:    p.Element,
			Suggestion: p.Suggestion,
			Message:    p.Message,
		})
	}
	return out
}

func TestValidateValidFixtures(t *testing.T) {
	s := newTestSchema(t)
	paths, err := filepath.Glob(filepath.Join("testdata", "schema", "valid", "*"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 9 {
		t.Fatalf("found %d valid fixtures, want 9 (one per type)", len(paths))
	}
	seen := map[Type]bool{}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			doc, typ := parseFixture(t, path)
			seen[typ] = true
			if got := s.Validate(doc, typ); len(got) != 0 {
				t.Errorf("Validate(%s) = %v, want no problems", path, viewProblems(got))
			}
		})
	}
	for _, ti := range KnownTypes() {
		if !seen[ti.Type] {
			t.Errorf("no valid fixture of type %s", ti.Type)
		}
	}
}

func TestValidateProblems(t *testing.T) {
	s := newTestSchema(t)
	const (
		plcy = "ExtlClntAppOauthConfigurablePolicies"
		glbl = "ExtlClntAppGlobalOauthSettings"
	)
	tests := []struct {
		file string
		want []problemView
	}{
		{
			file: "Wrong_Root.eca-meta.xml",
			want: []problemView{{
				Code: ProblemWrongRoot, At: "2:1", Element: "ExtlClntAppOauthSettings", Suggestion: "ExternalClientApplication",
				Message: `root element "ExtlClntAppOauthSettings" does not match the file type: a .eca file must have root element "ExternalClientApplication"`,
			}},
		},
		{
			file: "Wrong_Root.profile-meta.xml",
			want: []problemView{{
				Code: ProblemWrongRoot, At: "2:1", Element: "PermissionSet", Suggestion: "Profile",
				Message: `root element "PermissionSet" does not match the file type: a .profile file must have root element "Profile"`,
			}},
		},
		{
			file: "No_Namespace.connectedApp-meta.xml",
			want: []problemView{{
				Code: ProblemWrongNamespace, At: "2:1", Element: "ConnectedApp", Suggestion: Namespace,
				Message: `root element "ConnectedApp" is not in the metadata namespace; expected xmlns="http://soap.sforce.com/2006/04/metadata"`,
			}},
		},
		{
			file: "Other_Namespace.ecaPlcy-meta.xml",
			want: []problemView{{
				Code: ProblemWrongNamespace, At: "2:1", Element: "ExtlClntAppConfigurablePolicies", Suggestion: Namespace,
				Message: `root element "ExtlClntAppConfigurablePolicies" has namespace "http://soap.sforce.com/2006/04/metadata/"; expected "http://soap.sforce.com/2006/04/metadata"`,
			}},
		},
		{
			file: "Typos_glbloauth.ecaGlblOauth-meta.xml",
			want: []problemView{
				{
					Code: ProblemUnknownElement, At: "5:5", Element: glbl + "/IsPkceRequired", Suggestion: "isPkceRequired",
					Message: `unknown element "IsPkceRequired" in ExtlClntAppGlobalOauthSettings; did you mean "isPkceRequired"?`,
				},
				{
					Code: ProblemUnknownElement, At: "6:5", Element: glbl + "/isClientCredentialEnabled", Suggestion: "isClientCredentialsFlowEnabled",
					Message: `unknown element "isClientCredentialEnabled" in ExtlClntAppGlobalOauthSettings; did you mean "isClientCredentialsFlowEnabled"?`,
				},
				{
					Code: ProblemUnknownElement, At: "7:5", Element: glbl + "/isPkceRequird", Suggestion: "isPkceRequired",
					Message: `unknown element "isPkceRequird" in ExtlClntAppGlobalOauthSettings; did you mean "isPkceRequired"?`,
				},
				{
					Code: ProblemUnknownElement, At: "9:9", Element: glbl + "/idTokenConfig/idTokenValidity", Suggestion: "",
					Message: `unknown element "idTokenValidity" in ExternalAppIdTokenConfig`,
				},
				{
					Code: ProblemUnknownElement, At: "11:5", Element: glbl + "/somethingElseEntirely",
					Message: `unknown element "somethingElseEntirely" in ExtlClntAppGlobalOauthSettings`,
				},
			},
		},
		{
			file: "Values_oauthPlcy.ecaOauthPlcy-meta.xml",
			want: []problemView{
				{
					Code: ProblemBadEnum, At: "4:5", Element: plcy + "/ipRelaxationPolicyType", Suggestion: "Enforce_relaxrefresh",
					Message: `value "Enforce_RelaxRefresh" for ipRelaxationPolicyType is not in canonical case; use "Enforce_relaxrefresh"`,
				},
				{
					Code: ProblemBadBoolean, At: "5:5", Element: plcy + "/isClientCredentialsFlowEnabled",
					Message: `invalid boolean "yes" for isClientCredentialsFlowEnabled; use true or false`,
				},
				// 6:5 isGuestCodeCredFlowEnabled " false\n    " is fine: surrounding whitespace is trimmed.
				{
					Code: ProblemDeprecated, At: "8:5", Element: plcy + "/isNamedUserJwtEnabled",
					Message: `element "isNamedUserJwtEnabled" in ExtlClntAppOauthConfigurablePolicies is deprecated; the setting now lives in the global OAuth settings file (ExtlClntAppGlobalOauthSettings isNamedUserJwtEnabled); remove it here`,
				},
				{
					Code: ProblemBadBoolean, At: "9:5", Element: plcy + "/isTokenExchangeFlowEnabled", Suggestion: "true",
					Message: `invalid boolean "True" for isTokenExchangeFlowEnabled; use true or false`,
				},
				{
					Code: ProblemDuplicate, At: "11:5", Element: plcy + "/label",
					Message: `duplicate element "label" in ExtlClntAppOauthConfigurablePolicies; it may appear only once (first at line 10)`,
				},
				{
					Code: ProblemBadEnum, At: "12:5", Element: plcy + "/permittedUsersPolicyType", Suggestion: "AdminApprovedPreAuthorized",
					Message: `invalid value "AdminApprovedPreAuthorised" for permittedUsersPolicyType; did you mean "AdminApprovedPreAuthorized"?`,
				},
				{
					Code: ProblemBadNumber, At: "14:5", Element: plcy + "/refreshTokenValidityPeriod",
					Message: `invalid number "thirty" for refreshTokenValidityPeriod; expected a whole number`,
				},
				{
					Code: ProblemBadEnum, At: "15:5", Element: plcy + "/refreshTokenValidityUnit", Suggestion: "Days",
					Message: `value "days" for refreshTokenValidityUnit is not in canonical case; use "Days"`,
				},
				{
					Code: ProblemBadEnum, At: "16:5", Element: plcy + "/requiredSessionLevel",
					Message: `invalid value "MEDIUM" for requiredSessionLevel`,
				},
				{
					Code: ProblemBadNumber, At: "17:5", Element: plcy + "/sessionTimeoutInMinutes",
					Message: `invalid number "1.5" for sessionTimeoutInMinutes; expected a whole number`,
				},
			},
		},
		{
			file: "Missing_oauth.ecaOauth-meta.xml",
			want: []problemView{
				{
					Code: ProblemMissingRequired, At: "2:1", Element: "ExtlClntAppOauthSettings/externalClientApplication",
					Message: `missing required element "externalClientApplication" in ExtlClntAppOauthSettings`,
				},
				// trustedIpRanges lacks endIpAddress, which the WSDL requires; no
				// real file has trustedIpRanges, so it is not enforced (conservative).
			},
		},
		{
			file: "Broken.connectedApp-meta.xml",
			want: []problemView{
				{
					Code: ProblemMissingRequired, At: "2:1", Element: "ConnectedApp/label",
					Message: `missing required element "label" in ConnectedApp`,
				},
				{
					Code: ProblemDuplicate, At: "4:5", Element: "ConnectedApp/contactEmail",
					Message: `duplicate element "contactEmail" in ConnectedApp; it may appear only once (first at line 3)`,
				},
				{
					Code: ProblemUnknownElement, At: "5:5", Element: "ConnectedApp/developerName",
					Message: `unknown element "developerName" in ConnectedApp`,
				},
				{
					Code: ProblemMissingRequired, At: "6:5", Element: "ConnectedApp/oauthConfig/callbackUrl",
					Message: `missing required element "callbackUrl" in ConnectedAppOauthConfig`,
				},
				{
					Code: ProblemBadEnum, At: "9:9", Element: "ConnectedApp/oauthConfig/scopes", Suggestion: "Api",
					Message: `value "api" for scopes is not in canonical case; use "Api"`,
				},
				{
					Code: ProblemBadEnum, At: "11:9", Element: "ConnectedApp/oauthConfig/scopes",
					Message: `invalid value "ID" for scopes`,
				},
				{
					// Chatbot is 3 edits away: more than 2 and more than len/4.
					Code: ProblemBadEnum, At: "12:9", Element: "ConnectedApp/oauthConfig/scopes",
					Message: `invalid value "ChatbotApi" for scopes`,
				},
				{
					Code: ProblemBadEnum, At: "15:9", Element: "ConnectedApp/oauthPolicy/ipRelaxation", Suggestion: "BYPASS",
					Message: `value "Bypass" for ipRelaxation is not in canonical case; use "BYPASS"`,
				},
				{
					Code: ProblemBadEnum, At: "16:9", Element: "ConnectedApp/oauthPolicy/refreshTokenPolicy", Suggestion: "specific_lifetime:90:DAYS",
					Message: `value "specific_lifetime:90:days" for refreshTokenPolicy is not in canonical case; use "specific_lifetime:90:DAYS"`,
				},
				{
					Code: ProblemDuplicate, At: "18:5", Element: "ConnectedApp/oauthPolicy",
					Message: `duplicate element "oauthPolicy" in ConnectedApp; it may appear only once (first at line 14)`,
				},
				{
					Code: ProblemBadEnum, At: "19:9", Element: "ConnectedApp/oauthPolicy/ipRelaxation",
					Message: `invalid value "RELAX" for ipRelaxation`,
				},
				{
					Code: ProblemBadEnum, At: "20:9", Element: "ConnectedApp/oauthPolicy/refreshTokenPolicy",
					Message: `invalid value "specific_lifetime:0:DAYS" for refreshTokenPolicy; expected zero, infinite, specific_lifetime:N:UNIT or specific_inactivity:N:UNIT, with N a positive whole number and UNIT one of HOURS, DAYS, MONTHS`,
				},
				{
					Code: ProblemBadNumber, At: "24:9", Element: "ConnectedApp/sessionPolicy/sessionTimeout",
					Message: `invalid number "15.5" for sessionTimeout; expected a whole number`,
				},
				{
					Code: ProblemUnknownElement, At: "26:15", Element: "ConnectedApp/startUrl/a",
					Message: `unexpected element "a" in startUrl, which holds a value, not elements`,
				},
				{
					Code: ProblemUnknownElement, At: "27:5", Element: "ConnectedApp/version",
					Message: `unknown element "version" in ConnectedApp`,
				},
			},
		},
		{
			file: "Perms.permissionset-meta.xml",
			want: []problemView{
				// notARealPermissionSetElement (4:5) is not reported: only userPermissions is checked.
				{
					Code: ProblemBadBoolean, At: "6:9", Element: "PermissionSet/userPermissions/enabled", Suggestion: "true",
					Message: `invalid boolean "TRUE" for enabled; use true or false`,
				},
				{
					Code: ProblemMissingRequired, At: "9:5", Element: "PermissionSet/userPermissions/name",
					Message: `missing required element "name" in PermissionSetUserPermission`,
				},
				{
					Code: ProblemUnknownElement, At: "11:9", Element: "PermissionSet/userPermissions/nmae", Suggestion: "name",
					Message: `unknown element "nmae" in PermissionSetUserPermission; did you mean "name"?`,
				},
				{
					Code: ProblemDuplicate, At: "15:9", Element: "PermissionSet/userPermissions/enabled",
					Message: `duplicate element "enabled" in PermissionSetUserPermission; it may appear only once (first at line 14)`,
				},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			doc, typ := parseFixture(t, filepath.Join("testdata", "schema", "invalid", tt.file))
			got := viewProblems(s.Validate(doc, typ))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Validate(%s) mismatch (-want +got):\n%s", tt.file, diff)
			}
		})
	}
}

// TestValidateDetails checks the parts of problems the table above leaves out:
// Allowed lists, the file in Pos, and that nothing is reported twice.
func TestValidateDetails(t *testing.T) {
	s := newTestSchema(t)
	path := filepath.Join("testdata", "schema", "invalid", "Values_oauthPlcy.ecaOauthPlcy-meta.xml")
	doc, typ := parseFixture(t, path)
	byElement := map[string]Problem{}
	for _, p := range s.Validate(doc, typ) {
		if p.Pos.File != filepath.ToSlash(path) {
			t.Errorf("%s: Pos.File = %q, want %q", p.Element, p.Pos.File, filepath.ToSlash(path))
		}
		byElement[p.Element] = p
	}
	tests := []struct {
		element string
		allowed []string
	}{
		{"ExtlClntAppOauthConfigurablePolicies/ipRelaxationPolicyType", []string{"Bypass", "Bypass_2factor", "Enforce", "Enforce_relaxrefresh"}},
		{"ExtlClntAppOauthConfigurablePolicies/permittedUsersPolicyType", []string{"AdminApprovedPreAuthorized", "AllSelfAuthorized"}},
		{"ExtlClntAppOauthConfigurablePolicies/refreshTokenValidityUnit", []string{"Days", "Hours", "Months"}},
		{"ExtlClntAppOauthConfigurablePolicies/requiredSessionLevel", []string{"HIGH_ASSURANCE", "LOW", "STANDARD"}},
		{"ExtlClntAppOauthConfigurablePolicies/isClientCredentialsFlowEnabled", []string{"true", "false"}},
		{"ExtlClntAppOauthConfigurablePolicies/refreshTokenValidityPeriod", nil},
	}
	for _, tt := range tests {
		p, ok := byElement[tt.element]
		if !ok {
			t.Errorf("no problem for %s", tt.element)
			continue
		}
		if diff := cmp.Diff(tt.allowed, p.Allowed); diff != "" {
			t.Errorf("%s: Allowed mismatch (-want +got):\n%s", tt.element, diff)
		}
	}

	// Allowed is a copy: changing it must not change the schema.
	p := byElement["ExtlClntAppOauthConfigurablePolicies/permittedUsersPolicyType"]
	p.Allowed[0] = "changed"
	if got := s.Enum("PermittedUsersPolicyType"); got[0] != "AdminApprovedPreAuthorized" {
		t.Errorf("Enum after changing a Problem's Allowed = %v", got)
	}

	// Validate tolerates nil input and types it has no schema for.
	if got := s.Validate(nil, TypeConnectedApp); got != nil {
		t.Errorf("Validate(nil) = %v", got)
	}
	if got := s.Validate(doc, TypeUnknown); got != nil {
		t.Errorf("Validate(doc, TypeUnknown) = %v", got)
	}
}

func TestSchemaLookups(t *testing.T) {
	s := newTestSchema(t)

	for _, ti := range KnownTypes() {
		ct, ok := s.Root(ti.Type)
		if !ok || ct.Name != string(ti.Type) {
			t.Errorf("Root(%s) = %v, %v", ti.Type, ct, ok)
		}
	}
	if _, ok := s.Root("ConnectedAppOauthConfig"); ok {
		t.Error("Root(ConnectedAppOauthConfig) succeeded; it is not a root type")
	}
	if _, ok := s.Complex("NoSuchType"); ok {
		t.Error("Complex(NoSuchType) succeeded")
	}
	if got := s.Enum("NoSuchEnum"); got != nil {
		t.Errorf("Enum(NoSuchEnum) = %v, want nil", got)
	}

	field := func(typ, name string) FieldDef {
		t.Helper()
		ct, ok := s.Complex(typ)
		if !ok {
			t.Fatalf("Complex(%s) not found", typ)
		}
		fd, ok := ct.Field(name)
		if !ok {
			t.Fatalf("%s.Field(%s) not found", typ, name)
		}
		return fd
	}
	tests := []struct {
		typ, name string
		want      FieldDef
	}{
		// From the .d.ts as generated.
		{"ConnectedApp", "oauthConfig", FieldDef{Name: "oauthConfig", Type: "ConnectedAppOauthConfig", Kind: FieldComplex}},
		{"ConnectedApp", "profileName", FieldDef{Name: "profileName", Type: "string", Kind: FieldString, Repeated: true}},
		{"ConnectedApp", "fullName", FieldDef{Name: "fullName", Type: "string", Kind: FieldString}},
		{"ConnectedApp", "label", FieldDef{Name: "label", Type: "string", Kind: FieldString, Required: true}},
		// contactEmail is required by the WSDL, but one real file omits it.
		{"ConnectedApp", "contactEmail", FieldDef{Name: "contactEmail", Type: "string", Kind: FieldString}},
		{"ExtlClntAppConfigurablePolicies", "startPage", FieldDef{Name: "startPage", Type: "ExtlClntAppStartPage", Kind: FieldEnum, Enum: []string{"Custom", "None", "OAuth", "SAML"}}},
		{"ExtlClntAppOauthSettings", "externalClientApplication", FieldDef{Name: "externalClientApplication", Type: "string", Kind: FieldString, Required: true}},
		{"ExtlClntAppOauthSettings", "trustedIpRanges", FieldDef{Name: "trustedIpRanges", Type: "ExtlClntAppOauthIpRange", Kind: FieldComplex, Repeated: true}},
		{"ExtlClntAppGlobalOauthSettings", "isPkceRequired", FieldDef{Name: "isPkceRequired", Type: "boolean", Kind: FieldBoolean}},
		// Overridden.
		{"ConnectedAppOauthPolicy", "ipRelaxation", FieldDef{Name: "ipRelaxation", Type: "string", Kind: FieldEnum, Required: true, Enum: []string{"BYPASS", "BYPASS_2FACTOR", "ENFORCE", "ENFORCE_RELAXREFRESH"}}},
		{"ExtlClntAppOauthConfigurablePolicies", "refreshTokenValidityPeriod", FieldDef{Name: "refreshTokenValidityPeriod", Type: "int", Kind: FieldInt}},
		{"ConnectedAppMobileDetailConfig", "applicationBinaryFile", FieldDef{Name: "applicationBinaryFile", Type: "base64", Kind: FieldBase64}},
		{"ConnectedApp", "pluginExecutionUser", FieldDef{Name: "pluginExecutionUser", Type: "string", Kind: FieldString}},
		{"PermissionSetUserPermission", "enabled", FieldDef{Name: "enabled", Type: "boolean", Kind: FieldBoolean, Required: true}},
	}
	for _, tt := range tests {
		got := field(tt.typ, tt.name)
		if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreUnexported(FieldDef{})); diff != "" {
			t.Errorf("%s.%s mismatch (-want +got):\n%s", tt.typ, tt.name, diff)
		}
	}
	if fd := field("ConnectedAppOauthPolicy", "refreshTokenPolicy"); fd.Kind != FieldEnum || fd.format != formatRefreshTokenPolicy || !fd.Required {
		t.Errorf("refreshTokenPolicy = %+v, want a required enum with the refresh-token-policy format", fd)
	}
	if fd := field("ExtlClntAppOauthConfigurablePolicies", "isNamedUserJwtEnabled"); fd.Kind != FieldBoolean || fd.deprecated == "" {
		t.Errorf("ExtlClntAppOauthConfigurablePolicies.isNamedUserJwtEnabled = %+v, want a deprecated boolean", fd)
	}

	// Fields are sorted, so output that lists them is stable.
	for name, ct := range s.types {
		if !sort.SliceIsSorted(ct.Fields, func(i, j int) bool { return ct.Fields[i].Name < ct.Fields[j].Name }) {
			t.Errorf("%s: fields not sorted", name)
		}
	}
}

func TestScopeValues(t *testing.T) {
	s := newTestSchema(t)
	ca := s.ScopeValues(TypeConnectedApp)
	eca := s.ScopeValues(TypeECAOauthSettings)
	tests := []struct {
		name    string
		list    []string
		has     []string
		hasNot  []string
		wantLen int
	}{
		// ref §5.1: 35 values in WSDL66, T19 adds DataCloudUserClaims, A2A, CmdbDiscovery, SemanticLayer.
		{"ConnectedApp", ca, []string{"Api", "RefreshToken", "SFAP", "MCP", "A2A", "OfflineAccess"}, []string{"SFApiPlatform", "ID", "ChatbotApi", "SfapApi", "api"}, 39},
		// ref §3.3.1: PROBE-B's 36 tokens.
		{"ECA", eca, []string{"Api", "RefreshToken", "SFApiPlatform", "MCP", "DataCloudUserClaims", "CDP"}, []string{"SFAP", "api", "refresh_token", "A2A"}, 36},
	}
	for _, tt := range tests {
		if len(tt.list) != tt.wantLen {
			t.Errorf("%s: %d scope values, want %d: %v", tt.name, len(tt.list), tt.wantLen, tt.list)
		}
		if !sort.StringsAreSorted(tt.list) {
			t.Errorf("%s: scope values not sorted", tt.name)
		}
		for _, v := range tt.has {
			if !slices.Contains(tt.list, v) {
				t.Errorf("%s: missing %q", tt.name, v)
			}
		}
		for _, v := range tt.hasNot {
			if slices.Contains(tt.list, v) {
				t.Errorf("%s: unexpectedly has %q", tt.name, v)
			}
		}
	}
	if diff := cmp.Diff(eca, s.ScopeValues(TypeExternalClientApp)); diff != "" {
		t.Errorf("ScopeValues(ExternalClientApplication) differs from ExtlClntAppOauthSettings (-want +got):\n%s", diff)
	}
	if got := s.ScopeValues(TypePermissionSet); got != nil {
		t.Errorf("ScopeValues(PermissionSet) = %v, want nil", got)
	}
	ca[0] = "changed"
	if s.ScopeValues(TypeConnectedApp)[0] == "changed" {
		t.Error("ScopeValues returns the schema's own slice")
	}
}

func TestSchemaSource(t *testing.T) {
	s := newTestSchema(t)
	want := schemaSource{Package: "@salesforce/types", Version: "1.9.0", File: "lib/metadata.d.ts"}
	if diff := cmp.Diff(want, s.source); diff != "" {
		t.Errorf("schema source mismatch (-want +got):\n%s", diff)
	}
	if s.registry.Package != "@salesforce/source-deploy-retrieve" || s.registry.Version == "" {
		t.Errorf("registry source = %+v", s.registry)
	}
}

// TestTypesTableMatchesSDR checks the suffix/directory table in types.go
// against the source-deploy-retrieve registry data recorded in the generated
// schema (schema_data.go).
func TestTypesTableMatchesSDR(t *testing.T) {
	s := newTestSchema(t)
	got := map[Type]rootInfo{}
	for _, ti := range KnownTypes() {
		got[ti.Type] = rootInfo{Suffix: ti.Suffix, DirectoryName: ti.Directory}
	}
	if diff := cmp.Diff(s.roots, got); diff != "" {
		t.Errorf("types.go table differs from SDR %s (-want +got):\n%s", s.registry.Version, diff)
	}
}

func TestDidYouMean(t *testing.T) {
	fields := []string{"callbackUrl", "isPkceRequired", "isTokenExchangeEnabled", "isTokenExchangeFlowEnabled", "label", "name"}
	tests := []struct {
		in, want string
	}{
		{"isPkceRequird", "isPkceRequired"},                         // deletion
		{"ISPKCEREQUIRED", "isPkceRequired"},                        // case only wins
		{"isPkecRequired", "isPkceRequired"},                        // transposition counts 1
		{"callbackURL", "callbackUrl"},                              // case only
		{"callbackUrls", "callbackUrl"},                             // insertion
		{"isTokenExchangeFlowEnable", "isTokenExchangeFlowEnabled"}, // closest of two
		{"nmae", "name"},                                            // transposition
		{"lbl", "label"},                                            // distance 2, shorter than the name
		{"xy", ""},                                                  // too short to suggest anything
		{"somethingElseEntirely", ""},                               // nothing close
		{"", ""},
		{strings.Repeat("a", 200), ""},
	}
	for _, tt := range tests {
		if got := didYouMean(tt.in, fields); got != tt.want {
			t.Errorf("didYouMean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestOSADistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"abc", "", 3},
		{"", "abc", 3},
		{"abc", "abc", 0},
		{"abc", "acb", 1},
		{"ca", "abc", 3}, // OSA, not unrestricted Damerau-Levenshtein (which gives 2)
		{"kitten", "sitting", 3},
		{"isPkceRequird", "isPkceRequired", 1},
		{"héllo", "hello", 1},
	}
	for _, tt := range tests {
		if got := osaDistance([]rune(tt.a), []rune(tt.b), 100); got != tt.want {
			t.Errorf("osaDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		// With a cutoff below the distance, the result is cutoff+1.
		for cutoff := 0; cutoff < tt.want; cutoff++ {
			if got := osaDistance([]rune(tt.a), []rune(tt.b), cutoff); got != cutoff+1 {
				t.Errorf("osaDistance(%q, %q, cutoff %d) = %d, want %d", tt.a, tt.b, cutoff, got, cutoff+1)
			}
		}
	}
}

func TestRefreshTokenPolicyFormat(t *testing.T) {
	tests := []struct {
		in, canon string
		ok        bool
	}{
		{"infinite", "infinite", true},
		{"zero", "zero", true},
		{"Infinite", "infinite", true},
		{"specific_lifetime:90:DAYS", "specific_lifetime:90:DAYS", true},
		{"specific_inactivity:12:HOURS", "specific_inactivity:12:HOURS", true},
		{"specific_lifetime:60:months", "specific_lifetime:60:MONTHS", true},
		{"specific_lifetime:0:DAYS", "", false},
		{"specific_lifetime:-1:DAYS", "", false},
		{"specific_lifetime:+1:DAYS", "", false},
		{"specific_lifetime:90:WEEKS", "", false},
		{"specific_lifetime:90", "", false},
		{"specific_lifetime::DAYS", "", false},
		{"zero:1:DAYS", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		canon, ok := canonicalRefreshTokenPolicy(tt.in)
		if canon != tt.canon || ok != tt.ok {
			t.Errorf("canonicalRefreshTokenPolicy(%q) = %q, %v; want %q, %v", tt.in, canon, ok, tt.canon, tt.ok)
		}
	}
}

func TestNumberSyntax(t *testing.T) {
	ints := map[string]bool{"0": true, "15": true, "-3": true, "+7": true, "2147483647": true,
		"2147483648": false, "1.5": false, "": false, "1e3": false, "\t1": false, "1_000": false, "0x10": false}
	for in, want := range ints {
		if got := isInt32(in); got != want {
			t.Errorf("isInt32(%q) = %v, want %v", in, got, want)
		}
	}
	doubles := map[string]bool{"0": true, "1.5": true, "-1.5": true, ".5": true, "5.": true, "1e3": true,
		"1.5E-3": true, "INF": true, "-INF": true, "NaN": true, "": false, ".": false, "e3": false,
		"1e": false, "0x1p-2": false, "inf": false, "1,5": false, "--1": false, "1.2.3": false}
	for in, want := range doubles {
		if got := isDouble(in); got != want {
			t.Errorf("isDouble(%q) = %v, want %v", in, got, want)
		}
	}
}

// corpusProblems lists, per corpus file (path relative to the corpus directory),
// every problem Validate must find, as "code element-path". Each is a real
// problem, not a gap in the schema. Files absent from the corpus in use are
// skipped, so the list also covers files of the full acceptance corpus.
func corpusProblems() map[string][]string {
	return map[string][]string{
		// Hand-written, never retrieved (ref §4.1, §5.1): isConsumerKeyOptional is not a
		// ConnectedAppOauthConfig element; ID, ChatbotApi and SfapApi are not scope
		// values (the metadata names are Basic, Chatbot and SFAP).
		"PatrickDennisSFDC__agentforce-thespis-sfdc-app/force-app/main/default/connectedApps/Thespis.connectedApp-meta.xml": {
			"unknown-element ConnectedApp/oauthConfig/isConsumerKeyOptional",
			"bad-enum-value ConnectedApp/oauthConfig/scopes", // ID
			"bad-enum-value ConnectedApp/oauthConfig/scopes", // ChatbotApi
			"bad-enum-value ConnectedApp/oauthConfig/scopes", // SfapApi
		},
		// developerName and version are not ConnectedApp elements in any WSDL version
		// (ref §4.1, origin UNCONFIRMED); deploy rejects unknown elements.
		"ArunSabariBalajiC__my-2gp-package/force-app/main/default/connectedApps/HelloSend.connectedApp-meta.xml": {
			"unknown-element ConnectedApp/developerName",
			"unknown-element ConnectedApp/version",
		},
		// isNamedUserJwtEnabled on the policies file is deprecated (DOC-OPLCY; absent
		// from WSDL66 and T19; ref §3.4); the live setting is in the global file.
		"sgummalla79__sgummalla_works/force-app/main/default/extlClntAppOauthPolicies/SgummallaWorks_oauthPlcy.ecaOauthPlcy-meta.xml": {
			"deprecated-element ExtlClntAppOauthConfigurablePolicies/isNamedUserJwtEnabled",
		},
		"sgummalla79__sgummalla_works/force-app/main/default/extlClntAppOauthPolicies/sgummallaworks_token_exchange_oauthPlcy.ecaOauthPlcy-meta.xml": {
			"deprecated-element ExtlClntAppOauthConfigurablePolicies/isNamedUserJwtEnabled",
		},
	}
}

func TestValidateCorpus(t *testing.T) {
	dir := corpustest.Dir(t)
	s := newTestSchema(t)
	got := map[string][]string{}
	files := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		typ, _, _, ok := Classify(path)
		if !ok {
			return nil
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		doc, err := ParseDocument(rel, src, ParseLimits{})
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				return err
			}
			t.Errorf("%s: does not parse: %v", rel, err)
			return nil
		}
		for _, p := range s.Validate(doc, typ) {
			got[rel] = append(got[rel], string(p.Code)+" "+p.Element)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 50 {
		t.Fatalf("only %d metadata files under %s; is it the corpus?", files, dir)
	}
	want := map[string][]string{}
	for rel, codes := range corpusProblems() {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(rel))); err != nil {
			t.Logf("%s: not in this corpus; expectation skipped", rel)
			continue
		}
		want[rel] = codes
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems in %d corpus files mismatch (-want +got):\n%s", files, diff)
	}
}

func FuzzValidate(f *testing.F) {
	s, err := NewSchema()
	if err != nil {
		f.Fatal(err)
	}
	types := KnownTypes()
	for _, sub := range []string{"valid", "invalid"} {
		paths, err := filepath.Glob(filepath.Join("testdata", "schema", sub, "*"))
		if err != nil {
			f.Fatal(err)
		}
		for _, p := range paths {
			src, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			typ, _, _, _ := Classify(p)
			for i, ti := range types {
				if ti.Type == typ {
					f.Add(src, uint8(i))
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, src []byte, k uint8) {
		doc, err := ParseDocument("fuzz.xml", src, ParseLimits{})
		if err != nil {
			return
		}
		// Validate against the file's own type, and against another one.
		for _, typ := range []Type{types[int(k)%len(types)].Type, Type(doc.Root.Name)} {
			for _, p := range s.Validate(doc, typ) {
				if p.Code == "" || p.Message == "" || !p.Pos.IsValid() {
					t.Fatalf("incomplete problem %+v", p)
				}
			}
		}
	})
}
