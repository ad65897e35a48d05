package rules

import (
	"fmt"
	"path"
	"strings"

	"github.com/sfapplint/sfapplint/metadata"
)

// Inline suppressions are XML comments:
//
//	<!-- sfapplint-disable-next-line baseline/full-scope: the vendor requires full access -->
//	<!-- sfapplint-disable-file atera-robin/device-flow -- reason -->
//
// disable-next-line covers the next element (with everything inside it);
// disable-file covers the whole file. Rules are full ids, comma-separated, and
// may use * (baseline/*). A reason is required, after ":" or " -- ". The " -- "
// form is accepted because it is common, but XML forbids "--" in comments, so
// such a file gets a note: Salesforce's parser may reject it on deploy.

const (
	directiveNextLine = "sfapplint-disable-next-line"
	directiveFile     = "sfapplint-disable-file"
)

// Directive is one parsed suppression comment.
type Directive struct {
	File   bool // disable-file (else disable-next-line)
	Rules  []string
	Reason string
	Pos    metadata.Pos
	// First and Last are the lines covered (next-line: the next element's span).
	First, Last int
	Path        string
	used        bool
}

// parseDirectives reads the suppression comments of a document.
func parseDirectives(doc *metadata.Document) []*Directive {
	var out []*Directive
	for _, c := range doc.Comments {
		text := strings.TrimSpace(c.Text)
		var d Directive
		var rest string
		switch {
		case strings.HasPrefix(text, directiveNextLine):
			rest = strings.TrimPrefix(text, directiveNextLine)
		case strings.HasPrefix(text, directiveFile):
			rest = strings.TrimPrefix(text, directiveFile)
			d.File = true
		default:
			continue
		}
		if rest != "" && rest[0] != ' ' && rest[0] != '\t' && rest[0] != '\n' && rest[0] != '\r' {
			continue // e.g. sfapplint-disable-next-linefoo
		}
		rulesPart, reason := splitReason(rest)
		d.Reason = reason
		d.Rules = strings.FieldsFunc(rulesPart, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r' })
		d.Pos, d.Path = c.Pos, doc.Path
		switch {
		case d.File:
			d.First, d.Last = 1, 1<<30
		case c.Next != nil:
			d.First = c.Next.Pos().Line
			d.Last = doc.PosAt(max(c.Next.EndOffset-1, c.Next.StartOffset)).Line
		default:
			d.First, d.Last = -1, -1 // nothing follows: suppresses nothing
		}
		out = append(out, &d)
	}
	return out
}

func splitReason(rest string) (rules, reason string) {
	if i := strings.Index(rest, "--"); i >= 0 {
		return rest[:i], strings.TrimSpace(strings.TrimLeft(rest[i:], "-"))
	}
	if i := strings.Index(rest, ":"); i >= 0 {
		return rest[:i], strings.TrimSpace(rest[i+1:])
	}
	return rest, ""
}

func (d *Directive) covers(diag Diagnostic) bool {
	if d.Reason == "" || diag.File != d.Path || diag.Line < d.First || diag.Line > d.Last {
		return false
	}
	for _, r := range d.Rules {
		if ok, _ := path.Match(r, diag.Rule); ok {
			return true
		}
	}
	return false
}

// suppressionRuleIDs are the baseline rules about suppression comments themselves.
const (
	ruleSuppressionNoReason = "suppression-without-reason"
	ruleSuppressionUnused   = "unused-suppression"
	ruleCommentHyphens      = "comment-double-hyphen"
)

// applySuppressions removes suppressed diagnostics and, when the baseline pack
// runs, reports suppressions without a reason, suppressions that suppress
// nothing, and comments that hold "--".
func applySuppressions(proj *metadata.Project, diags []Diagnostic, run Run) (kept, suppressed []Diagnostic) {
	var dirs []*Directive
	byFile := map[string][]*Directive{} // findings only meet the directives of their own file
	for _, doc := range proj.Documents {
		ds := parseDirectives(doc)
		dirs = append(dirs, ds...)
		if len(ds) > 0 {
			byFile[doc.Path] = ds
		}
	}
	if len(byFile) == 0 {
		kept = diags // nothing to suppress: no copy
	} else {
		kept = make([]Diagnostic, 0, len(diags))
		for _, d := range diags {
			hit := false
			for _, dir := range byFile[d.File] {
				if dir.covers(d) {
					dir.used = true
					hit = true
				}
			}
			if hit {
				suppressed = append(suppressed, d)
			} else {
				kept = append(kept, d)
			}
		}
	}
	base := packByID(run.Packs, "baseline")
	if base == nil {
		return kept, suppressed
	}
	ran := map[string]bool{}
	for _, p := range run.Packs {
		for _, r := range p.Rules {
			ran[r.FullID()] = true
		}
	}
	report := func(ruleID string, pos metadata.Pos, key, msg string) {
		r := ruleByID(base, ruleID)
		if r == nil || run.Severity[r.FullID()] == SeverityOff {
			return
		}
		sev := r.Severity
		if o, ok := run.Severity[r.FullID()]; ok {
			sev = Severity(o)
		}
		kept = append(kept, Diagnostic{Rule: r.FullID(), Severity: sev, File: pos.File, Line: pos.Line, Column: pos.Column, Key: key,
			Message: msg, Remediation: r.Remediation, Docs: r.Docs})
	}
	for _, dir := range dirs {
		key := strings.Join(dir.Rules, ",")
		switch {
		case len(dir.Rules) == 0:
			report(ruleSuppressionNoReason, dir.Pos, key, "suppression comment names no rule")
		case dir.Reason == "":
			report(ruleSuppressionNoReason, dir.Pos, key, fmt.Sprintf("suppression of %s gives no reason, so it suppresses nothing", key))
		case !dir.used:
			known := false
			for id := range ran {
				for _, r := range dir.Rules {
					if ok, _ := path.Match(r, id); ok {
						known = true
					}
				}
			}
			if known {
				report(ruleSuppressionUnused, dir.Pos, key, fmt.Sprintf("suppression of %s suppresses nothing", key))
			}
		}
	}
	for _, doc := range proj.Documents {
		for _, pos := range doc.DoubleHyphens {
			report(ruleCommentHyphens, pos, "", `comment contains "--", which XML forbids; Salesforce may reject the file on deploy`)
		}
	}
	return kept, suppressed
}

// packByID returns the first pack of ps with the id, or nil.
func packByID(ps []*Pack, id string) *Pack {
	for _, p := range ps {
		if p.ID == id {
			return p
		}
	}
	return nil
}

// ruleByID returns the first rule of p with the (pack-local) id, or nil.
func ruleByID(p *Pack, id string) *Rule {
	for _, r := range p.Rules {
		if r.ID == id {
			return r
		}
	}
	return nil
}
