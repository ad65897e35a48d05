package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/sfapplint/sfapplint/rules"
)

// SARIF constants.
const (
	// SARIFSchema is the $schema of every SARIF log written.
	SARIFSchema = "https://json.schemastore.org/sarif-2.1.0.json"
	// SARIFVersion is the SARIF version written.
	SARIFVersion = "2.1.0"
	// SARIFFingerprintKey names sfapplint's fingerprint in partialFingerprints.
	SARIFFingerprintKey = "sfapplint/v1"
	// sarifSrcRoot is the uriBaseId of every artifact location: the directory
	// sfapplint ran in, which file paths are relative to.
	sarifSrcRoot = "%SRCROOT%"
)

// The types below are a typed model of the subset of SARIF 2.1.0 that
// sfapplint emits (https://docs.oasis-open.org/sarif/sarif/v2.1.0/).

// sarifLog is the top-level SARIF object (§3.13).
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

// sarifRun is one run of one tool (§3.14).
type sarifRun struct {
	Tool               sarifTool                        `json:"tool"`
	OriginalURIBaseIDs map[string]sarifArtifactLocation `json:"originalUriBaseIds,omitempty"`
	// Results is always present: an empty array means "ran, found nothing".
	Results    []sarifResult `json:"results"`
	ColumnKind string        `json:"columnKind"`
}

// sarifTool describes the tool (§3.18).
type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

// sarifDriver is the tool's driver component (§3.19).
type sarifDriver struct {
	Name            string `json:"name"`
	Version         string `json:"version,omitempty"`
	SemanticVersion string `json:"semanticVersion,omitempty"`
	InformationURI  string `json:"informationUri,omitempty"`
	// Rules is always present, even empty: GitHub code scanning requires it.
	Rules []sarifReportingDescriptor `json:"rules"`
}

// sarifReportingDescriptor describes one rule (§3.49).
type sarifReportingDescriptor struct {
	ID                   string                     `json:"id"`
	Name                 string                     `json:"name,omitempty"`
	ShortDescription     *sarifMultiformatMessage   `json:"shortDescription,omitempty"`
	FullDescription      *sarifMultiformatMessage   `json:"fullDescription,omitempty"`
	Help                 *sarifMultiformatMessage   `json:"help,omitempty"`
	HelpURI              string                     `json:"helpUri,omitempty"`
	DefaultConfiguration *sarifReportingConfig      `json:"defaultConfiguration,omitempty"`
	Properties           *sarifDescriptorProperties `json:"properties,omitempty"`
}

// sarifMultiformatMessage is a plain-text message with an optional Markdown form (§3.12).
type sarifMultiformatMessage struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

// sarifReportingConfig is a rule's default configuration (§3.50).
type sarifReportingConfig struct {
	Level string `json:"level"`
}

// sarifDescriptorProperties is a rule's property bag (§3.8).
type sarifDescriptorProperties struct {
	Tags []string `json:"tags,omitempty"`
}

// sarifResult is one finding (§3.27).
type sarifResult struct {
	RuleID              string                 `json:"ruleId"`
	RuleIndex           int                    `json:"ruleIndex"`
	Level               string                 `json:"level,omitempty"`
	Message             sarifMessage           `json:"message"`
	Locations           []sarifLocation        `json:"locations,omitempty"`
	PartialFingerprints map[string]string      `json:"partialFingerprints,omitempty"`
	Fixes               []sarifFix             `json:"fixes,omitempty"`
	Properties          *sarifResultProperties `json:"properties,omitempty"`
}

// sarifMessage is a plain-text message (§3.11).
type sarifMessage struct {
	Text string `json:"text"`
}

// sarifResultProperties is a result's property bag: the sfapplint fields that
// SARIF has no place for.
type sarifResultProperties struct {
	App   string `json:"app,omitempty"`
	Field string `json:"field,omitempty"`
}

// sarifLocation is where a result is (§3.28).
type sarifLocation struct {
	PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
}

// sarifPhysicalLocation is a file and a region in it (§3.29).
type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           *sarifRegion          `json:"region,omitempty"`
}

// sarifArtifactLocation is a file's URI, relative to uriBaseId when that is set (§3.4).
type sarifArtifactLocation struct {
	URI         string        `json:"uri,omitempty"`
	URIBaseID   string        `json:"uriBaseId,omitempty"`
	Description *sarifMessage `json:"description,omitempty"`
}

// sarifRegion is a range of text (§3.30). A finding knows only its start;
// a fix's deleted region has both ends (zero ends are left out).
type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
	EndLine     int `json:"endLine,omitempty"`
	EndColumn   int `json:"endColumn,omitempty"`
}

// sarifFix is a proposed fix (§3.55).
type sarifFix struct {
	Description     sarifMessage          `json:"description"`
	ArtifactChanges []sarifArtifactChange `json:"artifactChanges"`
}

// sarifArtifactChange is a change to one file (§3.56).
type sarifArtifactChange struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Replacements     []sarifReplacement    `json:"replacements"`
}

// sarifReplacement replaces a region with new content (§3.57).
type sarifReplacement struct {
	DeletedRegion   sarifRegion           `json:"deletedRegion"`
	InsertedContent *sarifArtifactContent `json:"insertedContent,omitempty"`
}

// sarifArtifactContent is text to insert (§3.3).
type sarifArtifactContent struct {
	Text string `json:"text"`
}

// writeSARIF renders a SARIF 2.1.0 log with one run.
func writeSARIF(buf *bufio.Writer, in Input) error {
	descriptors, index := sarifRules(in)
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name:            in.Tool.Name,
			Version:         in.Tool.Version,
			SemanticVersion: semanticVersion(in.Tool.Version),
			InformationURI:  absoluteURL(in.Tool.InformationURI),
			Rules:           descriptors,
		}},
		OriginalURIBaseIDs: map[string]sarifArtifactLocation{
			// No uri: the producer does not record the absolute path of the
			// directory it ran in (§3.14.14); consumers supply it, e.g. the checkout.
			sarifSrcRoot: {Description: &sarifMessage{Text: "The directory sfapplint ran in; result paths are relative to it."}},
		},
		Results:    make([]sarifResult, 0, len(in.Diagnostics)),
		ColumnKind: "unicodeCodePoints",
	}
	docs := ruleDocs(in.Rules)
	for _, d := range in.Diagnostics {
		run.Results = append(run.Results, sarifResultOf(d, index[d.Rule], docs[d.Rule]))
	}
	log := sarifLog{Schema: SARIFSchema, Version: SARIFVersion, Runs: []sarifRun{run}}
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if in.Indent {
		// For people at a terminal; files and pipes get the compact form,
		// which is several times cheaper to write for large logs.
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(log); err != nil {
		return fmt.Errorf("encoding sarif: %w", err)
	}
	return nil
}

// sarifRules returns one descriptor per rule id, in the order of in.Rules,
// followed by descriptors for rule ids that only appear in diagnostics (built
// from the rule's first diagnostic), and the index of each id.
func sarifRules(in Input) ([]sarifReportingDescriptor, map[string]int) {
	index := make(map[string]int)
	out := []sarifReportingDescriptor{}
	for _, rd := range in.Rules {
		if _, dup := index[rd.ID]; dup {
			continue
		}
		index[rd.ID] = len(out)
		out = append(out, sarifDescriptor(rd))
	}
	for _, d := range in.Diagnostics {
		if _, ok := index[d.Rule]; ok {
			continue
		}
		index[d.Rule] = len(out)
		out = append(out, sarifDescriptor(rules.RuleDoc{
			ID: d.Rule, Pack: packOf(d.Rule), Remediation: d.Remediation, Docs: d.Docs,
		}))
	}
	return out, index
}

// sarifDescriptor builds a rule descriptor from a rule's documentation.
// GitHub code scanning requires shortDescription, fullDescription and help on
// every rule, so each falls back on the next best text: title, description,
// remediation, and finally the rule id.
func sarifDescriptor(rd rules.RuleDoc) sarifReportingDescriptor {
	short := firstNonEmpty(rd.Title, rd.ID)
	sd := sarifReportingDescriptor{
		ID:               rd.ID,
		Name:             firstNonEmpty(camelCase(rd.Title), camelCase(rd.ID)),
		ShortDescription: sarifText(short),
		FullDescription:  sarifText(firstNonEmpty(rd.Description, short)),
		HelpURI:          absoluteURL(rd.Docs),
	}
	if sd.Name == rd.ID {
		sd.Name = "" // SARIF1001: a name equal to the id must be left out
	}
	if help := firstNonEmpty(rd.Remediation, rd.Description, short); help != "" {
		sd.Help = &sarifMultiformatMessage{Text: sentence(help), Markdown: helpMarkdown(help, rd.Docs)}
	}
	if level := sarifLevel(rd.Severity); level != "" {
		sd.DefaultConfiguration = &sarifReportingConfig{Level: level}
	}
	var tags []string
	pack := rd.Pack
	if pack == "" {
		pack = packOf(rd.ID)
	}
	if pack != "" {
		tags = append(tags, pack)
	}
	if rd.Manual {
		tags = append(tags, "manual")
	}
	if len(tags) > 0 {
		sd.Properties = &sarifDescriptorProperties{Tags: tags}
	}
	return sd
}

// sarifResultOf converts one diagnostic; ruleIndex is the index of its rule's
// descriptor and rd its documentation (zero when undocumented).
func sarifResultOf(d rules.Diagnostic, ruleIndex int, rd rules.RuleDoc) sarifResult {
	r := sarifResult{
		RuleID:    d.Rule,
		RuleIndex: ruleIndex,
		Level:     sarifLevel(d.Severity),
		Message:   sarifMessage{Text: resultText(d, rd)},
	}
	if d.Fingerprint != "" {
		r.PartialFingerprints = map[string]string{SARIFFingerprintKey: d.Fingerprint}
	}
	if d.App != "" || d.Field != "" {
		r.Properties = &sarifResultProperties{App: d.App, Field: d.Field}
	}
	if d.File == "" {
		return r
	}
	loc := artifactLocation(d.File)
	region := sarifRegion{StartLine: max(d.Line, 1), StartColumn: max(d.Column, 0)}
	r.Locations = []sarifLocation{{PhysicalLocation: sarifPhysicalLocation{
		ArtifactLocation: loc,
		Region:           &region,
	}}}
	if d.Fix != nil && len(d.Fix.Edits) > 0 {
		// A fix is given only as exact text edits of existing files; without
		// them (the fix creates a file, or they were not computed) SARIF gets no
		// fix rather than an approximate one.
		var changes []sarifArtifactChange
		for _, e := range d.Fix.Edits {
			rep := sarifReplacement{
				DeletedRegion:   sarifRegion{StartLine: e.StartLine, StartColumn: e.StartColumn, EndLine: e.EndLine, EndColumn: e.EndColumn},
				InsertedContent: &sarifArtifactContent{Text: e.Text},
			}
			if n := len(changes); n > 0 && changes[n-1].ArtifactLocation.URI == artifactLocation(e.File).URI {
				changes[n-1].Replacements = append(changes[n-1].Replacements, rep)
				continue
			}
			changes = append(changes, sarifArtifactChange{ArtifactLocation: artifactLocation(e.File), Replacements: []sarifReplacement{rep}})
		}
		r.Fixes = []sarifFix{{Description: sarifMessage{Text: sentence(fixSummary(d.Fix))}, ArtifactChanges: changes}}
	}
	return r
}

// resultText is a result's message, ended as a sentence. The finding's
// remediation is appended when it differs from the rule's (which SARIF viewers
// show as the rule's help), e.g. when pack parameters fill it in.
func resultText(d rules.Diagnostic, rd rules.RuleDoc) string {
	text := sentence(d.Message)
	if text == "" {
		text = d.Rule + "."
	}
	if rem := strings.TrimSpace(d.Remediation); rem != "" && rem != strings.TrimSpace(rd.Remediation) {
		text += " " + sentence(rem)
	}
	return text
}

// sentence trims s and ends it with a period unless it already ends with
// punctuation, as SARIF asks of plain-text messages.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	last, _ := utf8.DecodeLastRuneInString(s)
	if strings.ContainsRune(".!?", last) {
		return s
	}
	return s + "."
}

// firstNonEmpty returns the first of ss that is not blank.
func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

// sarifText returns a message object for s, or nil when s is empty.
func sarifText(s string) *sarifMultiformatMessage {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	return &sarifMultiformatMessage{Text: sentence(s)}
}

// helpMarkdown renders a rule's help text and docs link as Markdown.
func helpMarkdown(help, docs string) string {
	md := markdownEscape(sentence(help))
	if u := absoluteURL(docs); u != "" {
		md += "\n\n[Documentation](<" + u + ">)"
	}
	return md
}

// markdownEscape backslash-escapes the characters Markdown would interpret
// and turns line breaks into hard breaks.
func markdownEscape(s string) string {
	var b strings.Builder
	for _, r := range normalizeNewlines(s) {
		switch r {
		case '\\', '`', '*', '_', '[', ']', '<', '>', '#', '|', '!', '{', '}':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n':
			b.WriteString("  \n")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// sarifLevel maps a severity to a SARIF level; "" for an unknown severity.
func sarifLevel(s rules.Severity) string {
	switch s {
	case rules.SeverityError:
		return "error"
	case rules.SeverityWarning:
		return "warning"
	case rules.SeverityNote:
		return "note"
	}
	return ""
}

// apostropheRemover deletes the apostrophes that join words in camelCase.
var apostropheRemover = strings.NewReplacer("'", "", "\u2019", "")

// camelCase turns a rule title into a SARIF friendly name, a Pascal-case
// identifier in the validator's sense (every word one upper-case letter then
// lower-case letters or digits): "Callback URL is Atera's" becomes
// "CallbackUrlIsAteras". Apostrophes join words; any other character that is
// not a letter or digit separates them. A word that cannot start a Pascal word
// (one letter, or a leading digit) is appended to the previous one.
func camelCase(s string) string {
	s = apostropheRemover.Replace(s)
	var b strings.Builder
	for _, word := range strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		word = strings.ToLower(word)
		first, size := utf8.DecodeRuneInString(word)
		if b.Len() > 0 && (size == len(word) || !unicode.IsLetter(first)) {
			b.WriteString(word)
			continue
		}
		b.WriteRune(unicode.ToUpper(first))
		b.WriteString(word[size:])
	}
	return b.String()
}

// semverRE matches a Semantic Versioning 2.0.0 version, with an optional "v".
var semverRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^v?((0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)` +
		`(-(0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(\.(0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*)?` +
		`(\+[0-9a-zA-Z-]+(\.[0-9a-zA-Z-]+)*)?)$`)
})

// semanticVersion returns v without a leading "v" when it is a semantic
// version, and "" otherwise (e.g. "dev" or a commit hash).
func semanticVersion(v string) string {
	m := semverRE().FindStringSubmatch(v)
	if m == nil {
		return ""
	}
	return m[1]
}

// absoluteURL returns s when it is an absolute http(s) URL, else "".
func absoluteURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || !u.IsAbs() || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return ""
	}
	return s
}

// artifactLocation returns the SARIF location of a report file path. Relative
// paths (the contract) become relative URIs under %SRCROOT%; an absolute path,
// should one slip through, becomes a file:// URI.
func artifactLocation(file string) sarifArtifactLocation {
	p := strings.ReplaceAll(file, `\`, "/")
	switch {
	case len(p) >= 3 && p[1] == ':' && p[2] == '/' && isASCIILetter(p[0]):
		// Windows drive path: C:/x -> file:///C:/x
		return sarifArtifactLocation{URI: "file:///" + p[:2] + escapePath(p[2:])}
	case strings.HasPrefix(p, "/"):
		return sarifArtifactLocation{URI: "file://" + escapePath(p)}
	}
	return sarifArtifactLocation{URI: escapePath(p), URIBaseID: sarifSrcRoot}
}

// escapePath percent-encodes a slash-separated path as a URI path. It keeps
// only unreserved characters, "/" and "!" (the zip-entry separator in
// "x.zip!dir/f.xml") literal; everything else, ":" included so that a first
// segment can never be read as a URI scheme, is escaped byte by byte.
func escapePath(p string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if isASCIILetter(c) || '0' <= c && c <= '9' || strings.IndexByte("-._~/!", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// isASCIILetter reports whether c is an ASCII letter.
func isASCIILetter(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}
