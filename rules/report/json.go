package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/sfapplint/sfapplint/rules"
)

// JSONVersion is the version of the json report format.
const JSONVersion = 1

// jsonReport is the `check --format json` document.
type jsonReport struct {
	Version  int                `json:"version"`
	Tool     ToolInfo           `json:"tool"`
	Packs    []rules.PackDoc    `json:"packs"`
	Findings []rules.Diagnostic `json:"findings"`
	Summary  rules.Summary      `json:"summary"`
	FailOn   rules.Severity     `json:"failOn"`
	Failed   bool               `json:"failed"`
}

// writeJSON renders the json contract: one object and a newline, indented
// when Input.Indent is set (compact output is much cheaper for large runs).
// Slices are never null, and HTML characters are not escaped.
func writeJSON(buf *bufio.Writer, in Input) error {
	r := jsonReport{
		Version:  JSONVersion,
		Tool:     in.Tool,
		Packs:    in.Packs,
		Findings: in.Diagnostics,
		Summary:  rules.Summarize(in.Diagnostics),
		FailOn:   in.FailOn,
		Failed:   Fails(in.Diagnostics, in.FailOn),
	}
	if r.Packs == nil {
		r.Packs = []rules.PackDoc{}
	}
	if r.Findings == nil {
		r.Findings = []rules.Diagnostic{}
	}
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if in.Indent {
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			return fmt.Errorf("encoding json: %w", err)
		}
		return nil
	}
	// Compact: everything but the findings through encoding/json, the
	// findings (the bulk) through the reflection-free writer.
	findings := r.Findings
	r.Findings = nil
	var head bytes.Buffer
	henc := json.NewEncoder(&head)
	henc.SetEscapeHTML(false)
	if err := henc.Encode(r); err != nil {
		return fmt.Errorf("encoding json: %w", err)
	}
	// head is {...,"findings":null,...}\n: splice the findings in.
	const marker = `"findings":null`
	h := head.Bytes()
	i := bytes.Index(h, []byte(marker))
	if i < 0 {
		return fmt.Errorf("encoding json: findings key not found")
	}
	buf.Write(h[:i])
	buf.WriteString(`"findings":`)
	appendFindingsJSON(buf, findings)
	buf.Write(h[i+len(marker):])
	return nil
}
