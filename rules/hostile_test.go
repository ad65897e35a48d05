package rules_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sfapplint/sfapplint/metadata"
	"github.com/sfapplint/sfapplint/rules"
)

// TestHostilePacksAndConfigs asserts the exact error for pack and config
// inputs meant to exhaust memory or time.
func TestHostilePacksAndConfigs(t *testing.T) {
	bomb := "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
	for i, prev := 0, "a"; i < 9; i++ {
		name := string(rune('b' + i))
		bomb += name + ": &" + name + " [*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + "]\n"
		prev = name
	}
	tests := []struct {
		name    string
		config  bool
		yaml    string
		wantErr string
	}{
		{"pack alias bomb", false, bomb, "bomb.yaml:2:"},
		{"config alias bomb", true, bomb, "bomb.yaml:2:"},
		{"pack deep nesting", false, strings.Repeat("[", 5000) + strings.Repeat("]", 5000), "bomb.yaml"},
		{"pack huge regexp", false, "id: x\ntitle: X\ndescription: d\nrules:\n  - {id: r, title: T, severity: error, message: m, remediation: r, check: {field: app.label, matches: '" + strings.Repeat("a", 5000) + "'}}\n", "regular expression longer than 4096 characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.config {
				_, err = rules.LoadConfig("bomb.yaml", strings.NewReader(tt.yaml))
			} else {
				_, err = rules.LoadPack("bomb.yaml", strings.NewReader(tt.yaml), rules.BuiltinGoRules())
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.wantErr)
			}
			if strings.HasPrefix(tt.name, "pack alias") || strings.HasPrefix(tt.name, "config alias") {
				if !strings.Contains(err.Error(), "YAML aliases (*name) are not allowed") {
					t.Errorf("alias bomb error = %v, want the alias message", err)
				}
			}
		})
	}
}

// TestCatastrophicRegexpIsLinear runs a pattern that backtracking engines take
// exponential time on over a long value: RE2 answers at once.
func TestCatastrophicRegexpIsLinear(t *testing.T) {
	pack := "id: redos\ntitle: ReDoS\ndescription: d\nrules:\n" +
		"  - {id: r, title: T, severity: error, message: m, remediation: r, check: {field: app.description, matches: '^(a+)+$'}}\n"
	p, err := rules.LoadPack("redos.yaml", strings.NewReader(pack), rules.BuiltinGoRules())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	app := `<?xml version="1.0" encoding="UTF-8"?>
<ConnectedApp xmlns="http://soap.sforce.com/2006/04/metadata">
    <contactEmail>a@example.com</contactEmail>
    <description>` + strings.Repeat("a", 100000) + `!</description>
    <label>Redos</label>
</ConnectedApp>
`
	if err := os.WriteFile(filepath.Join(dir, "Redos.connectedApp-meta.xml"), []byte(app), 0o644); err != nil {
		t.Fatal(err)
	}
	proj, err := metadata.Load(context.Background(), metadata.Options{Paths: []string{dir}, WorkDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	ds, err := rules.Evaluate(context.Background(), proj, rules.Run{Packs: []*rules.Pack{p}, GoRules: rules.BuiltinGoRules()})
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 1 || ds[0].Rule != "redos/r" || ds[0].Line != 4 {
		t.Fatalf("got %+v, want one redos/r finding on line 4", ds)
	}
}
