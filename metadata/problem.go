package metadata

// ProblemCode names a kind of problem found while reading metadata. Each code is
// reported by the baseline Go rule of the same name (e.g. "xml-malformed" is
// reported as baseline/xml-malformed).
type ProblemCode string

// Problem codes.
const (
	ProblemMalformed       ProblemCode = "xml-malformed"      // not well-formed XML (parser position)
	ProblemUnreadable      ProblemCode = "file-unreadable"    // cannot be opened or read
	ProblemTooLarge        ProblemCode = "file-too-large"     // larger than the size limit
	ProblemWrongRoot       ProblemCode = "wrong-root"         // root element does not match the file suffix
	ProblemWrongNamespace  ProblemCode = "wrong-namespace"    // root not in the metadata namespace
	ProblemUnknownElement  ProblemCode = "unknown-element"    // element not in the type's schema
	ProblemBadEnum         ProblemCode = "bad-enum-value"     // value outside the enumeration
	ProblemBadBoolean      ProblemCode = "bad-boolean"        // boolean other than true/false
	ProblemBadNumber       ProblemCode = "bad-number"         // int/double that does not parse
	ProblemMissingRequired ProblemCode = "missing-required"   // required element absent
	ProblemDuplicate       ProblemCode = "duplicate-element"  // non-repeating element given twice
	ProblemECAOrphan       ProblemCode = "eca-orphan"         // ECA settings file whose app is absent
	ProblemECADuplicate    ProblemCode = "eca-duplicate"      // two files of one kind for one app, or two apps of one name
	ProblemUnknownScope    ProblemCode = "unknown-scope"      // scope value Salesforce does not accept
	ProblemZip             ProblemCode = "zip-unreadable"     // zip archive that cannot be read safely
	ProblemDeprecated      ProblemCode = "deprecated-element" // element Salesforce has deprecated
)

// Problem is something wrong with an input file, found while reading it.
type Problem struct {
	Code    ProblemCode `json:"code"`
	Pos     Pos         `json:"pos"`
	Message string      `json:"message"`
	// Element is the element path the problem is about ("" for file-level problems).
	Element string `json:"element,omitempty"`
	// Suggestion is a did-you-mean replacement, when one is close enough.
	Suggestion string `json:"suggestion,omitempty"`
	// Allowed lists the accepted values for enum and boolean problems.
	Allowed []string `json:"allowed,omitempty"`
	// App names the app the file belongs to, when known.
	App string `json:"app,omitempty"`
}
