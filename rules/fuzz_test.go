package rules_test

import (
	"bytes"
	"errors"
	"io/fs"
	"testing"

	"github.com/sfapplint/sfapplint/rules"
	"github.com/sfapplint/sfapplint/rules/packs"
)

// FuzzLoadPack feeds arbitrary YAML to the pack loader: it must never panic,
// and an error must always be a list of positioned load errors.
func FuzzLoadPack(f *testing.F) {
	names, err := fs.Glob(packs.FS(), "*.yaml")
	if err != nil {
		f.Fatal(err)
	}
	for _, n := range names {
		data, err := fs.ReadFile(packs.FS(), n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("id: x\ntitle: X\ndescription: d\nrules:\n  - {id: r, title: T, severity: error, message: m, remediation: r, check: {field: oauth.scopes, matches: '(a+)+$'}}\n"))
	f.Add([]byte("a: &a [*a, *a]\nb: *a\n"))
	f.Add([]byte("id: x\nparameters: {p: {type: int, default: nope}}\n"))
	goRules := rules.BuiltinGoRules()
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := rules.LoadPack("fuzz.yaml", bytes.NewReader(data), goRules)
		if err == nil {
			if p == nil || p.ID == "" {
				t.Fatalf("nil error but no pack")
			}
			return
		}
		var le rules.LoadErrors
		if !errors.As(err, &le) || len(le) == 0 {
			t.Fatalf("error is not a LoadErrors list: %T %v", err, err)
		}
	})
}

// FuzzLoadConfig feeds arbitrary YAML to the config loader.
func FuzzLoadConfig(f *testing.F) {
	f.Add([]byte("packs: [baseline, autokitteh]\nparams:\n  autokitteh.deployment: dedicated\nseverity:\n  baseline/full-scope: off\nignore: ['**/x/**']\nfail-on: warning\n"))
	f.Add([]byte("ignore: ['[']\n"))
	f.Add([]byte("a: &a [*a, *a]\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := rules.LoadConfig(".sfapplint.yaml", bytes.NewReader(data))
		if err == nil && c == nil {
			t.Fatalf("nil error but no config")
		}
	})
}
