package metadata

import (
	"bytes"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Source names where a field is read from for one app kind: a file type and the
// element path below that file's root ("oauthConfig/callbackUrl").
type Source struct {
	Type Type
	Elem string
}

// String formats the source as Type/elem/path.
func (s Source) String() string {
	if s.Type == "" {
		return ""
	}
	return string(s.Type) + "/" + s.Elem
}

// FieldSpec documents one model path and how each app kind feeds it. The table
// of specs is the single source of truth for extraction, `sfapplint fields`,
// rule-pack validation and fixes.
type FieldSpec struct {
	Path string
	Kind ValueKind
	Doc  string
	// Sources per app kind; a kind without a source does not have the field.
	CA, ECA Source
	// Defaults per app kind when the element is absent (nil: no documented default).
	DefaultCA, DefaultECA any
	// Enum lists the canonical values of an enum field.
	Enum []string
	// Derived explains how a field without a direct element source is computed.
	Derived string
}

// SourceFor returns the source of the field for an app kind.
func (s FieldSpec) SourceFor(k AppKind) Source {
	if k == KindConnectedApp {
		return s.CA
	}
	return s.ECA
}

// DefaultFor returns the documented default for an app kind.
func (s FieldSpec) DefaultFor(k AppKind) any {
	if k == KindConnectedApp {
		return s.DefaultCA
	}
	return s.DefaultECA
}

func ca(elem string) Source   { return Source{TypeConnectedApp, elem} }
func eca(elem string) Source  { return Source{TypeExternalClientApp, elem} }
func glbl(elem string) Source { return Source{TypeECAGlobalOauth, elem} }
func oset(elem string) Source { return Source{TypeECAOauthSettings, elem} }
func oplc(elem string) Source { return Source{TypeECAOauthPolicies, elem} }
func plcy(elem string) Source { return Source{TypeECAPolicies, elem} }

var (
	ipEnum      = []string{IPEnforce, IPEnforceRelaxRefresh, IPBypass2Factor, IPBypass}
	refreshEnum = []string{RefreshInfinite, RefreshZero, RefreshSpecificLifetime, RefreshSpecificInactivity}
	unitEnum    = []string{"Hours", "Days", "Months"}
	permEnum    = []string{PermittedAllSelfAuthorized, PermittedAdminApprovedPreAuthorized}
)

// fieldSpecs is the model. Paths are public interface: add, never rename.
var fieldSpecs = []FieldSpec{
	{Path: "app.kind", Kind: KindEnum, Doc: "ConnectedApp or ExternalClientApplication", Enum: []string{string(KindConnectedApp), string(KindECA)}, Derived: "the type of the app's root file"},
	{Path: "app.name", Kind: KindString, Doc: "API name of the app (the file name)", Derived: "the root file's component name"},
	{Path: "app.label", Kind: KindString, Doc: "display name", CA: ca("label"), ECA: eca("label")},
	{Path: "app.contactEmail", Kind: KindString, Doc: "contact e-mail", CA: ca("contactEmail"), ECA: eca("contactEmail")},
	{Path: "app.contactPhone", Kind: KindString, Doc: "contact phone", CA: ca("contactPhone"), ECA: eca("contactPhone")},
	{Path: "app.description", Kind: KindString, Doc: "description", CA: ca("description"), ECA: eca("description")},
	{Path: "app.distributionState", Kind: KindEnum, Doc: "Local (one org) or Packaged (distributed in a package); Setup: Distribution State", ECA: eca("distributionState"), Enum: []string{"Local", "Packaged", "Managed", "AutoInstalled"}},
	{Path: "app.orgScopedExternalApp", Kind: KindString, Doc: "OrgId:AppName of the owning org", ECA: eca("orgScopedExternalApp")},
	{Path: "app.isProtected", Kind: KindBool, Doc: "packaging visibility", ECA: eca("isProtected"), DefaultECA: false},
	{Path: "app.enabled", Kind: KindBool, Doc: "master switch of all plugins (ECA policies isEnabled)", ECA: plcy("isEnabled"), DefaultECA: true},
	{Path: "app.startUrl", Kind: KindString, Doc: "start URL after login", CA: ca("startUrl"), ECA: oplc("startUrl")},

	{Path: "oauth.enabled", Kind: KindBool, Doc: "OAuth is switched on (Setup: Enable OAuth Settings / Enable OAuth)", Derived: "ConnectedApp: <oauthConfig> present; ECA: OAuth settings files present and the OAuth plugin enabled"},
	{Path: "oauth.pluginEnabled", Kind: KindBool, Doc: "ECA OAuth plugin switch", ECA: plcy("isOauthPluginEnabled"), DefaultECA: true},
	{Path: "oauth.callbackUrls", Kind: KindURLs, Doc: "callback (redirect) URLs, one per line", CA: ca("oauthConfig/callbackUrl"), ECA: glbl("callbackUrl")},
	{Path: "oauth.scopes", Kind: KindScopes, Doc: "selected OAuth scopes; rules may name them by metadata name (Api) or request token (api)", CA: ca("oauthConfig/scopes"), ECA: oset("commaSeparatedOauthScopes")},
	{Path: "oauth.customScopes", Kind: KindList, Doc: "custom scope names", ECA: oset("commaSeparatedCustomScopes")},
	{Path: "oauth.consumerKey", Kind: KindString, Doc: "consumer key (client_id); an identifier, not a secret", CA: ca("oauthConfig/consumerKey"), ECA: glbl("consumerKey")},
	{Path: "oauth.deviceFlow", Kind: KindBool, Doc: "Enable Device Flow", CA: ca("oauthConfig/isDeviceFlowEnabled"), ECA: glbl("isDeviceFlowEnabled"), DefaultCA: false, DefaultECA: false},
	{Path: "oauth.codeCredentialFlow", Kind: KindBool, Doc: "Enable Authorization Code and Credentials Flow", CA: ca("oauthConfig/isCodeCredentialEnabled"), ECA: glbl("isCodeCredFlowEnabled"), DefaultCA: false, DefaultECA: false},
	{Path: "oauth.codeCredentialPostOnly", Kind: KindBool, Doc: "require user credentials in the POST body for the code-and-credentials flow", CA: ca("oauthConfig/isCodeCredentialPostOnly"), ECA: glbl("isCodeCredPostOnly"), DefaultCA: false, DefaultECA: false},
	{Path: "oauth.clientCredentialsFlow", Kind: KindBool, Doc: "Enable Client Credentials Flow", CA: ca("oauthConfig/isClientCredentialEnabled"), ECA: glbl("isClientCredentialsFlowEnabled"), DefaultCA: false, DefaultECA: false},
	{Path: "oauth.clientCredentialsUser", Kind: KindString, Doc: "Run As user of the client credentials flow", CA: ca("oauthConfig/oauthClientCredentialUser"), ECA: oplc("clientCredentialsFlowUser")},
	{Path: "oauth.tokenExchange", Kind: KindBool, Doc: "Enable Token Exchange Flow", CA: ca("oauthConfig/isTokenExchangeEnabled"), ECA: glbl("isTokenExchangeEnabled"), DefaultCA: false, DefaultECA: false},
	{Path: "oauth.namedUserJwt", Kind: KindBool, Doc: "issue JWT-based access tokens for named users", CA: ca("oauthConfig/isNamedUserJwtEnabled"), ECA: glbl("isNamedUserJwtEnabled"), DefaultCA: false, DefaultECA: false},
	{Path: "oauth.jwtBearer", Kind: KindBool, Doc: "JWT bearer flow possible (Use digital signatures / Enable JWT Bearer Flow)", Derived: "a certificate is present"},
	{Path: "oauth.pkceRequired", Kind: KindBool, Doc: "Require Proof Key for Code Exchange (PKCE)", CA: ca("oauthConfig/isPkceRequired"), ECA: glbl("isPkceRequired"), DefaultCA: false, DefaultECA: true},
	{Path: "oauth.consumerSecretOptional", Kind: KindBool, Doc: "isConsumerSecretOptional as written (inverse of Require Secret for Web Server Flow)", CA: ca("oauthConfig/isConsumerSecretOptional"), ECA: glbl("isConsumerSecretOptional"), DefaultCA: false, DefaultECA: false},
	{Path: "oauth.secretRequiredForWebServerFlow", Kind: KindBool, Doc: "Require Secret for Web Server Flow", Derived: "not isConsumerSecretOptional"},
	{Path: "oauth.secretRequiredForRefreshToken", Kind: KindBool, Doc: "Require Secret for Refresh Token Flow", CA: ca("oauthConfig/isSecretRequiredForRefreshToken"), ECA: glbl("isSecretRequiredForRefreshToken"), DefaultCA: true, DefaultECA: true},
	{Path: "oauth.secretRequiredForTokenExchange", Kind: KindBool, Doc: "Require Secret for Token Exchange Flow", CA: ca("oauthConfig/isSecretRequiredForTokenExchange"), ECA: glbl("isSecretRequiredForTokenExchange")},
	{Path: "oauth.refreshTokenRotation", Kind: KindBool, Doc: "Enable Refresh Token Rotation", CA: ca("oauthConfig/isRefreshTokenRotationEnabled"), ECA: glbl("isRefreshTokenRotationEnabled"), DefaultCA: false, DefaultECA: false},
	{Path: "oauth.introspectAllTokens", Kind: KindBool, Doc: "introspect all tokens, not only the app's own", CA: ca("oauthConfig/isIntrospectAllTokens"), ECA: glbl("isIntrospectAllTokens"), DefaultCA: false, DefaultECA: false},
	{Path: "oauth.rotateConsumerKey", Kind: KindBool, Doc: "rotate the consumer key on deploy", ECA: glbl("shouldRotateConsumerKey"), DefaultECA: false},
	{Path: "oauth.rotateConsumerSecret", Kind: KindBool, Doc: "rotate the consumer secret on deploy", ECA: glbl("shouldRotateConsumerSecret"), DefaultECA: false},
	{Path: "oauth.singleLogoutUrl", Kind: KindString, Doc: "single logout URL", CA: ca("oauthConfig/singleLogoutUrl"), ECA: oset("singleLogoutUrl")},
	{Path: "oauth.idTokenValidity", Kind: KindInt, Doc: "ID token validity in minutes", CA: ca("oauthConfig/idTokenConfig/idTokenValidity"), ECA: glbl("idTokenConfig/idTokenValidityInMinutes")},
	{Path: "oauth.idTokenAudience", Kind: KindString, Doc: "ID token audiences", CA: ca("oauthConfig/idTokenConfig/idTokenAudience"), ECA: glbl("idTokenConfig/idTokenAudience")},
	{Path: "oauth.firstPartyApp", Kind: KindBool, Doc: "first-party headless authorization endpoint", ECA: oset("isFirstPartyAppEnabled"), DefaultECA: false},

	{Path: "policy.permittedUsers", Kind: KindEnum, Doc: "Permitted Users: AllSelfAuthorized (All users may self-authorize) or AdminApprovedPreAuthorized (Admin approved users are pre-authorized)", CA: ca("oauthConfig/isAdminApproved"), ECA: oplc("permittedUsersPolicyType"), DefaultCA: PermittedAllSelfAuthorized, DefaultECA: PermittedAllSelfAuthorized, Enum: permEnum},
	{Path: "policy.profiles", Kind: KindList, Doc: "profiles whose users are pre-authorized", CA: ca("profileName"), ECA: oplc("commaSeparatedProfile")},
	{Path: "policy.permissionSets", Kind: KindList, Doc: "permission sets whose users are pre-authorized", CA: ca("permissionSetName"), ECA: oplc("commaSeparatedPermissionSet")},
	{Path: "policy.ipRelaxation", Kind: KindEnum, Doc: "IP Relaxation (Enforce, Enforce_relaxrefresh, Bypass_2factor, Bypass)", CA: ca("oauthPolicy/ipRelaxation"), ECA: oplc("ipRelaxationPolicyType"), DefaultCA: IPEnforce, DefaultECA: IPEnforce, Enum: ipEnum},
	{Path: "policy.refreshToken", Kind: KindEnum, Doc: "Refresh Token Policy (Infinite, Zero, SpecificLifetime, SpecificInactivity)", CA: ca("oauthPolicy/refreshTokenPolicy"), ECA: oplc("refreshTokenPolicyType"), DefaultCA: RefreshInfinite, DefaultECA: RefreshInfinite, Enum: refreshEnum},
	{Path: "policy.refreshTokenValidityPeriod", Kind: KindInt, Doc: "number of units after which the refresh token expires", CA: ca("oauthPolicy/refreshTokenPolicy"), ECA: oplc("refreshTokenValidityPeriod")},
	{Path: "policy.refreshTokenValidityUnit", Kind: KindEnum, Doc: "unit of the refresh token validity (Hours, Days, Months)", CA: ca("oauthPolicy/refreshTokenPolicy"), ECA: oplc("refreshTokenValidityUnit"), Enum: unitEnum},
	{Path: "policy.sessionTimeout", Kind: KindInt, Doc: "session timeout in minutes", CA: ca("sessionPolicy/sessionTimeout"), ECA: oplc("sessionTimeoutInMinutes")},
	{Path: "policy.sessionLevel", Kind: KindEnum, Doc: "required session security level", CA: ca("sessionPolicy/sessionLevel"), ECA: oplc("requiredSessionLevel"), Enum: []string{"LOW", "STANDARD", "HIGH_ASSURANCE"}},
	{Path: "policy.policyAction", Kind: KindEnum, Doc: "action when the session level is too low", CA: ca("sessionPolicy/policyAction"), ECA: oplc("policyAction"), Enum: []string{"Block", "RaiseSessionLevel", "StepUpMFA"}},
	{Path: "policy.clientCredentialsFlow", Kind: KindBool, Doc: "client credentials flow enabled on the policy side (ECA)", ECA: oplc("isClientCredentialsFlowEnabled"), DefaultECA: false},
	{Path: "policy.tokenExchange", Kind: KindBool, Doc: "token exchange enabled on the policy side", CA: ca("oauthPolicy/isTokenExchangeFlowEnabled"), ECA: oplc("isTokenExchangeFlowEnabled"), DefaultCA: false, DefaultECA: false},
	{Path: "policy.ipRanges", Kind: KindList, Doc: "trusted IP ranges as start-end", CA: ca("ipRanges"), ECA: oset("trustedIpRanges")},

	{Path: "secrets.consumerSecret", Kind: KindSecret, Doc: "a consumer secret is committed (presence only; never printed)", CA: ca("oauthConfig/consumerSecret"), ECA: glbl("consumerSecret")},
	{Path: "secrets.certificate", Kind: KindSecret, Doc: "a JWT bearer certificate is present (presence only)", CA: ca("oauthConfig/certificate"), ECA: glbl("certificate")},
	{Path: "secrets.privateKey", Kind: KindSecret, Doc: "a PEM private key appears in a certificate or secret element (presence only)", Derived: "PRIVATE KEY armour in oauth certificate or consumerSecret"},
}

// FieldSpecs returns the model's field table, sorted by path.
func FieldSpecs() []FieldSpec {
	out := make([]FieldSpec, len(fieldSpecs))
	copy(out, fieldSpecs)
	slices.SortStableFunc(out, func(a, b FieldSpec) int { return strings.Compare(a.Path, b.Path) })
	return out
}

// LookupField returns the spec of a model path.
func LookupField(path string) (FieldSpec, bool) {
	for _, s := range fieldSpecs {
		if s.Path == path {
			return s, true
		}
	}
	return FieldSpec{}, false
}

// fieldPlan is a field spec with its source for one app kind, split once
// (building the model of an app must not re-split paths for every app).
type fieldPlan struct {
	spec    *FieldSpec
	src     Source
	source  string   // src.String()
	parents []string // element names from the root to the parent
	leaf    string   // the element's own name
}

// planGroup is the plans whose elements share a parent element: its children
// are scanned once for all of them.
type planGroup struct {
	typ     Type
	parents []string
	plans   []int            // indexes into the kind's plans
	byLeaf  map[string][]int // element name -> plans it feeds
}

// fieldPlan tables of one app kind: the extracted (not derived) fields in
// table order, grouped by parent element.
type kindPlans struct {
	plans  []fieldPlan
	groups []planGroup
	// slots gives each model path of the kind its index in App.fields: the
	// plans' paths first (plan i is slot i), then the derived fields'.
	slots  map[string]int
	byPath []int // slots in path order
}

// fieldPlans are built on first use, not at start-up: most commands never
// build a model.
var fieldPlans = sync.OnceValue(func() map[AppKind]*kindPlans {
	return map[AppKind]*kindPlans{
		KindConnectedApp: planFields(KindConnectedApp),
		KindECA:          planFields(KindECA),
	}
})

func planFields(k AppKind) *kindPlans {
	kp := &kindPlans{}
	groupOf := map[string]int{}
	for i := range fieldSpecs {
		spec := &fieldSpecs[i]
		if spec.Derived != "" {
			continue
		}
		src := spec.SourceFor(k)
		if src.Type == "" {
			continue
		}
		parts := strings.Split(src.Elem, "/")
		plan := fieldPlan{spec: spec, src: src, source: src.String(), parents: parts[:len(parts)-1], leaf: parts[len(parts)-1]}
		idx := len(kp.plans)
		kp.plans = append(kp.plans, plan)
		key := string(src.Type) + "/" + strings.Join(plan.parents, "/")
		g, ok := groupOf[key]
		if !ok {
			g = len(kp.groups)
			groupOf[key] = g
			kp.groups = append(kp.groups, planGroup{typ: src.Type, parents: plan.parents, byLeaf: map[string][]int{}})
		}
		kp.groups[g].plans = append(kp.groups[g].plans, idx)
		kp.groups[g].byLeaf[plan.leaf] = append(kp.groups[g].byLeaf[plan.leaf], idx)
	}
	kp.slots = make(map[string]int, len(kp.plans)+8)
	var paths []string
	for i := range kp.plans {
		kp.slots[kp.plans[i].spec.Path] = i
		paths = append(paths, kp.plans[i].spec.Path)
	}
	for i := range fieldSpecs {
		if spec := &fieldSpecs[i]; spec.Derived != "" {
			kp.slots[spec.Path] = len(paths)
			paths = append(paths, spec.Path)
		}
	}
	kp.byPath = make([]int, len(paths))
	for i := range kp.byPath {
		kp.byPath[i] = i
	}
	sort.Slice(kp.byPath, func(i, j int) bool { return paths[kp.byPath[i]] < paths[kp.byPath[j]] })
	return kp
}

// buildFields fills app.fields from the app's documents: each parent
// element's children are scanned once, and the fields of one app are
// allocated together.
func buildFields(app *App) {
	kp := fieldPlans()[app.Kind]
	plans := kp.plans
	root := app.rootElement()
	// All fields of the app, extracted and derived, in one block.
	app.plans, app.fields = kp, make([]Field, len(kp.slots))
	fields := app.fields[:len(plans)]
	var foundBuf [64][]*Element
	var found [][]*Element
	if len(plans) <= len(foundBuf) {
		found = foundBuf[:len(plans)]
	} else {
		found = make([][]*Element, len(plans))
	}
	for _, g := range kp.groups {
		doc := app.Docs[g.typ]
		var parent *Element
		complete := false
		if doc != nil {
			parent, complete = doc.Root, true
			for _, name := range g.parents {
				next := parent.Child(name)
				if next == nil {
					complete = false
					break
				}
				parent = next
			}
		}
		if complete {
			for j, c := range parent.Children {
				for _, i := range g.byLeaf[c.Name] {
					if found[i] == nil {
						found[i] = parent.Children[j : j+1 : j+1] // no copy for the usual single element
					} else {
						found[i] = append(found[i], c)
					}
				}
			}
		}
		for _, i := range g.plans {
			extract(&fields[i], app, root, &plans[i], doc, parent, found[i])
		}
	}
	deriveFields(app, root)
}

// extract fills f with the field of plan: elems are the elements found in
// parent (the element that holds or would hold them) of doc; root is the app's
// root element.
func extract(f *Field, app *App, root *Element, plan *fieldPlan, doc *Document, parent *Element, elems []*Element) {
	spec, src := plan.spec, plan.src
	*f = Field{Path: spec.Path, Kind: spec.Kind, Source: plan.source}
	f.Doc, f.Parent = doc, parent
	switch {
	case parent != nil:
		f.at = parent
	default:
		f.at = root
	}
	if len(elems) == 0 {
		if d := spec.DefaultFor(app.Kind); d != nil {
			f.Value, f.Canonical, f.Default = d, d, true
		}
		return
	}
	el := elems[0]
	f.Elem, f.Present, f.at = el, true, el
	text := strings.TrimSpace(el.Text)
	switch spec.Kind {
	case KindBool:
		if b, ok := ParseBool(text); ok {
			f.Value, f.Canonical = b, b
		} else {
			f.Value, f.Canonical, f.Invalid = text, text, true
		}
	case KindInt:
		if n, err := strconv.Atoi(text); err == nil {
			f.Value, f.Canonical = n, n
		} else {
			f.Value, f.Canonical, f.Invalid = text, text, true
		}
	case KindString:
		f.Value, f.Canonical = text, text
	case KindEnum:
		f.Value, f.Canonical = text, text
		if c, ok := canonicalEnum(*spec, text); ok {
			f.Canonical = c
		} else {
			f.Invalid = true
		}
	case KindSecret:
		f.Value, f.Canonical = text != "", text != ""
		if text == "" {
			f.Present = false
		}
	case KindURLs:
		f.Items = lineItems(doc, el)
		vals := itemValues(f.Items)
		f.Value, f.Canonical = vals, vals
	case KindScopes, KindList:
		if len(elems) > 1 || src.Elem == "profileName" || src.Elem == "permissionSetName" || strings.HasSuffix(src.Elem, "/scopes") {
			for _, e := range elems { // repeated elements: one value each
				if v := strings.TrimSpace(e.Text); v != "" {
					f.Items = append(f.Items, Item{Value: v, Pos: e.Pos()})
				}
			}
		} else {
			f.Items = commaItems(doc, el)
		}
		if src.Elem == "ipRanges" || src.Elem == "trustedIpRanges" {
			f.Items = ipRangeItems(elems)
		}
		vals := itemValues(f.Items)
		f.Value = vals
		if spec.Kind == KindScopes {
			f.Canonical = CanonicalScopes(vals)
		} else {
			f.Canonical = vals
		}
	}
}

func canonicalEnum(spec FieldSpec, text string) (string, bool) {
	switch spec.Path {
	case "policy.ipRelaxation":
		return CanonicalIPRelaxation(text)
	case "policy.refreshToken":
		if p, ok := ParseConnectedAppRefreshPolicy(text); ok {
			return p.Type, true
		}
		return CanonicalRefreshPolicyType(text)
	case "policy.refreshTokenValidityUnit":
		if p, ok := ParseConnectedAppRefreshPolicy(text); ok {
			return p.Unit, p.Unit != ""
		}
		return CanonicalTokenUnit(text)
	case "policy.permittedUsers":
		if b, ok := ParseBool(text); ok { // ConnectedApp isAdminApproved
			if b {
				return PermittedAdminApprovedPreAuthorized, true
			}
			return PermittedAllSelfAuthorized, true
		}
		return CanonicalPermittedUsers(text)
	}
	for _, e := range spec.Enum {
		if strings.EqualFold(e, text) {
			return e, true
		}
	}
	return "", len(spec.Enum) == 0
}

func itemValues(items []Item) []string {
	out := make([]string, 0, len(items))
	for _, it := range items {
		out = append(out, it.Value)
	}
	return out
}

// lineItems splits a multi-line element (callbackUrl) into trimmed, non-empty
// lines, each positioned at its first character in the source.
func lineItems(doc *Document, el *Element) []Item {
	return splitItems(doc, el, func(r rune) bool { return r == '\n' || r == '\r' })
}

// commaItems splits a comma-separated element into trimmed items with positions.
func commaItems(doc *Document, el *Element) []Item {
	return splitItems(doc, el, func(r rune) bool { return r == ',' })
}

func splitItems(doc *Document, el *Element, sep func(rune) bool) []Item {
	rawBytes := doc.Source[el.ContentStart:el.ContentEnd]
	decoded := el.Text
	// Positions come from the raw text when it differs from the decoded text at
	// most by line ends (the decoder turns CRLF into LF); otherwise (entities,
	// CDATA, comments) every item is placed at the element.
	exact := false
	if bytes.IndexByte(rawBytes, '\r') < 0 {
		exact = string(rawBytes) == decoded // then decoded is the raw text: no copy
	} else if raw := string(rawBytes); normalizeLineEnds(raw) == decoded {
		exact, decoded = true, raw
	}
	var items []Item
	start := 0
	emit := func(end int) {
		seg := decoded[start:end]
		v := strings.TrimSpace(normalizeLineEnds(seg))
		if v == "" {
			return
		}
		pos := el.Pos()
		if exact {
			lead := len(seg) - len(strings.TrimLeft(seg, " \t\r\n"))
			pos = doc.PosAt(el.ContentStart + start + lead)
		}
		if items == nil {
			n := 1 // at most one item per separator, plus one
			for _, r := range decoded {
				if sep(r) {
					n++
				}
			}
			items = make([]Item, 0, n)
		}
		items = append(items, Item{Value: v, Pos: pos})
	}
	for i, r := range decoded {
		if sep(r) {
			emit(i)
			start = i + len(string(r))
		}
	}
	emit(len(decoded))
	return items
}

// normalizeLineEnds turns CRLF and lone CR into LF, as an XML parser does.
func normalizeLineEnds(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

func ipRangeItems(elems []*Element) []Item {
	var items []Item
	for _, e := range elems {
		start := e.Child("start")
		end := e.Child("end")
		if start == nil {
			start, end = e.Child("startIpAddress"), e.Child("endIpAddress")
		}
		var s, t string
		if start != nil {
			s = strings.TrimSpace(start.Text)
		}
		if end != nil {
			t = strings.TrimSpace(end.Text)
		}
		items = append(items, Item{Value: s + "-" + t, Pos: e.Pos()})
	}
	return items
}

// deriveFields computes the fields that have no single element source; root
// is the app's root element.
func deriveFields(app *App, root *Element) {
	kind := &Field{Path: "app.kind", Kind: KindEnum, Value: string(app.Kind), Canonical: string(app.Kind), Present: true, at: root}
	name := &Field{Path: "app.name", Kind: KindString, Value: app.Name, Canonical: app.Name, Present: true, at: root}
	app.setField(kind)
	app.setField(name)

	// oauth.enabled
	en := &Field{Path: "oauth.enabled", Kind: KindBool, at: root}
	if app.Kind == KindConnectedApp {
		doc := app.Docs[TypeConnectedApp]
		en.Doc, en.Parent = doc, doc.Root
		if oc := doc.Root.Child("oauthConfig"); oc != nil {
			en.Value, en.Canonical, en.Present, en.Elem, en.at = true, true, true, oc, oc
		} else {
			en.Value, en.Canonical = false, false
		}
		en.Source = "ConnectedApp/oauthConfig"
	} else {
		hasSettings := app.Docs[TypeECAGlobalOauth] != nil || app.Docs[TypeECAOauthSettings] != nil
		plugin := app.Field("oauth.pluginEnabled")
		master := app.Field("app.enabled")
		pluginOn, _ := plugin.Bool()
		masterOn, _ := master.Bool()
		on := hasSettings && pluginOn && masterOn
		en.Value, en.Canonical, en.Present = on, on, hasSettings
		en.Source = "ExtlClntAppGlobalOauthSettings + ExtlClntAppOauthSettings present, ExtlClntAppConfigurablePolicies/isOauthPluginEnabled"
		switch {
		case hasSettings && !pluginOn && plugin.Present:
			en.at, en.Elem, en.Doc, en.Parent = plugin.at, plugin.Elem, plugin.Doc, plugin.Parent
		case hasSettings && !masterOn && master.Present:
			en.at, en.Elem, en.Doc, en.Parent = master.at, master.Elem, master.Doc, master.Parent
		case app.Docs[TypeECAGlobalOauth] != nil:
			d := app.Docs[TypeECAGlobalOauth]
			en.at, en.Doc, en.Parent = d.Root, d, d.Root
		}
	}
	app.setField(en)

	// oauth.secretRequiredForWebServerFlow = !isConsumerSecretOptional
	if opt := app.Field("oauth.consumerSecretOptional"); opt != nil {
		f := *opt
		f.Path = "oauth.secretRequiredForWebServerFlow"
		if b, ok := opt.Bool(); ok {
			f.Value, f.Canonical = !b, !b
		}
		app.setField(&f)
	}

	// oauth.jwtBearer: a certificate is present.
	if cert := app.Field("secrets.certificate"); cert != nil {
		f := *cert
		f.Path, f.Kind = "oauth.jwtBearer", KindBool
		f.Value, f.Canonical, f.Default = cert.Present, cert.Present, false
		app.setField(&f)
	}

	// ConnectedApp refresh policy: period and unit live inside the one string.
	if app.Kind == KindConnectedApp {
		pol := app.Field("policy.refreshToken")
		// Both fields read the one refreshTokenPolicy element: parse it once.
		var (
			parsed *Element
			p      RefreshTokenPolicy
			ok     bool
		)
		for _, path := range []string{"policy.refreshTokenValidityPeriod", "policy.refreshTokenValidityUnit"} {
			f := app.Field(path)
			if f == nil || !f.Present {
				continue
			}
			if f.Elem != parsed {
				parsed = f.Elem
				p, ok = ParseConnectedAppRefreshPolicy(strings.TrimSpace(f.Elem.Text))
			}
			if !ok || p.Period == 0 && p.Unit == "" {
				// zero/infinite: the string has no period or unit.
				nf := &Field{Path: path, Kind: f.Kind, at: pol.at, Doc: f.Doc, Parent: f.Parent, Source: f.Source}
				app.setField(nf)
				continue
			}
			if path == "policy.refreshTokenValidityPeriod" {
				f.Value, f.Canonical, f.Invalid = p.Period, p.Period, false
			} else {
				f.Value, f.Canonical, f.Invalid = p.Unit, p.Unit, false
			}
		}
	}

	// secrets.privateKey: PEM private key armour inside a certificate or secret element.
	pk := &Field{Path: "secrets.privateKey", Kind: KindSecret, Value: false, Canonical: false, at: root}
	for _, path := range []string{"secrets.certificate", "secrets.consumerSecret"} {
		f := app.Field(path)
		if f != nil && f.Elem != nil && strings.Contains(f.Elem.Text, "PRIVATE KEY") {
			pk.Value, pk.Canonical, pk.Present = true, true, true
			pk.at, pk.Elem, pk.Doc, pk.Parent, pk.Source = f.at, f.Elem, f.Doc, f.Parent, f.Source
			break
		}
	}
	app.setField(pk)
}

// CanonicalValue normalizes a value written for an enum field at path (e.g.
// "ENFORCE" or "Enforce_RelaxRefresh" for policy.ipRelaxation). ok is false when
// the value is not one the field accepts.
func CanonicalValue(path, value string) (string, bool) {
	spec, found := LookupField(path)
	if !found {
		return "", false
	}
	return canonicalEnum(spec, value)
}
