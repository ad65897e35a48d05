package metadata

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// compareFields compares the fields named in want (other fields are not checked)
// and that every field of the app sits in one of files.
func compareFields(t *testing.T, a *App, want map[string]fieldValue) {
	t.Helper()
	got := fieldValues(a)
	sub := map[string]fieldValue{}
	for path := range want {
		if f, ok := got[path]; ok {
			sub[path] = f
		}
	}
	if diff := cmp.Diff(want, sub); diff != "" {
		t.Errorf("%s fields (-want +got):\n%s", a.Name, diff)
	}
}

// loadFiles writes files (slash paths relative to a new directory) and loads
// that directory.
func loadFiles(t *testing.T, files map[string]string) *Project {
	t.Helper()
	dir := t.TempDir()
	for rel, content := range files {
		writeFile(t, dir, rel, content)
	}
	return mustLoad(t, Options{WorkDir: dir, Paths: []string{"."}})
}

func TestFieldsConnectedApp(t *testing.T) {
	p := mustLoad(t, Options{WorkDir: loadTestdata, Paths: sfdxPaths})
	a := p.App("Acme_Sync")
	compareFields(t, a, map[string]fieldValue{
		"app.kind":         {Value: "ConnectedApp", Canonical: "ConnectedApp", Present: true, At: "2:1"},
		"app.name":         {Value: "Acme_Sync", Canonical: "Acme_Sync", Present: true, At: "2:1"},
		"app.label":        {Value: "Acme Sync", Canonical: "Acme Sync", Present: true, At: "5:5"},
		"app.contactEmail": {Value: "integrations@example.com", Canonical: "integrations@example.com", Present: true, At: "3:5"},
		"app.description":  {Value: "Order sync & reporting", Canonical: "Order sync & reporting", Present: true, At: "4:5"},
		"app.contactPhone": {At: "2:1"}, // absent, no default: at the parent (the root)
		"app.startUrl":     {At: "2:1"},
		"oauth.enabled":    {Value: true, Canonical: true, Present: true, At: "6:5"},
		"oauth.callbackUrls": {
			Value:     []string{"https://sync.example.com/oauth/callback", "http://localhost:1717/OauthRedirect", "sync.example.com/no-scheme"},
			Canonical: []string{"https://sync.example.com/oauth/callback", "http://localhost:1717/OauthRedirect", "sync.example.com/no-scheme"},
			Present:   true, At: "7:9",
			Items: []string{"https://sync.example.com/oauth/callback@7:22", "http://localhost:1717/OauthRedirect@8:3", "sync.example.com/no-scheme@10:1"},
		},
		"oauth.scopes": {
			Value:     []string{"Api", "OfflineAccess", "RefreshToken", "SFAP", "Web"},
			Canonical: []string{"Api", "RefreshToken", "SFAP", "Web"},
			Present:   true, At: "26:9",
			Items: []string{"Api@26:9", "OfflineAccess@27:9", "RefreshToken@28:9", "SFAP@29:9", "Web@30:9"},
		},
		"oauth.consumerKey":                    {Value: "3MVG9EXAMPLEONLYnotarealkey", Canonical: "3MVG9EXAMPLEONLYnotarealkey", Present: true, At: "13:9"},
		"oauth.clientCredentialsFlow":          {Value: false, Canonical: false, Present: true, At: "16:9"},
		"oauth.clientCredentialsUser":          {At: "6:5"}, // absent: at <oauthConfig>
		"oauth.codeCredentialFlow":             {Value: false, Canonical: false, Present: true, At: "17:9"},
		"oauth.codeCredentialPostOnly":         {Value: false, Canonical: false, Present: true, At: "18:9"},
		"oauth.deviceFlow":                     {Value: false, Canonical: false, Default: true, At: "6:5"},
		"oauth.pkceRequired":                   {Value: false, Canonical: false, Default: true, At: "6:5"}, // ConnectedApp default: false
		"oauth.consumerSecretOptional":         {Value: true, Canonical: true, Present: true, At: "19:9"},
		"oauth.secretRequiredForWebServerFlow": {Value: false, Canonical: false, Present: true, At: "19:9"}, // inverted
		"oauth.secretRequiredForRefreshToken":  {Value: false, Canonical: false, Present: true, At: "23:9"},
		"oauth.secretRequiredForTokenExchange": {Value: false, Canonical: false, Present: true, At: "24:9"},
		"oauth.introspectAllTokens":            {Value: false, Canonical: false, Present: true, At: "20:9"},
		"oauth.namedUserJwt":                   {Value: false, Canonical: false, Present: true, At: "21:9"},
		"oauth.refreshTokenRotation":           {Value: false, Canonical: false, Present: true, At: "22:9"},
		"oauth.tokenExchange":                  {Value: false, Canonical: false, Present: true, At: "25:9"},
		"oauth.jwtBearer":                      {Value: true, Canonical: true, Present: true, At: "11:9"},
		"oauth.idTokenValidity":                {At: "6:5"},
		"policy.permittedUsers":                {Value: "true", Canonical: PermittedAdminApprovedPreAuthorized, Present: true, At: "15:9"},
		"policy.permissionSets":                {Value: []string{"Acme Integration"}, Canonical: []string{"Acme Integration"}, Present: true, At: "37:5", Items: []string{"Acme Integration@37:5"}},
		"policy.profiles": {
			Value:     []string{"System Administrator", "Minimum Access - Salesforce"},
			Canonical: []string{"System Administrator", "Minimum Access - Salesforce"},
			Present:   true, At: "38:5",
			Items: []string{"System Administrator@38:5", "Minimum Access - Salesforce@39:5"},
		},
		"policy.ipRelaxation":               {Value: "ENFORCE", Canonical: IPEnforce, Present: true, At: "33:9"},
		"policy.refreshToken":               {Value: "specific_lifetime:90:DAYS", Canonical: RefreshSpecificLifetime, Present: true, At: "35:9"},
		"policy.refreshTokenValidityPeriod": {Value: 90, Canonical: 90, Present: true, At: "35:9"},
		"policy.refreshTokenValidityUnit":   {Value: "Days", Canonical: "Days", Present: true, At: "35:9"},
		"policy.tokenExchange":              {Value: false, Canonical: false, Present: true, At: "34:9"},
		"policy.sessionTimeout":             {Value: 15, Canonical: 15, Present: true, At: "41:9"},
		"policy.sessionLevel":               {At: "40:5"}, // absent: at <sessionPolicy>
		"policy.ipRanges":                   {At: "2:1"},
		"secrets.consumerSecret":            {Value: true, Canonical: true, Present: true, At: "14:9"},
		"secrets.certificate":               {Value: true, Canonical: true, Present: true, At: "11:9"},
		"secrets.privateKey":                {Value: false, Canonical: false, At: "2:1"},
	})
	for _, f := range a.Fields() {
		if f.Pos().File != acmeSrc {
			t.Errorf("%s is placed in %q, want %q", f.Path, f.Pos().File, acmeSrc)
		}
	}
	// Defaults are marked, carry the parent's element and file, and are not Present.
	pk := a.Field("oauth.pkceRequired")
	if pk.Elem != nil || pk.Parent == nil || pk.Parent.Name != "oauthConfig" || pk.Doc == nil || pk.Doc.Path != acmeSrc {
		t.Errorf("oauth.pkceRequired default: Elem %v, Parent %v, Doc %v; want nil, <oauthConfig>, the app file", pk.Elem, pk.Parent, pk.Doc)
	}
	if pk.Source != "ConnectedApp/oauthConfig/isPkceRequired" {
		t.Errorf("Source = %q", pk.Source)
	}
	if !pk.HasValue() {
		t.Error("a defaulted field must report HasValue")
	}

	// An app without <oauthConfig>: OAuth off, defaults at the root element.
	portal := p.App("Portal_Login")
	compareFields(t, portal, map[string]fieldValue{
		"oauth.enabled":                        {Value: false, Canonical: false, At: "2:1"},
		"oauth.pkceRequired":                   {Value: false, Canonical: false, Default: true, At: "2:1"},
		"oauth.secretRequiredForWebServerFlow": {Value: true, Canonical: true, Default: true, At: "2:1"},
		"oauth.secretRequiredForRefreshToken":  {Value: true, Canonical: true, Default: true, At: "2:1"},
		"oauth.callbackUrls":                   {At: "2:1"},
		"oauth.scopes":                         {At: "2:1"},
		"oauth.jwtBearer":                      {Value: false, Canonical: false, At: "2:1"},
		"policy.permittedUsers":                {Value: PermittedAllSelfAuthorized, Canonical: PermittedAllSelfAuthorized, Default: true, At: "2:1"},
		"policy.ipRelaxation":                  {Value: IPEnforce, Canonical: IPEnforce, Default: true, At: "2:1"},
		"policy.refreshToken":                  {Value: RefreshInfinite, Canonical: RefreshInfinite, Default: true, At: "2:1"},
		"policy.refreshTokenValidityPeriod":    {At: "2:1"},
		"app.startUrl":                         {Value: "https://portal.example.com/", Canonical: "https://portal.example.com/", Present: true, At: "5:5"},
	})
}

func TestFieldsExternalClientApp(t *testing.T) {
	p := mustLoad(t, Options{WorkDir: loadTestdata, Paths: sfdxPaths})
	a := p.App("Billing_Sync")
	compareFields(t, a, map[string]fieldValue{
		"app.kind":                 {Value: "ExternalClientApplication", Canonical: "ExternalClientApplication", Present: true, At: "2:1"},
		"app.label":                {Value: "Billing Sync", Canonical: "Billing Sync", Present: true, At: "7:5"},
		"app.distributionState":    {Value: "Local", Canonical: "Local", Present: true, At: "5:5"},
		"app.isProtected":          {Value: false, Canonical: false, Present: true, At: "6:5"},
		"app.orgScopedExternalApp": {Value: "00D000000000001:Billing_Sync", Canonical: "00D000000000001:Billing_Sync", Present: true, At: "8:5"},
		"app.enabled":              {Value: true, Canonical: true, Present: true, At: "4:5"},
		"oauth.pluginEnabled":      {Value: true, Canonical: true, Present: true, At: "5:5"},
		"oauth.enabled":            {Value: true, Canonical: true, Present: true, At: "2:1"},
		"oauth.callbackUrls": {
			Value:     []string{"https://billing.example.com/oauth/callback", "http://localhost:1717/OauthRedirect"},
			Canonical: []string{"https://billing.example.com/oauth/callback", "http://localhost:1717/OauthRedirect"},
			Present:   true, At: "5:5",
			Items: []string{"https://billing.example.com/oauth/callback@5:18", "http://localhost:1717/OauthRedirect@6:1"},
		},
		"oauth.scopes": {
			Value:     []string{"Api", "RefreshToken", "OfflineAccess", "SFApiPlatform"}, // as written
			Canonical: []string{"Api", "RefreshToken", "SFAP"},                           // OfflineAccess is RefreshToken, SFApiPlatform is SFAP
			Present:   true, At: "3:5",
			Items: []string{"Api@3:32", "RefreshToken@3:37", "OfflineAccess@3:51", "SFApiPlatform@3:66"},
		},
		"oauth.consumerKey":                    {Value: "3MVG9PLACEHOLDERKEY", Canonical: "3MVG9PLACEHOLDERKEY", Present: true, At: "8:5"},
		"oauth.clientCredentialsFlow":          {Value: true, Canonical: true, Present: true, At: "11:5"},
		"oauth.clientCredentialsUser":          {Value: "billing.integration@example.com", Canonical: "billing.integration@example.com", Present: true, At: "3:5"},
		"oauth.deviceFlow":                     {Value: true, Canonical: true, Present: true, At: "15:5"},
		"oauth.pkceRequired":                   {Value: true, Canonical: true, Default: true, At: "2:1"}, // ECA default: true, at the global settings root
		"oauth.consumerSecretOptional":         {Value: false, Canonical: false, Present: true, At: "14:5"},
		"oauth.secretRequiredForWebServerFlow": {Value: true, Canonical: true, Present: true, At: "14:5"},
		"oauth.refreshTokenRotation":           {Value: true, Canonical: true, Present: true, At: "18:5"},
		"oauth.rotateConsumerKey":              {Value: false, Canonical: false, Present: true, At: "23:5"},
		"oauth.firstPartyApp":                  {Value: false, Canonical: false, Present: true, At: "5:5"},
		"oauth.customScopes":                   {At: "2:1"},
		"oauth.jwtBearer":                      {Value: false, Canonical: false, At: "2:1"},
		"policy.permittedUsers":                {Value: PermittedAdminApprovedPreAuthorized, Canonical: PermittedAdminApprovedPreAuthorized, Present: true, At: "12:5"},
		"policy.permissionSets":                {Value: []string{"Billing_Sync_Integration"}, Canonical: []string{"Billing_Sync_Integration"}, Present: true, At: "4:5", Items: []string{"Billing_Sync_Integration@4:34"}},
		"policy.profiles": {
			Value:     []string{"System Administrator", "Billing Integration"},
			Canonical: []string{"System Administrator", "Billing Integration"},
			Present:   true, At: "5:5",
			Items: []string{"System Administrator@5:28", "Billing Integration@5:50"},
		},
		"policy.ipRelaxation":               {Value: "Enforce_RelaxRefresh", Canonical: IPEnforceRelaxRefresh, Present: true, At: "7:5"},
		"policy.refreshToken":               {Value: "SpecificInactivity", Canonical: RefreshSpecificInactivity, Present: true, At: "13:5"},
		"policy.refreshTokenValidityPeriod": {Value: 30, Canonical: 30, Present: true, At: "14:5"},
		"policy.refreshTokenValidityUnit":   {Value: "Days", Canonical: "Days", Present: true, At: "15:5"},
		"policy.sessionLevel":               {Value: "STANDARD", Canonical: "STANDARD", Present: true, At: "16:5"},
		"policy.sessionTimeout":             {Value: 60, Canonical: 60, Present: true, At: "17:5"},
		"policy.clientCredentialsFlow":      {Value: true, Canonical: true, Present: true, At: "8:5"},
		"secrets.consumerSecret":            {At: "2:1"},
		"secrets.certificate":               {At: "2:1"},
	})
	// Each field is placed in the file it comes from.
	files := map[string]string{
		"app.label":             "externalClientApps/Billing_Sync.eca-meta.xml",
		"oauth.callbackUrls":    "extlClntAppGlobalOauthSets/Billing_Sync_glbloauth.ecaGlblOauth-meta.xml",
		"oauth.pkceRequired":    "extlClntAppGlobalOauthSets/Billing_Sync_glbloauth.ecaGlblOauth-meta.xml",
		"oauth.scopes":          "extlClntAppOauthSettings/Billing_Sync_oauth.ecaOauth-meta.xml",
		"policy.ipRelaxation":   "extlClntAppOauthPolicies/Billing_Sync_oauthPlcy.ecaOauthPlcy-meta.xml",
		"oauth.pluginEnabled":   "extlClntAppPolicies/Billing_Sync_plcy.ecaPlcy-meta.xml",
		"secrets.privateKey":    "externalClientApps/Billing_Sync.eca-meta.xml",
		"policy.permissionSets": "extlClntAppOauthPolicies/Billing_Sync_oauthPlcy.ecaOauthPlcy-meta.xml",
	}
	for path, file := range files {
		f := a.Field(path)
		if want := billingSrc + file; f.Pos().File != want {
			t.Errorf("%s is placed in %q, want %q", path, f.Pos().File, want)
		}
		for _, it := range f.Items {
			if want := billingSrc + file; it.Pos.File != want {
				t.Errorf("%s item %q is placed in %q, want %q", path, it.Value, it.Pos.File, want)
			}
		}
	}
	pk := a.Field("oauth.pkceRequired")
	if pk.Parent == nil || pk.Parent.Name != "ExtlClntAppGlobalOauthSettings" {
		t.Errorf("oauth.pkceRequired default parent = %v, want the global settings root", pk.Parent)
	}
}

func TestFieldsEditedValues(t *testing.T) {
	const caHead = `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<ConnectedApp xmlns="http://soap.sforce.com/2006/04/metadata">` + "\n"
	tests := []struct {
		name  string
		files map[string]string
		app   string
		want  map[string]fieldValue
	}{
		{
			name: "CRLF callback URLs keep per-line positions",
			app:  "Crlf",
			files: map[string]string{"connectedApps/Crlf.connectedApp-meta.xml": strings.ReplaceAll(caHead+
				"    <label>Crlf</label>\n    <oauthConfig>\n        <callbackUrl>https://a.example.com/cb\n   https://b.example.com/cb  \n\nhttps://c.example.com/cb</callbackUrl>\n    </oauthConfig>\n</ConnectedApp>\n", "\n", "\r\n")},
			want: map[string]fieldValue{
				"oauth.callbackUrls": {
					Value:     []string{"https://a.example.com/cb", "https://b.example.com/cb", "https://c.example.com/cb"},
					Canonical: []string{"https://a.example.com/cb", "https://b.example.com/cb", "https://c.example.com/cb"},
					Present:   true, At: "5:9",
					Items: []string{"https://a.example.com/cb@5:22", "https://b.example.com/cb@6:4", "https://c.example.com/cb@8:1"},
				},
			},
		},
		{
			name: "entities in callback URLs: values decoded, items at the element",
			app:  "Amp",
			files: map[string]string{"connectedApps/Amp.connectedApp-meta.xml": caHead +
				"    <label>Amp</label>\n    <oauthConfig>\n        <callbackUrl>https://a.example.com/cb?x=1&amp;y=2\nhttps://b.example.com/cb</callbackUrl>\n    </oauthConfig>\n</ConnectedApp>\n"},
			want: map[string]fieldValue{
				"oauth.callbackUrls": {
					Value:     []string{"https://a.example.com/cb?x=1&y=2", "https://b.example.com/cb"},
					Canonical: []string{"https://a.example.com/cb?x=1&y=2", "https://b.example.com/cb"},
					Present:   true, At: "5:9",
					Items: []string{"https://a.example.com/cb?x=1&y=2@5:9", "https://b.example.com/cb@5:9"},
				},
			},
		},
		{
			name: "Latin-1 file: values decoded, callbacks after non-ASCII text",
			app:  "Latin",
			files: map[string]string{"connectedApps/Latin.connectedApp-meta.xml": "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<ConnectedApp xmlns=\"" + Namespace + "\">\n" +
				"    <description>" + strings.Repeat("\xe9", 300) + "</description>\n    <label>Soci\xe9t\xe9</label>\n    <oauthConfig>\n        <callbackUrl>https://a.example.com/cb</callbackUrl>\n    </oauthConfig>\n</ConnectedApp>\n"},
			want: map[string]fieldValue{
				"app.label":          {Value: "Société", Canonical: "Société", Present: true, At: "4:5"},
				"app.description":    {Value: strings.Repeat("é", 300), Canonical: strings.Repeat("é", 300), Present: true, At: "3:5"},
				"oauth.callbackUrls": {Value: []string{"https://a.example.com/cb"}, Canonical: []string{"https://a.example.com/cb"}, Present: true, At: "6:9", Items: []string{"https://a.example.com/cb@6:22"}},
			},
		},
		{
			name: "refresh token policy infinite: no period or unit",
			app:  "Inf",
			files: map[string]string{"connectedApps/Inf.connectedApp-meta.xml": caHead +
				"    <label>Inf</label>\n    <oauthPolicy>\n        <ipRelaxation>BYPASS_2FACTOR</ipRelaxation>\n        <refreshTokenPolicy>infinite</refreshTokenPolicy>\n    </oauthPolicy>\n</ConnectedApp>\n"},
			want: map[string]fieldValue{
				"policy.ipRelaxation":               {Value: "BYPASS_2FACTOR", Canonical: IPBypass2Factor, Present: true, At: "5:9"},
				"policy.refreshToken":               {Value: "infinite", Canonical: RefreshInfinite, Present: true, At: "6:9"},
				"policy.refreshTokenValidityPeriod": {At: "6:9"},
				"policy.refreshTokenValidityUnit":   {At: "6:9"},
			},
		},
		{
			name: "refresh token policy specific_inactivity in hours",
			app:  "Idle",
			files: map[string]string{"connectedApps/Idle.connectedApp-meta.xml": caHead +
				"    <label>Idle</label>\n    <oauthPolicy>\n        <ipRelaxation>ENFORCE_RELAXREFRESH</ipRelaxation>\n        <refreshTokenPolicy>specific_inactivity:12:HOURS</refreshTokenPolicy>\n    </oauthPolicy>\n</ConnectedApp>\n"},
			want: map[string]fieldValue{
				"policy.ipRelaxation":               {Value: "ENFORCE_RELAXREFRESH", Canonical: IPEnforceRelaxRefresh, Present: true, At: "5:9"},
				"policy.refreshToken":               {Value: "specific_inactivity:12:HOURS", Canonical: RefreshSpecificInactivity, Present: true, At: "6:9"},
				"policy.refreshTokenValidityPeriod": {Value: 12, Canonical: 12, Present: true, At: "6:9"},
				"policy.refreshTokenValidityUnit":   {Value: "Hours", Canonical: "Hours", Present: true, At: "6:9"},
			},
		},
		{
			name: "invalid values are kept as written and marked",
			app:  "Bad",
			files: map[string]string{"connectedApps/Bad.connectedApp-meta.xml": caHead +
				"    <label>Bad</label>\n    <oauthConfig>\n        <callbackUrl>https://a.example.com/cb</callbackUrl>\n        <isConsumerSecretOptional>yes</isConsumerSecretOptional>\n        <isPkceRequired> true </isPkceRequired>\n    </oauthConfig>\n    <oauthPolicy>\n        <ipRelaxation>RELAXED</ipRelaxation>\n        <refreshTokenPolicy>forever</refreshTokenPolicy>\n    </oauthPolicy>\n    <sessionPolicy>\n        <sessionTimeout>fifteen</sessionTimeout>\n    </sessionPolicy>\n</ConnectedApp>\n"},
			want: map[string]fieldValue{
				"oauth.consumerSecretOptional":         {Value: "yes", Canonical: "yes", Present: true, Invalid: true, At: "6:9"},
				"oauth.secretRequiredForWebServerFlow": {Value: "yes", Canonical: "yes", Present: true, Invalid: true, At: "6:9"},
				"oauth.pkceRequired":                   {Value: true, Canonical: true, Present: true, At: "7:9"},
				"policy.ipRelaxation":                  {Value: "RELAXED", Canonical: "RELAXED", Present: true, Invalid: true, At: "10:9"},
				"policy.refreshToken":                  {Value: "forever", Canonical: "forever", Present: true, Invalid: true, At: "11:9"},
				"policy.refreshTokenValidityPeriod":    {At: "11:9"},
				"policy.sessionTimeout":                {Value: "fifteen", Canonical: "fifteen", Present: true, Invalid: true, At: "14:9"},
			},
		},
		{
			name: "ECA: comma-separated lists over several lines, OAuth plugin switched off by the master switch",
			app:  "Multi",
			files: map[string]string{
				"externalClientApps/Multi.eca-meta.xml": "<ExternalClientApplication xmlns=\"" + Namespace + "\">\n    <label>Multi</label>\n</ExternalClientApplication>\n",
				"extlClntAppOauthSettings/Multi_oauth.ecaOauth-meta.xml": "<ExtlClntAppOauthSettings xmlns=\"" + Namespace + "\">\n" +
					"    <commaSeparatedOauthScopes>Api,\n        web , ,refresh_token,Chatbot,NotAScope</commaSeparatedOauthScopes>\n    <externalClientApplication>Multi</externalClientApplication>\n</ExtlClntAppOauthSettings>\n",
				"extlClntAppPolicies/Multi_plcy.ecaPlcy-meta.xml": "<ExtlClntAppConfigurablePolicies xmlns=\"" + Namespace + "\">\n" +
					"    <externalClientApplication>Multi</externalClientApplication>\n    <isEnabled>false</isEnabled>\n    <isOauthPluginEnabled>true</isOauthPluginEnabled>\n</ExtlClntAppConfigurablePolicies>\n",
				"extlClntAppOauthPolicies/Multi_oauthPlcy.ecaOauthPlcy-meta.xml": "<ExtlClntAppOauthConfigurablePolicies xmlns=\"" + Namespace + "\">\n" +
					"    <externalClientApplication>Multi</externalClientApplication>\n    <ipRelaxationPolicyType>ENFORCE</ipRelaxationPolicyType>\n    <refreshTokenPolicyType>Infinite</refreshTokenPolicyType>\n</ExtlClntAppOauthConfigurablePolicies>\n",
			},
			want: map[string]fieldValue{
				"oauth.scopes": {
					Value:     []string{"Api", "web", "refresh_token", "Chatbot", "NotAScope"},
					Canonical: []string{"Api", "Chatbot", "NotAScope", "RefreshToken", "Web"},
					Present:   true, At: "2:5",
					Items: []string{"Api@2:32", "web@3:9", "refresh_token@3:16", "Chatbot@3:30", "NotAScope@3:38"},
				},
				"app.enabled":                       {Value: false, Canonical: false, Present: true, At: "3:5"},
				"oauth.enabled":                     {Value: false, Canonical: false, Present: true, At: "3:5"},
				"oauth.pkceRequired":                {Value: true, Canonical: true, Default: true, At: "1:1"}, // no global settings file: at the header
				"policy.ipRelaxation":               {Value: "ENFORCE", Canonical: IPEnforce, Present: true, At: "3:5"},
				"policy.refreshToken":               {Value: "Infinite", Canonical: RefreshInfinite, Present: true, At: "4:5"},
				"policy.refreshTokenValidityPeriod": {At: "1:1"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := loadFiles(t, tt.files)
			if len(p.Problems) != 0 {
				t.Errorf("problems: %v", p.Problems)
			}
			a := p.App(tt.app)
			if a == nil {
				t.Fatalf("no app %s among %v", tt.app, summarizeApps(p))
			}
			compareFields(t, a, tt.want)
		})
	}
}

// TestFieldsSecretsNeverKept: a secret's text appears nowhere in the model's
// values, only its presence.
func TestFieldsSecretsNeverKept(t *testing.T) {
	const key = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAsecretsecretsecret\n-----END RSA PRIVATE KEY-----"
	p := loadFiles(t, map[string]string{
		"connectedApps/Leaky.connectedApp-meta.xml": `<ConnectedApp xmlns="` + Namespace + `">
    <label>Leaky</label>
    <oauthConfig>
        <callbackUrl>https://a.example.com/cb</callbackUrl>
        <certificate>` + key + `</certificate>
        <consumerSecret>s3cr3t-CA-value</consumerSecret>
    </oauthConfig>
</ConnectedApp>`,
		"externalClientApps/Eca.eca-meta.xml": `<ExternalClientApplication xmlns="` + Namespace + `"><label>Eca</label></ExternalClientApplication>`,
		"extlClntAppGlobalOauthSets/Eca_glbloauth.ecaGlblOauth-meta.xml": `<ExtlClntAppGlobalOauthSettings xmlns="` + Namespace + `">
    <consumerSecret>s3cr3t-ECA-value</consumerSecret>
    <externalClientApplication>Eca</externalClientApplication>
</ExtlClntAppGlobalOauthSettings>`,
		"connectedApps/Empty.connectedApp-meta.xml": `<ConnectedApp xmlns="` + Namespace + `"><label>Empty</label><oauthConfig><consumerSecret>  </consumerSecret></oauthConfig></ConnectedApp>`,
	})
	type secretView struct{ Leaky, Eca, Empty fieldValue }
	var got secretView
	for _, a := range p.Apps {
		for _, f := range a.Fields() {
			text := fmt.Sprintf("%v %v %v", f.Value, f.Canonical, f.Items)
			for _, secret := range []string{"s3cr3t", "secretsecret", "PRIVATE KEY-----"} {
				if strings.Contains(text, secret) {
					t.Errorf("%s %s keeps secret text: %s", a.Name, f.Path, text)
				}
			}
			if strings.HasPrefix(f.Path, "secrets.") {
				if _, ok := f.Value.(bool); f.Value != nil && !ok {
					t.Errorf("%s %s value is %T, want a bool", a.Name, f.Path, f.Value)
				}
			}
		}
	}
	got.Leaky = fieldValues(p.App("Leaky"))["secrets.consumerSecret"]
	got.Eca = fieldValues(p.App("Eca"))["secrets.consumerSecret"]
	got.Empty = fieldValues(p.App("Empty"))["secrets.consumerSecret"]
	want := secretView{
		Leaky: fieldValue{Value: true, Canonical: true, Present: true, At: "8:9"},
		Eca:   fieldValue{Value: true, Canonical: true, Present: true, At: "2:5"},
		Empty: fieldValue{Value: false, Canonical: false, At: "1:96"}, // an empty element is not a secret
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("secrets.consumerSecret (-want +got):\n%s", diff)
	}
	compareFields(t, p.App("Leaky"), map[string]fieldValue{
		"secrets.privateKey":  {Value: true, Canonical: true, Present: true, At: "5:9"},
		"secrets.certificate": {Value: true, Canonical: true, Present: true, At: "5:9"},
		"oauth.jwtBearer":     {Value: true, Canonical: true, Present: true, At: "5:9"},
	})
}

func TestCanonicalScopes(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" when unknown
	}{
		{"Api", "Api"}, {"api", "Api"}, {" API ", "Api"},
		{"RefreshToken", "RefreshToken"}, {"refresh_token", "RefreshToken"},
		{"OfflineAccess", "RefreshToken"}, {"offline_access", "RefreshToken"},
		{"SFAP", "SFAP"}, {"SFApiPlatform", "SFAP"}, {"sfap_api", "SFAP"},
		{"id", "Basic"}, {"Profile", "Basic"}, {"openid", "OpenID"},
		{"full", "Full"}, {"web", "Web"}, {"chatbot_api", "Chatbot"}, {"MCP", "MCP"},
		{"ChatbotApi", ""}, {"", ""}, {"api refresh_token", ""},
	}
	for _, tt := range tests {
		got, ok := CanonicalScope(tt.in)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("CanonicalScope(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.want != "")
		}
	}
	if diff := cmp.Diff([]string{"Api", "RefreshToken", "SFAP", "Unknown"}, CanonicalScopes([]string{"SFApiPlatform", "refresh_token", "Api", "OfflineAccess", "api", "Unknown", " "})); diff != "" {
		t.Errorf("CanonicalScopes (-want +got):\n%s", diff)
	}
	for _, tt := range []struct {
		canonical string
		kind      AppKind
		want      string
	}{
		{"SFAP", KindECA, "SFApiPlatform"}, {"SFAP", KindConnectedApp, "SFAP"}, {"Api", KindECA, "Api"}, {"A2A", KindECA, "A2A"}, {"Nope", KindECA, "Nope"},
	} {
		if got := ScopeSpelling(tt.canonical, tt.kind); got != tt.want {
			t.Errorf("ScopeSpelling(%q, %s) = %q, want %q", tt.canonical, tt.kind, got, tt.want)
		}
	}
	if !IsMetadataScopeSpelling("SFApiPlatform", KindECA) || IsMetadataScopeSpelling("SFApiPlatform", KindConnectedApp) && !IsMetadataScopeSpelling("SFAP", KindConnectedApp) || IsMetadataScopeSpelling("api", KindConnectedApp) {
		t.Error("IsMetadataScopeSpelling: SFApiPlatform is the ECA spelling, SFAP the Connected App one, api neither")
	}
	if got := ScopeLabel("Api"); got != "Manage user data via APIs (api)" {
		t.Errorf("ScopeLabel(Api) = %q", got)
	}
}

func TestCanonicalEnumValues(t *testing.T) {
	tests := []struct {
		path, in, want string // want "" when not accepted
	}{
		{"policy.ipRelaxation", "ENFORCE", IPEnforce},
		{"policy.ipRelaxation", "Enforce", IPEnforce},
		{"policy.ipRelaxation", "Enforce_RelaxRefresh", IPEnforceRelaxRefresh},
		{"policy.ipRelaxation", "Enforce_relaxrefresh", IPEnforceRelaxRefresh},
		{"policy.ipRelaxation", "ENFORCE_RELAXREFRESH", IPEnforceRelaxRefresh},
		{"policy.ipRelaxation", "BYPASS_2FACTOR", IPBypass2Factor},
		{"policy.ipRelaxation", "Bypass", IPBypass},
		{"policy.ipRelaxation", "RELAX", ""},
		{"policy.refreshToken", "specific_lifetime:90:DAYS", RefreshSpecificLifetime},
		{"policy.refreshToken", "specific_lifetime:60:MONTHS", RefreshSpecificLifetime},
		{"policy.refreshToken", "zero", RefreshZero},
		{"policy.refreshToken", "SpecificInactivity", RefreshSpecificInactivity},
		{"policy.refreshToken", "specific_lifetime:x:DAYS", ""},
		{"policy.refreshTokenValidityUnit", "specific_lifetime:90:DAYS", "Days"},
		{"policy.refreshTokenValidityUnit", "MONTHS", "Months"},
		{"policy.refreshTokenValidityUnit", "Weeks", ""},
		{"policy.permittedUsers", "true", PermittedAdminApprovedPreAuthorized},
		{"policy.permittedUsers", "false", PermittedAllSelfAuthorized},
		{"policy.permittedUsers", "adminapprovedpreauthorized", PermittedAdminApprovedPreAuthorized},
		{"policy.sessionLevel", "high_assurance", "HIGH_ASSURANCE"},
		{"app.distributionState", "packaged", "Packaged"},
		{"no.such.field", "x", ""},
	}
	for _, tt := range tests {
		got, ok := CanonicalValue(tt.path, tt.in)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("CanonicalValue(%q, %q) = %q, %v; want %q, %v", tt.path, tt.in, got, ok, tt.want, tt.want != "")
		}
	}
	pol, ok := ParseConnectedAppRefreshPolicy("specific_lifetime:90:DAYS")
	if !ok || pol != (RefreshTokenPolicy{Type: RefreshSpecificLifetime, Period: 90, Unit: "Days"}) {
		t.Errorf("ParseConnectedAppRefreshPolicy = %+v, %v", pol, ok)
	}
	if got := FormatConnectedAppRefreshPolicy(pol); got != "specific_lifetime:90:DAYS" {
		t.Errorf("FormatConnectedAppRefreshPolicy = %q", got)
	}
	if got := IPRelaxationSpelling(IPEnforceRelaxRefresh, KindConnectedApp); got != "ENFORCE_RELAXREFRESH" {
		t.Errorf("IPRelaxationSpelling = %q", got)
	}
}

func TestFieldSpecsTable(t *testing.T) {
	specs := FieldSpecs()
	if !sort.SliceIsSorted(specs, func(i, j int) bool { return specs[i].Path < specs[j].Path }) {
		t.Error("FieldSpecs is not sorted by path")
	}
	seen := map[string]bool{}
	for _, s := range specs {
		if seen[s.Path] {
			t.Errorf("%s: listed twice", s.Path)
		}
		seen[s.Path] = true
		if s.Doc == "" {
			t.Errorf("%s: no Doc", s.Path)
		}
		if s.Derived == "" && s.CA.Type == "" && s.ECA.Type == "" {
			t.Errorf("%s: neither a source nor a derivation", s.Path)
		}
		if got, ok := LookupField(s.Path); !ok || got.Path != s.Path {
			t.Errorf("LookupField(%q) = %v, %v", s.Path, got.Path, ok)
		}
	}
	for _, path := range []string{"oauth.scopes", "oauth.callbackUrls", "oauth.pkceRequired", "oauth.secretRequiredForWebServerFlow", "policy.ipRelaxation", "policy.refreshToken", "secrets.consumerSecret"} {
		if !seen[path] {
			t.Errorf("model path %s is missing", path)
		}
	}
	// Every app has every field its kind has a source for, wherever it is written.
	p := mustLoad(t, Options{WorkDir: loadTestdata, Paths: append([]string{"join"}, sfdxPaths...)})
	for _, a := range p.Apps {
		for _, s := range specs {
			if s.Derived == "" && s.SourceFor(a.Kind).Type == "" {
				continue
			}
			f := a.Field(s.Path)
			if f == nil {
				t.Errorf("%s: no field %s", a.Name, s.Path)
				continue
			}
			if !f.Pos().IsValid() || f.Pos().File == "" || filepath.IsAbs(f.Pos().File) {
				t.Errorf("%s %s: position %v", a.Name, s.Path, f.Pos())
			}
		}
	}
}
