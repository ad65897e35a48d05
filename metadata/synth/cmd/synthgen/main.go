// Command synthgen writes a synthetic SFDX project for benchmarks and
// command-line measurements (see metadata/synth and its PERF.md).
//
//	go run ./metadata/synth/cmd/synthgen -dir /tmp/synth-2000 -apps 2000 -others 20000
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/sfapplint/sfapplint/metadata/synth"
)

func main() {
	dir := flag.String("dir", "", "directory to write the project into (created; must be empty or absent)")
	apps := flag.Int("apps", 100, "number of OAuth apps: half External Client App families, half Connected Apps")
	others := flag.Int("others", 1000, "number of unrelated metadata files (Apex classes, objects, fields)")
	seed := flag.Int64("seed", 1, "random seed; the same flags always write the same files")
	largeProfiles := flag.Int("large-profiles", 0, "number of extra profiles the size of a big org's (see -profile-fields)")
	profileFields := flag.Int("profile-fields", 15000, "field permissions in each extra profile (15,000: 2.3 MB)")
	flag.Parse()
	if *dir == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: synthgen -dir DIR [-apps N] [-others M] [-seed S] [-large-profiles P [-profile-fields F]]")
		os.Exit(2)
	}
	if entries, err := os.ReadDir(*dir); err == nil && len(entries) > 0 {
		fmt.Fprintf(os.Stderr, "synthgen: %s is not empty\n", *dir)
		os.Exit(2)
	}
	if err := synth.Generate(*dir, *apps, *others, *seed); err != nil {
		fmt.Fprintf(os.Stderr, "synthgen: %v\n", err)
		os.Exit(1)
	}
	if err := synth.LargeProfiles(*dir, *largeProfiles, *profileFields); err != nil {
		fmt.Fprintf(os.Stderr, "synthgen: %v\n", err)
		os.Exit(1)
	}
	c := synth.CountsFor(*apps, *others)
	fmt.Printf("%s: %d External Client Apps, %d Connected Apps, %d permission sets, %d profiles (%d files sfapplint reads), %d unrelated files\n",
		*dir, c.ECAs, c.ConnectedApps, c.PermissionSets, c.Profiles, c.AppFiles, c.Others)
	if *largeProfiles > 0 {
		fmt.Printf("%s: and %d large profiles of %d field permissions each\n", *dir, *largeProfiles, *profileFields)
	}
}
