package main

import (
	"bytes"
	"encoding/csv"
	"strings"

	"github.com/spf13/pflag"
)

// stringArray is pflag's stringArray flag value (repeatable; each use adds one
// value, commas included) without its start-up cost: pflag renders every
// flag's default when the flag is defined, and its stringArray does that
// through a fresh encoding/csv writer, even for an empty default. With a dozen
// such flags that was a tenth of `sfapplint --version`.
type stringArray struct {
	value   *[]string
	changed bool
}

// stringArrayVarP defines a repeatable string flag with no default, like
// fs.StringArrayVarP(p, name, shorthand, nil, usage).
func stringArrayVarP(fs *pflag.FlagSet, p *[]string, name, shorthand, usage string) {
	*p = nil
	f := fs.VarPF(&stringArray{value: p}, name, shorthand, usage)
	// pflag knows "[]" is its own stringArray's empty default only for its own
	// type; "" keeps help from printing "(default [])".
	f.DefValue = ""
}

// Set adds a value; the first use replaces the default.
func (s *stringArray) Set(v string) error {
	if !s.changed {
		*s.value = []string{v}
		s.changed = true
	} else {
		*s.value = append(*s.value, v)
	}
	return nil
}

// Append adds a value (pflag.SliceValue).
func (s *stringArray) Append(v string) error {
	*s.value = append(*s.value, v)
	return nil
}

// Replace replaces all values (pflag.SliceValue).
func (s *stringArray) Replace(vs []string) error {
	*s.value = append([]string(nil), vs...)
	return nil
}

// GetSlice returns a copy of the values (pflag.SliceValue).
func (s *stringArray) GetSlice() []string { return append([]string{}, *s.value...) }

// Type is the type name help shows, as pflag's.
func (s *stringArray) Type() string { return "stringArray" }

// String renders the values as pflag does: "[a,b]", CSV-quoted when needed.
func (s *stringArray) String() string {
	if len(*s.value) == 0 {
		return "[]"
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write(*s.value) // a bytes.Buffer does not fail
	w.Flush()
	return "[" + strings.TrimSuffix(b.String(), "\n") + "]"
}
