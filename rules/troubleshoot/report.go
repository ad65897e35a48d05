package troubleshoot

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// JSONReport is the `diagnose --format json` contract:
// {"error":{"id","code","matched"}, "causes":[{"id","status","field","app",
// "file","line","column","found","expected","fix"}]}, causes in ranked order.
type JSONReport struct {
	Version int        `json:"version"`
	Mode    Mode       `json:"mode"`
	Error   *JSONError `json:"error"`
	// Closest are the nearest known errors when the text matched nothing.
	Closest []Suggestion `json:"closest,omitempty"`
	Packs   []string     `json:"packs"`
	Causes  []Cause      `json:"causes"`
	// Relaxed are baseline findings a selected vendor pack requires, with the requirement.
	Relaxed []JSONRelaxed `json:"relaxed,omitempty"`
	Hints   []string      `json:"hints,omitempty"`
	Summary JSONSummary   `json:"summary"`
}

// JSONError is the error the input was read as.
type JSONError struct {
	ID          string   `json:"id"`      // catalogue entry, "" when unknown or ambiguous
	Code        string   `json:"code"`    // the error code found in the input
	Matched     string   `json:"matched"` // what matched: a catalogue message, code or pattern
	MatchedBy   string   `json:"matchedBy"`
	Title       string   `json:"title,omitempty"`
	Meaning     string   `json:"meaning,omitempty"`
	Description string   `json:"description,omitempty"`
	Flows       []string `json:"flows,omitempty"`
	Candidates  []string `json:"candidates,omitempty"`
	Shape       Shape    `json:"shape"`
	Wrappers    []string `json:"wrappers,omitempty"`
	Input       string   `json:"input"`
}

// JSONRelaxed is a baseline finding turned into a note by a vendor requirement.
type JSONRelaxed struct {
	Rule string `json:"rule"`
	App  string `json:"app"`
	File string `json:"file"`
	Line int    `json:"line"`
	Note string `json:"note"`
}

// JSONSummary counts causes by status.
type JSONSummary struct {
	Confirmed int `json:"confirmed"`
	Unknown   int `json:"unknown"`
	RuledOut  int `json:"ruledOut"`
	Manual    int `json:"manual"`
}

// JSON returns the report's JSON form.
func (r Report) JSON() JSONReport {
	out := JSONReport{Version: 1, Mode: r.Mode, Packs: r.Packs, Causes: r.Causes, Hints: r.Hints, Closest: r.Match.Closest}
	if out.Packs == nil {
		out.Packs = []string{}
	}
	if out.Causes == nil {
		out.Causes = []Cause{}
	}
	if r.Mode == ModeError || r.Mode == ModeUnknown || r.Parsed.Shape != ShapeEmpty && r.Parsed.Shape != "" {
		e := &JSONError{Code: r.Parsed.Code, Matched: r.Match.Matched, MatchedBy: string(r.Match.Kind), Description: r.Parsed.Description,
			Shape: r.Parsed.Shape, Wrappers: r.Parsed.Wrappers, Input: r.Parsed.Input}
		if r.Entry != nil {
			e.ID, e.Title, e.Meaning, e.Flows = r.Entry.ID, r.Entry.Title, r.Entry.Meaning, r.Entry.Flows
		}
		for _, c := range r.Match.Candidates {
			e.Candidates = append(e.Candidates, c.ID)
		}
		if e.ID == "" && len(r.Match.Candidates) > 0 {
			// An ambiguous code: the entry of the first confirmed cause, if any.
			for _, c := range r.Causes {
				if c.Status == StatusConfirmed && c.Entry != "" {
					e.ID = c.Entry
					break
				}
			}
		}
		out.Error = e
	}
	for _, d := range r.Relaxed {
		out.Relaxed = append(out.Relaxed, JSONRelaxed{Rule: d.Rule, App: d.App, File: d.File, Line: d.Line, Note: d.Note})
	}
	for _, c := range r.Causes {
		switch c.Status {
		case StatusConfirmed:
			out.Summary.Confirmed++
		case StatusUnknown:
			out.Summary.Unknown++
		case StatusRuledOut:
			out.Summary.RuledOut++
		default:
			out.Summary.Manual++
		}
	}
	return out
}

// WriteJSON writes the report as indented JSON.
func WriteJSON(w io.Writer, r Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r.JSON())
}

// WriteText writes the report for a terminal: the error and what it means,
// then confirmed causes with file:line:col, found/expected and the fix, the
// causes the metadata could not decide, the ruled-out ones, and the checklist.
func WriteText(w io.Writer, r Report) error {
	tw := &textWriter{w: w}
	tw.header(r)
	groups := []struct {
		st    Status
		title string
	}{
		{StatusConfirmed, "Confirmed"},
		{StatusUnknown, "Could not tell from the metadata"},
		{StatusRuledOut, "Ruled out"},
		{StatusManual, "Check by hand"},
	}
	for _, g := range groups {
		var cs []Cause
		for _, c := range r.Causes {
			if c.Status == g.st {
				cs = append(cs, c)
			}
		}
		if len(cs) == 0 {
			if g.st == StatusConfirmed && r.Mode != ModeUnknown {
				tw.printf("\nConfirmed: nothing in the metadata explains this error.\n")
			}
			continue
		}
		tw.printf("\n%s (%d)\n", g.title, len(cs))
		for i, c := range cs {
			switch g.st {
			case StatusConfirmed:
				tw.confirmed(i+1, c)
			case StatusUnknown:
				tw.unknown(c)
			case StatusRuledOut:
				tw.ruledOut(c)
			default:
				tw.manual(c)
			}
		}
	}
	if len(r.Relaxed) > 0 {
		tw.printf("\nBaseline findings the vendor requires (kept as notes)\n")
		for _, d := range r.Relaxed {
			tw.printf("  - %s:%d: %s [%s]\n", d.File, d.Line, d.Note, d.Rule)
		}
	}
	for _, h := range r.Hints {
		tw.printf("\nhint: %s\n", h)
	}
	n := r.Confirmed()
	switch n {
	case 0:
		tw.printf("\nNo cause confirmed in the metadata.\n")
	case 1:
		tw.printf("\n1 cause confirmed in the metadata.\n")
	default:
		tw.printf("\n%d causes confirmed in the metadata.\n", n)
	}
	return tw.err
}

type textWriter struct {
	w   io.Writer
	err error
}

func (t *textWriter) printf(format string, args ...any) {
	if t.err != nil {
		return
	}
	_, t.err = fmt.Fprintf(t.w, format, args...)
}

func (t *textWriter) header(r Report) {
	p := r.Parsed
	switch r.Mode {
	case ModeReadiness:
		t.printf("Readiness for %s: what would make the approval or the first API call fail, in the order to fix it.\n", strings.Join(r.Vendors, ", "))
		return
	case ModePlaybook:
		t.printf("%s: the checks in the order an admin should work through them.\n", "Salesforce approval fails or shows an error")
		if r.Seed != "" {
			t.printf("  %s\n", wrap(r.Seed, 78, "  "))
		}
		return
	case ModeUnknown:
		t.printf("Unknown error: %q is not in the catalogue of Salesforce OAuth errors.\n", shorten(p.Input, 200))
		if len(r.Match.Closest) > 0 {
			t.printf("Closest known errors:\n")
			for _, s := range r.Match.Closest {
				t.printf("  %s %s (%q)\n", s.ID, s.Title, s.Text)
			}
		}
		t.printf("Falling back to the checks for \"approval fails\", in order.\n")
		return
	}
	t.printf("Error: %s\n", describeInput(p))
	if r.Entry != nil {
		t.printf("%s: %s\n", r.Entry.ID, r.Entry.Title)
		t.printf("  matched %s %q\n", r.Match.Kind, r.Match.Matched)
		t.printf("  %s\n", wrap(r.Entry.Meaning, 78, "  "))
		var flows []string
		for _, f := range r.Entry.Flows {
			flows = append(flows, FlowName(f))
		}
		t.printf("  flows: %s\n", strings.Join(flows, ", "))
		return
	}
	var ids []string
	for _, c := range r.Match.Candidates {
		ids = append(ids, c.ID+" "+c.Title)
	}
	t.printf("%q alone may mean any of:\n  %s\n", r.Match.Matched, strings.Join(ids, "\n  "))
	t.printf("  The description (error_description) tells them apart; the metadata checks of all of them follow.\n")
}

func describeInput(p ParsedError) string {
	var parts []string
	if p.Code != "" {
		parts = append(parts, p.Code)
	}
	if p.Description != "" {
		parts = append(parts, p.Description)
	}
	s := strings.Join(parts, ": ")
	if s == "" {
		s = shorten(p.Input, 200)
	}
	var extra []string
	if p.Shape != "" && p.Shape != ShapeCode && p.Shape != ShapeMessage {
		extra = append(extra, "from "+describeShape(p.Shape))
	}
	for _, w := range p.Wrappers {
		extra = append(extra, "inside "+w)
	}
	if len(extra) > 0 {
		s += " (" + strings.Join(extra, ", ") + ")"
	}
	return s
}

func describeShape(s Shape) string {
	switch s {
	case ShapeURL:
		return "the browser address"
	case ShapeJSON:
		return "a JSON error body"
	case ShapeSOAP:
		return "a SOAP fault"
	case ShapeCLI:
		return "tool output"
	case ShapePairs:
		return "key=value text"
	}
	return string(s)
}

func location(c Cause) string {
	if c.File == "" {
		return ""
	}
	return fmt.Sprintf("%s:%d:%d", c.File, c.Line, c.Column)
}

func (t *textWriter) confirmed(n int, c Cause) {
	loc := location(c)
	head := c.Message
	if head == "" {
		head = c.Title
	}
	ref := c.ID
	if c.Rule != "" && c.Rule != c.ID {
		ref = c.ID + ", " + c.Rule
	}
	if loc != "" {
		t.printf("  %d. %s: %s [%s]\n", n, loc, head, ref)
	} else {
		t.printf("  %d. %s [%s]\n", n, head, ref)
	}
	if c.Message != "" && c.Title != "" && !strings.EqualFold(c.Title, c.Message) {
		t.printf("     cause: %s\n", c.Title)
	}
	if c.Found != "" || c.Expected != "" {
		t.printf("     found: %s\n     expected: %s\n", orDash(c.Found), orDash(c.Expected))
	}
	if c.Fix != "" {
		t.printf("     fix: %s\n", wrap(c.Fix, 72, "          "))
	}
	if c.AutoFix != nil {
		t.printf("     sfapplint check --fix: %s\n", c.AutoFix.Description)
	}
	if c.Note != "" {
		t.printf("     note: %s\n", wrap(c.Note, 72, "           "))
	}
}

func (t *textWriter) unknown(c Cause) {
	loc := location(c)
	text := firstNonEmpty(c.Message, c.Title)
	if loc != "" {
		t.printf("  ? %s: %s [%s]\n", loc, text, c.ID)
	} else {
		t.printf("  ? %s [%s]\n", text, c.ID)
	}
	if c.Found != "" || c.Expected != "" {
		t.printf("    found: %s; needed: %s\n", orDash(c.Found), orDash(c.Expected))
	}
	if c.Note != "" {
		t.printf("    note: %s\n", c.Note)
	}
	if c.Fix != "" {
		t.printf("    fix if so: %s\n", wrap(c.Fix, 72, "               "))
	}
}

func (t *textWriter) ruledOut(c Cause) {
	text := firstNonEmpty(c.Message, c.Title)
	if c.App != "" && !strings.Contains(text, c.App) {
		text += " (" + c.App + ")"
	}
	t.printf("  - %s [%s]\n", text, c.ID)
}

func (t *textWriter) manual(c Cause) {
	t.printf("  [ ] %s\n", c.Title)
	if c.Message != "" {
		t.printf("      %s\n", wrap(c.Message, 72, "      "))
	}
	if c.Fix != "" {
		t.printf("      fix: %s\n", wrap(c.Fix, 72, "           "))
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// wrap folds text at width, indenting continuation lines with indent.
func wrap(s string, width int, indent string) string {
	words := strings.Fields(s)
	var b strings.Builder
	line := 0
	for i, w := range words {
		if i > 0 {
			if line+1+len(w) > width {
				b.WriteString("\n" + indent)
				line = 0
			} else {
				b.WriteByte(' ')
				line++
			}
		}
		b.WriteString(w)
		line += len(w)
	}
	return b.String()
}
