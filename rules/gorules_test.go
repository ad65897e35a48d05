package rules

import "testing"

func TestIsLoopback(t *testing.T) {
	tests := map[string]bool{
		"localhost":          true,
		"LOCALHOST":          true,
		"app.localhost":      true,
		"127.0.0.1":          true,
		"127.8.9.10":         true,
		"::1":                true,
		"[::1]":              true,
		"::ffff:127.0.0.1":   true,
		"0:0:0:0:0:0:0:1":    true,
		"fe80::1%eth0":       false, // a zone: net.ParseIP refused it too
		"128.0.0.1":          false,
		"10.0.0.1":           false,
		"::":                 false,
		"example.com":        false,
		"localhost.example":  false,
		"127.0.0.1.nip.io":   false,
		"":                   false,
		"not an address ::1": false,
	}
	for host, want := range tests {
		if got := isLoopback(host); got != want {
			t.Errorf("isLoopback(%q) = %v, want %v", host, got, want)
		}
	}
}
