package troubleshoot

import (
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/sfapplint/sfapplint/metadata"
)

// MatchKind says how an error text was recognized.
type MatchKind string

// How a text matched, strongest first.
const (
	ByMessage   MatchKind = "message"   // a catalogue description or message appears in the text
	ByPattern   MatchKind = "pattern"   // a catalogue pattern matches
	ByCode      MatchKind = "code"      // the error code is one only this entry has
	ByCodeGuess MatchKind = "ambiguous" // the code is shared by several entries; the description did not pick one
	ByPlaybook  MatchKind = "playbook"  // the text asks about approval failing in general
	ByNothing   MatchKind = "unknown"   // nothing in the catalogue matches
)

// Match is the catalogue's reading of a parsed error.
type Match struct {
	Kind MatchKind
	// Entry is the entry the text names; nil when ambiguous or unknown.
	Entry *Entry
	// Candidates are the entries an ambiguous code may mean, in catalogue order.
	Candidates []*Entry
	// Matched is the catalogue string that matched (a message, code or pattern).
	Matched string
	// Closest are the nearest entries for a text nothing matched (did you mean).
	Closest []Suggestion
}

// Suggestion is a did-you-mean candidate.
type Suggestion struct {
	ID    string  `json:"id"`
	Title string  `json:"title"`
	Text  string  `json:"text"` // the code or message that is close
	Score float64 `json:"score"`
}

// normalize lower-cases s and turns every run of characters other than letters
// and digits into one space, so that "Redirect-URI  mismatch", "redirect_uri
// mismatch" and "redirect_uri_mismatch" compare equal.
func normalize(s string) string {
	var b strings.Builder
	space := true
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
			space = false
			continue
		}
		if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	return strings.TrimSpace(b.String())
}

// containsWords reports whether needle occurs in hay on word boundaries; both
// are normalized, and hay is padded with a space at each end (see pad).
func containsWords(padded, needle string) bool {
	if needle == "" {
		return false
	}
	return strings.Contains(padded, " "+needle+" ")
}

func pad(s string) string { return " " + s + " " }

// Match finds the entry a parsed error names. Descriptions are matched before
// codes, because several entries share a code (invalid_grant); a code shared by
// several entries with no telling description is ambiguous.
func (c *Catalogue) Match(p ParsedError) Match {
	code := normalize(p.Code)
	desc := normalize(p.Description)
	text := strings.TrimSpace(code + " " + desc)
	raw := strings.TrimSpace(p.Code + " " + p.Description)
	if text == "" && p.Shape != ShapeURL {
		text = normalize(p.Input)
		raw = p.Input
	}
	if text == "" {
		if p.Wrapped(WrapperGeneric) || p.Wrapped(WrapperErrorPage) {
			// The wrapper alone: the generic approval error.
			for _, e := range c.Entries {
				for _, ec := range e.Codes {
					if strings.EqualFold(ec, WrapperGeneric) {
						return Match{Kind: ByCode, Entry: e, Matched: ec}
					}
				}
			}
		}
		return Match{Kind: ByNothing}
	}

	padded := pad(text)
	// 1. Messages and patterns: the longest match wins (the most specific text).
	var best *Entry
	bestText, bestKind := "", MatchKind("")
	bestMsgLen := 0 // len(normalize(bestText))
	for _, e := range c.Entries {
		for _, m := range e.Messages {
			nm := normalize(m)
			if len(nm) > bestMsgLen && containsWords(padded, nm) {
				best, bestText, bestKind, bestMsgLen = e, m, ByMessage, len(nm)
			}
		}
	}
	if best == nil {
		for _, e := range c.Entries {
			for _, re := range e.Patterns {
				if loc := re.FindStringIndex(raw); loc != nil && loc[1]-loc[0] > len(bestText) {
					best, bestText, bestKind = e, raw[loc[0]:loc[1]], ByPattern
				}
			}
		}
	}
	if best != nil {
		return Match{Kind: bestKind, Entry: best, Matched: bestText}
	}

	// 2. Codes: exactly the parsed code, else the longest code written inside the text.
	var hits []*Entry
	matched := ""
	if code != "" {
		for _, e := range c.Entries {
			for _, ec := range e.Codes {
				if normalize(ec) == code && !slices.Contains(hits, e) {
					hits, matched = append(hits, e), ec
				}
			}
		}
	}
	if len(hits) == 0 {
		bestLen := 0
		for _, e := range c.Entries {
			for _, ec := range e.Codes {
				nc := normalize(ec)
				if len(nc) < bestLen || !containsWords(padded, nc) {
					continue
				}
				if len(nc) > bestLen {
					hits, bestLen, matched = nil, len(nc), ec // invalid_client_id beats invalid_client
				}
				if !slices.Contains(hits, e) {
					hits = append(hits, e)
				}
			}
		}
	}
	switch len(hits) {
	case 0:
	case 1:
		return Match{Kind: ByCode, Entry: hits[0], Matched: matched}
	default:
		return Match{Kind: ByCodeGuess, Candidates: filterByFlow(hits, p), Matched: matched}
	}

	// 3. The playbook's own question ("approval fails").
	for _, m := range c.Playbook.Match {
		if containsWords(padded, normalize(m)) {
			return Match{Kind: ByPlaybook, Matched: m}
		}
	}
	return Match{Kind: ByNothing, Closest: c.closest(text, 3)}
}

// grantFlows maps grant_type and response_type values to catalogue flows.
var grantFlows = map[string]string{
	"authorization_code": "WS",
	"code":               "WS",
	"token":              "UA",
	"refresh_token":      "RT",
	"client_credentials": "CC",
	"password":           "UP",
	"device":             "DEV",
	"device_code":        "DEV",
	"urn:ietf:params:oauth:grant-type:device_code":    "DEV",
	"urn:ietf:params:oauth:grant-type:jwt-bearer":     "JWT",
	"urn:ietf:params:oauth:grant-type:saml2-bearer":   "JWT",
	"urn:ietf:params:oauth:grant-type:token-exchange": "TX",
}

// RequestFlow returns the flow the pasted request used (from grant_type or
// response_type), or "".
func (p ParsedError) RequestFlow() string {
	for _, k := range []string{"grant_type", "response_type"} {
		if f, ok := grantFlows[strings.ToLower(strings.TrimSpace(p.Params[k]))]; ok {
			return f
		}
	}
	return ""
}

// filterByFlow keeps the candidates that occur in the flow of the pasted
// request, when it is known and leaves at least one.
func filterByFlow(cands []*Entry, p ParsedError) []*Entry {
	flow := p.RequestFlow()
	if flow == "" {
		return cands
	}
	var out []*Entry
	for _, e := range cands {
		if slices.Contains(e.Flows, flow) {
			out = append(out, e)
		}
	}
	if len(out) == 0 {
		return cands
	}
	return out
}

// closest returns the n entries whose codes or messages are nearest to text.
func (c *Catalogue) closest(text string, n int) []Suggestion {
	if len(text) > 200 {
		text = text[:200]
	}
	var out []Suggestion
	for _, e := range c.Entries {
		best := Suggestion{ID: e.ID, Title: e.Title}
		for _, s := range append(append([]string{}, e.Codes...), e.Messages...) {
			if sc := similarity(text, normalize(s)); sc > best.Score {
				best.Score, best.Text = sc, s
			}
		}
		if best.Score >= 0.3 {
			out = append(out, best)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score > out[j].Score })
	if len(out) > n {
		out = out[:n]
	}
	for i := range out {
		out[i].Score = float64(int(out[i].Score*100+0.5)) / 100
	}
	return out
}

// similarity scores two normalized strings from 0 to 1: the better of word
// overlap and edit distance.
func similarity(a, b string) float64 {
	if a == "" || b == "" {
		return 0
	}
	wa, wb := strings.Fields(a), strings.Fields(b)
	common := 0
	set := map[string]bool{}
	for _, w := range wb {
		set[w] = true
	}
	for _, w := range wa {
		if set[w] {
			common++
			delete(set, w)
		}
	}
	jac := float64(common) / float64(len(wa)+len(wb)-common)
	la, lb := len([]rune(a)), len([]rune(b))
	longest := max(la, lb)
	ed := 1 - float64(metadata.EditDistance(a, b))/float64(longest)
	// Joined spellings (redirecturimismatch) compare without spaces too.
	sa, sb := strings.ReplaceAll(a, " ", ""), strings.ReplaceAll(b, " ", "")
	if l := max(len(sa), len(sb)); l > 0 {
		if e2 := 1 - float64(metadata.EditDistance(sa, sb))/float64(l); e2 > ed {
			ed = e2
		}
	}
	return max(jac, ed)
}
