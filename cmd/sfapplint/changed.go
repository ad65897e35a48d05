package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/sfapplint/sfapplint/metadata"
	"github.com/sfapplint/sfapplint/rules"
)

// git runs a git command in dir and returns its trimmed output.
func git(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(errb.String())
		if msg == "" {
			msg = err.Error()
		}
		return "", fmt.Errorf("git %s: %s", strings.Join(args, " "), msg)
	}
	return strings.TrimSpace(out.String()), nil
}

// changedFiles returns the absolute paths of files changed since rev (or, when
// rev is "", since the merge base with the upstream branch), including
// uncommitted and untracked files.
func changedFiles(ctx context.Context, wd, rev string) (map[string]bool, error) {
	top, err := git(ctx, wd, "rev-parse", "--show-toplevel")
	if err != nil {
		return nil, fmt.Errorf("--changed/--since need a git repository: %w", err)
	}
	base := rev
	if base == "" {
		base, err = git(ctx, wd, "merge-base", "HEAD", "@{upstream}")
		if err != nil {
			return nil, fmt.Errorf("--changed: no upstream branch to compare with; use --since REV: %w", err)
		}
	} else if _, err := git(ctx, wd, "rev-parse", "--verify", "--quiet", rev+"^{commit}"); err != nil {
		return nil, fmt.Errorf("--since %q: not a commit", rev)
	}
	out := map[string]bool{}
	diff, err := git(ctx, wd, "diff", "--name-only", "--no-renames", base, "--")
	if err != nil {
		return nil, err
	}
	untracked, err := git(ctx, wd, "ls-files", "--others", "--exclude-standard")
	if err != nil {
		return nil, err
	}
	for _, l := range strings.Split(diff+"\n"+untracked, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out[filepath.Join(top, filepath.FromSlash(l))] = true
		}
	}
	return out, nil
}

// fileArgs reports whether every argument is a regular file that is not a zip
// (the way pre-commit passes staged files).
func fileArgs(wd string, args []string) bool {
	if len(args) == 0 {
		return false
	}
	for _, a := range args {
		p := a
		if !filepath.IsAbs(p) {
			p = filepath.Join(wd, p)
		}
		st, err := os.Stat(p)
		if err != nil || st.IsDir() || strings.EqualFold(filepath.Ext(p), ".zip") {
			return false
		}
	}
	return true
}

// restrictToChanged keeps the findings about apps with a changed file (always
// the whole app) and about changed files that belong to no app.
func restrictToChanged(proj *metadata.Project, wd string, diags []rules.Diagnostic, changed map[string]bool) []rules.Diagnostic {
	abs := func(display string) string {
		if filepath.IsAbs(display) {
			return display
		}
		return filepath.Join(wd, filepath.FromSlash(display))
	}
	apps := map[string]bool{}
	for _, a := range proj.Apps {
		for _, f := range a.Files() {
			if changed[abs(f)] {
				apps[a.Name] = true
			}
		}
	}
	var out []rules.Diagnostic
	for _, d := range diags {
		if (d.App != "" && apps[d.App]) || changed[abs(d.File)] {
			out = append(out, d)
		}
	}
	return out
}
