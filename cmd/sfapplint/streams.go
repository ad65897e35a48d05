package main

import (
	"io"
	"os"

	"golang.org/x/term"

	"github.com/sfapplint/sfapplint/metadata/edit"
)

// Streams are the standard streams a command reads and writes. Commands never
// touch os.Stdout or os.Stderr directly, so tests can run them in memory.
type Streams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// OutTTY is true when Out is a terminal (colour allowed unless NO_COLOR is set).
	OutTTY bool
	// Env looks up environment variables (os.LookupEnv in production).
	Env func(string) (string, bool)
	// WorkDir is the working directory ("" means the process's).
	WorkDir string
	// Files writes files atomically (temporary file, fsync, rename); tests
	// inject failures through it.
	Files edit.Writer
}

// SystemStreams returns the process's standard streams.
func SystemStreams() *Streams {
	return &Streams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr, OutTTY: isTerminal(os.Stdout), Env: os.LookupEnv}
}

// Color reports whether output may use ANSI colour.
func (s *Streams) Color() bool {
	if s.Env != nil {
		if v, ok := s.Env("NO_COLOR"); ok && v != "" { // no-color.org: only a non-empty value counts
			return false
		}
	}
	return s.OutTTY
}

// isTerminal asks the terminal driver (term.IsTerminal: TCGETS on Linux), not
// the file mode: /dev/null is a character device too, and output sent there
// (or to any other device) is not read by a person.
func isTerminal(f *os.File) bool {
	return term.IsTerminal(int(f.Fd()))
}
