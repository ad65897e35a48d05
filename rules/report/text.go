package report

import (
	"bufio"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/sfapplint/sfapplint/rules"
)

// ANSI escape sequences used when Input.Color is set.
const (
	ansiReset  = "\x1b[0m"
	ansiRed    = "\x1b[1;31m"
	ansiYellow = "\x1b[1;33m"
	ansiCyan   = "\x1b[1;36m"
)

// textIndent is the indentation of the detail lines under a finding.
const textIndent = "    "

// writeText renders the human format: per finding a head line
// `file:line:col: severity: message [rule]` that editors can jump to, then
// indented detail lines, then one summary line.
func writeText(buf *bufio.Writer, in Input) error {
	for _, d := range in.Diagnostics {
		writeFinding(buf, d, in.Color)
	}
	buf.WriteString(textSummary(in))
	buf.WriteByte('\n')
	return nil
}

// writeFinding writes one finding: the head line, then its details indented.
func writeFinding(buf *bufio.Writer, d rules.Diagnostic, color bool) {
	if d.File != "" {
		if plainLine(d.File) {
			// The common case, without building the position string.
			buf.WriteString(d.File)
			if d.Line > 0 {
				var num [20]byte
				buf.WriteByte(':')
				buf.Write(strconv.AppendInt(num[:0], int64(d.Line), 10))
				if d.Column > 0 {
					buf.WriteByte(':')
					buf.Write(strconv.AppendInt(num[:0], int64(d.Column), 10))
				}
			}
		} else {
			buf.WriteString(oneLine(position(d)))
		}
		buf.WriteString(": ")
	}
	buf.WriteString(colorSeverity(d.Severity, color))
	buf.WriteString(": ")
	buf.WriteString(oneLine(d.Message))
	buf.WriteString(" [")
	buf.WriteString(oneLine(d.Rule))
	buf.WriteString("]\n")
	detail(buf, "remediation", d.Remediation)
	detail(buf, "note", d.Note)
	// Write has redacted secrets already.
	switch {
	case d.Found != "" && d.Expected != "":
		detail(buf, "found", d.Found+", expected "+d.Expected)
	case d.Found != "":
		detail(buf, "found", d.Found)
	case d.Expected != "":
		detail(buf, "expected", d.Expected)
	}
	if d.Fix != nil {
		detail(buf, "fix", fixSummary(d.Fix))
	}
	detail(buf, "docs", d.Docs)
}

// detail writes "    label: value", with continuation lines aligned under the value.
func detail(buf *bufio.Writer, label, value string) {
	value = strings.TrimSpace(value)
	if value == "" {
		return
	}
	if plainLine(value) {
		buf.WriteString(textIndent)
		buf.WriteString(label)
		buf.WriteString(": ")
		buf.WriteString(value)
		buf.WriteByte('\n')
		return
	}
	lines := strings.Split(normalizeNewlines(value), "\n")
	prefix := textIndent + label + ": "
	cont := strings.Repeat(" ", len(prefix))
	for i, line := range lines {
		if i == 0 {
			buf.WriteString(prefix)
		} else {
			buf.WriteString(cont)
		}
		buf.WriteString(strings.TrimRightFunc(terminalSafe(line), unicode.IsSpace))
		buf.WriteByte('\n')
	}
}

// plainLine reports whether s is printable ASCII without surrounding spaces:
// text that oneLine and detail leave as it is.
func plainLine(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// fixSummary describes a fix in one line.
func fixSummary(f *rules.Fix) string {
	if f.Description != "" {
		return f.Description
	}
	if f.Value == "" {
		return fmt.Sprintf("%s %s", f.Op, f.Field)
	}
	return fmt.Sprintf("%s %s %q", f.Op, f.Field, f.Value)
}

// textSummary is the last line, e.g. "3 errors, 1 warning, 0 notes in 2 apps".
func textSummary(in Input) string {
	s := rules.Summarize(in.Diagnostics)
	apps := plural(len(in.Apps), "app")
	if len(in.Diagnostics) == 0 {
		return "no findings in " + apps
	}
	return fmt.Sprintf("%s, %s, %s in %s",
		plural(s.Error, "error"), plural(s.Warning, "warning"), plural(s.Note, "note"), apps)
}

// colorSeverity returns the severity word, coloured when color is set.
func colorSeverity(s rules.Severity, color bool) string {
	word := oneLine(string(s))
	if !color {
		return word
	}
	var code string
	switch s {
	case rules.SeverityError:
		code = ansiRed
	case rules.SeverityWarning:
		code = ansiYellow
	case rules.SeverityNote:
		code = ansiCyan
	default:
		return word
	}
	return code + word + ansiReset
}

// oneLine makes s safe for a single terminal line: line breaks become spaces
// and other control characters are shown as escapes.
func oneLine(s string) string {
	if plainLine(s) {
		return s
	}
	s = strings.TrimSpace(normalizeNewlines(s))
	return terminalSafe(strings.ReplaceAll(s, "\n", " "))
}

// normalizeNewlines turns CRLF and lone CR into LF.
func normalizeNewlines(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// terminalSafe replaces control characters other than tab (ESC in particular,
// so metadata content cannot inject terminal escape sequences) with Go escapes.
func terminalSafe(s string) string {
	if strings.IndexFunc(s, isUnsafeControl) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if isUnsafeControl(r) {
			q := fmt.Sprintf("%+q", string(r))
			b.WriteString(q[1 : len(q)-1])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isUnsafeControl reports whether r is a control character other than tab.
func isUnsafeControl(r rune) bool {
	return r != '\t' && unicode.IsControl(r)
}
