package edit

import (
	"fmt"
	"sort"
	"strings"

	"github.com/sfapplint/sfapplint/metadata"
)

// List fields are written three ways:
//   - a Connected App repeats an element per value (<scopes>, <profileName>,
//     <permissionSetName>): values are inserted and removed as whole elements;
//   - an External Client App writes one comma-separated string
//     (commaSeparatedOauthScopes, commaSeparatedProfile, ...): items are
//     appended at the end with the file's separator, keeping the order;
//   - callback URLs are one element with one URL per line: a URL is appended
//     on a new line with the element's own line ending.

func (e *editor) applyList(spec metadata.FieldSpec, src metadata.Source, ed Edit) (bool, error) {
	if src.Elem == "ipRanges" || src.Elem == "trustedIpRanges" {
		return false, fmt.Errorf("%s cannot be changed automatically: add or remove the IP range in Setup", spec.Path)
	}
	values, err := e.listValues(spec, ed)
	if err != nil {
		return false, err
	}
	if len(values) == 0 && ed.Op != OpSet {
		return false, fmt.Errorf("no value to %s", ed.Op)
	}
	if src.Type == metadata.TypeConnectedApp && (src.Elem == "profileName" || src.Elem == "permissionSetName" || strings.HasSuffix(src.Elem, "/scopes")) {
		return e.repeatedList(spec, src, ed.Op, values)
	}
	return e.separatedList(spec, src, ed.Op, values)
}

// listValues splits an edit's value into the items it names, spelled for the app kind.
func (e *editor) listValues(spec metadata.FieldSpec, ed Edit) ([]string, error) {
	var raw []string
	if spec.Kind == metadata.KindURLs {
		raw = strings.FieldsFunc(ed.Value, func(r rune) bool { return r == '\n' || r == '\r' })
	} else {
		raw = strings.Split(ed.Value, ",")
	}
	var out []string
	for _, v := range raw {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		if spec.Kind == metadata.KindScopes {
			c, ok := metadata.CanonicalScope(v)
			switch {
			case ok:
				v = metadata.ScopeSpelling(c, e.kind)
			case ed.Op != OpRemove:
				return nil, fmt.Errorf("%q is not a Salesforce OAuth scope", v)
			}
		}
		out = append(out, v)
	}
	return out, nil
}

// member reports whether a written item is the value v of the list field.
func member(spec metadata.FieldSpec, item, v string) bool {
	item, v = strings.TrimSpace(item), strings.TrimSpace(v)
	switch spec.Kind {
	case metadata.KindScopes:
		a, okA := metadata.CanonicalScope(item)
		b, okB := metadata.CanonicalScope(v)
		if okA && okB {
			return a == b
		}
		return strings.EqualFold(item, v)
	case metadata.KindList:
		return strings.EqualFold(item, v)
	}
	return item == v
}

func containsMember(spec metadata.FieldSpec, items []string, v string) bool {
	for _, it := range items {
		if member(spec, it, v) {
			return true
		}
	}
	return false
}

// keeper returns whether a written item stays on a list field under op: a set
// keeps only the values, a remove drops them and an add keeps every item.
func keeper(spec metadata.FieldSpec, op Op, values []string) func(string) bool {
	return func(item string) bool {
		switch op {
		case OpSet:
			return containsMember(spec, values, item)
		case OpRemove:
			return !containsMember(spec, values, item)
		}
		return true
	}
}

// locateParent walks elemPath's containers in the file; parent is nil when one is missing.
func locateParent(doc *metadata.Document, elemPath string) (parent *metadata.Element, name string) {
	parts := strings.Split(elemPath, "/")
	parent = doc.Root
	for _, p := range parts[:len(parts)-1] {
		if parent = parent.Child(p); parent == nil {
			return nil, parts[len(parts)-1]
		}
	}
	return parent, parts[len(parts)-1]
}

func (e *editor) repeatedList(spec metadata.FieldSpec, src metadata.Source, op Op, values []string) (bool, error) {
	f, err := e.file(src.Type, false)
	if err != nil {
		return false, err
	}
	if f == nil {
		return false, fmt.Errorf("the app has no %s file", src.Type)
	}
	changed := false
	written := func() []*metadata.Element {
		parent, name := locateParent(f.doc, src.Elem)
		return parent.ChildrenNamed(name)
	}
	remove := func(keep func(string) bool) error {
		for {
			var victim *metadata.Element
			for _, el := range written() {
				if !keep(el.Text) {
					victim = el
					break
				}
			}
			if victim == nil {
				return nil
			}
			if err := e.removeElement(f, victim); err != nil {
				return err
			}
			changed = true
		}
	}
	if op == OpRemove || op == OpSet {
		if err := remove(keeper(spec, op, values)); err != nil {
			return false, err
		}
		if op == OpRemove {
			return changed, nil
		}
	}
	for _, v := range values {
		parent, name := locateParent(f.doc, src.Elem)
		if parent == nil {
			key := string(src.Type) + "/" + strings.TrimSuffix(src.Elem, "/"+name)
			if why, bad := cannotCreate[key]; bad {
				return false, fmt.Errorf("%s", why)
			}
			return false, fmt.Errorf("the app has no <%s>", strings.TrimSuffix(src.Elem, "/"+name))
		}
		var texts []string
		for _, el := range parent.ChildrenNamed(name) {
			texts = append(texts, el.Text)
		}
		if containsMember(spec, texts, v) {
			continue
		}
		if err := e.insertChild(f, parent, Element{Name: name, Text: v}); err != nil {
			return false, err
		}
		changed = true
	}
	return changed, nil
}

// token is one item of a separated list in an element's raw content.
type token struct {
	vStart, vEnd int // the trimmed item, as offsets into the raw content
	value        string
}

func splitRaw(raw string, sep byte) []token {
	var out []token
	start := 0
	for i := 0; i <= len(raw); i++ {
		if i < len(raw) && raw[i] != sep {
			continue
		}
		s, t := start, i
		for s < t && isSpace(raw[s]) {
			s++
		}
		for t > s && isSpace(raw[t-1]) {
			t--
		}
		if t > s {
			out = append(out, token{vStart: s, vEnd: t, value: unescapeText(raw[s:t])})
		}
		start = i + 1
	}
	return out
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\r' || b == '\n' }

func (e *editor) separatedList(spec metadata.FieldSpec, src metadata.Source, op Op, values []string) (bool, error) {
	var sep byte = ','
	if spec.Kind == metadata.KindURLs {
		sep = '\n'
	}
	f, err := e.file(src.Type, op != OpRemove)
	if err != nil {
		return false, err
	}
	if f == nil {
		return false, nil // nothing to remove from
	}
	find := func() *metadata.Element {
		parent, name := locateParent(f.doc, src.Elem)
		return parent.Child(name)
	}
	el := find()
	join := func(raw string) string {
		if sep == '\n' {
			switch {
			case strings.Contains(raw, "\r\n"):
				return "\r\n"
			case strings.Contains(raw, "\n"):
				return "\n"
			}
			return f.st.eol
		}
		switch {
		case strings.Contains(raw, ", "):
			return ", "
		case strings.Contains(raw, ","):
			return ","
		}
		return ", "
	}
	if el == nil {
		if op == OpRemove || len(values) == 0 {
			return false, nil
		}
		return e.setLeaf(src.Type, src.Elem, strings.Join(values, join("")))
	}
	if len(el.Children) > 0 {
		return false, fmt.Errorf("<%s> in %s has child elements", el.Name, f.path)
	}
	raw := string(f.src[el.ContentStart:el.ContentEnd])
	if strings.Contains(raw, "<") {
		// Comments or CDATA inside the value: rewrite the value from its items.
		return e.rewriteList(f, spec, src, el, op, values, sep, join(raw))
	}
	changed := false
	removeItem := func(keep func(string) bool) (bool, error) {
		el := find()
		if el == nil {
			return false, nil
		}
		raw := string(f.src[el.ContentStart:el.ContentEnd])
		toks := splitRaw(raw, sep)
		for i, t := range toks {
			if keep(t.value) {
				continue
			}
			if len(toks) == 1 {
				if src.Type == metadata.TypeConnectedApp {
					return true, e.mutate(f, el.ContentStart, el.ContentEnd, "")
				}
				return true, e.removeElement(f, el)
			}
			var s, t2 int
			if i == 0 {
				s, t2 = t.vStart, toks[1].vStart
			} else {
				s, t2 = toks[i-1].vEnd, t.vEnd
			}
			return true, e.mutate(f, el.ContentStart+s, el.ContentStart+t2, "")
		}
		return false, nil
	}
	if op == OpRemove || op == OpSet {
		keep := keeper(spec, op, values)
		for {
			did, err := removeItem(keep)
			if err != nil {
				return false, err
			}
			if !did {
				break
			}
			changed = true
		}
		if op == OpRemove {
			return changed, nil
		}
	}
	for _, v := range values {
		el := find()
		if el == nil {
			c, err := e.setLeaf(src.Type, src.Elem, v)
			if err != nil {
				return false, err
			}
			changed = changed || c
			continue
		}
		raw := string(f.src[el.ContentStart:el.ContentEnd])
		toks := splitRaw(raw, sep)
		var items []string
		for _, t := range toks {
			items = append(items, t.value)
		}
		if containsMember(spec, items, v) {
			continue
		}
		if len(toks) == 0 {
			if err := e.replaceContent(f, el, escapeText(v)); err != nil {
				return false, err
			}
		} else {
			at := el.ContentStart + toks[len(toks)-1].vEnd
			if err := e.mutate(f, at, at, join(raw)+escapeText(v)); err != nil {
				return false, err
			}
		}
		changed = true
	}
	return changed, nil
}

// rewriteList replaces a list element's content with its items after the edit.
// Used only when the content holds markup (comments, CDATA), which this drops.
func (e *editor) rewriteList(f *file, spec metadata.FieldSpec, src metadata.Source, el *metadata.Element, op Op, values []string, sep byte, join string) (bool, error) {
	var items []string
	for _, it := range strings.Split(el.Text, string(sep)) {
		if it = strings.TrimSpace(it); it != "" {
			items = append(items, it)
		}
	}
	var out []string
	keep := keeper(spec, op, values)
	for _, it := range items {
		if keep(it) {
			out = append(out, it)
		}
	}
	if op != OpRemove {
		for _, v := range values {
			if !containsMember(spec, out, v) {
				out = append(out, v)
			}
		}
	}
	if len(out) == len(items) {
		same := true
		for i := range out {
			same = same && out[i] == items[i]
		}
		if same {
			return false, nil
		}
	}
	if len(out) == 0 && src.Type != metadata.TypeConnectedApp {
		return true, e.removeElement(f, el)
	}
	return true, e.replaceContent(f, el, escapeText(strings.Join(out, join)))
}

// findConflicts marks edits that contradict another edit of the batch: two
// sets of one field to different values, or an add and a remove of one item.
func findConflicts(edits []Edit) map[int]string {
	sets := map[string]map[string][]int{}
	items := map[string]map[Op][]int{}
	for i, ed := range edits {
		field, value := ed.Field, strings.TrimSpace(ed.Value)
		spec, ok := metadata.LookupField(field)
		if !ok {
			continue
		}
		if field == "oauth.secretRequiredForWebServerFlow" {
			if b, ok := metadata.ParseBool(value); ok {
				field, value = "oauth.consumerSecretOptional", fmt.Sprint(!b)
			}
		}
		if ed.Op == OpSet {
			switch spec.Kind {
			case metadata.KindBool:
				if b, ok := metadata.ParseBool(value); ok {
					value = fmt.Sprint(b)
				}
			case metadata.KindEnum:
				if c, ok := metadata.CanonicalValue(field, value); ok {
					value = c
				}
			}
			if sets[field] == nil {
				sets[field] = map[string][]int{}
			}
			sets[field][value] = append(sets[field][value], i)
			continue
		}
		for _, v := range strings.FieldsFunc(value, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' }) {
			v = strings.TrimSpace(v)
			switch spec.Kind {
			case metadata.KindScopes:
				if c, ok := metadata.CanonicalScope(v); ok {
					v = c
				}
			case metadata.KindList:
				v = strings.ToLower(v)
			}
			k := field + "\x00" + v
			if items[k] == nil {
				items[k] = map[Op][]int{}
			}
			items[k][ed.Op] = append(items[k][ed.Op], i)
		}
	}
	out := map[int]string{}
	for field, byValue := range sets {
		if len(byValue) < 2 {
			continue
		}
		var vals []string
		for v := range byValue {
			vals = append(vals, v)
		}
		sort.Strings(vals)
		for _, idx := range byValue {
			for _, i := range idx {
				out[i] = fmt.Sprintf("contradicting fixes set %s to %s; change it by hand", field, strings.Join(vals, " and "))
			}
		}
	}
	for k, byOp := range items {
		if len(byOp[OpAdd]) > 0 && len(byOp[OpRemove]) > 0 {
			field, v, _ := strings.Cut(k, "\x00")
			for _, idx := range byOp {
				for _, i := range idx {
					out[i] = fmt.Sprintf("contradicting fixes add and remove %q in %s; change it by hand", v, field)
				}
			}
		}
	}
	return out
}
