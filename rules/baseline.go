package rules

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
)

// BaselineFile records accepted findings by fingerprint, so that only new
// findings are reported. Fingerprints never contain line numbers: reformatting
// or moving elements keeps them.
type BaselineFile struct {
	Version  int             `json:"version"`
	Tool     string          `json:"tool"`
	Findings []BaselineEntry `json:"findings"`
}

// BaselineEntry is one accepted finding. Only Fingerprint is used for matching;
// the rest helps humans review the file.
type BaselineEntry struct {
	Fingerprint string `json:"fingerprint"`
	Rule        string `json:"rule"`
	App         string `json:"app,omitempty"`
	File        string `json:"file"`
	Message     string `json:"message"`
}

// WriteBaseline writes the diagnostics as a baseline, sorted by fingerprint.
func WriteBaseline(w io.Writer, diags []Diagnostic) error {
	b := BaselineFile{Version: 1, Tool: "sfapplint", Findings: []BaselineEntry{}}
	for _, d := range diags {
		b.Findings = append(b.Findings, BaselineEntry{Fingerprint: d.Fingerprint, Rule: d.Rule, App: d.App, File: d.File, Message: d.Message})
	}
	sort.SliceStable(b.Findings, func(i, j int) bool { return b.Findings[i].Fingerprint < b.Findings[j].Fingerprint })
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(b)
}

// Baseline is a loaded baseline: how many findings of each fingerprint are accepted.
type Baseline map[string]int

// LoadBaseline reads a baseline file.
func LoadBaseline(path string) (Baseline, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading baseline: %w", err)
	}
	var b BaselineFile
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, fmt.Errorf("%s: not a baseline file: %w", path, err)
	}
	if b.Version != 1 {
		return nil, fmt.Errorf("%s: unsupported baseline version %d", path, b.Version)
	}
	out := Baseline{}
	for _, e := range b.Findings {
		out[e.Fingerprint]++
	}
	return out, nil
}

// Filter returns the diagnostics the baseline does not accept, and how many it hid.
func (b Baseline) Filter(diags []Diagnostic) (fresh []Diagnostic, hidden int) {
	left := map[string]int{}
	for k, v := range b {
		left[k] = v
	}
	for _, d := range diags {
		if left[d.Fingerprint] > 0 {
			left[d.Fingerprint]--
			hidden++
			continue
		}
		fresh = append(fresh, d)
	}
	return fresh, hidden
}
