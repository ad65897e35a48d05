package main

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/pflag"
)

// TestStringArrayMatchesPflag: the flag value behaves as pflag's own
// StringArray: parsing, String (the default shown in help) and type.
func TestStringArrayMatchesPflag(t *testing.T) {
	for _, args := range [][]string{
		nil,
		{"--pack", "baseline"},
		{"--pack", "a,b", "-p", `quo"te`, "--pack=", "--pack", "x y"},
	} {
		var want, got []string
		wfs := pflag.NewFlagSet("want", pflag.ContinueOnError)
		wfs.StringArrayVarP(&want, "pack", "p", nil, "usage")
		gfs := pflag.NewFlagSet("got", pflag.ContinueOnError)
		stringArrayVarP(gfs, &got, "pack", "p", "usage")
		if err := wfs.Parse(args); err != nil {
			t.Fatal(err)
		}
		if err := gfs.Parse(args); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%q: values (-pflag +ours):\n%s", args, diff)
		}
		wf, gf := wfs.Lookup("pack"), gfs.Lookup("pack")
		if wf.Value.String() != gf.Value.String() || wf.Value.Type() != gf.Value.Type() {
			t.Errorf("%q: String %q / type %q; pflag: %q / %q", args, gf.Value.String(), gf.Value.Type(), wf.Value.String(), wf.Value.Type())
		}
		// Help shows no default for either.
		if wu, gu := wfs.FlagUsages(), gfs.FlagUsages(); wu != gu {
			t.Errorf("%q: help %q, pflag's %q", args, gu, wu)
		}
		ws, wok := wf.Value.(pflag.SliceValue)
		gs, gok := gf.Value.(pflag.SliceValue)
		if !wok || !gok {
			t.Fatalf("SliceValue: pflag %v, ours %v", wok, gok)
		}
		_ = ws.Append("more")
		_ = gs.Append("more")
		if diff := cmp.Diff(ws.GetSlice(), gs.GetSlice()); diff != "" {
			t.Errorf("%q: after Append (-pflag +ours):\n%s", args, diff)
		}
		_ = ws.Replace([]string{"r1", "r2"})
		_ = gs.Replace([]string{"r1", "r2"})
		if diff := cmp.Diff(ws.GetSlice(), gs.GetSlice()); diff != "" {
			t.Errorf("%q: after Replace (-pflag +ours):\n%s", args, diff)
		}
	}
}
