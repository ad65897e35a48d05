package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"math/rand"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sfapplint/sfapplint/rules"
)

// encodingJSON is what encoding/json writes for the findings.
func encodingJSON(t *testing.T, ds []rules.Diagnostic) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(ds); err != nil {
		t.Fatal(err)
	}
	return string(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}

// TestFindingsJSONMatchesEncodingJSON requires the reflection-free writer to
// produce exactly the bytes encoding/json does, on tricky strings.
func TestFindingsJSONMatchesEncodingJSON(t *testing.T) {
	tricky := []string{"", "plain", `quote " and \ backslash`, "line\nbreak\r\ttab\b\f", "ctrl \x00\x01\x1f\x7f",
		"<html> & 'apos'", "é ü 漢字 😀", "bad utf8 \xff\xfe", "sep \u2028 \u2029", "%3A,:=&?#"}
	rng := rand.New(rand.NewSource(1))
	pick := func() string { return tricky[rng.Intn(len(tricky))] }
	var ds []rules.Diagnostic
	for i := 0; i < 300; i++ {
		d := rules.Diagnostic{Rule: pick(), Severity: rules.Severity(pick()), App: pick(), File: pick(), Line: rng.Intn(1000), Column: rng.Intn(80),
			Field: pick(), Message: pick(), Remediation: pick(), Docs: pick(), Fingerprint: pick(), Found: pick(), Expected: pick(), Note: pick(), Key: pick()}
		if rng.Intn(2) == 0 {
			d.Fix = &rules.Fix{Op: rules.FixOp(pick()), Field: pick(), Value: pick(), Description: pick()}
			if rng.Intn(2) == 0 {
				d.Fix.Edits = []rules.TextEdit{{File: pick(), StartLine: 1, StartColumn: 2, EndLine: 3, EndColumn: 4, Text: pick()}, {File: pick(), Text: pick()}}
			}
		}
		ds = append(ds, d)
	}
	for _, in := range [][]rules.Diagnostic{{}, ds[:1], ds} {
		var got bytes.Buffer
		bw := bufio.NewWriter(&got)
		appendFindingsJSON(bw, in)
		if err := bw.Flush(); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(encodingJSON(t, in), got.String()); diff != "" {
			t.Fatalf("findings JSON (-encoding/json +fast):\n%s", diff)
		}
	}
}

// TestCompactReportMatchesEncodingJSON compares the whole compact report with
// encoding/json's rendering of the same document.
func TestCompactReportMatchesEncodingJSON(t *testing.T) {
	in := fixture()
	var got bytes.Buffer
	bw := bufio.NewWriter(&got)
	if err := writeJSON(bw, in); err != nil {
		t.Fatal(err)
	}
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
	r := jsonReport{Version: JSONVersion, Tool: in.Tool, Packs: in.Packs, Findings: in.Diagnostics,
		Summary: rules.Summarize(in.Diagnostics), FailOn: in.FailOn, Failed: Fails(in.Diagnostics, in.FailOn)}
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want.String(), got.String()); diff != "" {
		t.Errorf("compact report (-encoding/json +writeJSON):\n%s", diff)
	}
}
