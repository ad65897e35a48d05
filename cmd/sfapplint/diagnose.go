package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sfapplint/sfapplint/rules"
	"github.com/sfapplint/sfapplint/rules/troubleshoot"
)

type diagnoseOptions struct {
	pack     packFlags
	inputs   inputFlags
	errText  string
	errGiven bool
	format   string
}

func newDiagnoseCmd(s *Streams) *cobra.Command {
	opts := &diagnoseOptions{}
	cmd := &cobra.Command{
		Use:   "diagnose [paths...] [--error TEXT] [--pack ID]",
		Short: "Explain an OAuth error from the app's metadata: which setting is wrong, where, and how to fix it",
		Long: `diagnose turns the OAuth error an admin saw into the setting that causes it.
--error takes the error as it was seen: a code (redirect_uri_mismatch), a
message (user hasn't approved this consumer), the whole address from the
browser's address bar (including Salesforce's RemoteAccessErrorPage and
OAUTH_APPROVAL_ERROR_GENERIC pages), a JSON error body from a token response,
or a line of Salesforce CLI output; --error - reads it from standard input.
Matching ignores case and punctuation.

diagnose reads the inputs like check, runs the packs (baseline, plus the
vendor's pack with --pack), and ranks every cause of the error: first those
the metadata confirms, with file:line:column, the value found and expected,
and the fix (the Setup click-path, and the change check --fix makes); then
those it could not decide; then those it rules out; then the checks only an
admin can make by hand. A text that matches no known error gets the closest
known errors and the ordered "approval fails" checks.

Without --error, diagnose --pack VENDOR prints the readiness report for that
vendor: everything that would make the approval or the first API call fail,
in the order to fix it, then the manual checks.

Exit status: 0 when no cause is confirmed, 1 when one is, 2 on usage,
config or pack errors or a missing input path.`,
		Example: `  sfapplint diagnose --error redirect_uri_mismatch --pack atera-robin
  sfapplint diagnose force-app --error 'https://acme.my.salesforce.com/setup/secur/RemoteAccessErrorPage.apexp?error=invalid_scope&error_description=the+requested+scope+is+not+allowed'
  sfapplint diagnose --error '{"error":"invalid_grant","error_description":"no client credentials user enabled"}'
  pbpaste | sfapplint diagnose --error -
  sfapplint diagnose --pack snow-atlas --format json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.errGiven = cmd.Flags().Changed("error")
			return runDiagnose(cmd.Context(), s, args, opts)
		},
	}
	cmd.Flags().StringVarP(&opts.errText, "error", "e", "", "the error as seen: code, message, browser address, JSON body or CLI line; - reads standard input")
	cmd.Flags().StringVarP(&opts.format, "format", "f", "text", "output format: text or json")
	opts.pack.register(cmd)
	opts.inputs.register(cmd.Flags())
	return cmd
}

// maxErrorInput bounds what --error - reads.
const maxErrorInput = 1 << 20

func runDiagnose(ctx context.Context, s *Streams, args []string, opts *diagnoseOptions) error {
	if opts.format != "text" && opts.format != "json" {
		return usageErrorf("unknown --format %q (want text or json)", opts.format)
	}
	text := opts.errText
	if opts.errGiven && text == "-" {
		if s.In == nil {
			return usageErrorf("--error -: no standard input")
		}
		data, err := io.ReadAll(io.LimitReader(s.In, maxErrorInput))
		if err != nil {
			return fmt.Errorf("reading the error from standard input: %w", err)
		}
		text = string(data)
	}
	if opts.errGiven && strings.TrimSpace(text) == "" {
		return usageErrorf("--error is empty: give the error code, message, address, JSON body or CLI line you saw (or - to read it from standard input)")
	}
	// The error catalogue (YAML) is parsed while the packs and the project
	// load. nil: its references to built-in rules are checked by its tests
	// (TestLoadBuiltinCatalogue); here they would cost a parse of every
	// vendor pack on every run.
	type loadedCatalogue struct {
		cat *troubleshoot.Catalogue
		err error
	}
	catDone := make(chan loadedCatalogue, 1)
	go func() {
		cat, err := troubleshoot.LoadBuiltin(nil)
		catDone <- loadedCatalogue{cat, err}
	}()
	st, err := resolveSetup(s, &opts.pack)
	if err != nil {
		return err
	}
	// The baseline always runs: its findings are most of the causes.
	st.run = withBaseline(st)
	proj, err := loadInputs(ctx, s, st.schema, args, &opts.inputs, st.ignore)
	loaded := <-catDone
	if loaded.err != nil {
		return fmt.Errorf("built-in error catalogue: %w", loaded.err)
	}
	cat := loaded.cat
	if err != nil {
		return err
	}
	diags, err := rules.Evaluate(ctx, proj, st.run)
	if err != nil {
		return &usageError{err: err}
	}
	parsed := troubleshoot.ParseError(text)
	rep := troubleshoot.Diagnose(proj, diags, cat, parsed, st.run.Packs)
	if opts.format == "json" {
		err = troubleshoot.WriteJSON(s.Out, rep)
	} else {
		err = troubleshoot.WriteText(s.Out, rep)
	}
	if err != nil {
		return fmt.Errorf("writing the diagnosis: %w", err)
	}
	if rep.Confirmed() > 0 {
		return &exitError{code: ExitFindings}
	}
	return nil
}
