package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// binary is the sfapplint binary built once by TestMain for the end-to-end
// tests, which run it as a subprocess: the real main, os.Exit and streams.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "sfapplint-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(2)
	}
	binary = filepath.Join(dir, "sfapplint")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: building sfapplint:", err)
		_ = os.RemoveAll(dir)
		os.Exit(2)
	}
	code := m.Run()
	_ = os.RemoveAll(dir) // best effort: a leftover temp dir is harmless
	os.Exit(code)
}

// runBinary runs the built binary in dir and returns its output and exit code.
func runBinary(t *testing.T, dir string, args ...string) cliResult {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatalf("running sfapplint %s: %v", strings.Join(args, " "), err)
	}
	return cliResult{stdout: out.String(), stderr: errOut.String(), code: code}
}

func TestE2ECheckExampleWritesSARIF(t *testing.T) {
	dir := absDir(t, exampleDir)
	sarifPath := filepath.Join(t.TempDir(), "results.sarif")
	r := runBinary(t, dir, "check", "--output", "sarif="+sarifPath)
	if r.code != ExitFindings {
		t.Fatalf("exit code %d, want %d\nstderr:\n%s", r.code, ExitFindings, r.stderr)
	}
	if !strings.Contains(r.stdout, "[baseline/callback-not-https]") || !strings.Contains(r.stdout, " in 2 apps\n") {
		t.Errorf("text report on stdout lacks the expected finding or summary:\n%s", r.stdout)
	}
	data, err := os.ReadFile(sarifPath)
	if err != nil {
		t.Fatalf("--output sarif=PATH wrote no file: %v", err)
	}
	var sarif struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name string `json:"name"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID string `json:"ruleId"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(data, &sarif); err != nil {
		t.Fatalf("SARIF file is not JSON: %v", err)
	}
	if sarif.Version != "2.1.0" || len(sarif.Runs) != 1 || sarif.Runs[0].Tool.Driver.Name != "sfapplint" {
		t.Fatalf("SARIF version %q, %d runs; want 2.1.0 and one sfapplint run", sarif.Version, len(sarif.Runs))
	}
	// The SARIF file holds the same findings as the text report.
	if got, want := len(sarif.Runs[0].Results), strings.Count(r.stdout, "\n    docs: "); got != want {
		t.Errorf("SARIF has %d results, the text report %d findings", got, want)
	}
	if strings.Contains(string(data), "\x1b") {
		t.Error("SARIF file contains ANSI escapes")
	}
}

func TestE2EInspectExample(t *testing.T) {
	r := runBinary(t, absDir(t, exampleDir), "inspect", "--format", "json")
	if r.code != ExitOK {
		t.Fatalf("exit code %d, want %d\nstderr:\n%s", r.code, ExitOK, r.stderr)
	}
	var rep struct {
		Apps []struct {
			Name string `json:"name"`
			Kind string `json:"kind"`
		} `json:"apps"`
		Errors []any `json:"errors"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("inspect --format json: %v", err)
	}
	var got []string
	for _, a := range rep.Apps {
		got = append(got, a.Kind+" "+a.Name)
	}
	want := []string{"ExternalClientApplication Acme_Sync", "ConnectedApp Legacy_Reporting"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("inspect apps (-want +got):\n%s", diff)
	}
	if len(rep.Errors) != 0 || r.stderr != "" {
		t.Errorf("errors %v, stderr %q; want none", rep.Errors, r.stderr)
	}
}

func TestE2EMissingPath(t *testing.T) {
	r := runBinary(t, absDir(t, exampleDir), "check", "force-app/does-not-exist")
	if r.code != ExitUsage {
		t.Fatalf("exit code %d, want %d", r.code, ExitUsage)
	}
	if want := "sfapplint: force-app/does-not-exist: no such file or directory\n"; r.stderr != want {
		t.Errorf("stderr = %q, want %q", r.stderr, want)
	}
	if r.stdout != "" {
		t.Errorf("stdout = %q, want nothing", r.stdout)
	}
}
