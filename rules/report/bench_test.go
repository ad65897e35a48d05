package report

import (
	"fmt"
	"io"
	"testing"

	"github.com/sfapplint/sfapplint/rules"
)

// benchInput returns the fixture scaled up: apps apps, each with a copy of
// every fixture finding, plus the fixture's findings outside any app.
func benchInput(apps int) Input {
	in := fixture()
	base := in.Diagnostics
	in.Apps = nil
	in.Diagnostics = nil
	for i := range apps {
		name := fmt.Sprintf("App_%05d", i)
		file := fmt.Sprintf("force-app/main/default/connectedApps/%s.connectedApp-meta.xml", name)
		in.Apps = append(in.Apps, AppRef{Name: name, Kind: "ConnectedApp", Files: []string{file}})
		for _, d := range base {
			if d.App == "" {
				continue
			}
			d.App, d.File = name, file
			d.Fingerprint = rules.ComputeFingerprint(d)
			in.Diagnostics = append(in.Diagnostics, d)
		}
	}
	for _, d := range base {
		if d.App == "" {
			in.Diagnostics = append(in.Diagnostics, d)
		}
	}
	return in
}

// BenchmarkWrite renders a report of a few thousand findings in the formats
// whose writers run per finding (github) or per pack, app and rule (junit).
// It runs only with -bench, e.g.
//
//	go test ./rules/report -run '^$' -bench BenchmarkWrite -benchmem
func BenchmarkWrite(b *testing.B) {
	in := benchInput(1000)
	for _, format := range []string{FormatGitHub, FormatJUnit} {
		b.Run(fmt.Sprintf("%s/findings=%d", format, len(in.Diagnostics)), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := Write(io.Discard, format, in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
