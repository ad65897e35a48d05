package metadata

// Hand-kept corrections to the generated schema (schema_data.go). The generated
// schema says what the Metadata WSDL (as published in @salesforce/types)
// declares; the entries here say what real files and Salesforce's documentation
// show beyond that. Every entry cites its source: "ref §N" is a section of
// ../shared/reference/salesforce-metadata.md, whose source keys (DOC-CA,
// DOC-OPLCY, WSDL66, T19, PROBE-A, PROBE-B, C:) are explained in its §0.
//
// NewSchema applies these entries and fails if one names a type or element the
// generated schema does not have (or, for added elements, already has), so a
// regenerated schema_data.go that moves things around is noticed at once.
//
// The data is returned by functions, not held in package variables, so nothing
// here can be changed at run time.

// valueFormat names a value syntax that is neither an enum nor a number.
type valueFormat int

const (
	formatNone valueFormat = iota
	// formatRefreshTokenPolicy is ConnectedAppOauthPolicy.refreshTokenPolicy:
	// zero | infinite | specific_lifetime:N:UNIT | specific_inactivity:N:UNIT,
	// UNIT one of HOURS, DAYS, MONTHS.
	formatRefreshTokenPolicy
)

// fieldOverride corrects or adds one element of one complex type.
type fieldOverride struct {
	Type   string // complex type name
	Field  string // element name
	Source string // where the fact comes from

	Kind   FieldKind   // when set, replaces the generated kind (e.g. double -> int)
	Enum   []string    // when set, the string element takes only these values (kind becomes enum)
	Format valueFormat // when set, the value must have this syntax

	// Add is true for elements real files contain although the generated schema lacks them.
	// AddType is the type of the added element (a simple kind).
	Add     bool
	AddType FieldKind
	// When Deprecated is not empty, the element is a deprecated-element problem
	// and the text says what to do instead.
	Deprecated string
}

// schemaOverrides returns the corrections applied by NewSchema.
func schemaOverrides() []fieldOverride {
	return []fieldOverride{
		// ---- string elements that take fixed values ----
		{
			Type: "ConnectedAppOauthPolicy", Field: "ipRelaxation",
			Source: "ref §4.4: DOC-CA lists ENFORCE (default), BYPASS_2FACTOR, BYPASS, ENFORCE_RELAXREFRESH; the WSDL types it xsd:string",
			Enum:   []string{"ENFORCE", "BYPASS_2FACTOR", "BYPASS", "ENFORCE_RELAXREFRESH"},
		},
		{
			Type: "ConnectedAppOauthPolicy", Field: "refreshTokenPolicy",
			Source: "ref §4.4: DOC-CA: zero, infinite (default), specific_lifetime:<n>:<UNIT>, specific_inactivity:<n>:<UNIT>, UNIT in HOURS, DAYS, MONTHS",
			Format: formatRefreshTokenPolicy,
		},
		{
			Type: "ExtlClntAppOauthConfigurablePolicies", Field: "ipRelaxationPolicyType",
			Source: "ref §3.4, §9.1: DOC-OPLCY lists Enforce, Bypass, Bypass_2factor, Enforce_RelaxRefresh; retrieved files (C: N-P-N-P/SFDX-SFDX) and the server's own error text (PROBE-A) spell the last Enforce_relaxrefresh, which is canonical here; other case is accepted with a suggestion",
			Enum:   []string{"Enforce", "Bypass", "Bypass_2factor", "Enforce_relaxrefresh"},
		},
		{
			Type: "ExtlClntAppOauthConfigurablePolicies", Field: "refreshTokenValidityUnit",
			Source: "ref §3.4: DOC-OPLCY lists Days, Hours, Months; PROBE-A says the server enumerates the same",
			Enum:   []string{"Days", "Hours", "Months"},
		},
		{
			Type: "ConnectedAppSessionPolicy", Field: "policyAction",
			Source: "ref §4.5: DOC-CA/WSDL66: string, values Block, RaiseSessionLevel",
			Enum:   []string{"Block", "RaiseSessionLevel"},
		},
		{
			Type: "ConnectedAppSessionPolicy", Field: "sessionLevel",
			Source: "ref §4.5, §9: DOC-CA types it string without a value list; the spelling is UNCONFIRMED there, so this uses the SessionSecurityLevel values (LOW, STANDARD, HIGH_ASSURANCE) that the WSDL defines for the same setting of External Client Apps (ref §3.4 requiredSessionLevel) and that Apex Auth.SessionLevel uses",
			Enum:   []string{"LOW", "STANDARD", "HIGH_ASSURANCE"},
		},

		// ---- numbers: the .d.ts writes every xsd number as `number` (kind double) ----
		{Type: "ConnectedAppMobileDetailConfig", Field: "applicationFileLength", Kind: FieldInt, Source: "ref §4.6: WSDL66 applicationFileLength (int)"},
		{Type: "ConnectedAppOauthAssetToken", Field: "assetValidityPeriod", Kind: FieldInt, Source: "ref §4.2: WSDL66 assetValidityPeriod (int)"},
		{Type: "ConnectedAppOauthIdToken", Field: "idTokenValidity", Kind: FieldInt, Source: "ref §4.2: idTokenValidity (int minutes, 1-720)"},
		{Type: "ConnectedAppSessionPolicy", Field: "sessionTimeout", Kind: FieldInt, Source: "ref §4.5: sessionTimeout (int minutes)"},
		{Type: "ExternalAppIdTokenConfig", Field: "idTokenValidityInMinutes", Kind: FieldInt, Source: "ref §3.2: idTokenValidityInMinutes (int, 1-720)"},
		{Type: "ExtlClntAppOauthConfigurablePolicies", Field: "guestJwtTimeout", Kind: FieldInt, Source: "ref §3.4: guestJwtTimeout (int)"},
		{Type: "ExtlClntAppOauthConfigurablePolicies", Field: "namedUserJwtTimeout", Kind: FieldInt, Source: "ref §3.4: namedUserJwtTimeout (int)"},
		{Type: "ExtlClntAppOauthConfigurablePolicies", Field: "refreshTokenValidityPeriod", Kind: FieldInt, Source: "ref §3.4: refreshTokenValidityPeriod (int)"},
		{Type: "ExtlClntAppOauthConfigurablePolicies", Field: "sessionTimeoutInMinutes", Kind: FieldInt, Source: "ref §3.4: sessionTimeoutInMinutes (int)"},
		{Type: "ExtlClntAppOauthSettings", Field: "assetTokenValidity", Kind: FieldInt, Source: "ref §3.3: assetTokenValidity (int)"},

		// ---- base64: the .d.ts writes xsd:base64Binary as string ----
		{Type: "ConnectedAppMobileDetailConfig", Field: "applicationBinaryFile", Kind: FieldBase64, Source: "ref §4.6: applicationBinaryFile (base64Binary)"},

		// ---- elements real files contain although the schema lacks them ----
		{
			Type: "ExtlClntAppOauthConfigurablePolicies", Field: "isNamedUserJwtEnabled",
			Source:     "ref §3.4, §9.8: listed as Deprecated on DOC-OPLCY, absent from WSDL66 and T19, still written by retrieve in one project (C: sgummalla79/sgummalla_works)",
			Add:        true,
			AddType:    FieldBoolean,
			Deprecated: "the setting now lives in the global OAuth settings file (ExtlClntAppGlobalOauthSettings isNamedUserJwtEnabled); remove it here",
		},
		{
			Type: "ConnectedApp", Field: "pluginExecutionUser",
			Source:  "ref §4.1, §9.7: in WSDL66 and DOC-CA (v46+), missing from T19",
			Add:     true,
			AddType: FieldString,
		},
	}
}

// requiredOverride makes Validate require an element. Only elements that
// the WSDL marks required AND that every real retrieved file has are listed: an
// element the WSDL requires but some real file omits (ConnectedApp contactEmail,
// 68 of 69 files, ref §4.1) is not required here, so that no retrieved file
// fails. Elements not listed here are never reported as missing.
type requiredOverride struct {
	Type, Field, Source string
}

// requiredElements returns the elements Validate requires.
func requiredElements() []requiredOverride {
	return []requiredOverride{
		{"ConnectedApp", "label", "ref §4.1: label 1..1, in 69/69 ConnectedApp files"},
		{"ConnectedAppOauthConfig", "callbackUrl", "ref §4.2: callbackUrl 1..1, in all 59 files with oauthConfig"},
		{"ConnectedAppOauthPolicy", "ipRelaxation", "ref §4.4: ipRelaxation 1..1, in all 48 files with oauthPolicy"},
		{"ConnectedAppOauthPolicy", "refreshTokenPolicy", "ref §4.4: refreshTokenPolicy 1..1, in all 48 files with oauthPolicy"},
		{"ConnectedAppAttribute", "formula", "ref §4.1: attributes/formula 1..1; every attributes element seen has it"},
		{"ConnectedAppAttribute", "key", "ref §4.1: attributes/key 1..1; every attributes element seen has it"},
		{"ExtlClntAppGlobalOauthSettings", "externalClientApplication", "ref §3.2: 1..1, 13/13 files"},
		{"ExtlClntAppOauthSettings", "externalClientApplication", "ref §3.3: 1..1, 14/14 files"},
		{"ExtlClntAppOauthConfigurablePolicies", "externalClientApplication", "ref §3.4: 1..1, 13/13 files"},
		{"ExtlClntAppConfigurablePolicies", "externalClientApplication", "ref §3.5: 1..1, 8/8 files"},
		{"ExtlClntAppConfigurablePolicies", "isEnabled", "ref §3.5: isEnabled 1..1, 8/8 files"},
		{"ExtlClntAppOauthSecuritySettings", "externalClientApplication", "ref §3.6: required in T19, 3/3 files"},
		{"PermissionSetUserPermission", "enabled", "ref §7.1: enabled 1..1, in every userPermissions element of the corpus"},
		{"PermissionSetUserPermission", "name", "ref §7.1: name 1..1, in every userPermissions element of the corpus"},
		{"ProfileUserPermission", "enabled", "ref §7.1: enabled 1..1, in every userPermissions element of the corpus"},
		{"ProfileUserPermission", "name", "ref §7.1: name 1..1, in every userPermissions element of the corpus"},
	}
}

// partialRoots returns, for the types whose schema is too large and changes too
// fast to check in full, the only top-level elements Validate looks into.
// Other top-level elements of these types are neither checked nor reported.
func partialRoots() map[Type][]string {
	return map[Type][]string{
		TypePermissionSet: {"userPermissions"},
		TypeProfile:       {"userPermissions"},
	}
}

// ecaScopeTokens returns the scope names accepted in an External Client App's
// commaSeparatedOauthScopes. The element is xsd:string in the WSDL, so the list
// is known only from the deploy validator: ref §3.3.1 (PROBE-B's list of valid
// tokens, the same set as PROBE-A; DOC-OAUTH documents the same names minus CDP
// and DataCloudUserClaims). Note SFApiPlatform, where ConnectedApp says SFAP.
func ecaScopeTokens() []string {
	return []string{
		"Address", "Api", "Basic", "CDP", "CDPCalculatedInsight", "CDPIdentityResolution",
		"CDPIngest", "CDPProfile", "CDPQuery", "CDPSegment", "Chatbot", "Chatter", "Content",
		"CustomApplications", "CustomPermissions", "DataCloudUserClaims", "Eclair", "Email",
		"EinsteinGPT", "ForgotPassword", "Full", "Interaction", "Lightning", "MCP",
		"OfflineAccess", "OpenID", "Pardot", "Phone", "Profile", "PwdlessLogin",
		"RefreshToken", "SCRT", "SFApiPlatform", "UserRegistration", "Wave", "Web",
	}
}

// connectedAppScopeEnum names the WSDL enum of ConnectedApp <scopes> values (ref §5.1).
const connectedAppScopeEnum = "ConnectedAppOauthAccessScope"
