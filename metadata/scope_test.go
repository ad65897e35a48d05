package metadata

import (
	"strings"
	"testing"
)

// scopeSpellings returns every spelling in the scope table, canonical names,
// metadata spellings, synonyms and tokens, including the empty ECA spellings.
func scopeSpellings() []string {
	var out []string
	for _, sc := range scopes {
		out = append(out, sc.Canonical, sc.CA, sc.ECA)
		out = append(out, sc.Synonyms...)
		out = append(out, sc.Tokens...)
	}
	return out
}

// scopeInputs returns scopeSpellings in many forms, with Unicode folds and
// values that are no scope.
func scopeInputs() []string {
	var out []string
	for _, s := range scopeSpellings() {
		mixed := []byte(s)
		for i := range mixed {
			if i%2 == 0 {
				mixed[i] = strings.ToUpper(string(mixed[i]))[0]
			} else {
				mixed[i] = strings.ToLower(string(mixed[i]))[0]
			}
		}
		out = append(out, s, strings.ToUpper(s), strings.ToLower(s), string(mixed),
			" "+s+" ", "\t"+strings.ToUpper(s)+"\n", "\u00a0"+s, s+"\u2003",
			s+"x", "x"+s, s+"_", strings.ReplaceAll(s, "_", ""),
			// Unicode folds EqualFold accepts: KELVIN SIGN for k, LONG S for s.
			strings.ReplaceAll(s, "k", "\u212a"), strings.ReplaceAll(s, "K", "\u212a"),
			strings.ReplaceAll(s, "s", "\u017f"), strings.ReplaceAll(s, "S", "\u017f"))
	}
	out = append(out, "", " ", "\t\n", "ChatbotApi", "api refresh_token", "api,web",
		"Nope", "unknown_scope", "\u212aelvin", "\u017ffap_api", "ſ", "K",
		strings.Repeat("a", scopeLookupMax), strings.Repeat("A", scopeLookupMax+1),
		"  "+strings.Repeat("api", 30)+"  ", "\xff", "api\xff", "AP\u0130")
	return out
}

func TestCanonicalScopeIndex(t *testing.T) {
	for _, in := range scopeInputs() {
		got, ok := CanonicalScope(in)
		want, wantOK := scanCanonicalScope(strings.TrimSpace(in))
		if got != want || ok != wantOK {
			t.Errorf("CanonicalScope(%q) = %q, %v; the scan gives %q, %v", in, got, ok, want, wantOK)
		}
	}
	// The Unicode folds must keep working.
	for in, want := range map[string]string{
		"cu\u017ftomapplication\u017f": "CustomApplications",
		"\u017ffap_api":                "SFAP",
		"CDPIngest":                    "CDPIngest",
		"refresh_to\u212aen":           "RefreshToken",
		"\u212a":                       "",
	} {
		if got, _ := CanonicalScope(in); got != want {
			t.Errorf("CanonicalScope(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestScopeTableIndexes(t *testing.T) {
	// The scans the indexes replaced.
	oldSpelling := func(canonical string, kind AppKind) string {
		for _, sc := range scopes {
			if sc.Canonical == canonical {
				if kind == KindECA && sc.ECA != "" {
					return sc.ECA
				}
				return sc.CA
			}
		}
		return canonical
	}
	oldLabel := func(canonical string) string {
		for _, sc := range scopes {
			if sc.Canonical == canonical {
				return sc.Label
			}
		}
		return canonical
	}
	oldIsSpelling := func(s string, kind AppKind) bool {
		for _, sc := range scopes {
			if s == sc.CA && kind == KindConnectedApp || s == sc.ECA && kind == KindECA {
				return true
			}
			for _, syn := range sc.Synonyms {
				if s == syn {
					return true
				}
			}
		}
		return false
	}
	for _, in := range scopeInputs() {
		for _, kind := range []AppKind{KindConnectedApp, KindECA, ""} {
			if got, want := ScopeSpelling(in, kind), oldSpelling(in, kind); got != want {
				t.Errorf("ScopeSpelling(%q, %q) = %q, want %q", in, kind, got, want)
			}
			if got, want := IsMetadataScopeSpelling(in, kind), oldIsSpelling(in, kind); got != want {
				t.Errorf("IsMetadataScopeSpelling(%q, %q) = %v, want %v", in, kind, got, want)
			}
		}
		if got, want := ScopeLabel(in), oldLabel(in); got != want {
			t.Errorf("ScopeLabel(%q) = %q, want %q", in, got, want)
		}
	}
}

func BenchmarkCanonicalScope(b *testing.B) {
	inputs := scopeSpellings()
	for _, bc := range []struct {
		name string
		fn   func(string) (string, bool)
	}{
		{"index", CanonicalScope},
		{"scan", func(s string) (string, bool) { return scanCanonicalScope(strings.TrimSpace(s)) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, s := range inputs {
					bc.fn(s)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(inputs)), "ns/lookup")
		})
	}
}
