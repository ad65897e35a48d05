package rules

import (
	"github.com/sfapplint/sfapplint/metadata"
)

// JSON Schemas for the pack and config formats, generated from the same tables
// the loaders use (field paths, operators, severities), so editors can complete
// and check the files. `sfapplint schema pack|config` prints them.

type obj = map[string]any

// fieldPathEnum lists every model field path, in metadata.FieldSpecs order.
func fieldPathEnum() []string {
	var out []string
	for _, s := range metadata.FieldSpecs() {
		out = append(out, s.Path)
	}
	return out
}

// PackSchema returns the JSON Schema (draft 2020-12) of a rule pack.
func PackSchema(goRules GoRuleSet) map[string]any {
	str := obj{"type": "string"}
	strList := obj{"type": "array", "items": str}
	severity := obj{"enum": []string{"error", "warning", "note"}}
	fieldRef := obj{"enum": fieldPathEnum(), "description": "a model path; see `sfapplint fields`"}
	operand := obj{"type": []string{"string", "number", "boolean"}}
	operandList := obj{"type": "array", "items": operand, "minItems": 1}
	trueOnly := obj{"const": true}

	leafProps := obj{
		"field":        fieldRef,
		"param":        str,
		"equals":       operand,
		"one-of":       operandList,
		"contains":     operand,
		"contains-all": operandList,
		"excludes":     obj{"anyOf": []any{operand, operandList}},
		"matches":      obj{"type": "string", "description": "RE2 regular expression"},
		"prefix":       str,
		"present":      trueOnly,
		"absent":       trueOnly,
		"true":         trueOnly,
		"false":        trueOnly,
		"at-least":     obj{"type": []string{"integer", "string"}},
		"at-most":      obj{"type": []string{"integer", "string"}},
	}
	cond := obj{
		"type": "object",
		"oneOf": []any{
			obj{"required": []string{"all"}, "properties": obj{"all": obj{"type": "array", "minItems": 1, "items": obj{"$ref": "#/$defs/condition"}}}, "additionalProperties": false},
			obj{"required": []string{"any"}, "properties": obj{"any": obj{"type": "array", "minItems": 1, "items": obj{"$ref": "#/$defs/condition"}}}, "additionalProperties": false},
			obj{"required": []string{"not"}, "properties": obj{"not": obj{"$ref": "#/$defs/condition"}}, "additionalProperties": false},
			obj{
				"properties":           leafProps,
				"additionalProperties": false,
				"oneOf":                []any{obj{"required": []string{"field"}}, obj{"required": []string{"param"}}},
				"minProperties":        2,
				"maxProperties":        2,
			},
		},
	}
	kebab := obj{"type": "string", "pattern": idRE().String()}
	rule := obj{
		"type":                 "object",
		"additionalProperties": false,
		"properties": obj{
			"id":          kebab,
			"go":          obj{"enum": goRules.Names()},
			"title":       str,
			"description": str,
			"severity":    severity,
			"kinds":       obj{"type": "array", "items": obj{"enum": []string{string(metadata.KindConnectedApp), string(metadata.KindECA)}}},
			"when":        obj{"$ref": "#/$defs/condition"},
			"check":       obj{"$ref": "#/$defs/condition"},
			"message":     str,
			"remediation": obj{"anyOf": []any{str, obj{"type": "object", "additionalProperties": false, "properties": obj{string(metadata.KindConnectedApp): str, string(metadata.KindECA): str}}}},
			"docs":        obj{"type": "string", "format": "uri"},
			"references":  strList,
			"explains":    strList,
			"fix": obj{
				"type": "object", "additionalProperties": false,
				"properties": obj{"set": fieldRef, "add": fieldRef, "remove": fieldRef, "value": operand},
				"oneOf":      []any{obj{"required": []string{"set", "value"}}, obj{"required": []string{"add", "value"}}, obj{"required": []string{"remove", "value"}}},
			},
		},
		"oneOf": []any{
			obj{"required": []string{"go"}},
			obj{"required": []string{"id", "title", "severity", "check", "message", "remediation"}},
		},
	}
	return obj{
		"$schema":              "https://json-schema.org/draft/2020-12/schema",
		"$id":                  "https://github.com/sfapplint/sfapplint/schema/pack.json",
		"title":                "sfapplint rule pack",
		"type":                 "object",
		"additionalProperties": false,
		"required":             []string{"id", "title", "description"},
		"properties": obj{
			"id":          kebab,
			"title":       str,
			"description": str,
			"source": obj{"type": "object", "additionalProperties": false, "properties": obj{
				"title": str, "url": obj{"type": "string", "format": "uri"}}},
			"parameters": obj{"type": "object", "propertyNames": kebab, "additionalProperties": obj{
				"type": "object", "additionalProperties": false,
				"properties": obj{"type": obj{"enum": []string{"string", "bool", "int"}}, "default": operand, "allowed": strList, "description": str},
			}},
			"extends": obj{"anyOf": []any{str, strList}},
			"contradicts": obj{"type": "array", "items": obj{"type": "object", "additionalProperties": false,
				"required": []string{"rule", "reason"}, "properties": obj{"rule": str, "reason": str}}},
			"manual": obj{"type": "array", "items": obj{"type": "object", "additionalProperties": false,
				"required":   []string{"id", "title"},
				"properties": obj{"id": kebab, "title": str, "description": str, "remediation": str, "explains": strList, "docs": str}}},
			"rules": obj{"type": "array", "items": rule},
		},
		"$defs": obj{"condition": cond},
	}
}

// ConfigSchema returns the JSON Schema (draft 2020-12) of .sfapplint.yaml.
func ConfigSchema() map[string]any {
	str := obj{"type": "string"}
	return obj{
		"$schema":              "https://json-schema.org/draft/2020-12/schema",
		"$id":                  "https://github.com/sfapplint/sfapplint/schema/config.json",
		"title":                "sfapplint project configuration (.sfapplint.yaml)",
		"type":                 "object",
		"additionalProperties": false,
		"properties": obj{
			"packs":    obj{"type": "array", "items": str, "description": "pack ids or pack files (relative to this file)"},
			"params":   obj{"type": "object", "propertyNames": obj{"pattern": `^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$`}, "additionalProperties": obj{"type": []string{"string", "number", "boolean"}}, "description": "PACK.NAME: value"},
			"severity": obj{"type": "object", "propertyNames": obj{"pattern": `^[a-z][a-z0-9-]*/[a-z][a-z0-9-]*$`}, "additionalProperties": obj{"enum": []string{"error", "warning", "note", "off"}}},
			"ignore":   obj{"type": "array", "items": str, "description": "doublestar globs relative to this file"},
			"fail-on":  obj{"enum": failOnValues},
			"baseline": str,
		},
	}
}
