package troubleshoot

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/sfapplint/sfapplint/metadata"
	"github.com/sfapplint/sfapplint/rules"
)

// Mode says what a report answers.
type Mode string

// Report modes.
const (
	ModeError     Mode = "error"     // the error text named a catalogue entry (or an ambiguous code)
	ModeUnknown   Mode = "unknown"   // the text matched nothing: closest entries, then the playbook
	ModePlaybook  Mode = "playbook"  // no error text: the ordered checks for "approval fails"
	ModeReadiness Mode = "readiness" // no error text and a vendor pack: what would make that vendor's connection fail
)

// Report is the outcome of Diagnose.
type Report struct {
	Mode   Mode
	Parsed ParsedError
	Match  Match
	// Entry is the matched entry (nil when ambiguous, unknown or no error).
	Entry *Entry
	// Packs are the ids of the packs whose findings were used; Vendors the non-baseline ones.
	Packs   []string
	Vendors []string
	// Causes in ranked order: confirmed, unknown, ruled out, manual.
	Causes []Cause
	// Relaxed are baseline findings a selected vendor pack knowingly requires.
	Relaxed []rules.Diagnostic
	// Hints are short lines for the reader (e.g. a vendor pack would sharpen the diagnosis).
	Hints []string
	// Seed is the vendor guides' troubleshooting text (playbook and readiness).
	Seed string
}

// Cause is one ranked cause in a report.
type Cause struct {
	ID       string     `json:"id"`    // ENTRY/cause, or PACK/rule for vendor requirements and manual checks
	Entry    string     `json:"entry"` // catalogue entry the cause belongs to ("" for vendor manual checks)
	Title    string     `json:"title"`
	Status   Status     `json:"status"`
	Rule     string     `json:"rule,omitempty"`  // rule whose finding confirmed it
	Check    string     `json:"check,omitempty"` // Go check that decided it
	Field    string     `json:"field"`
	App      string     `json:"app"`
	File     string     `json:"file"`
	Line     int        `json:"line"`
	Column   int        `json:"column"`
	Found    string     `json:"found"`
	Expected string     `json:"expected"`
	Fix      string     `json:"fix"`               // the Setup click-path (and what --fix would change)
	AutoFix  *rules.Fix `json:"autofix,omitempty"` // the change sfapplint check --fix makes
	Message  string     `json:"message,omitempty"`
	Note     string     `json:"note,omitempty"` // vendor requirement served, assumption made
	Step     int        `json:"step,omitempty"` // playbook step (playbook and readiness)
	Docs     string     `json:"docs,omitempty"`
	order    int
	sameAs   []string
}

// Confirmed counts the confirmed causes.
func (r Report) Confirmed() int {
	n := 0
	for _, c := range r.Causes {
		if c.Status == StatusConfirmed {
			n++
		}
	}
	return n
}

// diagnoser holds one run.
type diagnoser struct {
	proj           *metadata.Project
	apps           []*metadata.App
	diags          []rules.Diagnostic
	cat            *Catalogue
	parsed         ParsedError
	packs          []*rules.Pack
	rules          map[string]*rules.Rule // evaluated rules by full id
	used           map[int]bool           // diagnostics already attributed to a cause
	out            []Cause
	seq            int
	env            *checkEnv
	results        map[string][]finding // Go check results by name
	explained      map[string]*Entry    // the entry each explain string names (see explainEntry)
	vendorsOmitted bool
}

// Diagnose explains a parsed error with the metadata: it matches the error to
// the catalogue and ranks each cause the catalogue lists. diags are the
// findings of rules.Evaluate with packs. With no error text it runs the
// playbook, or, when a vendor pack is selected, the readiness report for that
// vendor. proj may be nil (no inputs).
func Diagnose(proj *metadata.Project, diags []rules.Diagnostic, cat *Catalogue, parsed ParsedError, packs []*rules.Pack) Report {
	return DiagnoseAt(time.Now(), proj, diags, cat, parsed, packs)
}

// DiagnoseAt is Diagnose as of the given time (certificate expiry is judged
// against it), so that tests are reproducible.
func DiagnoseAt(now time.Time, proj *metadata.Project, diags []rules.Diagnostic, cat *Catalogue, parsed ParsedError, packs []*rules.Pack) Report {
	if proj == nil {
		proj = &metadata.Project{}
	}
	d := &diagnoser{proj: proj, diags: diags, cat: cat, parsed: parsed, packs: packs,
		rules: map[string]*rules.Rule{}, used: map[int]bool{}, results: map[string][]finding{}, explained: map[string]*Entry{}}
	rep := Report{Parsed: parsed}
	for _, p := range packs {
		rep.Packs = append(rep.Packs, p.ID)
		if p.ID != "baseline" {
			rep.Vendors = append(rep.Vendors, p.ID)
		}
		for _, r := range p.Rules {
			d.rules[r.FullID()] = r
		}
	}
	d.apps = d.focusApps()
	d.env = &checkEnv{Project: proj, Apps: d.apps, Parsed: parsed, Packs: packs, Now: now}

	empty := parsed.Shape == ShapeEmpty || parsed.Shape == ""
	if !empty {
		rep.Match = cat.Match(parsed)
	}
	switch {
	case empty && len(rep.Vendors) > 0:
		rep.Mode = ModeReadiness
		d.readiness(true)
		rep.Seed = cat.Playbook.Seed
	case empty || rep.Match.Kind == ByPlaybook:
		rep.Mode = ModePlaybook
		d.readiness(false)
		rep.Seed = cat.Playbook.Seed
	case rep.Match.Kind == ByNothing:
		rep.Mode = ModeUnknown
		d.readiness(len(rep.Vendors) > 0)
		rep.Seed = cat.Playbook.Seed
	case rep.Match.Kind == ByCodeGuess:
		rep.Mode = ModeError
		for _, e := range rep.Match.Candidates {
			d.entry(e, false)
		}
		for _, e := range rep.Match.Candidates {
			d.implicit(e, rep.Match.Matched)
		}
		for _, e := range rep.Match.Candidates {
			for _, s := range e.See {
				d.entry(cat.Entry(s), false)
			}
		}
	default:
		rep.Mode = ModeError
		rep.Entry = rep.Match.Entry
		d.entry(rep.Entry, true)
		d.implicit(rep.Entry, "")
		for _, s := range rep.Entry.See {
			d.entry(cat.Entry(s), false)
		}
	}
	rep.Causes = rank(dropGenericManual(d.out), rep.Mode)
	for _, dg := range diags {
		if dg.Note != "" && strings.HasPrefix(dg.Rule, "baseline/") {
			rep.Relaxed = append(rep.Relaxed, dg)
		}
	}
	if d.vendorsOmitted && len(rep.Vendors) == 0 {
		rep.Hints = append(rep.Hints, "a vendor pack (--pack atera-robin, snow-atlas, natero, robomq, autokitteh) adds the vendor's exact callback URL, scopes and flows to this diagnosis")
	}
	if n := unreadable(proj); n != "" {
		rep.Hints = append(rep.Hints, n)
	}
	if len(proj.Apps) == 0 {
		rep.Hints = append(rep.Hints, "no OAuth app was found in the inputs: causes in app settings cannot be confirmed or ruled out")
	} else if id := parsed.Params["client_id"]; id != "" && len(d.apps) == 1 && len(proj.Apps) > 1 {
		rep.Hints = append(rep.Hints, fmt.Sprintf("the client_id is the consumer key of %s: only that app is diagnosed", d.apps[0].Name))
	}
	return rep
}

// unreadable says which inputs did not load as app metadata, so the diagnosis
// cannot cover them.
func unreadable(proj *metadata.Project) string {
	var files []string
	seen := map[string]bool{}
	for _, p := range proj.Problems {
		switch p.Code {
		case metadata.ProblemMalformed, metadata.ProblemUnreadable, metadata.ProblemTooLarge, metadata.ProblemZip,
			metadata.ProblemWrongRoot, metadata.ProblemWrongNamespace, metadata.ProblemECAOrphan, metadata.ProblemECADuplicate:
			if !seen[p.Pos.File] {
				seen[p.Pos.File] = true
				files = append(files, fmt.Sprintf("%s (%s)", p.Pos.String(), p.Code))
			}
		}
	}
	if len(files) == 0 {
		return ""
	}
	return "these inputs did not load as app metadata, so the diagnosis does not cover them (run sfapplint check): " + strings.Join(files, ", ")
}

// focusApps narrows the apps to the one whose consumer key the client sent.
func (d *diagnoser) focusApps() []*metadata.App {
	id := strings.TrimSpace(d.parsed.Params["client_id"])
	if id != "" {
		for _, a := range d.proj.Apps {
			if a.Field("oauth.consumerKey").String() == id {
				return []*metadata.App{a}
			}
		}
	}
	return d.proj.Apps
}

func (d *diagnoser) inFocus(app string) bool {
	if app == "" || len(d.apps) == len(d.proj.Apps) {
		return true
	}
	for _, a := range d.apps {
		if a.Name == app {
			return true
		}
	}
	return false
}

// entry evaluates every cause of an entry (outside the playbook: no step).
func (d *diagnoser) entry(e *Entry, specific bool) {
	if e == nil {
		return
	}
	for _, c := range e.Causes {
		d.cause(c, specific, 0)
	}
}

// cause evaluates one cause and appends its report lines.
func (d *diagnoser) cause(c *CauseSpec, specific bool, step int) {
	base := Cause{ID: c.Ref(), Entry: c.Entry, Title: c.Title, Step: step, Docs: c.Docs}
	if c.IsManual() {
		m := base
		m.Status, m.Message, m.Fix, m.sameAs = StatusManual, c.Manual, c.Remediation, c.SameAs
		d.add(m)
		return
	}
	var confirmed, unknown, ruled []Cause
	evaluated := false
	for _, id := range c.Rules {
		if _, ok := d.rules[id]; ok {
			evaluated = true
		}
	}
	for i, dg := range d.diags {
		if !slices.Contains(c.Rules, dg.Rule) || !d.inFocus(dg.App) {
			continue
		}
		d.used[i] = true
		item := d.fromDiagnostic(base, c, dg)
		if c.Assumes != "" && !specific {
			item.Status = StatusUnknown
			item.Note = joinNotes("if "+c.Assumes, item.Note)
			unknown = append(unknown, item)
			continue
		}
		confirmed = append(confirmed, item)
	}
	if c.Check != "" {
		res, ok := d.results[c.Check]
		if !ok {
			res = checks[c.Check](d.env)
			d.results[c.Check] = res
		}
		for _, f := range res {
			item := d.fromFinding(base, c, f)
			switch f.Status {
			case StatusConfirmed:
				if c.Assumes != "" && !specific {
					item.Status = StatusUnknown
					item.Note = joinNotes("if "+c.Assumes, item.Note)
					unknown = append(unknown, item)
					continue
				}
				if c.Assumes != "" {
					item.Note = joinNotes("assuming "+c.Assumes, item.Note)
				}
				if sameSpot(confirmed, item) {
					continue // a rule already confirmed it there
				}
				confirmed = append(confirmed, item)
			case StatusUnknown:
				unknown = append(unknown, item)
			case StatusRuledOut:
				ruled = append(ruled, item)
			}
		}
	}
	switch {
	case len(confirmed) > 0:
		for _, x := range confirmed {
			d.add(x)
		}
	case len(unknown) > 0:
		for _, x := range unknown {
			d.add(x)
		}
	case len(ruled) > 0:
		x := ruled[0]
		if len(ruled) > 1 {
			x.App, x.File, x.Line, x.Column = "", "", 0, 0
			x.Message = c.RuledOut
		}
		d.add(x)
	case evaluated:
		d.add(d.ruleVerdict(base, c))
	case len(c.Rules) > 0 && c.Check == "":
		d.vendorsOmitted = true // only rules of packs that were not selected
	}
}

func sameSpot(list []Cause, x Cause) bool {
	for _, c := range list {
		if c.File == x.File && c.Line == x.Line && c.Column == x.Column && c.App == x.App {
			return true
		}
	}
	return false
}

// ruleVerdict says whether rules that reported nothing rule the cause out or
// simply had nothing to look at.
func (d *diagnoser) ruleVerdict(base Cause, c *CauseSpec) Cause {
	x := base
	x.Rule = strings.Join(c.Rules, ", ")
	if slices.Contains(c.Needs, "holders") && len(d.proj.Holders) == 0 {
		x.Status = StatusUnknown
		x.Found = "no profiles or permission sets in the inputs"
		x.Message = "the inputs hold no profile or permission set, so this cannot be checked"
		return x
	}
	if len(c.Fields) > 0 {
		if len(d.apps) == 0 {
			x.Status = StatusUnknown
			x.Found = "no app in the inputs"
			x.Message = "no OAuth app in the inputs, so this cannot be checked"
			return x
		}
		shown := false
		for _, a := range d.apps {
			for _, p := range c.Fields {
				if f := a.Field(p); f != nil && (f.Present || f.Default && f.Doc != nil) {
					shown = true
				}
			}
		}
		if !shown {
			x.Status = StatusUnknown
			x.Field = c.Fields[0]
			x.Found = "not in the inputs"
			x.Message = fmt.Sprintf("the inputs do not show %s, so this cannot be checked", strings.Join(c.Fields, ", "))
			return x
		}
	}
	x.Status = StatusRuledOut
	x.Message = c.RuledOut
	return x
}

func (d *diagnoser) fromDiagnostic(base Cause, c *CauseSpec, dg rules.Diagnostic) Cause {
	x := base
	x.Status = StatusConfirmed
	x.Rule, x.Field, x.App = dg.Rule, dg.Field, dg.App
	x.File, x.Line, x.Column = dg.File, dg.Line, dg.Column
	x.Found, x.Expected = dg.Found, dg.Expected
	x.Message, x.Docs = dg.Message, firstNonEmpty(dg.Docs, x.Docs)
	x.Fix = dg.Remediation
	x.AutoFix = dg.Fix
	if x.Fix == "" {
		x.Fix = d.expand(c.Remediation, dg.App)
	}
	x.Note = joinNotes(dg.Note, d.contradictionNote(x, c))
	d.misspelled(&x)
	return x
}

func (d *diagnoser) fromFinding(base Cause, c *CauseSpec, f finding) Cause {
	x := base
	x.Status = f.Status
	x.Check = c.Check
	x.Field = f.Field
	if f.App != nil {
		x.App = f.App.Name
	}
	x.File, x.Line, x.Column = f.Pos.File, f.Pos.Line, f.Pos.Column
	x.Found, x.Expected, x.Message = f.Found, f.Expected, f.Message
	x.AutoFix = f.Fix
	x.Note = f.Note
	if f.Status == StatusRuledOut {
		x.Message = firstNonEmpty(f.Message, c.RuledOut)
		return x
	}
	x.Fix = d.expand(c.Remediation, x.App)
	x.Note = joinNotes(x.Note, d.contradictionNote(x, c))
	if x.Status == StatusConfirmed {
		d.misspelled(&x)
	}
	return x
}

// expand fills ${app} in a remediation.
func (d *diagnoser) expand(s, app string) string {
	if app == "" {
		app = "the app"
	}
	return strings.ReplaceAll(s, "${app}", app)
}

// contradictionNote names the vendor requirement a cause's setting serves
// when a selected pack contradicts a baseline rule about that setting, and
// warns when the fix trips a security rule no pack relaxes.
func (d *diagnoser) contradictionNote(x Cause, c *CauseSpec) string {
	fields := []string{x.Field}
	if x.AutoFix != nil {
		fields = append(fields, x.AutoFix.Field)
	}
	var trips []string
	if c != nil {
		trips = c.Trips
	}
	var notes []string
	served := map[string]bool{}
	for _, p := range d.packs {
		for _, k := range p.Contradicts {
			r := d.rules[k.Rule]
			reads := slices.Contains(trips, k.Rule)
			for _, f := range fields {
				if f != "" && r != nil && condReads(r.Check, f) {
					reads = true
				}
			}
			if !reads {
				continue
			}
			served[k.Rule] = true
			notes = append(notes, fmt.Sprintf("serves the %s requirement (%s): %s; it relaxes %s", p.ID, p.Title, strings.TrimRight(k.Reason, "."), k.Rule))
		}
	}
	for _, t := range trips {
		if !served[t] && x.Status == StatusConfirmed {
			notes = append(notes, fmt.Sprintf("the fix trips %s (security baseline): prefer fixing the client when it can", t))
		}
	}
	return strings.Join(notes, "; ")
}

// misspelled points a cause about an absent setting at a misspelled element
// that was meant to set it (isDeviceFlowEnabeld for isDeviceFlowEnabled).
func (d *diagnoser) misspelled(x *Cause) {
	if x.Field == "" || x.App == "" {
		return
	}
	app := d.proj.App(x.App)
	if app == nil {
		return
	}
	f := app.Field(x.Field)
	if f == nil || f.Present || f.Source == "" {
		return
	}
	elem := f.Source[strings.LastIndex(f.Source, "/")+1:]
	files := app.Files()
	for _, p := range d.proj.Problems {
		if p.Code != metadata.ProblemUnknownElement || !strings.EqualFold(p.Suggestion, elem) || !slices.Contains(files, p.Pos.File) {
			continue
		}
		written := p.Element[strings.LastIndex(p.Element, "/")+1:]
		x.File, x.Line, x.Column = p.Pos.File, p.Pos.Line, p.Pos.Column
		x.Found = fmt.Sprintf("<%s> (misspelled, so Salesforce ignores it: %s)", written, strings.TrimSpace(x.Found))
		x.Expected = fmt.Sprintf("<%s> %s", elem, strings.TrimPrefix(x.Expected, "<"+elem+"> "))
		x.Note = joinNotes(x.Note, fmt.Sprintf("rename <%s> to <%s>", written, elem))
		return
	}
}

// implicit adds findings of non-baseline rules whose `explains` name the entry
// (or the ambiguous code) and that no catalogue cause has claimed: a vendor
// pack's requirements sharpen the diagnosis even where the catalogue does not
// list them.
func (d *diagnoser) implicit(e *Entry, code string) {
	for i, dg := range d.diags {
		if d.used[i] || strings.HasPrefix(dg.Rule, "baseline/") || dg.Severity == rules.SeverityNote || !d.inFocus(dg.App) {
			continue
		}
		r := d.rules[dg.Rule]
		if r == nil || !d.explains(r.Explains, e, code) {
			continue
		}
		d.used[i] = true
		x := Cause{ID: dg.Rule, Entry: e.ID, Title: firstNonEmpty(r.Title, dg.Rule)}
		d.add(d.fromDiagnostic(x, nil, dg))
	}
	// The vendor's own checks by hand for this error.
	for _, p := range d.packs {
		if p.ID == "baseline" {
			continue
		}
		for _, m := range p.Manual {
			if d.explains(m.Explains, e, code) {
				d.add(d.vendorManual(p, m, e.ID, 0))
			}
		}
	}
}

func (d *diagnoser) vendorManual(p *rules.Pack, m rules.ManualCheck, entry string, step int) Cause {
	return Cause{ID: p.ID + "/" + m.ID, Entry: entry, Title: m.Title, Status: StatusManual,
		Message: m.Description, Fix: m.Remediation, Docs: m.Docs, Step: step}
}

// explains reports whether explain strings name the entry: a message or a code
// only this entry has, or exactly the ambiguous code the user gave.
func (d *diagnoser) explains(list []string, e *Entry, code string) bool {
	for _, s := range list {
		if code != "" && normalize(s) == normalize(code) {
			return true
		}
		if d.explainEntry(s) == e {
			return true
		}
	}
	return false
}

// explainEntry returns the catalogue entry an explain string names, nil when
// it names none. Each distinct string is parsed and matched once per diagnosis.
func (d *diagnoser) explainEntry(s string) *Entry {
	e, ok := d.explained[s]
	if !ok {
		e = d.cat.Match(ParseError(s)).Entry
		d.explained[s] = e
	}
	return e
}

// readiness runs the playbook: the steps' causes in order, then (for vendor
// packs) the vendor's other requirements and manual checks, then the manual
// checks every connection needs.
func (d *diagnoser) readiness(vendor bool) {
	pb := d.cat.Playbook
	stepOf := map[string]int{}
	for _, s := range pb.Steps {
		for _, id := range s.Entries {
			if _, ok := stepOf[id]; !ok {
				stepOf[id] = s.N
			}
		}
		refs := s.Causes
		if len(refs) == 0 {
			for _, id := range s.Entries {
				for _, c := range d.cat.Entry(id).Causes {
					if !c.IsManual() {
						refs = append(refs, c.Ref())
					}
				}
			}
		}
		for _, ref := range refs {
			if c := d.cat.Cause(ref); c != nil {
				d.cause(c, false, s.N)
			}
		}
	}
	last := len(pb.Steps) + 1
	if vendor {
		// Vendor findings no step claimed, placed at the step of the error they explain.
		for i, dg := range d.diags {
			if d.used[i] || strings.HasPrefix(dg.Rule, "baseline/") || dg.Severity == rules.SeverityNote || !d.inFocus(dg.App) {
				continue
			}
			r := d.rules[dg.Rule]
			step, entry := last, ""
			if r != nil {
				for _, s := range r.Explains {
					if me := d.explainEntry(s); me != nil {
						if n, ok := stepOf[me.ID]; ok && n < step {
							step, entry = n, me.ID
						}
					}
				}
			}
			d.used[i] = true
			x := Cause{ID: dg.Rule, Entry: entry, Step: step}
			if r != nil {
				x.Title = r.Title
			}
			d.add(d.fromDiagnostic(x, nil, dg))
		}
		// Vendor requirements that hold: say so.
		for _, p := range d.packs {
			if p.ID == "baseline" {
				continue
			}
			for _, r := range p.Rules {
				if d.fired(r.FullID()) {
					continue
				}
				d.add(Cause{ID: r.FullID(), Title: r.Title, Status: StatusRuledOut, Rule: r.FullID(), Step: last,
					Message: "not the case: " + r.Title})
			}
			for _, m := range p.Manual {
				d.add(d.vendorManual(p, m, "", last))
			}
		}
	}
	for _, ref := range pb.Manual {
		if c := d.cat.Cause(ref); c != nil {
			d.cause(c, false, last)
		}
	}
}

func (d *diagnoser) fired(rule string) bool {
	for _, dg := range d.diags {
		if dg.Rule == rule {
			return true
		}
	}
	return false
}

func (d *diagnoser) add(x Cause) {
	d.seq++
	x.order = d.seq
	d.out = append(d.out, x)
}

// rank orders causes by status, then (playbook, readiness) by step, then in
// the order the catalogue lists them, and drops repeats: the same location
// confirmed twice, or the same cause ruled out or listed for checking twice.
func rank(in []Cause, mode Mode) []Cause {
	sort.SliceStable(in, func(i, j int) bool {
		a, b := in[i], in[j]
		if a.Status.Rank() != b.Status.Rank() {
			return a.Status.Rank() < b.Status.Rank()
		}
		if (mode == ModePlaybook || mode == ModeReadiness || mode == ModeUnknown) && a.Step != b.Step {
			return a.Step < b.Step
		}
		return a.order < b.order
	})
	out := make([]Cause, 0, len(in))
	seenLoc := map[string]bool{}
	seenID := map[string]bool{}
	for _, c := range in {
		switch c.Status {
		case StatusConfirmed, StatusUnknown:
			if c.File != "" {
				key := string(c.Status) + "\x00" + c.App + "\x00" + c.Field + "\x00" + c.File + "\x00" + fmt.Sprint(c.Line, ":", c.Column) + "\x00" + c.Rule + c.Check
				if seenLoc[key] {
					continue
				}
				seenLoc[key] = true
				break
			}
			fallthrough
		default:
			key := string(c.Status) + "\x00" + c.ID + "\x00" + c.App + "\x00" + c.Message
			if seenID[key] {
				continue
			}
			seenID[key] = true
		}
		out = append(out, c)
	}
	// The same location confirmed by a rule and by a Go check: keep the first.
	final := out[:0]
	seenConfirmed := map[string]bool{}
	for _, c := range out {
		if c.Status == StatusConfirmed && c.File != "" {
			key := c.App + "\x00" + c.File + "\x00" + fmt.Sprint(c.Line, ":", c.Column) + "\x00" + c.Field
			if seenConfirmed[key] && c.Field != "" {
				continue
			}
			seenConfirmed[key] = true
		}
		final = append(final, c)
	}
	return final
}

// dropGenericManual removes a catalogue check by hand when a vendor pack's
// own check for the same thing is in the report.
func dropGenericManual(in []Cause) []Cause {
	have := map[string]bool{}
	for _, c := range in {
		if c.Status == StatusManual {
			have[c.ID] = true
		}
	}
	out := in[:0]
	for _, c := range in {
		dup := false
		for _, s := range c.sameAs {
			if have[s] {
				dup = true
			}
		}
		if !dup {
			out = append(out, c)
		}
	}
	return out
}

func joinNotes(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "" || strings.Contains(a, b):
		return a
	}
	return a + "; " + b
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}
