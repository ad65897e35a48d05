package report

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/sfapplint/sfapplint/rules"
)

// junitProjectClass is the classname of test cases for findings that belong
// to no app (e.g. a malformed file that could not be joined to an app).
const junitProjectClass = "(project)"

// junitSuites is the <testsuites> root.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

// junitSuite is one <testsuite>: one pack.
type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Cases    []junitCase `xml:"testcase"`
}

// junitCase is one <testcase>: one rule on one app.
type junitCase struct {
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	SystemOut *junitText    `xml:"system-out,omitempty"`
}

// junitFailure is a <failure>: every finding at or above the threshold.
type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"`
}

// junitText is element content written as CDATA so line breaks stay readable.
type junitText struct {
	Text string `xml:",cdata"`
}

// writeJUnit renders a JUnit XML report: a <testsuite> per pack and a
// <testcase> per app and rule. A test case fails when the rule has findings at
// or above the fail threshold on that app; its single <failure> lists them all
// (most JUnit consumers read only the first <failure> of a case). Findings
// below the threshold are listed in <system-out>.
func writeJUnit(buf *bufio.Writer, in Input) error {
	root := junitSuites{Name: in.Tool.Name}
	idx := newJUnitIndex(in)
	for _, pack := range junitPacks(in) {
		suite := junitSuite{Name: pack.id}
		for _, c := range junitCases(idx, pack, in.FailOn) {
			suite.Tests++
			if c.Failure != nil {
				suite.Failures++
			}
			suite.Cases = append(suite.Cases, c)
		}
		root.Tests += suite.Tests
		root.Failures += suite.Failures
		root.Suites = append(root.Suites, suite)
	}
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(buf)
	enc.Indent("", "  ")
	if err := enc.Encode(root); err != nil {
		return fmt.Errorf("encoding junit: %w", err)
	}
	buf.WriteByte('\n')
	return nil
}

// junitPack is a pack and the ids of its rules, in report order.
type junitPack struct {
	id    string
	rules []string
}

// junitPacks groups rule ids by pack: the packs of in.Packs first, in order,
// then any other pack named by a rule doc or a diagnostic. Rules come from
// in.Rules, then from diagnostics whose rule is undocumented.
func junitPacks(in Input) []*junitPack {
	var packs []*junitPack
	byID := make(map[string]*junitPack)
	pack := func(id string) *junitPack {
		p, ok := byID[id]
		if !ok {
			p = &junitPack{id: id}
			byID[id] = p
			packs = append(packs, p)
		}
		return p
	}
	for _, pd := range in.Packs {
		pack(pd.ID)
	}
	seen := make(map[string]bool)
	add := func(ruleID, packID string) {
		if seen[ruleID] {
			return
		}
		seen[ruleID] = true
		if packID == "" {
			packID = packOf(ruleID)
		}
		p := pack(packID)
		p.rules = append(p.rules, ruleID)
	}
	for _, rd := range in.Rules {
		add(rd.ID, rd.Pack)
	}
	for _, d := range in.Diagnostics {
		add(d.Rule, "")
	}
	return packs
}

// junitFindingKey indexes findings by app and rule.
type junitFindingKey struct{ app, rule string }

// junitIndex is what every pack's test cases are built from: the findings by
// app and rule, and the apps that get test cases, in report order.
type junitIndex struct {
	findings map[junitFindingKey][]rules.Diagnostic
	// apps are in.Apps then the apps named only by a diagnostic, each name once.
	apps []string
}

// newJUnitIndex indexes in's findings and lists its apps: those of in.Apps
// first, in order, then any other app a diagnostic names.
func newJUnitIndex(in Input) junitIndex {
	idx := junitIndex{findings: make(map[junitFindingKey][]rules.Diagnostic)}
	var extraApps []string
	known := make(map[string]bool)
	for _, a := range in.Apps {
		known[a.Name] = true
	}
	for _, d := range in.Diagnostics {
		k := junitFindingKey{d.App, d.Rule}
		idx.findings[k] = append(idx.findings[k], d)
		if d.App != "" && !known[d.App] {
			known[d.App] = true
			extraApps = append(extraApps, d.App)
		}
	}
	seen := make(map[string]bool)
	for _, a := range in.Apps {
		if seen[a.Name] {
			continue // two apps with one name (a Connected App and an ECA): one case
		}
		seen[a.Name] = true
		idx.apps = append(idx.apps, a.Name)
	}
	// extraApps are distinct and none is in in.Apps.
	idx.apps = append(idx.apps, extraApps...)
	return idx
}

// junitCases returns the test cases of one pack: for each app, a case per
// rule; then a "(project)" case for each rule with findings outside any app.
func junitCases(idx junitIndex, pack *junitPack, failOn rules.Severity) []junitCase {
	var cases []junitCase
	for _, app := range idx.apps {
		for _, rule := range pack.rules {
			cases = append(cases, junitCaseOf(app, rule, idx.findings[junitFindingKey{app, rule}], failOn))
		}
	}
	for _, rule := range pack.rules {
		if ds := idx.findings[junitFindingKey{"", rule}]; len(ds) > 0 {
			cases = append(cases, junitCaseOf(junitProjectClass, rule, ds, failOn))
		}
	}
	return cases
}

// junitCaseOf builds the test case of one rule on one app from its findings.
func junitCaseOf(class, rule string, ds []rules.Diagnostic, failOn rules.Severity) junitCase {
	c := junitCase{Classname: xmlSafe(class), Name: xmlSafe(rule)}
	var failing, passing []rules.Diagnostic
	for _, d := range ds {
		if failsAt(d.Severity, failOn) {
			failing = append(failing, d)
		} else {
			passing = append(passing, d)
		}
	}
	if len(failing) > 0 {
		worst := failing[0].Severity
		for _, d := range failing {
			if d.Severity.Rank() > worst.Rank() {
				worst = d.Severity
			}
		}
		msg := oneLine(failing[0].Message)
		if len(failing) > 1 {
			msg = fmt.Sprintf("%d findings; first: %s", len(failing), msg)
		}
		c.Failure = &junitFailure{
			Message: xmlSafe(msg),
			Type:    xmlSafe(string(worst)),
			Text:    findingsText(failing),
		}
	}
	if len(passing) > 0 {
		c.SystemOut = &junitText{Text: findingsText(passing)}
	}
	return c
}

// findingsText renders findings as in the text format, without colour.
func findingsText(ds []rules.Diagnostic) string {
	var b bytes.Buffer
	bw := bufio.NewWriter(&b)
	for _, d := range ds {
		writeFinding(bw, d, false)
	}
	_ = bw.Flush() // a bytes.Buffer does not fail
	return xmlSafe(b.String())
}

// xmlSafe replaces characters XML 1.0 cannot carry (most C0 controls, lone
// surrogates, U+FFFE/U+FFFF) with U+FFFD and turns CR and CRLF into LF, so the
// text survives CDATA sections as well as attributes.
func xmlSafe(s string) string {
	s = normalizeNewlines(s)
	if strings.IndexFunc(s, func(r rune) bool { return !isXMLChar(r) }) < 0 && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if !isXMLChar(r) {
			r = utf8.RuneError
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isXMLChar reports whether r is in the XML 1.0 Char production.
func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}
