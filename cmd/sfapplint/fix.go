package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/sfapplint/sfapplint/metadata"
	"github.com/sfapplint/sfapplint/metadata/edit"
	"github.com/sfapplint/sfapplint/rules"
	"github.com/sfapplint/sfapplint/rules/report"
)

// maxFixRounds bounds how often check --fix re-evaluates and fixes again:
// a fix can raise a finding another fix resolves (enabling a flow raises the
// note that asks for its safer option), and a second --fix must change nothing.
const maxFixRounds = 5

// fixProgress carries the totals of check --fix across its rounds, and the
// setup of the first round, which the later rounds reuse.
type fixProgress struct {
	rounds int
	fixed  int
	files  map[string]bool
	setup  *setup
}

// fixAndRecheck is check --fix and --diff. --diff prints the diff of the
// fixes of the reported findings and exits as check would. --fix applies them,
// then checks again: while a round fixes something, the next round fixes what
// the new state reports; the last round reports what remains.
func fixAndRecheck(ctx context.Context, s *Streams, args []string, opts *checkOptions, st *setup, proj *metadata.Project, diags []rules.Diagnostic, failOn string) error {
	if opts.diff {
		fixed, files, err := fixFindings(ctx, s, st, proj, diags, true)
		if err != nil {
			return err
		}
		fmt.Fprintf(s.ErrOut, "sfapplint: would fix %s in %s\n", plural(len(fixed), "finding"), plural(len(files), "file"))
		if failOn != "never" && report.Fails(diags, rules.Severity(failOn)) {
			return &exitError{code: ExitFindings}
		}
		return nil
	}
	p := opts.fixState
	if p == nil {
		p = &fixProgress{files: map[string]bool{}, setup: st}
	}
	fixed, files, err := fixFindings(ctx, s, st, proj, diags, false)
	p.rounds++
	p.fixed += len(fixed)
	for _, f := range files {
		p.files[f] = true
	}
	if err != nil {
		fmt.Fprintf(s.ErrOut, "sfapplint: fixed %s in %s before the error\n", plural(p.fixed, "finding"), plural(len(p.files), "file"))
		return err
	}
	again := *opts
	again.fixState = p
	if len(fixed) == 0 || p.rounds >= maxFixRounds {
		fmt.Fprintf(s.ErrOut, "sfapplint: fixed %s in %s\n", plural(p.fixed, "finding"), plural(len(p.files), "file"))
		again.fix = false
	}
	return runCheck(ctx, s, args, &again)
}

// fixFindings applies the fixes of the given findings (the caller passes only
// findings that are reported: not suppressed, not hidden by a baseline, in
// files the config does not ignore) and writes the changed files atomically,
// or with diffOnly prints a unified diff of every change to s.Out and writes
// nothing. It returns the findings fixed and the display paths of the files
// changed.
//
// Findings that a selected vendor pack knowingly contradicts (turned into
// notes) are not fixed: their fix would undo the vendor's requirement. Edits
// that cannot be applied are reported on s.ErrOut and leave their files alone.
func fixFindings(ctx context.Context, s *Streams, st *setup, proj *metadata.Project, diags []rules.Diagnostic, diffOnly bool) (fixed []rules.Diagnostic, files []string, err error) {
	type batch struct {
		app    *metadata.App
		edits  []edit.Edit
		owners [][]int // indexes into diags, per edit
	}
	var batches []*batch
	byApp := map[*metadata.App]*batch{}
	for i, d := range diags {
		if d.Fix == nil {
			continue
		}
		if d.Note != "" {
			continue // a selected pack requires what this fix would undo (the report says so)
		}
		app := appOf(proj, d)
		if app == nil {
			continue
		}
		b := byApp[app]
		if b == nil {
			b = &batch{app: app}
			byApp[app] = b
			batches = append(batches, b)
		}
		ed := edit.Edit{Op: edit.Op(d.Fix.Op), Field: d.Fix.Field, Value: d.Fix.Value}
		found := false
		for j, x := range b.edits {
			if x == ed {
				b.owners[j] = append(b.owners[j], i)
				found = true
				break
			}
		}
		if !found {
			b.edits = append(b.edits, ed)
			b.owners = append(b.owners, []int{i})
		}
	}

	var changes []edit.Change
	var fixedIdx []int
	for _, b := range batches {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		// Apply the batch; when a changed file must not be written, apply it
		// again without the edits that need that file, so no edit is half-applied.
		edits, owners := b.edits, b.owners
		var res *edit.Result
		var keep []edit.Change
		for {
			res = edit.Apply(b.app, edits)
			dropped := map[string]string{}
			keep = keep[:0]
			for _, c := range res.Changes {
				if why := unwritable(proj.Root, c, st.ignore); why != "" {
					dropped[c.Path] = why
					continue
				}
				keep = append(keep, c)
			}
			if len(dropped) == 0 {
				break
			}
			var e2 []edit.Edit
			var o2 [][]int
			for j, out := range res.Outcomes {
				if f := droppedFile(out.Files, dropped); f != "" {
					fmt.Fprintf(s.ErrOut, "sfapplint: cannot fix %s for %s (%s): not writing %s: %s\n", ruleList(diags, owners[j]), b.app.Name, out.Edit, f, dropped[f])
					continue
				}
				e2 = append(e2, edits[j])
				o2 = append(o2, owners[j])
			}
			if len(e2) == len(edits) {
				break // no edit claims the file; keep only the writable changes
			}
			edits, owners = e2, o2
		}
		for j, out := range res.Outcomes {
			switch out.Status {
			case edit.Skipped:
				fmt.Fprintf(s.ErrOut, "sfapplint: cannot fix %s for %s (%s): %s\n", ruleList(diags, owners[j]), b.app.Name, out.Edit, out.Reason)
			case edit.Changed:
				fixedIdx = append(fixedIdx, owners[j]...)
			}
		}
		changes = append(changes, keep...)
	}
	sort.Slice(changes, func(i, j int) bool { return changes[i].Path < changes[j].Path })
	sort.Ints(fixedIdx)
	for i, idx := range fixedIdx {
		if i > 0 && fixedIdx[i-1] == idx {
			continue
		}
		fixed = append(fixed, diags[idx])
	}

	if diffOnly {
		for _, c := range changes {
			fmt.Fprint(s.Out, edit.UnifiedDiff("a/"+c.Path, "b/"+c.Path, c.Before, c.After, 3))
			files = append(files, c.Path)
		}
		return fixed, files, nil
	}
	for _, c := range changes {
		path := displayToAbs(proj.Root, c.Path)
		if c.Created {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return nil, files, fmt.Errorf("creating the directory of %s: %w", c.Path, err)
			}
		}
		if err := s.Files.WriteFile(path, c.After, 0o644); err != nil {
			return nil, files, fmt.Errorf("writing %s: %w (the file is unchanged)", c.Path, err)
		}
		files = append(files, c.Path)
	}
	return fixed, files, nil
}

// unwritable says why a changed file must not be written ("" when it may).
func unwritable(root string, c edit.Change, ignore func(string) bool) string {
	if strings.Contains(c.Path, "!") {
		return "it is inside an archive"
	}
	if c.Created {
		if ignore != nil && ignore(c.Path) {
			return "the config's ignore list excludes it"
		}
		if _, err := os.Lstat(displayToAbs(root, c.Path)); err == nil {
			return "a file of that name exists but is not among the inputs"
		}
	}
	doc, err := metadata.ParseDocument(c.Path, c.After, metadata.ParseLimits{})
	if err != nil {
		return "the fixed file would not be well-formed: " + err.Error()
	}
	if doc.Root.Name != string(c.Type) || doc.Root.Space != metadata.Namespace {
		return "the fixed file would have a different root element"
	}
	return ""
}

// droppedFile returns the first of files that must not be written ("" if none).
func droppedFile(files []string, dropped map[string]string) string {
	for _, f := range files {
		if _, ok := dropped[f]; ok {
			return f
		}
	}
	return ""
}

// appOf finds the app a finding is about: by name, preferring the app whose
// files include the finding's file (a Connected App and an External Client App
// may share a name).
func appOf(proj *metadata.Project, d rules.Diagnostic) *metadata.App {
	var first *metadata.App
	for _, a := range proj.Apps {
		if a.Name != d.App {
			continue
		}
		if first == nil {
			first = a
		}
		for _, f := range a.Files() {
			if f == d.File {
				return a
			}
		}
	}
	return first
}

func ruleList(diags []rules.Diagnostic, idx []int) string {
	var ids []string
	seen := map[string]bool{}
	for _, i := range idx {
		if !seen[diags[i].Rule] {
			seen[diags[i].Rule] = true
			ids = append(ids, diags[i].Rule)
		}
	}
	return strings.Join(ids, ", ")
}

// displayToAbs turns a display path (relative to root, or absolute) into a file path.
func displayToAbs(root, p string) string {
	fp := filepath.FromSlash(p)
	if filepath.IsAbs(fp) {
		return fp
	}
	return filepath.Join(root, fp)
}

func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// attachFixEdits computes, for every finding with a fix, the exact text edits
// that apply it on its own, so that SARIF consumers can offer them. A fix that
// would create a file, or that cannot be applied, gets no edits.
func attachFixEdits(proj *metadata.Project, diags []rules.Diagnostic) {
	for i := range diags {
		d := &diags[i]
		if d.Fix == nil {
			continue
		}
		app := appOf(proj, *d)
		if app == nil {
			continue
		}
		res := edit.Apply(app, []edit.Edit{{Op: edit.Op(d.Fix.Op), Field: d.Fix.Field, Value: d.Fix.Value}})
		if len(res.Outcomes) != 1 || res.Outcomes[0].Status != edit.Changed {
			continue
		}
		var edits []rules.TextEdit
		ok := true
		for _, c := range res.Changes {
			doc := docByPath(app, c.Path)
			if c.Created || doc == nil {
				ok = false
				break
			}
			edits = append(edits, textEdit(doc, c.Before, c.After))
		}
		if ok {
			fx := *d.Fix
			fx.Edits = edits
			d.Fix = &fx
		}
	}
}

func docByPath(app *metadata.App, path string) *metadata.Document {
	for _, doc := range app.Docs {
		if doc.Path == path {
			return doc
		}
	}
	return nil
}

// textEdit describes the change from before to after as one replacement: the
// bytes between the common prefix and the common suffix.
func textEdit(doc *metadata.Document, before, after []byte) rules.TextEdit {
	p := 0
	for p < len(before) && p < len(after) && before[p] == after[p] {
		p++
	}
	// Start at the beginning of the first changed line: a reviewer reads
	// lines, not byte splices (this also never splits a UTF-8 sequence).
	p = bytes.LastIndexByte(before[:p], '\n') + 1
	sfx := 0
	for sfx < len(before)-p && sfx < len(after)-p && before[len(before)-1-sfx] == after[len(after)-1-sfx] {
		sfx++
	}
	e := len(before) - sfx
	if e > p && before[e-1] != '\n' { // the change ends mid-line: take the rest of it
		if i := bytes.IndexByte(before[e:], '\n'); i >= 0 {
			e += i
		} else {
			e = len(before)
		}
	}
	sfx = len(before) - e
	start, end := doc.PosAt(p), doc.PosAt(e)
	return rules.TextEdit{File: doc.Path, StartLine: start.Line, StartColumn: start.Column, EndLine: end.Line, EndColumn: end.Column,
		Text: string(after[p : len(after)-sfx])}
}
