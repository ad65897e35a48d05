package main

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sfapplint/sfapplint/metadata"
)

type inspectOptions struct {
	format string
	inputs inputFlags
}

func newInspectCmd(s *Streams) *cobra.Command {
	opts := &inspectOptions{}
	cmd := &cobra.Command{
		Use:   "inspect [paths...]",
		Short: "Show the apps found and every model field with its value and position",
		Long: `inspect reads the inputs (files, directories, Metadata API trees, retrieved
.zip files, or the SFDX project found from the working directory) and prints
each app with every model field: its value as written, and the file, line and
column it came from. Fields that no file sets show their documented default,
marked as a default. Secrets show as present or absent only.

Exit status: 0 when every input was read, 1 when some input could not be
read (it is listed under errors), 2 on usage errors.`,
		Example: `  sfapplint inspect
  sfapplint inspect force-app --format json
  sfapplint inspect retrieve.zip`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runInspect(cmd, s, args, opts)
		},
	}
	cmd.Flags().StringVarP(&opts.format, "format", "f", "text", "output format: text or json")
	opts.inputs.register(cmd.Flags())
	return cmd
}

func runInspect(cmd *cobra.Command, s *Streams, args []string, opts *inspectOptions) error {
	if opts.format != "text" && opts.format != "json" {
		return usageErrorf("unknown --format %q (want text or json)", opts.format)
	}
	// inspect loads once, so it builds the schema for that one load.
	proj, err := loadInputs(cmd.Context(), s, metadata.NewSchema, args, &opts.inputs, nil)
	if err != nil {
		return err
	}
	rep := buildInspectReport(proj)
	if opts.format == "json" {
		if err := writeJSON(s.Out, rep); err != nil {
			return err
		}
	} else {
		writeInspectText(s.Out, rep)
	}
	if len(rep.Errors) > 0 {
		return &exitError{code: ExitFindings}
	}
	return nil
}

// inspectReport is the `inspect --format json` contract (DESIGN.md).
type inspectReport struct {
	Apps     []inspectApp     `json:"apps"`
	Holders  []inspectHolder  `json:"permissionHolders"`
	Errors   []inspectProblem `json:"errors"`
	Problems []inspectProblem `json:"problems"`
}

type inspectApp struct {
	Name      string                  `json:"name"`
	Kind      string                  `json:"kind"`
	Namespace string                  `json:"namespace,omitempty"`
	Files     []string                `json:"files"`
	Fields    map[string]inspectField `json:"fields"`
}

type inspectField struct {
	Value   any           `json:"value"`
	File    string        `json:"file"`
	Line    int           `json:"line"`
	Column  int           `json:"column"`
	Present bool          `json:"present"`
	Default bool          `json:"default,omitempty"`
	Invalid bool          `json:"invalid,omitempty"`
	Items   []inspectItem `json:"items,omitempty"`
	Source  string        `json:"source,omitempty"`
}

type inspectItem struct {
	Value  string `json:"value"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
}

type inspectHolder struct {
	Type       string   `json:"type"`
	Name       string   `json:"name"`
	Label      string   `json:"label,omitempty"`
	File       string   `json:"file"`
	Line       int      `json:"line"`
	Column     int      `json:"column"`
	APIEnabled bool     `json:"apiEnabled"`
	Enabled    []string `json:"enabledPermissions"`
}

type inspectProblem struct {
	Code       string   `json:"code"`
	File       string   `json:"file"`
	Line       int      `json:"line"`
	Column     int      `json:"column"`
	Message    string   `json:"message"`
	Element    string   `json:"element,omitempty"`
	Suggestion string   `json:"suggestion,omitempty"`
	Allowed    []string `json:"allowed,omitempty"`
}

func buildInspectReport(proj *metadata.Project) inspectReport {
	rep := inspectReport{Apps: []inspectApp{}, Holders: []inspectHolder{}, Errors: []inspectProblem{}, Problems: []inspectProblem{}}
	for _, app := range proj.Apps {
		ia := inspectApp{Name: app.Name, Kind: string(app.Kind), Namespace: app.Namespace, Files: app.Files(), Fields: map[string]inspectField{}}
		for _, f := range app.Fields() {
			ia.Fields[f.Path] = inspectFieldOf(f)
		}
		rep.Apps = append(rep.Apps, ia)
	}
	for _, h := range proj.Holders {
		ih := inspectHolder{Type: string(h.Type), Name: h.Name, Label: h.Label, File: h.Pos.File, Line: h.Pos.Line, Column: h.Pos.Column, Enabled: []string{}}
		_, ih.APIEnabled = h.Grants("ApiEnabled")
		for _, p := range h.Permissions {
			if p.Enabled {
				ih.Enabled = append(ih.Enabled, p.Name)
			}
		}
		sort.Strings(ih.Enabled)
		rep.Holders = append(rep.Holders, ih)
	}
	for _, p := range proj.Problems {
		ip := inspectProblem{Code: string(p.Code), File: p.Pos.File, Line: p.Pos.Line, Column: p.Pos.Column, Message: p.Message, Element: p.Element, Suggestion: p.Suggestion, Allowed: p.Allowed}
		switch p.Code {
		case metadata.ProblemMalformed, metadata.ProblemUnreadable, metadata.ProblemTooLarge, metadata.ProblemZip:
			rep.Errors = append(rep.Errors, ip)
		default:
			rep.Problems = append(rep.Problems, ip)
		}
	}
	return rep
}

func inspectFieldOf(f *metadata.Field) inspectField {
	out := inspectField{Value: f.Value, File: f.Pos().File, Line: f.Pos().Line, Column: f.Pos().Column, Present: f.Present, Default: f.Default, Invalid: f.Invalid, Source: f.Source}
	if f.Kind == metadata.KindSecret {
		out.Value = f.Present // presence only, never the text
	}
	if f.Value == nil && (f.Kind == metadata.KindList || f.Kind == metadata.KindURLs || f.Kind == metadata.KindScopes) {
		out.Value = []string{}
	}
	for _, it := range f.Items {
		out.Items = append(out.Items, inspectItem{Value: it.Value, Line: it.Pos.Line, Column: it.Pos.Column})
	}
	return out
}

func writeInspectText(w io.Writer, rep inspectReport) {
	for i, app := range rep.Apps {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "%s %s\n", app.Kind, app.Name)
		for _, f := range app.Files {
			fmt.Fprintf(w, "  file %s\n", f)
		}
		paths := make([]string, 0, len(app.Fields))
		width := 0
		for p := range app.Fields {
			paths = append(paths, p)
			width = max(width, len(p))
		}
		sort.Strings(paths)
		for _, p := range paths {
			f := app.Fields[p]
			if !f.Present && !f.Default && isEmptyValue(f.Value) {
				continue
			}
			val := formatValue(f.Value)
			note := ""
			if f.Default {
				note = " (default)"
			}
			if f.Invalid {
				note = " (invalid)"
			}
			fmt.Fprintf(w, "  %-*s = %s%s  %s:%d:%d\n", width, p, val, note, f.File, f.Line, f.Column)
		}
	}
	if len(rep.Holders) > 0 {
		fmt.Fprintln(w)
		for _, h := range rep.Holders {
			api := "ApiEnabled: no"
			if h.APIEnabled {
				api = "ApiEnabled: yes"
			}
			fmt.Fprintf(w, "%s %s (%s)  %s:%d:%d\n", h.Type, h.Name, api, h.File, h.Line, h.Column)
		}
	}
	for _, p := range append(rep.Errors, rep.Problems...) {
		fmt.Fprintf(w, "%s:%d:%d: %s [%s]\n", p.File, p.Line, p.Column, p.Message, p.Code)
	}
	fmt.Fprintf(w, "%d app(s), %d profile/permission set file(s), %d unreadable file(s), %d problem(s)\n", len(rep.Apps), len(rep.Holders), len(rep.Errors), len(rep.Problems))
}

func isEmptyValue(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case []string:
		return len(x) == 0
	case string:
		return x == ""
	}
	return false
}

func formatValue(v any) string {
	switch x := v.(type) {
	case []string:
		return "[" + strings.Join(x, ", ") + "]"
	case string:
		return fmt.Sprintf("%q", x)
	}
	return fmt.Sprint(v)
}
