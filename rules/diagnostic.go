// Package rules holds the rule-pack language: loading packs, evaluating them
// over the metadata model, and the diagnostics that result.
package rules

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
)

// Severity is how serious a finding is.
type Severity string

// Severities, most serious first.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
	SeverityNote    Severity = "note"
)

// Rank orders severities: error 3, warning 2, note 1, anything else 0.
func (s Severity) Rank() int {
	switch s {
	case SeverityError:
		return 3
	case SeverityWarning:
		return 2
	case SeverityNote:
		return 1
	}
	return 0
}

// ParseSeverity parses error, warning or note.
func ParseSeverity(s string) (Severity, error) {
	switch Severity(s) {
	case SeverityError, SeverityWarning, SeverityNote:
		return Severity(s), nil
	}
	return "", fmt.Errorf("unknown severity %q (want error, warning or note)", s)
}

// Diagnostic is one finding. Its JSON form is the `check --format json` contract.
type Diagnostic struct {
	Rule        string   `json:"rule"` // pack/rule id, e.g. "baseline/full-scope"
	Severity    Severity `json:"severity"`
	App         string   `json:"app"`
	File        string   `json:"file"` // relative to the working directory, forward slashes
	Line        int      `json:"line"`
	Column      int      `json:"column"`
	Field       string   `json:"field"` // model path, or "" for file-level findings
	Message     string   `json:"message"`
	Remediation string   `json:"remediation"`
	Docs        string   `json:"docs"`
	Fingerprint string   `json:"fingerprint"`
	// Found and Expected are the value seen and the value the rule wants, when known.
	// Secrets never appear here.
	Found    string `json:"found,omitempty"`
	Expected string `json:"expected,omitempty"`
	// Note explains a severity change, e.g. a vendor requirement that a baseline rule contradicts.
	Note string `json:"note,omitempty"`
	// Fix is the change that resolves the finding, when the rule defines one.
	Fix *Fix `json:"fix,omitempty"`
	// Key distinguishes several findings of one rule on one field (e.g. one per
	// callback URL); it feeds the fingerprint and is not printed.
	Key string `json:"-"`
}

// Fix is a change to one model field that resolves a finding.
type Fix struct {
	Op    FixOp  `json:"op"` // set, add or remove
	Field string `json:"field"`
	Value string `json:"value"`
	// Description is a one-line human summary, e.g. `set isPkceRequired to "true"`.
	Description string `json:"description"`
	// Edits are the text changes that apply the fix, when they have been
	// computed (for SARIF): each replaces a region of an existing file.
	Edits []TextEdit `json:"edits,omitempty"`
}

// TextEdit replaces the text from Start (inclusive) to End (exclusive) of a
// file with Text. Lines and columns are 1-based; columns count characters.
type TextEdit struct {
	File        string `json:"file"`
	StartLine   int    `json:"startLine"`
	StartColumn int    `json:"startColumn"`
	EndLine     int    `json:"endLine"`
	EndColumn   int    `json:"endColumn"`
	Text        string `json:"text"`
}

// FixOp is the kind of change a fix makes.
type FixOp string

// Fix operations.
const (
	FixSet    FixOp = "set"
	FixAdd    FixOp = "add"
	FixRemove FixOp = "remove"
)

// NewFix returns the fix that applies op with value to the model field, with
// its one-line description: `set FIELD to "VALUE"`, `add "VALUE" to FIELD` or
// `remove "VALUE" from FIELD` (none for an unknown op).
func NewFix(op FixOp, field, value string) *Fix {
	fx := &Fix{Op: op, Field: field, Value: value}
	switch op {
	case FixSet:
		fx.Description = fmt.Sprintf("set %s to %q", field, value)
	case FixAdd:
		fx.Description = fmt.Sprintf("add %q to %s", value, field)
	case FixRemove:
		fx.Description = fmt.Sprintf("remove %q from %s", value, field)
	}
	return fx
}

// ComputeFingerprint returns the stable identity of a finding: rule, app, field,
// file and key, never a line number, so reformatting a file keeps it.
func ComputeFingerprint(d Diagnostic) string {
	h := sha256.New()
	for _, part := range []string{d.Rule, d.App, d.Field, d.File, d.Key} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// SortDiagnostics orders diagnostics by file, line, column, rule and message,
// and removes exact duplicates.
func SortDiagnostics(ds []Diagnostic) []Diagnostic {
	// Sort an index, not the structs: comparing large structs by value is
	// the dominant cost for many findings.
	idx := make([]int, len(ds))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool {
		a, b := &ds[idx[i]], &ds[idx[j]]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.Message < b.Message
	})
	out := make([]Diagnostic, 0, len(ds))
	for _, i := range idx {
		d := &ds[i]
		if n := len(out); n > 0 && d.Fingerprint == out[n-1].Fingerprint && d.Line == out[n-1].Line && d.Message == out[n-1].Message {
			continue
		}
		out = append(out, *d)
	}
	return out
}

// Summary counts diagnostics by severity.
type Summary struct {
	Error   int `json:"error"`
	Warning int `json:"warning"`
	Note    int `json:"note"`
}

// Summarize counts diagnostics by severity.
func Summarize(ds []Diagnostic) Summary {
	var s Summary
	for _, d := range ds {
		switch d.Severity {
		case SeverityError:
			s.Error++
		case SeverityWarning:
			s.Warning++
		case SeverityNote:
			s.Note++
		}
	}
	return s
}

// RuleDoc documents a rule for reports, `explain` and generated docs.
type RuleDoc struct {
	ID          string   `json:"id"` // pack/rule
	Pack        string   `json:"pack"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Severity    Severity `json:"severity"`
	Remediation string   `json:"remediation"`
	Docs        string   `json:"docs"`
	Explains    []string `json:"explains,omitempty"`
	// FixSummary describes the rule's fix ("" when it has none).
	FixSummary string `json:"fix,omitempty"`
	// Manual is true for requirements metadata cannot show: the admin checks them by hand.
	Manual bool `json:"manual,omitempty"`
	// References lists the standards and guides the rule encodes.
	References []string `json:"references,omitempty"`
}

// PackDoc documents a pack for reports.
type PackDoc struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description"`
	SourceTitle string `json:"sourceTitle,omitempty"`
	SourceURL   string `json:"sourceUrl,omitempty"`
}

// trimMessage normalizes a message: no trailing period or whitespace.
func trimMessage(s string) string {
	return strings.TrimRight(strings.TrimSpace(s), ".")
}
