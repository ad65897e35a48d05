package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// Exit codes. They are part of the CLI contract (DESIGN.md).
const (
	ExitOK       = 0 // no finding at or above the fail threshold
	ExitFindings = 1 // findings at or above the threshold, or unreadable inputs (inspect)
	ExitUsage    = 2 // usage, config or pack error, or an input path that does not exist
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0"

// exitError carries an exit code out of a command without printing anything more.
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// usageError is a bad flag or argument: printed with a hint, exit 2.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usageErrorf(format string, args ...any) error {
	return &usageError{err: fmt.Errorf(format, args...)}
}

// Main runs the CLI with args and returns the exit code.
func Main(args []string, s *Streams) int {
	root := newRootCmd(s)
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	// Any other error (usage, config, pack, input) is printed: exit 2.
	msg := err.Error()
	fmt.Fprintf(s.ErrOut, "sfapplint: %s\n", msg)
	if isFlagError(msg) {
		fmt.Fprintln(s.ErrOut, "Run 'sfapplint --help' for usage.")
	}
	return ExitUsage
}

func isFlagError(msg string) bool {
	for _, p := range []string{"unknown flag", "unknown shorthand", "flag needs an argument", "invalid argument", "unknown command", "accepts "} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

func newRootCmd(s *Streams) *cobra.Command {
	root := &cobra.Command{
		Use:   "sfapplint",
		Short: "Lint and troubleshoot Salesforce OAuth app metadata",
		Long: `sfapplint checks External Client Apps, Connected Apps, and the profiles and
permission sets that grant API access against rule packs: a security and
correctness baseline, and one pack per integration vendor's setup guide.
It reports findings with file:line:column, explains OAuth errors, fixes
what it finds and scaffolds correct apps. It never uses the network.`,
		Version:       version,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetIn(s.In)
	root.SetOut(s.Out)
	root.SetErr(s.ErrOut)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err: err} })
	root.AddCommand(newInspectCmd(s), newCheckCmd(s), newDiagnoseCmd(s))
	root.AddCommand(newPacksCmd(s), newRulesCmd(s), newExplainCmd(s), newFieldsCmd(s), newSchemaCmd(s), newConfigCmd(s))
	root.AddCommand(newDocsCmd(s))
	root.AddCommand(newInitCmd(s), newMigrateCmd(s))
	// Add cobra's completion command now, not lazily at Execute, so docs list it.
	root.InitDefaultCompletionCmd()
	return root
}
