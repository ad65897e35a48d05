// Package report writes diagnostics in the output formats sfapplint supports:
// text for terminals and editors, and json, sarif, junit, github and checkstyle
// for CI systems.
//
// Every writer renders the whole report into memory first and writes it with a
// single call, so a failing writer never leaves half a SARIF or XML document behind.
package report

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/sfapplint/sfapplint/metadata"
	"github.com/sfapplint/sfapplint/rules"
)

// Format names accepted by Write.
const (
	FormatText       = "text"
	FormatJSON       = "json"
	FormatSARIF      = "sarif"
	FormatJUnit      = "junit"
	FormatGitHub     = "github"
	FormatCheckstyle = "checkstyle"
)

// ToolInfo identifies the tool in machine-readable reports.
type ToolInfo struct {
	Name           string `json:"name"`
	Version        string `json:"version"`
	InformationURI string `json:"informationUri"`
}

// AppRef names one app that was checked and the files it was read from.
type AppRef struct {
	Name  string   `json:"name"`
	Kind  string   `json:"kind"`
	Files []string `json:"files"`
}

// Input is everything a report needs.
type Input struct {
	// Tool identifies sfapplint itself (name, version, home page).
	Tool ToolInfo
	// Packs documents every pack that ran.
	Packs []rules.PackDoc
	// Rules documents every rule that ran; SARIF lists them as rule descriptors
	// and JUnit turns each into test cases.
	Rules []rules.RuleDoc
	// Apps lists every app checked; JUnit has a test case per app and rule.
	Apps []AppRef
	// Diagnostics are the findings, in the order they are reported.
	Diagnostics []rules.Diagnostic
	// FailOn is the fail threshold; "" means the run never fails.
	FailOn rules.Severity
	// Color allows ANSI colour in the text format; other formats ignore it.
	Color bool
	// Indent pretty-prints the json format (for people at a terminal).
	Indent bool
}

// Formats returns the names of the supported formats, text first.
func Formats() []string {
	return []string{FormatText, FormatJSON, FormatSARIF, FormatJUnit, FormatGitHub, FormatCheckstyle}
}

// Write renders in as the named format and writes it to w.
//
// Whatever the format, the value a rule found for a secrets.* field is never
// written, even if a diagnostic carries one.
func Write(w io.Writer, format string, in Input) error {
	if in.FailOn != "" {
		if _, err := rules.ParseSeverity(string(in.FailOn)); err != nil {
			return fmt.Errorf("writing %s report: fail threshold: %w", format, err)
		}
	}
	in.Diagnostics = redact(in.Diagnostics)
	var render func(*bufio.Writer, Input) error
	switch format {
	case FormatText:
		render = writeText
	case FormatJSON:
		render = writeJSON
	case FormatSARIF:
		render = writeSARIF
	case FormatJUnit:
		render = writeJUnit
	case FormatGitHub:
		render = writeGitHub
	case FormatCheckstyle:
		render = writeCheckstyle
	default:
		return fmt.Errorf("unknown report format %q (want one of %s)", format, strings.Join(Formats(), ", "))
	}
	// Streamed through a buffer of fixed size: a large report is never held
	// whole in memory (callers that need it whole, to write a file
	// atomically, pass a bytes.Buffer).
	bw := bufio.NewWriterSize(w, 16<<10)
	if err := render(bw, in); err != nil {
		return fmt.Errorf("rendering %s report: %w", format, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing %s report: %w", format, err)
	}
	return nil
}

// Fails reports whether any diagnostic is at or above the fail threshold.
// An empty threshold never fails.
func Fails(ds []rules.Diagnostic, failOn rules.Severity) bool {
	for _, d := range ds {
		if failsAt(d.Severity, failOn) {
			return true
		}
	}
	return false
}

// failsAt reports whether a finding of severity s fails a run with threshold failOn.
func failsAt(s, failOn rules.Severity) bool {
	return failOn.Rank() > 0 && s.Rank() >= failOn.Rank()
}

// redact returns ds with no secrets.* field carrying a found value or a fix
// value: a copy when one did (the caller's slice is left alone), ds itself
// otherwise. Upstream never sets them; this is a second line of defence.
func redact(ds []rules.Diagnostic) []rules.Diagnostic {
	var out []rules.Diagnostic
	for i, d := range ds {
		secret := metadata.IsSecretPath(d.Field)
		fixSecret := d.Fix != nil && (secret || metadata.IsSecretPath(d.Fix.Field))
		if !(secret && d.Found != "") && !(fixSecret && d.Fix.Value != "") {
			continue
		}
		if out == nil {
			out = slices.Clone(ds)
		}
		if secret {
			out[i].Found = ""
		}
		if fixSecret {
			fix := *d.Fix
			fix.Value = ""
			out[i].Fix = &fix
		}
	}
	if out == nil {
		return ds
	}
	return out
}

// ruleDocs indexes rule docs by id; the first doc of an id wins.
func ruleDocs(docs []rules.RuleDoc) map[string]rules.RuleDoc {
	m := make(map[string]rules.RuleDoc, len(docs))
	for _, rd := range docs {
		if _, ok := m[rd.ID]; !ok {
			m[rd.ID] = rd
		}
	}
	return m
}

// packOf returns the pack a rule id belongs to: the part before the first "/".
func packOf(ruleID string) string {
	pack, _, ok := strings.Cut(ruleID, "/")
	if !ok {
		return ""
	}
	return pack
}

// position renders file:line:col, leaving out the parts that are unknown
// (line or column 0, or no file).
func position(d rules.Diagnostic) string {
	if d.File == "" {
		return ""
	}
	s := d.File
	if d.Line > 0 {
		s += fmt.Sprintf(":%d", d.Line)
		if d.Column > 0 {
			s += fmt.Sprintf(":%d", d.Column)
		}
	}
	return s
}

// plural returns "n word" with an English plural "s" when n != 1.
func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
