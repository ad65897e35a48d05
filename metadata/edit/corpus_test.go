package edit

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/sfapplint/sfapplint/metadata"
	"github.com/sfapplint/sfapplint/metadata/internal/corpustest"
)

// TestCorpusRoundTrip applies representative fixes, one at a time, to every
// app of every repository in the corpus: the result parses, the model changes
// exactly as the fix says and nowhere else, the bytes outside the edited
// element are unchanged, no new schema problem appears, and a second run
// changes nothing.
func TestCorpusRoundTrip(t *testing.T) {
	root := corpustest.Dir(t)
	repos, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	apps := 0
	for _, r := range repos {
		if !r.IsDir() {
			continue
		}
		dir := filepath.Join(root, r.Name())
		t.Run(r.Name(), func(t *testing.T) {
			proj := load(t, dir)
			for _, app := range proj.Apps {
				apps++
				for _, c := range corpusEdits(app) {
					name := fmt.Sprintf("%s/%s", app.Name, c.edit)
					res := Apply(app, []Edit{c.edit})
					out := res.Outcomes[0]
					if out.Status == Skipped {
						if !c.mayBeSkipped {
							t.Errorf("%s: skipped: %s", name, out.Reason)
						}
						continue
					}
					checkOutsideUnchanged(t, app, []Edit{c.edit}, res)
					after := applyAndReload(t, dir, res)
					spec := caseSpec{edits: []Edit{c.edit}, expect: map[string]string{c.edit.Field: c.want}, mayChange: map[string]bool{}}
					checkModel(t, proj, app, after, spec, res)
					checkIdempotent(t, after, app, []Edit{c.edit})
				}
			}
		})
	}
	if apps == 0 {
		t.Fatalf("no apps in the corpus at %s", root)
	}
}

type corpusEdit struct {
	edit         Edit
	want         string // expected field text after the edit (see fieldText)
	mayBeSkipped bool
}

// corpusEdits are the fixes the rule packs make most, with the value each
// must leave in the model.
func corpusEdits(app *metadata.App) []corpusEdit {
	// Fixes of OAuth settings do not switch OAuth on: a Connected App without
	// <oauthConfig>, or an External Client App without OAuth settings files,
	// refuses them.
	noOAuth := app.Kind == metadata.KindConnectedApp && app.Docs[metadata.TypeConnectedApp].Root.Child("oauthConfig") == nil ||
		app.Kind == metadata.KindECA && app.Docs[metadata.TypeECAGlobalOauth] == nil && app.Docs[metadata.TypeECAOauthSettings] == nil
	pkce, _ := app.Field("oauth.pkceRequired").Bool()
	scopes := app.Field("oauth.scopes").Strings()
	with := func(extra string) string {
		set := map[string]bool{extra: true}
		for _, s := range scopes {
			set[s] = true
		}
		return sortedSet(set)
	}
	without := func(drop string) string {
		set := map[string]bool{}
		for _, s := range scopes {
			if s != drop {
				set[s] = true
			}
		}
		return sortedSet(set)
	}
	var urls []string
	for _, it := range app.Field("oauth.callbackUrls").Items {
		urls = append(urls, it.Value)
	}
	const newURL = "https://fix.example.com/oauth/callback"
	return []corpusEdit{
		{edit: Edit{Op: OpSet, Field: "oauth.pkceRequired", Value: fmt.Sprint(!pkce)}, want: fmt.Sprint(!pkce), mayBeSkipped: noOAuth},
		{edit: Edit{Op: OpAdd, Field: "oauth.scopes", Value: "api"}, want: with("Api"), mayBeSkipped: noOAuth},
		{edit: Edit{Op: OpRemove, Field: "oauth.scopes", Value: "Full"}, want: without("Full")},
		{edit: Edit{Op: OpAdd, Field: "oauth.callbackUrls", Value: newURL}, want: strings.Join(append(urls, newURL), ","), mayBeSkipped: noOAuth},
		{edit: Edit{Op: OpSet, Field: "policy.ipRelaxation", Value: "Enforce"}, want: metadata.IPEnforce},
		{edit: Edit{Op: OpSet, Field: "policy.refreshToken", Value: "SpecificInactivity"}, want: metadata.RefreshSpecificInactivity},
	}
}

func sortedSet(m map[string]bool) string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}
