package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfapplint/sfapplint/metadata"
	"github.com/sfapplint/sfapplint/rules"
)

const fxFinancePath = "force-app/main/default/connectedApps/Finance_Sync.connectedApp-meta.xml"

// fxFinance is a Connected App that uses most settings an External Client App
// can take over, and some it cannot (SAML, the consumer key).
var fxFinance = map[string]string{
	"sfdx-project.json": fxSfdx,
	fxFinancePath: `<?xml version="1.0" encoding="UTF-8"?>
<ConnectedApp xmlns="http://soap.sforce.com/2006/04/metadata">
    <contactEmail>bi@northwind.example</contactEmail>
    <description>Finance data sync &amp; reports</description>
    <label>Finance Sync</label>
    <oauthConfig>
        <callbackUrl>https://finance.northwind.example/oauth/callback
http://localhost:1717/OauthRedirect</callbackUrl>
        <consumerKey>3MVG9FinanceSyncExampleKeyNotReal</consumerKey>
        <idTokenConfig>
            <idTokenIncludeCustomPerms>true</idTokenIncludeCustomPerms>
            <idTokenValidity>5</idTokenValidity>
        </idTokenConfig>
        <isAdminApproved>true</isAdminApproved>
        <isClientCredentialEnabled>true</isClientCredentialEnabled>
        <isCodeCredentialEnabled>false</isCodeCredentialEnabled>
        <isConsumerSecretOptional>false</isConsumerSecretOptional>
        <isIntrospectAllTokens>false</isIntrospectAllTokens>
        <isNamedUserJwtEnabled>true</isNamedUserJwtEnabled>
        <isRefreshTokenRotationEnabled>false</isRefreshTokenRotationEnabled>
        <isSecretRequiredForRefreshToken>true</isSecretRequiredForRefreshToken>
        <oauthClientCredentialUser>finance.integration@northwind.example</oauthClientCredentialUser>
        <scopes>Api</scopes>
        <scopes>RefreshToken</scopes>
        <scopes>SFAP</scopes>
        <scopes>Full</scopes>
    </oauthConfig>
    <oauthPolicy>
        <ipRelaxation>BYPASS</ipRelaxation>
        <isTokenExchangeFlowEnabled>false</isTokenExchangeFlowEnabled>
        <refreshTokenPolicy>specific_lifetime:90:DAYS</refreshTokenPolicy>
    </oauthPolicy>
    <permissionSetName>Finance Integration</permissionSetName>
    <profileName>System Administrator</profileName>
    <samlConfig>
        <acsUrl>https://finance.northwind.example/saml/acs</acsUrl>
        <entityUrl>https://finance.northwind.example</entityUrl>
        <samlSubjectType>Username</samlSubjectType>
    </samlConfig>
    <sessionPolicy>
        <sessionTimeout>120</sessionTimeout>
    </sessionPolicy>
    <startUrl>/lightning/page/home</startUrl>
</ConnectedApp>
`,
	"force-app/main/default/permissionsets/Finance_Integration.permissionset-meta.xml": `<?xml version="1.0" encoding="UTF-8"?>
<PermissionSet xmlns="http://soap.sforce.com/2006/04/metadata">
    <label>Finance Integration</label>
    <userPermissions>
        <enabled>false</enabled>
        <name>ApiEnabled</name>
    </userPermissions>
</PermissionSet>
`,
}

// kindSpecific lists the rules that apply to one app kind only: a Connected App
// and an External Client App cannot get the same verdict from them.
func kindSpecific(t *testing.T) map[string]bool {
	t.Helper()
	cat, err := rules.LoadBuiltinCatalog()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, p := range cat.Packs() {
		for _, r := range p.Rules {
			if len(r.Kinds) == 1 {
				out[r.FullID()] = true
			}
		}
	}
	return out
}

func fxLoadApp(t *testing.T, dir, name string, kind metadata.AppKind) *metadata.App {
	t.Helper()
	proj, err := metadata.Load(context.Background(), metadata.Options{WorkDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	app := findApp(proj, name, kind)
	if app == nil {
		t.Fatalf("no %s %s in %s", kind, name, dir)
	}
	return app
}

// TestMigrateConnectedApp: the External Client App has the same scopes,
// callback URLs, flags and policies, every pack judges it as it judged the
// Connected App, and the Connected App file is removed.
func TestMigrateConnectedApp(t *testing.T) {
	dir := t.TempDir()
	fxWrite(t, dir, fxFinance)
	var packArgs []string
	packArgs = append(packArgs, "--pack", "baseline")
	for _, p := range vendorPacks(t) {
		packArgs = append(packArgs, "--pack", p.ID)
	}
	skip := kindSpecific(t)
	filter := func(ids []string) []string {
		var out []string
		for _, id := range ids {
			if !skip[id] {
				out = append(out, id)
			}
		}
		return out
	}
	before := filter(fxRuleIDs(fxFindings(t, dir, packArgs...), "Finance_Sync"))
	if len(before) == 0 {
		t.Fatal("the fixture draws no findings; the verdict comparison would be empty")
	}
	ca := fxLoadApp(t, dir, "Finance_Sync", metadata.KindConnectedApp)

	r := fxRun(t, dir, append([]string{"migrate", "connectedapp", "Finance_Sync"}, packArgs...)...)
	if r.code != 0 {
		t.Fatalf("migrate: exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{
		"force-app/main/default/externalClientApps/Finance_Sync.eca-meta.xml",
		"force-app/main/default/extlClntAppGlobalOauthSets/Finance_Sync_glbloauth.ecaGlblOauth-meta.xml",
		"force-app/main/default/extlClntAppOauthSettings/Finance_Sync_oauth.ecaOauth-meta.xml",
		"force-app/main/default/extlClntAppOauthPolicies/Finance_Sync_oauthPlcy.ecaOauthPlcy-meta.xml",
		"force-app/main/default/extlClntAppPolicies/Finance_Sync_plcy.ecaPlcy-meta.xml",
		"oauthConfig/consumerKey:",
		"samlConfig:",
		"Removed " + fxFinancePath,
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("migrate output lacks %q:\n%s", want, r.stdout)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(fxFinancePath))); err == nil {
		t.Errorf("the Connected App file is still there")
	}
	if strings.Contains(r.stdout, "3MVG9FinanceSyncExampleKeyNotReal") {
		t.Errorf("migrate printed the consumer key")
	}

	after := filter(fxRuleIDs(fxFindings(t, dir, packArgs...), "Finance_Sync"))
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("rule verdicts differ (-Connected App +External Client App):\n%s", diff)
	}

	eca := fxLoadApp(t, dir, "Finance_Sync", metadata.KindECA)
	for _, path := range []string{
		"app.label", "app.contactEmail", "app.description", "app.startUrl",
		"oauth.enabled", "oauth.scopes", "oauth.callbackUrls",
		"oauth.deviceFlow", "oauth.codeCredentialFlow", "oauth.codeCredentialPostOnly",
		"oauth.clientCredentialsFlow", "oauth.clientCredentialsUser", "oauth.tokenExchange",
		"oauth.namedUserJwt", "oauth.jwtBearer", "oauth.pkceRequired", "oauth.consumerSecretOptional",
		"oauth.secretRequiredForWebServerFlow", "oauth.secretRequiredForRefreshToken",
		"oauth.refreshTokenRotation", "oauth.introspectAllTokens", "oauth.idTokenValidity",
		"policy.permittedUsers", "policy.profiles", "policy.ipRelaxation", "policy.refreshToken",
		"policy.refreshTokenValidityPeriod", "policy.refreshTokenValidityUnit",
		"policy.sessionTimeout", "policy.tokenExchange",
	} {
		if diff := cmp.Diff(ca.Field(path).Canonical, eca.Field(path).Canonical); diff != "" {
			t.Errorf("%s differs (-Connected App +External Client App):\n%s", path, diff)
		}
	}
	if got := eca.Field("policy.permissionSets").Strings(); !cmp.Equal(got, []string{"Finance_Integration"}) {
		t.Errorf("policy.permissionSets = %v, want the permission set's API name", got)
	}
	if c, _ := eca.Field("policy.clientCredentialsFlow").Bool(); !c {
		t.Errorf("client credentials are not enabled in the External Client App's policies")
	}
	if eca.Field("oauth.consumerKey").Present || eca.Field("secrets.consumerSecret").Present {
		t.Errorf("migrate carried over consumer credentials")
	}

	// Migrating again is refused: the External Client App exists now.
	if r := fxRun(t, dir, "migrate", "connectedapp", "Finance_Sync"); r.code != ExitUsage {
		t.Errorf("second migrate: exit %d, want %d\n%s", r.code, ExitUsage, r.stderr)
	}
}

func TestMigrateKeep(t *testing.T) {
	dir := t.TempDir()
	fxWrite(t, dir, fxFinance)
	caBytes := fxFinance[fxFinancePath]
	r := fxRun(t, dir, "migrate", "connectedapp", "Finance_Sync", "--keep", "--no-config")
	if r.code != 0 {
		t.Fatalf("migrate --keep: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(fxFinancePath)))
	if err != nil || string(got) != caBytes {
		t.Errorf("--keep did not keep the Connected App unchanged (err %v)", err)
	}
	// Both apps load side by side.
	fxLoadApp(t, dir, "Finance_Sync", metadata.KindConnectedApp)
	fxLoadApp(t, dir, "Finance_Sync", metadata.KindECA)

	if r := fxRun(t, dir, "migrate", "connectedapp", "No_Such_App"); r.code != ExitUsage || !strings.Contains(r.stderr, "Finance_Sync") {
		t.Errorf("unknown app: exit %d, stderr %q; want exit 2 listing the Connected Apps", r.code, r.stderr)
	}
}

// TestMigrateRefusesToOverwrite: existing External Client App files are kept
// unless --force.
func TestMigrateRefusesToOverwrite(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{}
	for k, v := range fxFinance {
		files[k] = v
	}
	const stray = "force-app/main/default/extlClntAppPolicies/Finance_Sync_plcy.ecaPlcy-meta.xml"
	files[stray] = "<!-- not joined to any app -->\n<ExtlClntAppConfigurablePolicies xmlns=\"http://soap.sforce.com/2006/04/metadata\"/>\n"
	fxWrite(t, dir, files)
	before := fxSnapshot(t, dir)
	r := fxRun(t, dir, "migrate", "connectedapp", "Finance_Sync", "--no-config")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "--force") {
		t.Fatalf("migrate over an existing file: exit %d, stderr %q", r.code, r.stderr)
	}
	if diff := cmp.Diff(before, fxSnapshot(t, dir)); diff != "" {
		t.Errorf("migrate wrote files although it refused:\n%s", diff)
	}
}
