package rules_test

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"github.com/sfapplint/sfapplint/rules"
	"github.com/sfapplint/sfapplint/rules/packs"
)

// compileSchema turns a generated schema into a validator.
func compileSchema(t *testing.T, name string, schema map[string]any) *jsonschema.Schema {
	t.Helper()
	data, err := json.Marshal(schema)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(name, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(name)
	if err != nil {
		t.Fatalf("compiling %s: %v", name, err)
	}
	return s
}

// yamlToJSONValue decodes YAML into the generic values the validator expects.
func yamlToJSONValue(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestBuiltinPacksMatchPackSchema(t *testing.T) {
	schema := compileSchema(t, "pack.json", rules.PackSchema(rules.BuiltinGoRules()))
	names, err := fs.Glob(packs.FS(), "*.yaml")
	if err != nil || len(names) == 0 {
		t.Fatalf("no built-in packs: %v", err)
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			data, err := fs.ReadFile(packs.FS(), name)
			if err != nil {
				t.Fatal(err)
			}
			if err := schema.Validate(yamlToJSONValue(t, data)); err != nil {
				t.Errorf("%s does not match the pack schema:\n%v", name, err)
			}
		})
	}
}

func TestPackSchemaRejectsMistakes(t *testing.T) {
	schema := compileSchema(t, "pack.json", rules.PackSchema(rules.BuiltinGoRules()))
	tests := []struct{ name, yaml string }{
		{"unknown key", "id: x\ntitle: X\ndescription: d\nbogus: 1\n"},
		{"unknown field path", "id: x\ntitle: X\ndescription: d\nrules:\n  - {id: r, title: T, severity: error, message: m, remediation: r, check: {field: oauth.nope, present: true}}\n"},
		{"bad severity", "id: x\ntitle: X\ndescription: d\nrules:\n  - {id: r, title: T, severity: fatal, message: m, remediation: r, check: {field: oauth.scopes, contains: api}}\n"},
		{"two operators", "id: x\ntitle: X\ndescription: d\nrules:\n  - {id: r, title: T, severity: error, message: m, remediation: r, check: {field: oauth.scopes, contains: api, excludes: full}}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := schema.Validate(yamlToJSONValue(t, []byte(tt.yaml))); err == nil {
				t.Errorf("schema accepted %s", tt.name)
			}
		})
	}
}

func TestExampleConfigMatchesConfigSchema(t *testing.T) {
	schema := compileSchema(t, "config.json", rules.ConfigSchema())
	data, err := os.ReadFile("../testdata/config/example.sfapplint.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(yamlToJSONValue(t, data)); err != nil {
		t.Errorf("example config does not match the config schema:\n%v", err)
	}
	cfg, err := rules.LoadConfig("example.sfapplint.yaml", bytes.NewReader(data))
	if err != nil {
		t.Fatalf("loader rejects the example config: %v", err)
	}
	cat, err := rules.LoadBuiltinCatalog()
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(cat); err != nil {
		t.Errorf("example config does not validate against the built-in packs: %v", err)
	}
	bad := "packs: [baseline]\nfail-on: sometimes\n"
	if err := schema.Validate(yamlToJSONValue(t, []byte(bad))); err == nil || !strings.Contains(err.Error(), "fail-on") {
		t.Errorf("schema accepted fail-on: sometimes (err %v)", err)
	}
}
