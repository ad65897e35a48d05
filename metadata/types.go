package metadata

import "strings"

// Type is a Salesforce metadata type name: the package.xml name and the XML root element.
type Type string

// The metadata types sfapplint reads.
const (
	TypeConnectedApp      Type = "ConnectedApp"
	TypeExternalClientApp Type = "ExternalClientApplication"
	TypeECAGlobalOauth    Type = "ExtlClntAppGlobalOauthSettings"
	TypeECAOauthSettings  Type = "ExtlClntAppOauthSettings"
	TypeECAOauthPolicies  Type = "ExtlClntAppOauthConfigurablePolicies"
	TypeECAPolicies       Type = "ExtlClntAppConfigurablePolicies"
	TypeECAOauthSecurity  Type = "ExtlClntAppOauthSecuritySettings"
	TypePermissionSet     Type = "PermissionSet"
	TypeProfile           Type = "Profile"
	TypeUnknown           Type = ""
)

// TypeInfo describes how files of a type are named and where retrieve puts them.
// Source: @salesforce/source-deploy-retrieve metadataRegistry.json (suffix, directoryName).
type TypeInfo struct {
	Type      Type
	Suffix    string // file suffix without the dot, e.g. "connectedApp"
	Directory string // mdapi / conventional source directory
	// ECAChild is true for the ExtlClntApp* types that name their parent in
	// <externalClientApplication>.
	ECAChild bool
}

// knownTypes lists every type sfapplint reads, in a stable order.
var knownTypes = []TypeInfo{
	{TypeConnectedApp, "connectedApp", "connectedApps", false},
	{TypeExternalClientApp, "eca", "externalClientApps", false},
	{TypeECAGlobalOauth, "ecaGlblOauth", "extlClntAppGlobalOauthSets", true},
	{TypeECAOauthSettings, "ecaOauth", "extlClntAppOauthSettings", true},
	{TypeECAOauthPolicies, "ecaOauthPlcy", "extlClntAppOauthPolicies", true},
	{TypeECAPolicies, "ecaPlcy", "extlClntAppPolicies", true},
	{TypeECAOauthSecurity, "ecaOauthSecurity", "extlClntAppOauthSecuritySettings", true},
	{TypePermissionSet, "permissionset", "permissionsets", false},
	{TypeProfile, "profile", "profiles", false},
}

// KnownTypes returns the types sfapplint reads.
func KnownTypes() []TypeInfo {
	out := make([]TypeInfo, len(knownTypes))
	copy(out, knownTypes)
	return out
}

// Info returns the TypeInfo of t.
func (t Type) Info() (TypeInfo, bool) {
	for _, ti := range knownTypes {
		if ti.Type == t {
			return ti, true
		}
	}
	return TypeInfo{}, false
}

// IsECAChild reports whether t is one of the ExtlClntApp* files joined to an
// External Client App by its <externalClientApplication> value.
func (t Type) IsECAChild() bool {
	ti, ok := t.Info()
	return ok && ti.ECAChild
}

// FileKind says in which format a file was found.
type FileKind int

// File formats.
const (
	FormatSource FileKind = iota + 1 // SFDX source format: Name.suffix-meta.xml
	FormatMDAPI                      // Metadata API format: dir/Name.suffix
)

// Classify infers the metadata type and component name of a file from its path,
// the way the Salesforce CLI does: source files by suffix wherever they sit,
// Metadata API files by suffix inside the type's directory. It never opens the file.
func Classify(path string) (t Type, name string, format FileKind, ok bool) {
	slash := strings.LastIndexAny(path, `/\`)
	base := path[slash+1:]
	if stem, found := strings.CutSuffix(base, "-meta.xml"); found {
		dot := strings.LastIndex(stem, ".")
		if dot <= 0 {
			return TypeUnknown, "", 0, false
		}
		suffix := stem[dot+1:]
		for _, ti := range knownTypes {
			if ti.Suffix == suffix {
				return ti.Type, stem[:dot], FormatSource, true
			}
		}
		return TypeUnknown, "", 0, false
	}
	dot := strings.LastIndex(base, ".")
	if dot <= 0 {
		return TypeUnknown, "", 0, false
	}
	suffix := base[dot+1:]
	dir := parentDirName(path[:max(slash, 0)])
	for _, ti := range knownTypes {
		if ti.Suffix == suffix && ti.Directory == dir {
			return ti.Type, base[:dot], FormatMDAPI, true
		}
	}
	return TypeUnknown, "", 0, false
}

func parentDirName(dir string) string {
	if i := strings.LastIndexAny(dir, `/\`); i >= 0 {
		return dir[i+1:]
	}
	return dir
}
