package rules

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/sfapplint/sfapplint/metadata"
)

// Op is a condition operator.
type Op string

// Operators. Leaf operators apply to a model field (field:) or a pack parameter (param:).
const (
	OpAll         Op = "all"
	OpAny         Op = "any"
	OpNot         Op = "not"
	OpEquals      Op = "equals"
	OpOneOf       Op = "one-of"
	OpContains    Op = "contains"
	OpContainsAll Op = "contains-all"
	OpExcludes    Op = "excludes"
	OpMatches     Op = "matches"
	OpPrefix      Op = "prefix"
	OpPresent     Op = "present"
	OpAbsent      Op = "absent"
	OpTrue        Op = "true"
	OpFalse       Op = "false"
	OpAtLeast     Op = "at-least"
	OpAtMost      Op = "at-most"
)

var leafOps = []Op{OpEquals, OpOneOf, OpContains, OpContainsAll, OpExcludes, OpMatches, OpPrefix, OpPresent, OpAbsent, OpTrue, OpFalse, OpAtLeast, OpAtMost}

// Condition is a parsed `when` or `check` expression.
type Condition struct {
	Op Op
	// Field is the model path of a leaf on a field; Param the parameter name of a leaf on a parameter.
	Field string
	Param string
	// Values are the operands as written (may hold ${params.X} placeholders).
	Values []string
	re     *regexp.Regexp
	// Children of all / any / not.
	Children []*Condition
	Line     int
	Column   int
}

// operandKinds says which value kinds each operator accepts.
var operandKinds = map[Op][]metadata.ValueKind{
	OpEquals:      {metadata.KindBool, metadata.KindString, metadata.KindInt, metadata.KindEnum, metadata.KindList, metadata.KindScopes, metadata.KindURLs},
	OpOneOf:       {metadata.KindString, metadata.KindInt, metadata.KindEnum},
	OpContains:    {metadata.KindList, metadata.KindScopes, metadata.KindURLs, metadata.KindString},
	OpContainsAll: {metadata.KindList, metadata.KindScopes, metadata.KindURLs},
	OpExcludes:    {metadata.KindList, metadata.KindScopes, metadata.KindURLs, metadata.KindString, metadata.KindEnum},
	OpMatches:     {metadata.KindString, metadata.KindEnum, metadata.KindList, metadata.KindURLs, metadata.KindScopes},
	OpPrefix:      {metadata.KindString, metadata.KindList, metadata.KindURLs},
	OpPresent:     nil, // any
	OpAbsent:      nil,
	OpTrue:        {metadata.KindBool, metadata.KindSecret},
	OpFalse:       {metadata.KindBool, metadata.KindSecret},
	OpAtLeast:     {metadata.KindInt},
	OpAtMost:      {metadata.KindInt},
}

// loadErrors collects every problem found while loading a pack or config.
type loadErrors struct {
	file string
	errs []error
}

func (l *loadErrors) add(n *yaml.Node, format string, args ...any) {
	line, col := 0, 0
	if n != nil {
		line, col = n.Line, n.Column
	}
	l.errs = append(l.errs, &LoadError{File: l.file, Line: line, Column: col, Msg: fmt.Sprintf(format, args...)})
}

// LoadError is one mistake in a pack or config file, with its position.
type LoadError struct {
	File         string
	Line, Column int
	Msg          string
}

func (e *LoadError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Msg)
}

// LoadErrors is every mistake found in one load; Error joins them one per line.
type LoadErrors []error

func (e LoadErrors) Error() string {
	parts := make([]string, len(e))
	for i, err := range e {
		parts[i] = err.Error()
	}
	return strings.Join(parts, "\n")
}

// parseCondition parses a condition node. params are the pack's declared parameters.
func parseCondition(n *yaml.Node, params map[string]*Param, le *loadErrors) *Condition {
	if n == nil {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		le.add(n, "a condition must be a mapping such as {field: oauth.scopes, contains: api}")
		return nil
	}
	c := &Condition{Line: n.Line, Column: n.Column}
	var opNode *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch key := k.Value; key {
		case "field":
			c.Field = scalar(v, le)
			if _, ok := metadata.LookupField(c.Field); !ok && c.Field != "" {
				le.add(v, "unknown field path %q%s", c.Field, didYouMeanField(c.Field))
			}
		case "param":
			c.Param = scalar(v, le)
			if _, ok := params[c.Param]; !ok && c.Param != "" {
				le.add(v, "unknown parameter %q (declare it under parameters)", c.Param)
			}
		case string(OpAll), string(OpAny):
			if c.Op != "" {
				le.add(k, "a condition has one operator; found %q and %q", c.Op, key)
			}
			c.Op = Op(key)
			if v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
				le.add(v, "%s takes a non-empty list of conditions", key)
				continue
			}
			for _, child := range v.Content {
				if cc := parseCondition(child, params, le); cc != nil {
					c.Children = append(c.Children, cc)
				}
			}
		case string(OpNot):
			if c.Op != "" {
				le.add(k, "a condition has one operator; found %q and %q", c.Op, key)
			}
			c.Op = OpNot
			if cc := parseCondition(v, params, le); cc != nil {
				c.Children = []*Condition{cc}
			}
		default:
			op := Op(key)
			if _, ok := operandKinds[op]; !ok {
				le.add(k, "unknown operator or key %q in condition (operators: all, any, not, %s)", key, joinOps(leafOps))
				continue
			}
			if c.Op != "" {
				le.add(k, "a condition has one operator; found %q and %q", c.Op, key)
				continue
			}
			c.Op, opNode = op, v
		}
	}
	switch c.Op {
	case "":
		le.add(n, "condition has no operator")
		return nil
	case OpAll, OpAny, OpNot:
		if c.Field != "" || c.Param != "" {
			le.add(n, "%s combines conditions; it takes no field or param", c.Op)
		}
		return c
	}
	if (c.Field == "") == (c.Param == "") {
		le.add(n, "operator %q needs exactly one of field or param", c.Op)
		return c
	}
	c.Values = operandValues(c.Op, opNode, le)
	if c.Field != "" {
		spec, ok := metadata.LookupField(c.Field)
		if ok {
			if kinds := operandKinds[c.Op]; kinds != nil && !slices.Contains(kinds, spec.Kind) {
				le.add(opNode, "operator %q does not apply to %s, a %s field", c.Op, c.Field, spec.Kind)
			}
			if spec.Kind == metadata.KindSecret && c.Op != OpPresent && c.Op != OpAbsent && c.Op != OpTrue && c.Op != OpFalse {
				le.add(opNode, "secret fields can only be tested with present, absent, true or false")
			}
			checkEnumOperands(c, spec, opNode, le)
		}
	}
	if c.Op == OpMatches && len(c.Values) == 1 && !strings.Contains(c.Values[0], "${") {
		re, err := compileRE(c.Values[0])
		if err != nil {
			le.add(opNode, "bad regular expression %q: %v", c.Values[0], err)
		} else {
			c.re = re
		}
	}
	if c.Op == OpAtLeast || c.Op == OpAtMost {
		for _, v := range c.Values {
			if _, err := strconv.Atoi(v); err != nil && !strings.Contains(v, "${") {
				le.add(opNode, "%s takes an integer, not %q", c.Op, v)
			}
		}
	}
	checkPlaceholders(c.Values, params, opNode, le)
	return c
}

func checkEnumOperands(c *Condition, spec metadata.FieldSpec, n *yaml.Node, le *loadErrors) {
	switch spec.Kind {
	case metadata.KindEnum:
		if len(spec.Enum) == 0 || (c.Op != OpEquals && c.Op != OpOneOf && c.Op != OpExcludes) {
			return
		}
		for _, v := range c.Values {
			if !slices.ContainsFunc(spec.Enum, func(x string) bool { return strings.EqualFold(x, v) }) {
				le.add(n, "%q is not a value of %s (values: %s)", v, c.Field, strings.Join(spec.Enum, ", "))
			}
		}
	case metadata.KindScopes:
		if c.Op == OpMatches || c.Op == OpPrefix {
			return
		}
		for _, v := range c.Values {
			if _, ok := metadata.CanonicalScope(v); !ok && !strings.Contains(v, "${") {
				le.add(n, "%q is not a Salesforce OAuth scope (use a metadata name such as Api or a token such as api)", v)
			}
		}
	case metadata.KindBool:
		if c.Op == OpEquals {
			for _, v := range c.Values {
				if _, ok := metadata.ParseBool(v); !ok {
					le.add(n, "%s is boolean; equals takes true or false, not %q", c.Field, v)
				}
			}
		}
	}
}

// operandValues reads the operand of a leaf operator as strings.
func operandValues(op Op, n *yaml.Node, le *loadErrors) []string {
	if n == nil {
		return nil
	}
	switch op {
	case OpPresent, OpAbsent, OpTrue, OpFalse:
		if n.Kind != yaml.ScalarNode || n.Value != "true" {
			le.add(n, "%s takes the value true (e.g. {field: oauth.deviceFlow, %s: true})", op, op)
		}
		return nil
	case OpOneOf, OpContainsAll:
		if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
			le.add(n, "%s takes a non-empty list", op)
			return nil
		}
		var out []string
		for _, item := range n.Content {
			out = append(out, scalar(item, le))
		}
		return out
	case OpExcludes, OpContains:
		if n.Kind == yaml.SequenceNode {
			if op == OpContains {
				le.add(n, "contains takes one value; use contains-all for several")
				return nil
			}
			var out []string
			for _, item := range n.Content {
				out = append(out, scalar(item, le))
			}
			return out
		}
	}
	return []string{scalar(n, le)}
}

func scalar(n *yaml.Node, le *loadErrors) string {
	if n.Kind != yaml.ScalarNode {
		le.add(n, "expected a single value")
		return ""
	}
	return n.Value
}

var placeholderRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\$\{([^}]*)\}`) })

// checkPlaceholders reports ${...} references to undeclared parameters.
func checkPlaceholders(values []string, params map[string]*Param, n *yaml.Node, le *loadErrors) {
	for _, v := range values {
		for _, m := range placeholderRE().FindAllStringSubmatch(v, -1) {
			name, ok := strings.CutPrefix(m[1], "params.")
			if !ok {
				if m[1] == "app" || m[1] == "found" || m[1] == "expected" {
					continue
				}
				le.add(n, "unknown placeholder ${%s} (use ${params.NAME}, ${app}, ${found} or ${expected})", m[1])
				continue
			}
			if _, ok := params[name]; !ok {
				le.add(n, "placeholder ${%s} names an undeclared parameter", m[1])
			}
		}
	}
}

func joinOps(ops []Op) string {
	s := make([]string, len(ops))
	for i, o := range ops {
		s[i] = string(o)
	}
	return strings.Join(s, ", ")
}

// didYouMeanField is the hint added to an unknown field path: the nearest
// model path, or where to find the list.
func didYouMeanField(path string) string {
	if best := metadata.DidYouMean(path, fieldPathEnum()); best != "" {
		return fmt.Sprintf("; did you mean %q?", best)
	}
	return " (run `sfapplint fields` for the list)"
}

// maxPatternLen bounds regular expressions in packs. RE2 runs in linear time,
// but compiling a huge pattern still costs memory.
const maxPatternLen = 4096

func compileRE(pattern string) (*regexp.Regexp, error) {
	if len(pattern) > maxPatternLen {
		return nil, fmt.Errorf("regular expression longer than %d characters", maxPatternLen)
	}
	return regexp.Compile(pattern)
}
