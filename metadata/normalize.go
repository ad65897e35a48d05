package metadata

import (
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// This file is the one place where spellings are normalized: scope names and
// OAuth request tokens, enum spellings that differ between ConnectedApp and
// External Client Apps, and the inverted isConsumerSecretOptional. Rules,
// diagnose and fixes all go through it.

// scopeInfo is one OAuth scope: its canonical metadata name, the spelling each
// app kind writes in metadata, the OAuth request tokens and the Setup label.
type scopeInfo struct {
	Canonical string
	CA, ECA   string   // metadata spelling per kind ("" when the kind has none)
	Synonyms  []string // other metadata spellings accepted on deploy
	Tokens    []string // OAuth scope request parameter values
	Label     string   // Setup UI label
}

// scopes is the scope table from salesforce-metadata.md §5 (WSDL 66, @salesforce/types,
// DOC-CA / DOC-OAUTH, Mobile SDK scope parameter values).
var scopes = []scopeInfo{
	{"Api", "Api", "Api", nil, []string{"api"}, "Manage user data via APIs (api)"},
	{"Web", "Web", "Web", nil, []string{"web"}, "Manage user data via Web browsers (web)"},
	{"Full", "Full", "Full", nil, []string{"full"}, "Full access (full)"},
	{"RefreshToken", "RefreshToken", "RefreshToken", []string{"OfflineAccess"}, []string{"refresh_token", "offline_access"}, "Perform requests at any time (refresh_token, offline_access)"},
	{"OpenID", "OpenID", "OpenID", nil, []string{"openid"}, "Access unique user identifiers (openid)"},
	{"Basic", "Basic", "Basic", []string{"Profile", "Email", "Address", "Phone"}, []string{"id", "profile", "email", "address", "phone"}, "Access the identity URL service (id, profile, email, address, phone)"},
	{"Chatter", "Chatter", "Chatter", nil, []string{"chatter_api"}, "Access Connect REST API resources (chatter_api)"},
	{"CustomApplications", "CustomApplications", "CustomApplications", nil, []string{"visualforce"}, "Access Visualforce applications (visualforce)"},
	{"CustomPermissions", "CustomPermissions", "CustomPermissions", nil, []string{"custom_permissions"}, "Access custom permissions (custom_permissions)"},
	{"Wave", "Wave", "Wave", nil, []string{"wave_api"}, "Access Analytics REST API resources (wave_api)"},
	{"Eclair", "Eclair", "Eclair", nil, []string{"eclair_api"}, "Access Analytics REST API Charts Geodata resources (eclair_api)"},
	{"Pardot", "Pardot", "Pardot", nil, []string{"pardot_api"}, "Manage Pardot services (pardot_api)"},
	{"Lightning", "Lightning", "Lightning", nil, []string{"lightning"}, "Access Lightning applications (lightning)"},
	{"Content", "Content", "Content", nil, []string{"content"}, "Access content resources (content)"},
	{"CDPIngest", "CDPIngest", "CDPIngest", nil, []string{"cdp_ingest_api"}, "Manage Data Cloud Ingestion API data (cdp_ingest_api)"},
	{"CDPProfile", "CDPProfile", "CDPProfile", nil, []string{"cdp_profile_api"}, "Manage Data Cloud profile data (cdp_profile_api)"},
	{"CDPQuery", "CDPQuery", "CDPQuery", nil, []string{"cdp_query_api"}, "Perform ANSI SQL queries on Data Cloud data (cdp_query_api)"},
	{"CDPSegment", "CDPSegment", "CDPSegment", nil, []string{"cdp_segment_api"}, "Perform segmentation on Data Cloud data (cdp_segment_api)"},
	{"CDPIdentityResolution", "CDPIdentityResolution", "CDPIdentityResolution", nil, []string{"cdp_identityresolution_api"}, "Manage Data Cloud identity resolution (cdp_identityresolution_api)"},
	{"CDPCalculatedInsight", "CDPCalculatedInsight", "CDPCalculatedInsight", nil, []string{"cdp_calculated_insight_api"}, "Manage Data Cloud calculated insight data (cdp_calculated_insight_api)"},
	{"CDP", "CDP", "CDP", nil, []string{"cdp_api"}, "Access all Data Cloud API resources (cdp_api)"},
	{"Chatbot", "Chatbot", "Chatbot", nil, []string{"chatbot_api"}, "Access chatbot services (chatbot_api)"},
	{"SFAP", "SFAP", "SFApiPlatform", []string{"SFApiPlatform"}, []string{"sfap_api"}, "Access the Salesforce API Platform (sfap_api)"},
	{"Interaction", "Interaction", "Interaction", nil, []string{"interaction_api"}, "Access Interaction API resources (interaction_api)"},
	{"ForgotPassword", "ForgotPassword", "ForgotPassword", nil, []string{"forgot_password"}, "Access Headless Forgot Password API (forgot_password)"},
	{"UserRegistration", "UserRegistration", "UserRegistration", nil, []string{"user_registration_api"}, "Access Headless Registration API (user_registration_api)"},
	{"PwdlessLogin", "PwdlessLogin", "PwdlessLogin", nil, []string{"pwdless_login_api"}, "Access Headless Passwordless Login API (pwdless_login_api)"},
	{"EinsteinGPT", "EinsteinGPT", "EinsteinGPT", nil, []string{"einstein_gpt_api"}, "Access Einstein GPT services (einstein_gpt_api)"},
	{"MCP", "MCP", "MCP", nil, []string{"mcp_api"}, "Access MCP services (mcp_api)"},
	{"SCRT", "SCRT", "SCRT", nil, nil, "Service Cloud Real-Time"},
	{"DataCloudUserClaims", "DataCloudUserClaims", "DataCloudUserClaims", nil, nil, "Data Cloud user claims"},
	{"A2A", "A2A", "", nil, nil, "Agent to agent"},
	{"CmdbDiscovery", "CmdbDiscovery", "", nil, nil, "CMDB discovery"},
	{"SemanticLayer", "SemanticLayer", "", nil, nil, "Semantic layer"},
}

// CanonicalScope maps a scope written either as a metadata value (Api, RefreshToken,
// OfflineAccess, SFApiPlatform, ...) or as an OAuth request token (api, refresh_token,
// offline_access, id, ...) to its canonical metadata name. Matching is case-insensitive.
// ok is false for a value no Salesforce scope has.
func CanonicalScope(s string) (canonical string, ok bool) {
	s = strings.TrimSpace(s)
	// Every spelling in the table is ASCII, so for ASCII input EqualFold is
	// ASCII case folding: look the lowercased input up. Anything else (a
	// Unicode fold such as U+212A KELVIN SIGN for k) goes through the scan.
	var buf [scopeLookupMax]byte
	if len(s) > len(buf) {
		return scanCanonicalScope(s)
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if b >= utf8.RuneSelf {
			return scanCanonicalScope(s)
		}
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		buf[i] = b
	}
	canonical, ok = scopeTables().folded[string(buf[:len(s)])]
	return canonical, ok
}

// scopeLookupMax is the longest input CanonicalScope lowercases on the stack;
// longer input (which no scope spelling is) goes through the scan.
const scopeLookupMax = 64

// scanCanonicalScope is CanonicalScope by a scan of the table with
// strings.EqualFold, for input the lowercased index cannot answer; s is
// already trimmed.
func scanCanonicalScope(s string) (canonical string, ok bool) {
	for _, sc := range scopes {
		if strings.EqualFold(s, sc.Canonical) || strings.EqualFold(s, sc.CA) || (sc.ECA != "" && strings.EqualFold(s, sc.ECA)) {
			return sc.Canonical, true
		}
		for _, syn := range sc.Synonyms {
			if strings.EqualFold(s, syn) {
				return sc.Canonical, true
			}
		}
		for _, tok := range sc.Tokens {
			if strings.EqualFold(s, tok) {
				return sc.Canonical, true
			}
		}
	}
	return "", false
}

// scopeIndex is the scope table indexed for the lookups on hot paths (per
// scope per app, per list item per rule).
type scopeIndex struct {
	// folded maps every spelling scanCanonicalScope matches, ASCII-lowercased,
	// to the canonical name of the first scope (in table order) that has it.
	folded map[string]string
	// byCanonical maps a canonical name to the first scope that has it.
	byCanonical map[string]*scopeInfo
	// spellings maps an exact metadata spelling to who may write it.
	spellings map[string]spellingKinds
}

// spellingKinds says who may write a metadata scope spelling.
type spellingKinds uint8

const (
	spelledCA      spellingKinds = 1 << iota // a Connected App (scopeInfo.CA)
	spelledECA                               // an External Client App (scopeInfo.ECA)
	spelledSynonym                           // any app (scopeInfo.Synonyms)
)

// scopeTables indexes the scope table on first use.
var scopeTables = sync.OnceValue(func() *scopeIndex {
	ix := &scopeIndex{
		folded:      map[string]string{},
		byCanonical: make(map[string]*scopeInfo, len(scopes)),
		spellings:   map[string]spellingKinds{},
	}
	add := func(spelling, canonical string) {
		k := asciiLower(spelling)
		if _, seen := ix.folded[k]; !seen {
			ix.folded[k] = canonical
		}
	}
	for i := range scopes {
		sc := &scopes[i]
		add(sc.Canonical, sc.Canonical)
		add(sc.CA, sc.Canonical)
		if sc.ECA != "" {
			add(sc.ECA, sc.Canonical)
		}
		for _, syn := range sc.Synonyms {
			add(syn, sc.Canonical)
		}
		for _, tok := range sc.Tokens {
			add(tok, sc.Canonical)
		}
		if _, seen := ix.byCanonical[sc.Canonical]; !seen {
			ix.byCanonical[sc.Canonical] = sc
		}
		// An empty ECA spelling is recorded too: IsMetadataScopeSpelling has
		// always compared it.
		ix.spellings[sc.CA] |= spelledCA
		ix.spellings[sc.ECA] |= spelledECA
		for _, syn := range sc.Synonyms {
			ix.spellings[syn] |= spelledSynonym
		}
	}
	return ix
})

// asciiLower lowercases the ASCII letters of s.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// ScopeSpelling returns how an app of the given kind writes the canonical scope in
// metadata (e.g. SFAP for a Connected App, SFApiPlatform for an External Client App).
func ScopeSpelling(canonical string, kind AppKind) string {
	if sc := scopeTables().byCanonical[canonical]; sc != nil {
		if kind == KindECA && sc.ECA != "" {
			return sc.ECA
		}
		return sc.CA
	}
	return canonical
}

// ScopeLabel returns the Setup label of a canonical scope, e.g.
// "Manage user data via APIs (api)".
func ScopeLabel(canonical string) string {
	if sc := scopeTables().byCanonical[canonical]; sc != nil {
		return sc.Label
	}
	return canonical
}

// IsMetadataScopeSpelling reports whether s is exactly (case included) a value an
// app of the given kind may write in metadata.
func IsMetadataScopeSpelling(s string, kind AppKind) bool {
	k := scopeTables().spellings[s]
	return k&spelledSynonym != 0 ||
		kind == KindConnectedApp && k&spelledCA != 0 ||
		kind == KindECA && k&spelledECA != 0
}

// CanonicalScopes maps a list of written scopes to the sorted, de-duplicated set of
// canonical names. Unknown values are kept as written, so rules can still see them.
func CanonicalScopes(written []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, w := range written {
		c, ok := CanonicalScope(w)
		if !ok {
			c = strings.TrimSpace(w)
		}
		if c == "" || seen[c] {
			continue
		}
		seen[c] = true
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// Canonical IP relaxation values (the External Client App spellings).
const (
	IPEnforce             = "Enforce"
	IPEnforceRelaxRefresh = "Enforce_relaxrefresh"
	IPBypass2Factor       = "Bypass_2factor"
	IPBypass              = "Bypass"
)

// CanonicalIPRelaxation maps ConnectedApp (ENFORCE, BYPASS, ...) and ECA
// (Enforce, Bypass, Enforce_RelaxRefresh, ...) spellings to one canonical value.
func CanonicalIPRelaxation(s string) (string, bool) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "ENFORCE":
		return IPEnforce, true
	case "ENFORCE_RELAXREFRESH":
		return IPEnforceRelaxRefresh, true
	case "BYPASS_2FACTOR":
		return IPBypass2Factor, true
	case "BYPASS":
		return IPBypass, true
	}
	return "", false
}

// IPRelaxationSpelling returns the metadata spelling of a canonical IP relaxation
// value for an app kind.
func IPRelaxationSpelling(canonical string, kind AppKind) string {
	if kind == KindConnectedApp {
		return strings.ToUpper(canonical)
	}
	return canonical
}

// Canonical refresh token policies (the External Client App spellings).
const (
	RefreshInfinite           = "Infinite"
	RefreshZero               = "Zero"
	RefreshSpecificLifetime   = "SpecificLifetime"
	RefreshSpecificInactivity = "SpecificInactivity"
)

// RefreshTokenPolicy is a parsed refresh token policy.
type RefreshTokenPolicy struct {
	Type   string // canonical: Infinite, Zero, SpecificLifetime, SpecificInactivity
	Period int    // for SpecificLifetime / SpecificInactivity
	Unit   string // canonical: Hours, Days, Months
}

// ParseConnectedAppRefreshPolicy parses ConnectedApp oauthPolicy/refreshTokenPolicy:
// zero, infinite, specific_lifetime:N:UNIT or specific_inactivity:N:UNIT.
func ParseConnectedAppRefreshPolicy(s string) (RefreshTokenPolicy, bool) {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "zero":
		return RefreshTokenPolicy{Type: RefreshZero}, true
	case "infinite":
		return RefreshTokenPolicy{Type: RefreshInfinite}, true
	}
	parts := strings.Split(s, ":")
	if len(parts) != 3 {
		return RefreshTokenPolicy{}, false
	}
	var p RefreshTokenPolicy
	switch strings.ToLower(parts[0]) {
	case "specific_lifetime":
		p.Type = RefreshSpecificLifetime
	case "specific_inactivity":
		p.Type = RefreshSpecificInactivity
	default:
		return RefreshTokenPolicy{}, false
	}
	n, ok := parsePositiveInt(parts[1])
	if !ok {
		return RefreshTokenPolicy{}, false
	}
	p.Period = n
	u, ok := CanonicalTokenUnit(parts[2])
	if !ok {
		return RefreshTokenPolicy{}, false
	}
	p.Unit = u
	return p, true
}

// CanonicalRefreshPolicyType maps Infinite/infinite/SpecificLifetime/specific_lifetime...
// to the canonical ECA spelling.
func CanonicalRefreshPolicyType(s string) (string, bool) {
	switch strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), "_", "")) {
	case "infinite":
		return RefreshInfinite, true
	case "zero":
		return RefreshZero, true
	case "specificlifetime":
		return RefreshSpecificLifetime, true
	case "specificinactivity":
		return RefreshSpecificInactivity, true
	}
	return "", false
}

// CanonicalTokenUnit maps HOURS/Hours/hours (and DAYS, MONTHS) to Hours, Days, Months.
func CanonicalTokenUnit(s string) (string, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "hours":
		return "Hours", true
	case "days":
		return "Days", true
	case "months":
		return "Months", true
	}
	return "", false
}

// FormatConnectedAppRefreshPolicy writes a policy in ConnectedApp syntax.
func FormatConnectedAppRefreshPolicy(p RefreshTokenPolicy) string {
	switch p.Type {
	case RefreshZero:
		return "zero"
	case RefreshInfinite:
		return "infinite"
	case RefreshSpecificLifetime:
		return "specific_lifetime:" + strconv.Itoa(p.Period) + ":" + strings.ToUpper(p.Unit)
	case RefreshSpecificInactivity:
		return "specific_inactivity:" + strconv.Itoa(p.Period) + ":" + strings.ToUpper(p.Unit)
	}
	return ""
}

// Canonical permitted-users policies.
const (
	PermittedAllSelfAuthorized          = "AllSelfAuthorized"
	PermittedAdminApprovedPreAuthorized = "AdminApprovedPreAuthorized"
)

// CanonicalPermittedUsers maps permittedUsersPolicyType spellings to canonical values.
func CanonicalPermittedUsers(s string) (string, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "allselfauthorized":
		return PermittedAllSelfAuthorized, true
	case "adminapprovedpreauthorized":
		return PermittedAdminApprovedPreAuthorized, true
	}
	return "", false
}

// ParseBool parses an XML schema boolean as Salesforce writes it.
func ParseBool(s string) (value, ok bool) {
	switch strings.TrimSpace(s) {
	case "true", "1":
		return true, true
	case "false", "0":
		return false, true
	}
	return false, false
}

// SplitCommaList splits a comma-separated metadata value (commaSeparatedOauthScopes,
// commaSeparatedProfile, ...) into trimmed, non-empty items.
func SplitCommaList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// standardProfiles maps standard profile file names to the profile names that
// ConnectedApp profileName and ECA commaSeparatedProfile use.
var standardProfiles = map[string]string{
	"Admin":            "System Administrator",
	"Standard":         "Standard User",
	"ReadOnly":         "Read Only",
	"SolutionManager":  "Solution Manager",
	"MarketingProfile": "Marketing User",
	"ContractManager":  "Contract Manager",
	"StandardAul":      "Standard Platform User",
}

// ProfileDisplayName returns the profile name used by app pre-authorization for a
// profile file's component name (Admin -> System Administrator).
func ProfileDisplayName(fileName string) string {
	if n, ok := standardProfiles[fileName]; ok {
		return n
	}
	return fileName
}

func parsePositiveInt(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 9 {
		return 0, false
	}
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
		n = n*10 + int(r-'0')
	}
	return n, true
}
