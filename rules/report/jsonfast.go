package report

import (
	"bufio"
	"strconv"
	"unicode/utf8"

	"github.com/sfapplint/sfapplint/rules"
)

// appendFindingsJSON writes the findings array without reflection, byte for
// byte as encoding/json does (compact, HTML not escaped): for large runs the
// reflective encoder was the biggest cost of --format json. A test checks
// the two agree.
func appendFindingsJSON(b *bufio.Writer, ds []rules.Diagnostic) {
	b.WriteByte('[')
	for i := range ds {
		if i > 0 {
			b.WriteByte(',')
		}
		appendDiagnosticJSON(b, &ds[i])
	}
	b.WriteByte(']')
}

func appendDiagnosticJSON(b *bufio.Writer, d *rules.Diagnostic) {
	str := func(key, v string, first bool) {
		if !first {
			b.WriteByte(',')
		}
		b.WriteByte('"')
		b.WriteString(key)
		b.WriteString(`":`)
		appendJSONString(b, v)
	}
	num := func(key string, v int) {
		b.WriteString(`,"`)
		b.WriteString(key)
		b.WriteString(`":`)
		b.WriteString(strconv.Itoa(v))
	}
	b.WriteByte('{')
	str("rule", d.Rule, true)
	str("severity", string(d.Severity), false)
	str("app", d.App, false)
	str("file", d.File, false)
	num("line", d.Line)
	num("column", d.Column)
	str("field", d.Field, false)
	str("message", d.Message, false)
	str("remediation", d.Remediation, false)
	str("docs", d.Docs, false)
	str("fingerprint", d.Fingerprint, false)
	if d.Found != "" {
		str("found", d.Found, false)
	}
	if d.Expected != "" {
		str("expected", d.Expected, false)
	}
	if d.Note != "" {
		str("note", d.Note, false)
	}
	if f := d.Fix; f != nil {
		b.WriteString(`,"fix":{`)
		str("op", string(f.Op), true)
		str("field", f.Field, false)
		str("value", f.Value, false)
		str("description", f.Description, false)
		if len(f.Edits) > 0 {
			b.WriteString(`,"edits":[`)
			for i, e := range f.Edits {
				if i > 0 {
					b.WriteByte(',')
				}
				b.WriteByte('{')
				str("file", e.File, true)
				num("startLine", e.StartLine)
				num("startColumn", e.StartColumn)
				num("endLine", e.EndLine)
				num("endColumn", e.EndColumn)
				str("text", e.Text, false)
				b.WriteByte('}')
			}
			b.WriteByte(']')
		}
		b.WriteByte('}')
	}
	b.WriteByte('}')
}

const hexDigits = "0123456789abcdef"

// appendJSONString quotes s as encoding/json does with HTML escaping off:
// quotes, backslashes and control characters escaped, U+2028 and U+2029
// escaped, invalid UTF-8 replaced by U+FFFD.
func appendJSONString(b *bufio.Writer, s string) {
	b.WriteByte('"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b.WriteString(s[start:i])
			switch c {
			case '"', '\\':
				b.WriteByte('\\')
				b.WriteByte(c)
			case '\n':
				b.WriteString(`\n`)
			case '\r':
				b.WriteString(`\r`)
			case '\t':
				b.WriteString(`\t`)
			case '\b':
				b.WriteString(`\b`)
			case '\f':
				b.WriteString(`\f`)
			default:
				b.WriteString(`\u00`)
				b.WriteByte(hexDigits[c>>4])
				b.WriteByte(hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteString(s[start:i])
			b.WriteString(`\ufffd`)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b.WriteString(s[start:i])
			b.WriteString(`\u202`)
			b.WriteByte(hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b.WriteString(s[start:])
	b.WriteByte('"')
}
