package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/sfapplint/sfapplint/metadata"
	"github.com/sfapplint/sfapplint/metadata/edit"
	"github.com/sfapplint/sfapplint/rules"
)

// fixWriter writes fixed files atomically. Tests replace it to make a write fail.
var fixWriter = edit.Writer{}

// applyFixes applies the fixes of the given findings (the caller passes only
// findings that are reported: not suppressed, not hidden by a baseline, in
// files the config does not ignore) and writes the changed files atomically,
// or with diffOnly prints a unified diff of every change to s.Out and writes
// nothing. It returns the findings whose fix changed a file.
//
// Findings that a selected vendor pack knowingly contradicts (turned into
// notes) are not fixed: their fix would undo the vendor's requirement. Edits
// that cannot be applied are reported on s.ErrOut and leave their files alone.
func applyFixes(ctx context.Context, s *Streams, st *setup, proj *metadata.Project, diags []rules.Diagnostic, diffOnly bool) (fixed []rules.Diagnostic, err error) {
	var ignore func(string) bool
	if st.config != nil {
		ignore = st.config.IgnoreFunc(st.wd)
	}
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
			fmt.Fprintf(s.ErrOut, "sfapplint: not fixing %s for %s: %s\n", d.Rule, d.App, d.Note)
			continue
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
			return nil, err
		}
		res := edit.Apply(b.app, b.edits)
		dropped := map[string]bool{}
		var keep []edit.Change
		for _, c := range res.Changes {
			if why := unwritable(proj.Root, c, ignore); why != "" {
				fmt.Fprintf(s.ErrOut, "sfapplint: not writing %s: %s\n", c.Path, why)
				dropped[c.Path] = true
				continue
			}
			keep = append(keep, c)
		}
		for j, out := range res.Outcomes {
			ruleIDs := ruleList(diags, b.owners[j])
			switch {
			case out.Status == edit.Skipped:
				fmt.Fprintf(s.ErrOut, "sfapplint: cannot fix %s for %s (%s): %s\n", ruleIDs, b.app.Name, out.Edit, out.Reason)
			case out.Status == edit.Changed && !anyDropped(out.Files, dropped):
				fixedIdx = append(fixedIdx, b.owners[j]...)
			}
		}
		if len(dropped) > 0 {
			// An edit spanning a dropped file and a kept one must not be half-applied.
			var kept []edit.Change
			for _, c := range keep {
				if !sharesEditWith(res.Outcomes, c.Path, dropped) {
					kept = append(kept, c)
				}
			}
			keep = kept
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
		}
		fmt.Fprintf(s.ErrOut, "sfapplint: would fix %s in %s\n", plural(len(fixed), "finding"), plural(len(changes), "file"))
		return fixed, nil
	}
	for _, c := range changes {
		path := displayToAbs(proj.Root, c.Path)
		if c.Created {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return fixed, fmt.Errorf("creating the directory of %s: %w", c.Path, err)
			}
		}
		if err := fixWriter.WriteFile(path, c.After, 0o644); err != nil {
			return fixed, fmt.Errorf("writing %s: %w (the file is unchanged)", c.Path, err)
		}
	}
	fmt.Fprintf(s.ErrOut, "sfapplint: fixed %s in %s\n", plural(len(fixed), "finding"), plural(len(changes), "file"))
	return fixed, nil
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

func anyDropped(files []string, dropped map[string]bool) bool {
	for _, f := range files {
		if dropped[f] {
			return true
		}
	}
	return false
}

// sharesEditWith reports whether a changed edit touched both path and a dropped file.
func sharesEditWith(outs []edit.Outcome, path string, dropped map[string]bool) bool {
	for _, o := range outs {
		if o.Status != edit.Changed || !anyDropped(o.Files, dropped) {
			continue
		}
		for _, f := range o.Files {
			if f == path {
				return true
			}
		}
	}
	return false
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
