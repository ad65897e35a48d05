// Package synth generates synthetic SFDX projects for benchmarks: N OAuth apps
// (half External Client App families, half Connected Apps) with a few
// permission sets and profiles, among M unrelated metadata files (Apex classes
// and custom objects with their fields) spread over nested directories.
//
// The files are modelled on real retrieved metadata (element order, layout,
// the values teams actually write) but are written from templates here; no real
// project's file is copied. Output depends only on the arguments, so a seed
// reproduces a tree byte for byte.
//
// Deliberate findings, so that evaluation and reporting do real work:
//   - about 10% of apps request the Full scope (baseline/full-scope), a fifth of
//     those with a suppression comment that gives a reason;
//   - about 5% have a plain-HTTP callback on a public host (baseline/callback-not-https);
//   - about 3% relax IP restrictions (Bypass);
//   - pre-authorized apps name permission sets, some of which do not grant
//     API Enabled (baseline/preauthorized-without-api-enabled);
//   - one Connected App in every 1,000 is truncated (baseline/xml-malformed).
//
// The tree is for the command line too: see cmd/synthgen.
package synth

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
)

// Layout facts tests and benchmarks rely on.
const (
	// PackageDir is the only package directory in sfdx-project.json.
	PackageDir = "force-app"
	// ECAFiles is the number of files of one External Client App family.
	ECAFiles = 5
)

// AppSuffixes are the file suffixes of every file the generator writes that
// sfapplint reads (apps, permission sets, profiles); unrelated files never end
// in one of these.
var AppSuffixes = []string{
	".eca-meta.xml", ".ecaGlblOauth-meta.xml", ".ecaOauth-meta.xml", ".ecaOauthPlcy-meta.xml", ".ecaPlcy-meta.xml",
	".connectedApp-meta.xml", ".permissionset-meta.xml", ".profile-meta.xml",
}

// Counts says how many files of each kind Generate writes for the given sizes.
type Counts struct {
	ECAs, ConnectedApps, PermissionSets, Profiles int
	// AppFiles counts every file sfapplint reads: app files, permission sets and profiles.
	AppFiles int
	// Others counts the unrelated files.
	Others int
	// Malformed counts the truncated Connected App files (one in every 1,000
	// apps); they are reported, not loaded, so a tree has Apps()-Malformed apps.
	Malformed int
}

// LoadedApps is the number of apps a loader finds: every app but the malformed ones.
func (c Counts) LoadedApps() int { return c.ECAs + c.ConnectedApps - c.Malformed }

// CountsFor returns what Generate(dir, apps, others, seed) writes.
func CountsFor(apps, others int) Counts {
	c := Counts{ECAs: (apps + 1) / 2, ConnectedApps: apps / 2, PermissionSets: 1 + apps/250, Profiles: 1 + apps/1000, Others: others, Malformed: apps / 1000}
	c.AppFiles = c.ECAs*ECAFiles + c.ConnectedApps + c.PermissionSets + c.Profiles
	return c
}

// Generate writes an SFDX project with apps OAuth apps and others unrelated
// files into dir (created if needed). The same arguments always produce the
// same files.
func Generate(dir string, apps, others int, seed int64) error {
	if apps < 0 || others < 0 {
		return fmt.Errorf("synth: negative size (apps %d, others %d)", apps, others)
	}
	g := &gen{
		root: dir,
		rng:  rand.New(rand.NewPCG(uint64(seed), 0x5f3759df)),
		w:    newWriter(),
	}
	g.write("sfdx-project.json", sfdxProject)
	g.write(".forceignore", "# synthetic project\n**/jsconfig.json\n**/.eslintrc.json\n")
	cnt := CountsFor(apps, others)
	g.permSets(cnt.PermissionSets)
	g.profiles(cnt.Profiles)
	for i := 0; i < apps; i++ {
		if i%2 == 0 {
			g.eca(i)
		} else {
			g.connectedApp(i)
		}
	}
	g.others(others)
	return g.w.close()
}

const sfdxProject = `{
  "packageDirectories": [
    {
      "path": "force-app",
      "default": true
    }
  ],
  "name": "synthetic-monorepo",
  "namespace": "",
  "sfdcLoginUrl": "https://login.salesforce.com",
  "sourceApiVersion": "64.0"
}
`

type gen struct {
	root     string
	rng      *rand.Rand
	w        *writer
	permsets []permSet
}

type permSet struct {
	name, label string
	api         bool
}

func (g *gen) write(rel, content string) {
	g.w.add(filepath.Join(g.root, filepath.FromSlash(rel)), content)
}

func (g *gen) chance(p float64) bool { return g.rng.Float64() < p }

var (
	vendors  = []string{"Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Soylent", "Tyrell", "Wonka", "Cyberdyne", "Massive", "Stark", "Wayne", "Oscorp", "Nakatomi", "Aperture"}
	purposes = []string{"Integration", "CI", "Portal", "Sync", "Mobile", "Reporting", "Billing", "Support", "ETL", "Middleware", "Analytics", "Connector"}
	teams    = []string{"sales", "service", "platform", "data", "finance", "marketing", "identity", "ops"}
	areas    = []string{"accounts", "billing", "cases", "common", "integration", "leads", "opportunities", "orders", "quotes", "reporting", "security", "utils"}
	nouns    = []string{"Account", "Contact", "Invoice", "Order", "Quote", "Shipment", "Payment", "Case", "Asset", "Contract", "Subscription", "Renewal", "Territory", "Forecast", "Campaign", "Entitlement"}
	roles    = []string{"Service", "Selector", "Handler", "Controller", "Batch", "Queueable", "Helper", "Builder", "Mapper", "Validator"}
	scopeSet = []string{"Api", "RefreshToken", "OpenID", "Basic", "Web", "Chatter", "CustomPermissions", "Wave"}
	permList = []string{"ApiEnabled", "ViewSetup", "RunReports", "ExportReport", "ManageUsers", "ModifyAllData", "ViewAllData", "EditTask", "EditEvent", "ConvertLeads", "ManageDashboards", "ViewRoles"}
	objects  = []string{"Account", "Contact", "Lead", "Opportunity", "Case", "Order", "Quote", "Product2", "Pricebook2", "Campaign", "Contract", "Asset"}
)

// appName is unique per index; apps are spread over a few team folders the way
// monorepos split ownership.
func (g *gen) appName(i int) string {
	return fmt.Sprintf("%s_%s_%05d", vendors[i%len(vendors)], purposes[(i/len(vendors))%len(purposes)], i)
}

// appDir places an app's files: most in main/default, the rest in team folders.
func appDir(i int, typeDir string) string {
	if i%3 == 0 {
		return "force-app/main/default/" + typeDir
	}
	return "force-app/main/" + teams[i%len(teams)] + "/" + typeDir
}

// finding decides which deliberate problems app i carries.
type finding struct {
	full, suppressFull, httpCallback, bypass, malformed bool
}

func (g *gen) findings(i int) finding {
	var f finding
	f.full = g.chance(0.10)
	f.suppressFull = f.full && g.chance(0.2)
	f.httpCallback = g.chance(0.05)
	f.bypass = g.chance(0.03)
	f.malformed = i%1000 == 999
	return f
}

func (g *gen) scopes(f finding) []string {
	out := []string{"Api"}
	for _, s := range scopeSet[1:] {
		if g.chance(0.35) {
			out = append(out, s)
		}
	}
	if f.full {
		out = append(out, "Full")
	}
	return out
}

func (g *gen) callbacks(name string, f finding) []string {
	host := strings.ToLower(strings.ReplaceAll(name, "_", "-"))
	out := []string{"https://" + host + ".example.com/oauth/callback"}
	if g.chance(0.3) {
		out = append(out, "https://staging."+host+".example.com/oauth/callback")
	}
	if g.chance(0.15) {
		out = append(out, "http://localhost:1717/OauthRedirect")
	}
	if f.httpCallback {
		out = append(out, "http://legacy."+host+".example.net/callback")
	}
	return out
}

func (g *gen) consumerKey() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._"
	var b strings.Builder
	b.WriteString("3MVG9")
	for i := 0; i < 80; i++ {
		b.WriteByte(alphabet[g.rng.IntN(len(alphabet))])
	}
	return b.String()
}

// certificate returns a fake public certificate body (base64 noise), as a JWT
// bearer app carries.
func (g *gen) certificate() string {
	const b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	var b strings.Builder
	b.WriteString("-----BEGIN CERTIFICATE-----\n")
	for line := 0; line < 18; line++ {
		for i := 0; i < 64; i++ {
			b.WriteByte(b64[g.rng.IntN(len(b64))])
		}
		b.WriteByte('\n')
	}
	b.WriteString("-----END CERTIFICATE-----")
	return b.String()
}

func (g *gen) preauthSets() []string {
	if len(g.permsets) == 0 {
		return nil
	}
	n := 1 + g.rng.IntN(2)
	var out []string
	for j := 0; j < n; j++ {
		out = append(out, g.permsets[g.rng.IntN(len(g.permsets))].name)
	}
	if len(out) == 2 && out[0] == out[1] {
		out = out[:1]
	}
	return out
}

const xmlDecl = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

func tf(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func (g *gen) eca(i int) {
	name := g.appName(i)
	f := g.findings(i)
	label := strings.ReplaceAll(name, "_", " ")
	vendor := vendors[i%len(vendors)]

	// Header.
	var b strings.Builder
	b.WriteString(xmlDecl)
	b.WriteString(`<ExternalClientApplication xmlns="http://soap.sforce.com/2006/04/metadata">` + "\n")
	fmt.Fprintf(&b, "    <contactEmail>integrations+%s@%s.example.com</contactEmail>\n", strings.ToLower(purposes[(i/len(vendors))%len(purposes)]), strings.ToLower(vendor))
	if g.chance(0.6) {
		fmt.Fprintf(&b, "    <description>%s connection used by the %s team. Owner: %s platform group.</description>\n", label, teams[i%len(teams)], vendor)
	}
	dist := "Local"
	if g.chance(0.1) {
		dist = "Packaged"
	}
	fmt.Fprintf(&b, "    <distributionState>%s</distributionState>\n", dist)
	b.WriteString("    <isProtected>false</isProtected>\n")
	fmt.Fprintf(&b, "    <label>%s</label>\n", label)
	b.WriteString("</ExternalClientApplication>\n")
	g.write(appDir(i, "externalClientApps")+"/"+name+".eca-meta.xml", b.String())

	// Global OAuth settings.
	b.Reset()
	b.WriteString(xmlDecl)
	b.WriteString(`<ExtlClntAppGlobalOauthSettings xmlns="http://soap.sforce.com/2006/04/metadata">` + "\n")
	fmt.Fprintf(&b, "    <callbackUrl>%s</callbackUrl>\n", strings.Join(g.callbacks(name, f), "\n"))
	if g.chance(0.03) {
		fmt.Fprintf(&b, "    <certificate>%s</certificate>\n", g.certificate())
	}
	fmt.Fprintf(&b, "    <externalClientApplication>%s</externalClientApplication>\n", name)
	if g.chance(0.5) {
		b.WriteString("    <idTokenConfig>\n        <idTokenAudience>" + strings.ToLower(vendor) + "</idTokenAudience>\n        <idTokenIncludeAttributes>false</idTokenIncludeAttributes>\n        <idTokenIncludeCustomPermissions>false</idTokenIncludeCustomPermissions>\n        <idTokenIncludeStandardClaims>false</idTokenIncludeStandardClaims>\n        <idTokenValidityInMinutes>2</idTokenValidityInMinutes>\n    </idTokenConfig>\n")
	}
	clientCreds := g.chance(0.1)
	pkce := g.chance(0.7)
	for _, kv := range [][2]string{
		{"isClientCredentialsFlowEnabled", tf(clientCreds)},
		{"isCodeCredFlowEnabled", "false"},
		{"isCodeCredPostOnly", "false"},
		{"isConsumerSecretOptional", "false"},
		{"isDeviceFlowEnabled", tf(g.chance(0.02))},
		{"isIntrospectAllTokens", "false"},
		{"isNamedUserJwtEnabled", "false"},
		{"isPkceRequired", tf(pkce)},
		{"isRefreshTokenRotationEnabled", tf(g.chance(0.4))},
		{"isSecretRequiredForRefreshToken", "true"},
		{"isSecretRequiredForTokenExchange", "true"},
		{"isTokenExchangeEnabled", "false"},
	} {
		fmt.Fprintf(&b, "    <%s>%s</%s>\n", kv[0], kv[1], kv[0])
	}
	fmt.Fprintf(&b, "    <label>%s_glbloauth</label>\n", name)
	b.WriteString("    <shouldRotateConsumerKey>false</shouldRotateConsumerKey>\n")
	b.WriteString("    <shouldRotateConsumerSecret>false</shouldRotateConsumerSecret>\n")
	b.WriteString("</ExtlClntAppGlobalOauthSettings>\n")
	g.write(appDir(i, "extlClntAppGlobalOauthSets")+"/"+name+"_glbloauth.ecaGlblOauth-meta.xml", b.String())

	// OAuth settings (scopes).
	b.Reset()
	b.WriteString(xmlDecl)
	b.WriteString(`<ExtlClntAppOauthSettings xmlns="http://soap.sforce.com/2006/04/metadata">` + "\n")
	if f.suppressFull {
		b.WriteString("    <!-- sfapplint-disable-next-line baseline/full-scope: the vendor's connector requires full access (SEC-1234) -->\n")
	}
	fmt.Fprintf(&b, "    <commaSeparatedOauthScopes>%s</commaSeparatedOauthScopes>\n", strings.Join(g.scopes(f), ", "))
	fmt.Fprintf(&b, "    <externalClientApplication>%s</externalClientApplication>\n", name)
	b.WriteString("    <isFirstPartyAppEnabled>false</isFirstPartyAppEnabled>\n")
	fmt.Fprintf(&b, "    <label>%s_oauth</label>\n", name)
	b.WriteString("</ExtlClntAppOauthSettings>\n")
	g.write(appDir(i, "extlClntAppOauthSettings")+"/"+name+"_oauth.ecaOauth-meta.xml", b.String())

	// OAuth policies.
	b.Reset()
	b.WriteString(xmlDecl)
	b.WriteString(`<ExtlClntAppOauthConfigurablePolicies xmlns="http://soap.sforce.com/2006/04/metadata">` + "\n")
	if clientCreds {
		fmt.Fprintf(&b, "    <clientCredentialsFlowUser>integration.%s@example.com</clientCredentialsFlowUser>\n", strings.ToLower(vendor))
	}
	preauth := g.chance(0.3)
	if preauth {
		if sets := g.preauthSets(); len(sets) > 0 {
			fmt.Fprintf(&b, "    <commaSeparatedPermissionSet>%s</commaSeparatedPermissionSet>\n", strings.Join(sets, ","))
		}
	}
	fmt.Fprintf(&b, "    <externalClientApplication>%s</externalClientApplication>\n", name)
	ip := "Enforce"
	if f.bypass {
		ip = "Bypass"
	} else if g.chance(0.2) {
		ip = "Enforce_relaxrefresh"
	}
	fmt.Fprintf(&b, "    <ipRelaxationPolicyType>%s</ipRelaxationPolicyType>\n", ip)
	fmt.Fprintf(&b, "    <isClientCredentialsFlowEnabled>%s</isClientCredentialsFlowEnabled>\n", tf(clientCreds))
	b.WriteString("    <isGuestCodeCredFlowEnabled>false</isGuestCodeCredFlowEnabled>\n")
	b.WriteString("    <isTokenExchangeFlowEnabled>false</isTokenExchangeFlowEnabled>\n")
	fmt.Fprintf(&b, "    <label>%s_oauthPlcy</label>\n", name)
	if preauth {
		b.WriteString("    <permittedUsersPolicyType>AdminApprovedPreAuthorized</permittedUsersPolicyType>\n")
	} else {
		b.WriteString("    <permittedUsersPolicyType>AllSelfAuthorized</permittedUsersPolicyType>\n")
	}
	if g.chance(0.6) {
		b.WriteString("    <refreshTokenPolicyType>SpecificLifetime</refreshTokenPolicyType>\n")
		fmt.Fprintf(&b, "    <refreshTokenValidityPeriod>%d</refreshTokenValidityPeriod>\n", []int{30, 90, 180, 365}[g.rng.IntN(4)])
		b.WriteString("    <refreshTokenValidityUnit>Days</refreshTokenValidityUnit>\n")
	} else {
		b.WriteString("    <refreshTokenPolicyType>Infinite</refreshTokenPolicyType>\n")
	}
	b.WriteString("    <requiredSessionLevel>STANDARD</requiredSessionLevel>\n")
	if g.chance(0.5) {
		fmt.Fprintf(&b, "    <sessionTimeoutInMinutes>%d</sessionTimeoutInMinutes>\n", []int{15, 30, 60, 120}[g.rng.IntN(4)])
	}
	b.WriteString("</ExtlClntAppOauthConfigurablePolicies>\n")
	g.write(appDir(i, "extlClntAppOauthPolicies")+"/"+name+"_oauthPlcy.ecaOauthPlcy-meta.xml", b.String())

	// Configurable policies.
	b.Reset()
	b.WriteString(xmlDecl)
	b.WriteString(`<ExtlClntAppConfigurablePolicies xmlns="http://soap.sforce.com/2006/04/metadata">` + "\n")
	fmt.Fprintf(&b, "    <externalClientApplication>%s</externalClientApplication>\n", name)
	b.WriteString("    <isEnabled>true</isEnabled>\n")
	b.WriteString("    <isOauthPluginEnabled>true</isOauthPluginEnabled>\n")
	fmt.Fprintf(&b, "    <label>%s_plcy</label>\n", name)
	b.WriteString("    <startPage>None</startPage>\n")
	b.WriteString("</ExtlClntAppConfigurablePolicies>\n")
	g.write(appDir(i, "extlClntAppPolicies")+"/"+name+"_plcy.ecaPlcy-meta.xml", b.String())
}

func (g *gen) connectedApp(i int) {
	name := g.appName(i)
	f := g.findings(i)
	label := strings.ReplaceAll(name, "_", " ")
	vendor := vendors[i%len(vendors)]

	var b strings.Builder
	b.WriteString(xmlDecl)
	b.WriteString(`<ConnectedApp xmlns="http://soap.sforce.com/2006/04/metadata">` + "\n")
	fmt.Fprintf(&b, "    <contactEmail>admin@%s.example.com</contactEmail>\n", strings.ToLower(vendor))
	if g.chance(0.3) {
		fmt.Fprintf(&b, "    <contactPhone>+1 555 01%02d %04d</contactPhone>\n", i%100, g.rng.IntN(10000))
	}
	if g.chance(0.5) {
		fmt.Fprintf(&b, "    <description>%s (managed by the %s team)</description>\n", label, teams[i%len(teams)])
	}
	if g.chance(0.3) {
		fmt.Fprintf(&b, "    <iconUrl>https://%s.example.com/static/icon.png</iconUrl>\n", strings.ToLower(vendor))
	}
	fmt.Fprintf(&b, "    <label>%s</label>\n", label)
	b.WriteString("    <oauthConfig>\n")
	fmt.Fprintf(&b, "        <callbackUrl>%s</callbackUrl>\n", strings.Join(g.callbacks(name, f), "\n"))
	if g.chance(0.05) {
		fmt.Fprintf(&b, "        <certificate>%s</certificate>\n", g.certificate())
	}
	fmt.Fprintf(&b, "        <consumerKey>%s</consumerKey>\n", g.consumerKey())
	preauth := g.chance(0.3)
	clientCreds := g.chance(0.1)
	for _, kv := range [][2]string{
		{"isAdminApproved", tf(preauth)},
		{"isClientCredentialEnabled", tf(clientCreds)},
		{"isCodeCredentialEnabled", "false"},
		{"isCodeCredentialPostOnly", "false"},
		{"isConsumerSecretOptional", "false"},
		{"isIntrospectAllTokens", "false"},
		{"isPkceRequired", tf(g.chance(0.6))},
		{"isRefreshTokenRotationEnabled", tf(g.chance(0.4))},
		{"isSecretRequiredForRefreshToken", "true"},
	} {
		fmt.Fprintf(&b, "        <%s>%s</%s>\n", kv[0], kv[1], kv[0])
	}
	if clientCreds {
		fmt.Fprintf(&b, "        <oauthClientCredentialUser>integration.%s@example.com</oauthClientCredentialUser>\n", strings.ToLower(vendor))
	}
	for _, s := range g.scopes(f) {
		if s == "Full" && f.suppressFull {
			// A suppression covers the next element: the comment sits right
			// above the Full <scopes>.
			b.WriteString("        <!-- sfapplint-disable-next-line baseline/full-scope: legacy middleware needs full access until Q4 -->\n")
		}
		fmt.Fprintf(&b, "        <scopes>%s</scopes>\n", s)
	}
	b.WriteString("    </oauthConfig>\n")
	b.WriteString("    <oauthPolicy>\n")
	ip := "ENFORCE"
	if f.bypass {
		ip = "BYPASS"
	}
	fmt.Fprintf(&b, "        <ipRelaxation>%s</ipRelaxation>\n", ip)
	if g.chance(0.5) {
		b.WriteString("        <refreshTokenPolicy>infinite</refreshTokenPolicy>\n")
	} else {
		fmt.Fprintf(&b, "        <refreshTokenPolicy>specific_lifetime:%d:DAYS</refreshTokenPolicy>\n", []int{30, 90, 365}[g.rng.IntN(3)])
	}
	b.WriteString("    </oauthPolicy>\n")
	if preauth {
		for _, ps := range g.preauthSets() {
			fmt.Fprintf(&b, "    <permissionSetName>%s</permissionSetName>\n", g.permSetLabel(ps))
		}
	}
	if g.chance(0.4) {
		b.WriteString("    <sessionPolicy>\n        <sessionTimeout>120</sessionTimeout>\n    </sessionPolicy>\n")
	}
	b.WriteString("</ConnectedApp>\n")
	content := b.String()
	if f.malformed {
		// A merge gone wrong: the file ends inside <oauthPolicy>.
		if cut := strings.Index(content, "    </oauthPolicy>"); cut > 0 {
			content = content[:cut]
		}
	}
	g.write(appDir(i, "connectedApps")+"/"+name+".connectedApp-meta.xml", content)
}

// permSetLabel returns the label a Connected App's permissionSetName uses.
func (g *gen) permSetLabel(name string) string {
	for _, ps := range g.permsets {
		if ps.name == name {
			return ps.label
		}
	}
	return name
}

func (g *gen) permSets(n int) {
	for k := 0; k < n; k++ {
		ps := permSet{
			name:  fmt.Sprintf("%s_Integration_User_%03d", vendors[k%len(vendors)], k),
			label: fmt.Sprintf("%s Integration User %03d", vendors[k%len(vendors)], k),
			api:   k%4 != 3, // every fourth does not grant API Enabled
		}
		g.permsets = append(g.permsets, ps)
		var b strings.Builder
		b.WriteString(xmlDecl)
		b.WriteString(`<PermissionSet xmlns="http://soap.sforce.com/2006/04/metadata">` + "\n")
		fmt.Fprintf(&b, "    <description>Permissions for the %s integration user.</description>\n", vendors[k%len(vendors)])
		b.WriteString("    <hasActivationRequired>false</hasActivationRequired>\n")
		fmt.Fprintf(&b, "    <label>%s</label>\n", ps.label)
		for _, obj := range objects[:4+k%8] {
			fmt.Fprintf(&b, "    <objectPermissions>\n        <allowCreate>%s</allowCreate>\n        <allowDelete>false</allowDelete>\n        <allowEdit>true</allowEdit>\n        <allowRead>true</allowRead>\n        <modifyAllRecords>false</modifyAllRecords>\n        <object>%s</object>\n        <viewAllRecords>false</viewAllRecords>\n    </objectPermissions>\n", tf(g.chance(0.5)), obj)
		}
		if ps.api {
			b.WriteString("    <userPermissions>\n        <enabled>true</enabled>\n        <name>ApiEnabled</name>\n    </userPermissions>\n")
		}
		b.WriteString("    <userPermissions>\n        <enabled>true</enabled>\n        <name>ViewSetup</name>\n    </userPermissions>\n")
		b.WriteString("</PermissionSet>\n")
		g.write(fmt.Sprintf("force-app/main/default/permissionsets/%s.permissionset-meta.xml", ps.name), b.String())
	}
}

// LargeProfiles adds n profiles of the size a full retrieval of a big org
// gives (fields field permissions each, ~150 bytes apiece: 15,000 make
// 2.3 MB) to the project in dir, each granting API Enabled at its end.
// Names do not collide with Generate's.
func LargeProfiles(dir string, n, fields int) error {
	if n < 0 || fields < 0 {
		return fmt.Errorf("synth: negative size (profiles %d, fields %d)", n, fields)
	}
	w := newWriter()
	for k := 0; k < n; k++ {
		var b strings.Builder
		b.Grow(fields*150 + 512)
		b.WriteString(xmlDecl)
		b.WriteString(`<Profile xmlns="http://soap.sforce.com/2006/04/metadata">` + "\n")
		for j := 0; j < fields; j++ {
			fmt.Fprintf(&b, "    <fieldPermissions>\n        <editable>%s</editable>\n        <field>%s.Field_%05d__c</field>\n        <readable>true</readable>\n    </fieldPermissions>\n", tf(j%3 == 0), objects[j%len(objects)], j)
		}
		b.WriteString("    <userLicense>Salesforce</userLicense>\n")
		b.WriteString("    <userPermissions>\n        <enabled>true</enabled>\n        <name>ApiEnabled</name>\n    </userPermissions>\n")
		b.WriteString("</Profile>\n")
		w.add(filepath.Join(dir, "force-app", "main", "default", "profiles", fmt.Sprintf("Large_%03d.profile-meta.xml", k)), b.String())
	}
	return w.close()
}

// profiles writes profiles the size real ones have: hundreds of field and
// object permissions around a handful of user permissions.
func (g *gen) profiles(n int) {
	names := []string{"Admin", "Integration_Profile", "Custom_Sales", "Custom_Support", "Read_Only_API"}
	for k := 0; k < n; k++ {
		name := names[k%len(names)]
		if k >= len(names) {
			name = fmt.Sprintf("%s_%02d", name, k)
		}
		var b strings.Builder
		b.WriteString(xmlDecl)
		b.WriteString(`<Profile xmlns="http://soap.sforce.com/2006/04/metadata">` + "\n")
		b.WriteString("    <custom>true</custom>\n")
		for j := 0; j < 300; j++ {
			obj := objects[j%len(objects)]
			fmt.Fprintf(&b, "    <fieldPermissions>\n        <editable>%s</editable>\n        <field>%s.Field_%03d__c</field>\n        <readable>true</readable>\n    </fieldPermissions>\n", tf(j%3 == 0), obj, j)
		}
		for _, obj := range objects {
			fmt.Fprintf(&b, "    <objectPermissions>\n        <allowCreate>true</allowCreate>\n        <allowDelete>false</allowDelete>\n        <allowEdit>true</allowEdit>\n        <allowRead>true</allowRead>\n        <modifyAllRecords>false</modifyAllRecords>\n        <object>%s</object>\n        <viewAllRecords>false</viewAllRecords>\n    </objectPermissions>\n", obj)
		}
		b.WriteString("    <userLicense>Salesforce</userLicense>\n")
		for j, p := range permList {
			on := j%2 == 0 || p == "ApiEnabled"
			fmt.Fprintf(&b, "    <userPermissions>\n        <enabled>%s</enabled>\n        <name>%s</name>\n    </userPermissions>\n", tf(on), p)
		}
		b.WriteString("</Profile>\n")
		g.write("force-app/main/default/profiles/"+name+".profile-meta.xml", b.String())
	}
}

// others writes n unrelated files: Apex classes (source and -meta.xml) and
// custom objects with fields, in nested folders of at most ~100 files each.
func (g *gen) others(n int) {
	written := 0
	cls, obj := 0, 0
	for written < n {
		left := n - written
		if (cls+obj)%2 == 0 && left >= 2 {
			// An Apex class: .cls and .cls-meta.xml.
			name := fmt.Sprintf("%s%s%05d", nouns[cls%len(nouns)], roles[(cls/len(nouns))%len(roles)], cls)
			dir := fmt.Sprintf("force-app/main/default/classes/%s/batch%03d", areas[cls%len(areas)], cls/(50*len(areas)))
			g.write(dir+"/"+name+".cls", g.apex(name))
			g.write(dir+"/"+name+".cls-meta.xml", xmlDecl+`<ApexClass xmlns="http://soap.sforce.com/2006/04/metadata">`+"\n    <apiVersion>64.0</apiVersion>\n    <status>Active</status>\n</ApexClass>\n")
			written += 2
			cls++
			continue
		}
		// A custom object with up to 9 fields.
		oname := fmt.Sprintf("%s_%05d__c", nouns[obj%len(nouns)], obj)
		odir := fmt.Sprintf("force-app/main/%s/objects/%s", teams[obj%len(teams)], oname)
		g.write(odir+"/"+oname+".object-meta.xml", g.object(oname))
		written++
		for fld := 0; fld < 9 && written < n; fld++ {
			fname := fmt.Sprintf("Field_%02d__c", fld)
			g.write(odir+"/fields/"+fname+".field-meta.xml", g.field(fname, fld))
			written++
		}
		obj++
	}
}

func (g *gen) apex(name string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "/**\n * %s: generated for benchmarks.\n */\npublic with sharing class %s {\n", name, name)
	methods := 2 + g.rng.IntN(8)
	for m := 0; m < methods; m++ {
		fmt.Fprintf(&b, "    public static List<Account> method%d(Set<Id> ids) {\n        List<Account> out = [SELECT Id, Name FROM Account WHERE Id IN :ids LIMIT %d];\n        for (Account a : out) {\n            a.Description = 'touched by %s.method%d';\n        }\n        return out;\n    }\n\n", m, 100+m, name, m)
	}
	b.WriteString("}\n")
	return b.String()
}

func (g *gen) object(name string) string {
	label := strings.TrimSuffix(strings.ReplaceAll(name, "_", " "), "  c")
	return xmlDecl + `<CustomObject xmlns="http://soap.sforce.com/2006/04/metadata">` + "\n" +
		"    <deploymentStatus>Deployed</deploymentStatus>\n    <enableActivities>true</enableActivities>\n    <enableHistory>false</enableHistory>\n    <enableReports>true</enableReports>\n    <enableSearch>true</enableSearch>\n    <enableSharing>true</enableSharing>\n" +
		"    <label>" + label + "</label>\n    <nameField>\n        <label>" + label + " Name</label>\n        <type>Text</type>\n    </nameField>\n    <pluralLabel>" + label + "s</pluralLabel>\n    <sharingModel>ReadWrite</sharingModel>\n    <visibility>Public</visibility>\n</CustomObject>\n"
}

func (g *gen) field(name string, k int) string {
	types := []string{"Text", "Number", "Checkbox", "Date", "Picklist"}
	t := types[k%len(types)]
	extra := ""
	switch t {
	case "Text":
		extra = "    <length>255</length>\n"
	case "Number":
		extra = "    <precision>18</precision>\n    <scale>2</scale>\n"
	case "Checkbox":
		extra = "    <defaultValue>false</defaultValue>\n"
	}
	return xmlDecl + `<CustomField xmlns="http://soap.sforce.com/2006/04/metadata">` + "\n" +
		"    <fullName>" + name + "</fullName>\n    <externalId>false</externalId>\n    <label>" + strings.ReplaceAll(strings.TrimSuffix(name, "__c"), "_", " ") + "</label>\n" + extra +
		"    <required>false</required>\n    <trackTrending>false</trackTrending>\n    <type>" + t + "</type>\n</CustomField>\n"
}

// writer writes files on a few goroutines, creating each directory once.
type writer struct {
	jobs chan [2]string
	wg   sync.WaitGroup
	mu   sync.Mutex
	dirs map[string]bool
	err  error
}

func newWriter() *writer {
	w := &writer{jobs: make(chan [2]string, 256), dirs: map[string]bool{}}
	for k := 0; k < max(2, runtime.GOMAXPROCS(0)); k++ {
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			for j := range w.jobs {
				if err := w.writeFile(j[0], j[1]); err != nil {
					w.mu.Lock()
					if w.err == nil {
						w.err = err
					}
					w.mu.Unlock()
				}
			}
		}()
	}
	return w
}

func (w *writer) add(path, content string) { w.jobs <- [2]string{path, content} }

func (w *writer) writeFile(path, content string) error {
	dir := filepath.Dir(path)
	w.mu.Lock()
	known := w.dirs[dir]
	w.mu.Unlock()
	if !known {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		w.mu.Lock()
		w.dirs[dir] = true
		w.mu.Unlock()
	}
	return os.WriteFile(path, []byte(content), 0o644)
}

func (w *writer) close() error {
	close(w.jobs)
	w.wg.Wait()
	return w.err
}
