package troubleshoot

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLoadBuiltinCatalogue(t *testing.T) {
	rcat, cat := catalogues(t)
	if len(cat.Entries) != 41 {
		t.Fatalf("%d entries, want E01-E41", len(cat.Entries))
	}
	for i, e := range cat.Entries {
		if want := fmt.Sprintf("E%02d", i+1); e.ID != want {
			t.Errorf("entry %d is %s, want %s", i, e.ID, want)
		}
		if e.Title == "" || e.Meaning == "" || len(e.Flows) == 0 || len(e.Causes) == 0 {
			t.Errorf("%s lacks a title, meaning, flows or causes", e.ID)
		}
		// The reference's verdict and the causes agree: an entry metadata can
		// show (yes/partly) has a cause checked from metadata.
		visible := false
		for _, c := range e.Causes {
			if !c.IsManual() {
				visible = true
			}
			for _, r := range c.Rules {
				if rcat.Rule(r) == nil {
					t.Errorf("%s: unknown rule %s", c.Ref(), r)
				}
			}
			if c.Check != "" && checks[c.Check] == nil {
				t.Errorf("%s: unknown check %s", c.Ref(), c.Check)
			}
		}
		// E04's only metadata is the org-wide OauthOidcSettings, which the
		// loader does not read: it is checked by hand.
		if e.Static != "no" && !visible && e.ID != "E04" {
			t.Errorf("%s is static %q but every cause is manual", e.ID, e.Static)
		}
	}
	// Every Go check is used by some cause.
	used := map[string]bool{}
	for _, e := range cat.Entries {
		for _, c := range e.Causes {
			used[c.Check] = true
		}
	}
	for _, name := range CheckNames() {
		if !used[name] {
			t.Errorf("check %s is used by no cause", name)
		}
	}
	if len(cat.Playbook.Steps) != 10 || len(cat.Playbook.Manual) == 0 || cat.Playbook.Seed == "" {
		t.Errorf("playbook: %d steps, %d manual checks, seed %q", len(cat.Playbook.Steps), len(cat.Playbook.Manual), cat.Playbook.Seed)
	}
}

// The manual checks the issue lists are all in the playbook's checklist.
func TestPlaybookManualChecks(t *testing.T) {
	_, cat := catalogues(t)
	var titles []string
	for _, ref := range cat.Playbook.Manual {
		titles = append(titles, strings.ToLower(cat.Cause(ref).Title+" "+cat.Cause(ref).Manual))
	}
	all := strings.Join(titles, "\n")
	for _, topic := range []string{"api enabled", "mfa", "edition", "10 minutes", "five approvals", "sandbox", "blocked", "installed"} {
		if !strings.Contains(all, topic) {
			t.Errorf("the playbook's manual checks do not cover %q", topic)
		}
	}
}

const minimalEntry = `
  - id: E01
    title: t
    meaning: m
    codes: [redirect_uri_mismatch]
    flows: [WS]
    static: partly
    causes:
      - id: c
        title: t
        manual: check it
`

func TestLoadErrors(t *testing.T) {
	rcat, _ := catalogues(t)
	tests := []struct {
		name string
		yaml string
		want []string // substrings of the error, with positions
	}{
		{"unknown top-level key", "version: 1\nentries:" + minimalEntry + "playbok: {}\n", []string{`test.yaml:13:1: unknown key "playbok" in catalogue`}},
		{"unknown entry key", strings.Replace("entries:"+minimalEntry, "    static: partly", "    static: partly\n    severity: error", 1), []string{`test.yaml:8:5: unknown key "severity" in entry`}},
		{"unknown rule", strings.Replace("entries:"+minimalEntry, "        manual: check it", "        rules: [baseline/no-such-rule]\n        ruled-out: x", 1), []string{`test.yaml:11:17: unknown rule "baseline/no-such-rule"`}},
		{"unknown pack", strings.Replace("entries:"+minimalEntry, "        manual: check it", "        rules: [acme/callback]\n        ruled-out: x", 1), []string{`unknown rule "acme/callback": no pack "acme"`}},
		{"unknown field", strings.Replace("entries:"+minimalEntry, "        manual: check it", "        rules: [baseline/callback-invalid]\n        fields: [oauth.callbackUrl]\n        ruled-out: x", 1), []string{`test.yaml:12:18: unknown field path "oauth.callbackUrl"`}},
		{"unknown check", strings.Replace("entries:"+minimalEntry, "        manual: check it", "        check: no-such-check\n        remediation: r\n        ruled-out: x", 1), []string{`test.yaml:11:16: unknown check "no-such-check"`}},
		{"bad pattern", strings.Replace("entries:"+minimalEntry, "    flows: [WS]", "    patterns: ['(']\n    flows: [WS]", 1), []string{`bad regular expression "("`}},
		{"bad flow", strings.Replace("entries:"+minimalEntry, "flows: [WS]", "flows: [XX]", 1), []string{`unknown flow "XX"`}},
		{"cause neither checked nor manual", strings.Replace("entries:"+minimalEntry, "        manual: check it\n", "", 1), []string{"has no rules, no check and no manual checklist line"}},
		{"missing ruled-out", strings.Replace("entries:"+minimalEntry, "        manual: check it", "        rules: [baseline/callback-invalid]", 1), []string{"needs a ruled-out text"}},
		{"entries out of order", strings.Replace("entries:"+minimalEntry, "id: E01", "id: E02", 1), []string{"found E02 where E01 belongs"}},
		{"unknown see", strings.Replace("entries:"+minimalEntry, "    static: partly", "    static: partly\n    see: [E99]", 1), []string{`see names unknown entry "E99"`}},
		{"bad playbook ref", "entries:" + minimalEntry + "playbook:\n  title: t\n  steps:\n    - {step: 1, title: s, entries: [E01], causes: [E01/nope]}\n  manual: [E01/c]\n", []string{`unknown cause "E01/nope"`}},
		{"unknown manual same-as", strings.Replace("entries:"+minimalEntry, "        manual: check it", "        manual: check it\n        same-as: [atera-robin/no-such-check]", 1), []string{`pack atera-robin has no manual check "no-such-check"`}},
		{"alias", "entries: &a\n  - *a\n", []string{"aliases are not allowed"}},
		{"not YAML", "entries: [\n", []string{"not valid YAML"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load("test.yaml", strings.NewReader(tc.yaml), rcat)
			if err == nil {
				t.Fatalf("Load succeeded, want errors %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestLoadMinimal(t *testing.T) {
	rcat, _ := catalogues(t)
	cat, err := Load("test.yaml", strings.NewReader("version: 1\nentries:"+minimalEntry), rcat)
	if err != nil {
		t.Fatal(err)
	}
	got := []string{cat.Entries[0].ID, cat.Entries[0].Causes[0].Ref(), cat.Entries[0].Causes[0].Manual}
	if diff := cmp.Diff([]string{"E01", "E01/c", "check it"}, got); diff != "" {
		t.Errorf("loaded catalogue mismatch (-want +got):\n%s", diff)
	}
}
