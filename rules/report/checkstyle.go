package report

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"sort"

	"github.com/sfapplint/sfapplint/rules"
)

// checkstyleVersion is the checkstyle report version written.
const checkstyleVersion = "4.3"

// checkstyleNoFile names the <file> of findings that carry no file path.
const checkstyleNoFile = "."

// checkstyleReport is the <checkstyle> root.
type checkstyleReport struct {
	XMLName xml.Name         `xml:"checkstyle"`
	Version string           `xml:"version,attr"`
	Files   []checkstyleFile `xml:"file"`
}

// checkstyleFile is one <file> and its findings.
type checkstyleFile struct {
	Name   string            `xml:"name,attr"`
	Errors []checkstyleError `xml:"error"`
}

// checkstyleError is one finding.
type checkstyleError struct {
	Line     int    `xml:"line,attr"`
	Column   int    `xml:"column,attr,omitempty"`
	Severity string `xml:"severity,attr"`
	Message  string `xml:"message,attr"`
	Source   string `xml:"source,attr"`
}

// writeCheckstyle renders a checkstyle XML report: files sorted by name, the
// findings of each file in the order given.
func writeCheckstyle(buf *bufio.Writer, in Input) error {
	byFile := make(map[string][]checkstyleError)
	for _, d := range in.Diagnostics {
		name := d.File
		if name == "" {
			name = checkstyleNoFile
		}
		byFile[name] = append(byFile[name], checkstyleError{
			Line:     max(d.Line, 0),
			Column:   max(d.Column, 0),
			Severity: checkstyleSeverity(d.Severity),
			Message:  xmlSafe(longMessage(d)),
			Source:   xmlSafe(d.Rule),
		})
	}
	names := make([]string, 0, len(byFile))
	for name := range byFile {
		names = append(names, name)
	}
	sort.Strings(names)
	root := checkstyleReport{Version: checkstyleVersion}
	for _, name := range names {
		root.Files = append(root.Files, checkstyleFile{Name: xmlSafe(name), Errors: byFile[name]})
	}
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(buf)
	enc.Indent("", "  ")
	if err := enc.Encode(root); err != nil {
		return fmt.Errorf("encoding checkstyle: %w", err)
	}
	buf.WriteByte('\n')
	return nil
}

// checkstyleSeverity maps a severity to checkstyle's error, warning or info.
func checkstyleSeverity(s rules.Severity) string {
	switch s {
	case rules.SeverityError:
		return "error"
	case rules.SeverityNote:
		return "info"
	}
	return "warning"
}

// longMessage is a finding's message for formats with a single message field:
// the message, the docs URL when set, and the remediation on the next line.
func longMessage(d rules.Diagnostic) string {
	msg := d.Message
	if d.Docs != "" {
		msg += " (see " + d.Docs + ")"
	}
	if d.Remediation != "" {
		msg += "\n" + d.Remediation
	}
	return msg
}
