package troubleshoot

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/sfapplint/sfapplint/metadata"
	"github.com/sfapplint/sfapplint/rules"
)

// Status is what the metadata says about a cause.
type Status string

// Cause statuses, in rank order.
const (
	StatusConfirmed Status = "confirmed" // the metadata shows the cause
	StatusUnknown   Status = "unknown"   // the metadata shows a precondition, or lacks the files to tell
	StatusRuledOut  Status = "ruled-out" // the metadata shows the cause is not there
	StatusManual    Status = "manual"    // metadata cannot show it: check by hand
)

// Rank orders statuses: confirmed 0, unknown 1, ruled-out 2, manual 3.
func (s Status) Rank() int {
	switch s {
	case StatusConfirmed:
		return 0
	case StatusUnknown:
		return 1
	case StatusRuledOut:
		return 2
	}
	return 3
}

// finding is what a Go check says about one app (or the project).
type finding struct {
	Status          Status
	App             *metadata.App
	Field           string
	Pos             metadata.Pos
	Found, Expected string
	Message         string
	Fix             *rules.Fix
	Note            string
}

// checkEnv is what a Go check sees.
type checkEnv struct {
	Project *metadata.Project
	Apps    []*metadata.App
	Parsed  ParsedError
	Packs   []*rules.Pack
	Now     time.Time
}

type checkFunc func(env *checkEnv) []finding

// checks are the causes the model shows but no rule of the built-in packs
// reports, because they only make sense once the error is known (the flow in
// use, the address the client sent). Each is named in catalogue.yaml.
var checks = map[string]checkFunc{
	"oauth-disabled":                 checkOAuthDisabled,
	"client-id-mismatch":             checkClientIDMismatch,
	"redirect-uri-registered":        checkRedirectURI,
	"callback-list-format":           checkCallbackListFormat,
	"requested-scopes":               checkRequestedScopes,
	"pkce-required":                  checkPKCERequired,
	"approve-uninstalled":            checkApproveUninstalled,
	"preauthorized-users":            checkPreauthorizedUsers,
	"eca-local":                      checkECALocal,
	"eca-distribution":               checkECADistribution,
	"secret-required":                checkSecretRequired,
	"ip-restricted":                  checkIPRestricted,
	"refresh-expiry":                 checkRefreshExpiry,
	"refresh-rotation":               checkRefreshRotation,
	"grant-enabled":                  checkGrantEnabled,
	"token-exchange-policy-off":      checkTokenExchangePolicy,
	"client-credentials-off":         checkClientCredentialsOff,
	"device-flow-off":                checkDeviceFlowOff,
	"jwt-self-authorized-no-refresh": checkJWTSelfAuthorized,
	"jwt-certificate":                checkJWTCertificate,
	"eca-password-flow":              checkECAPasswordFlow,
	"no-refresh-scope":               checkNoRefreshScope,
	"session-timeout":                checkSessionTimeout,
	"no-api-enabled":                 checkNoAPIEnabled,
}

// CheckNames lists the Go checks, sorted.
func CheckNames() []string {
	out := make([]string, 0, len(checks))
	for n := range checks {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// at builds a finding on a model field of an app.
func at(st Status, app *metadata.App, path string) finding {
	f := finding{Status: st, App: app, Field: path, Pos: app.Pos}
	if fl := app.Field(path); fl != nil && fl.Pos().IsValid() {
		f.Pos = fl.Pos()
	}
	return f
}

func ruledOut(app *metadata.App, path, msg string) finding {
	f := at(StatusRuledOut, app, path)
	f.Message = msg
	return f
}

func boolField(app *metadata.App, path string) bool {
	b, _ := app.Field(path).Bool()
	return b
}

func oauthOn(app *metadata.App) bool { return boolField(app, "oauth.enabled") }

func hasScope(app *metadata.App, canonical string) bool {
	for _, s := range app.Field("oauth.scopes").Strings() {
		if s == canonical {
			return true
		}
	}
	return false
}

// fixSet returns the fix that sets the field at path to v.
func fixSet(path, v string) *rules.Fix { return rules.NewFix(rules.FixSet, path, v) }

// fixAdd returns the fix that adds v to the list field at path.
func fixAdd(path, v string) *rules.Fix { return rules.NewFix(rules.FixAdd, path, v) }

func checkOAuthDisabled(env *checkEnv) []finding {
	var out []finding
	for _, app := range env.Apps {
		switch {
		case app.Kind == metadata.KindConnectedApp && oauthOn(app):
			out = append(out, ruledOut(app, "oauth.enabled", app.Name+" has OAuth enabled (<oauthConfig> is present)"))
		case app.Kind == metadata.KindConnectedApp:
			f := at(StatusConfirmed, app, "oauth.enabled")
			f.Pos = app.Pos
			f.Found, f.Expected = "no <oauthConfig>: Enable OAuth Settings is off", "Enable OAuth Settings checked, with a callback URL and scopes"
			f.Message = fmt.Sprintf("Connected App %q has no OAuth settings, so Salesforce knows no consumer key for it", app.Name)
			out = append(out, f)
		case app.Docs[metadata.TypeECAGlobalOauth] == nil && app.Docs[metadata.TypeECAOauthSettings] == nil:
			f := at(StatusUnknown, app, "oauth.enabled")
			f.Found, f.Expected = "no OAuth settings files (.ecaGlblOauth, .ecaOauth) in the inputs", "OAuth settings for the app"
			f.Message = fmt.Sprintf("the OAuth settings of External Client App %q are not among the inputs", app.Name)
			out = append(out, f)
		case oauthOn(app):
			out = append(out, ruledOut(app, "oauth.enabled", app.Name+" has OAuth settings and its OAuth plugin is on"))
		}
	}
	return out
}

func checkClientIDMismatch(env *checkEnv) []finding {
	id := strings.TrimSpace(env.Parsed.Params["client_id"])
	if id == "" {
		return nil
	}
	var withKey []*metadata.App
	for _, app := range env.Apps {
		key := app.Field("oauth.consumerKey").String()
		if key == "" {
			continue
		}
		if key == id {
			return []finding{ruledOut(app, "oauth.consumerKey", "the client_id the client sent is the consumer key of "+app.Name)}
		}
		withKey = append(withKey, app)
	}
	var out []finding
	for _, app := range withKey {
		f := at(StatusConfirmed, app, "oauth.consumerKey")
		f.Found, f.Expected = app.Field("oauth.consumerKey").String(), id
		f.Message = fmt.Sprintf("the client sends client_id %s, which is not the consumer key of %s", abbreviate(id), app.Name)
		out = append(out, f)
	}
	return out
}

func abbreviate(s string) string {
	if len(s) > 24 {
		return s[:12] + "…" + s[len(s)-6:]
	}
	return s
}

func checkRedirectURI(env *checkEnv) []finding {
	sent := strings.TrimSpace(env.Parsed.Params["redirect_uri"])
	if sent == "" {
		return nil
	}
	var out []finding
	for _, app := range env.Apps {
		f := app.Field("oauth.callbackUrls")
		if f == nil || len(f.Items) == 0 {
			continue
		}
		best, bestD := -1, 1<<30
		for i, it := range f.Items {
			if it.Value == sent {
				return []finding{ruledOut(app, f.Path, fmt.Sprintf("callback URL matches exactly: %s is registered on %s", sent, app.Name))}
			}
			if d := metadata.EditDistance(it.Value, sent); d < bestD {
				best, bestD = i, d
			}
		}
		it := f.Items[best]
		fd := at(StatusConfirmed, app, f.Path)
		fd.Pos = it.Pos
		fd.Found, fd.Expected = it.Value, sent
		fd.Message = fmt.Sprintf("the client sends redirect_uri %s, which %s has not registered (closest: %s; %s)", sent, app.Name, it.Value, urlDifference(it.Value, sent))
		fd.Fix = fixAdd(f.Path, sent)
		out = append(out, fd)
	}
	return out
}

// urlDifference says how two URLs differ, in the terms admins check.
func urlDifference(have, want string) string {
	h, err1 := url.Parse(have)
	w, err2 := url.Parse(want)
	switch {
	case err1 != nil || err2 != nil:
		return "they differ"
	case strings.TrimSuffix(have, "/") == strings.TrimSuffix(want, "/"):
		return "only the trailing slash differs"
	case !strings.EqualFold(h.Scheme, w.Scheme):
		return fmt.Sprintf("the scheme differs (%s vs %s)", h.Scheme, w.Scheme)
	case strings.EqualFold(have, want):
		return "only upper and lower case differ; Salesforce compares exactly"
	case !strings.EqualFold(h.Host, w.Host):
		return fmt.Sprintf("the host differs (%s vs %s)", h.Host, w.Host)
	case h.Path != w.Path:
		return fmt.Sprintf("the path differs (%s vs %s)", h.Path, w.Path)
	}
	return "the query or fragment differs"
}

func checkCallbackListFormat(env *checkEnv) []finding {
	var out []finding
	for _, app := range env.Apps {
		f := app.Field("oauth.callbackUrls")
		if f == nil || f.Elem == nil {
			continue
		}
		bad := false
		if n := len([]rune(f.Elem.Text)); n > 2000 {
			fd := at(StatusConfirmed, app, f.Path)
			fd.Found, fd.Expected = fmt.Sprintf("%d characters", n), "at most 2000 characters in total"
			fd.Message = fmt.Sprintf("the callback URL list of %s is %d characters long; Salesforce keeps at most 2000", app.Name, n)
			out = append(out, fd)
			bad = true
		}
		seen := map[string]bool{}
		for _, it := range f.Items {
			if seen[it.Value] {
				fd := at(StatusConfirmed, app, f.Path)
				fd.Pos = it.Pos
				fd.Found, fd.Expected = it.Value+" (twice)", "each callback URL once"
				fd.Message = fmt.Sprintf("callback URL %s is listed twice on %s", it.Value, app.Name)
				out = append(out, fd)
				bad = true
			}
			seen[it.Value] = true
		}
		if !bad && len(f.Items) > 0 {
			out = append(out, ruledOut(app, f.Path, ""))
		}
	}
	return out
}

func checkRequestedScopes(env *checkEnv) []finding {
	raw := strings.TrimSpace(env.Parsed.Params["scope"])
	if raw == "" {
		return nil
	}
	requested := strings.FieldsFunc(raw, func(r rune) bool { return r == ' ' || r == ',' || r == '+' || r == '\t' })
	var out []finding
	for _, app := range env.Apps {
		f := app.Field("oauth.scopes")
		if f == nil || !f.Present {
			continue
		}
		var missing, unknown []string
		var first string
		for _, r := range requested {
			c, ok := metadata.CanonicalScope(r)
			switch {
			case !ok:
				unknown = append(unknown, r)
			case !hasScope(app, c):
				missing = append(missing, fmt.Sprintf("%s (%s)", r, metadata.ScopeLabel(c)))
				if first == "" {
					first = metadata.ScopeSpelling(c, app.Kind)
				}
			}
		}
		switch {
		case len(missing) > 0:
			fd := at(StatusConfirmed, app, f.Path)
			fd.Found, fd.Expected = f.Display(), "also "+strings.Join(missing, ", ")
			fd.Message = fmt.Sprintf("the client requests %s, which %s does not have selected", strings.Join(missing, ", "), app.Name)
			fd.Fix = fixAdd(f.Path, first)
			out = append(out, fd)
		case len(unknown) > 0:
			fd := at(StatusConfirmed, app, f.Path)
			fd.Found, fd.Expected = strings.Join(unknown, ", "), "scope values Salesforce knows (api, refresh_token, openid, ...)"
			fd.Message = fmt.Sprintf("the client requests %s, which is not a Salesforce OAuth scope: fix the client's scope parameter", strings.Join(unknown, ", "))
			out = append(out, fd)
		default:
			out = append(out, ruledOut(app, f.Path, fmt.Sprintf("every requested scope (%s) is selected on %s", raw, app.Name)))
		}
	}
	return out
}

func checkPKCERequired(env *checkEnv) []finding {
	var out []finding
	for _, app := range env.Apps {
		if !oauthOn(app) {
			continue
		}
		f := app.Field("oauth.pkceRequired")
		if b, _ := f.Bool(); b {
			fd := at(StatusConfirmed, app, f.Path)
			fd.Found = f.Display()
			if f.Default {
				fd.Found = "true (the External Client App default)"
			}
			fd.Expected = "a client that sends code_challenge (S256), or PKCE not required"
			fd.Message = fmt.Sprintf("%s requires PKCE, so an authorization request without code_challenge is refused", app.Name)
			fd.Fix = fixSet(f.Path, "false")
			out = append(out, fd)
			continue
		}
		out = append(out, ruledOut(app, f.Path, app.Name+" does not require PKCE (an org-wide PKCE requirement in OAuth and OpenID Connect Settings still can)"))
	}
	return out
}

func holderKind(h *metadata.PermissionHolder) string {
	if h.Type == metadata.TypeProfile {
		return "profile"
	}
	return "permission set"
}

func checkApproveUninstalled(env *checkEnv) []finding {
	if env.Project == nil || len(env.Project.Holders) == 0 {
		return nil
	}
	var granting []string
	for _, h := range env.Project.Holders {
		for _, perm := range []string{"CanApproveUninstalledApps", "UseAnyApiClient"} {
			if _, ok := h.Grants(perm); ok {
				granting = append(granting, fmt.Sprintf("%s %q (%s)", holderKind(h), h.Name, perm))
			}
		}
	}
	if len(granting) > 0 {
		return []finding{{Status: StatusRuledOut, Message: "Approve Uninstalled Connected Apps (or Use Any API Client) is granted by " + strings.Join(granting, ", ") + "; make sure the connecting user holds it"}}
	}
	h := env.Project.Holders[0]
	return []finding{{
		Status:   StatusConfirmed,
		Pos:      h.Pos,
		Found:    fmt.Sprintf("no profile or permission set in the inputs grants Approve Uninstalled Connected Apps or Use Any API Client (checked %d)", len(env.Project.Holders)),
		Expected: "the vendor's app installed in the org, or CanApproveUninstalledApps granted to the connecting user",
		Message:  "the connecting user cannot approve an app that is not installed in the org, and nothing in the inputs grants Approve Uninstalled Connected Apps",
	}}
}

func checkPreauthorizedUsers(env *checkEnv) []finding {
	var out []finding
	for _, app := range env.Apps {
		pu := app.Field("policy.permittedUsers")
		if pu.String() != metadata.PermittedAdminApprovedPreAuthorized {
			out = append(out, ruledOut(app, pu.Path, app.Name+" lets all users self-authorize, so admin approval cannot block them"))
			continue
		}
		var names []string
		for _, path := range []string{"policy.profiles", "policy.permissionSets"} {
			what := "profile"
			if path == "policy.permissionSets" {
				what = "permission set"
			}
			for _, it := range app.Field(path).Items {
				names = append(names, fmt.Sprintf("%s %q", what, it.Value))
			}
		}
		if len(names) == 0 {
			continue // baseline/admin-approved-no-grants reports it
		}
		fd := at(StatusUnknown, app, pu.Path)
		fd.Found = "admin approved; pre-authorized: " + strings.Join(names, ", ")
		fd.Expected = "the connecting user holds one of them"
		fd.Message = fmt.Sprintf("only users with %s may use %s", strings.Join(names, " or "), app.Name)
		out = append(out, fd)
	}
	return out
}

// packReads reports whether a selected non-baseline pack has a rule reading path.
func packReads(packs []*rules.Pack, path string) *rules.Pack {
	for _, p := range packs {
		if p.ID == "baseline" {
			continue
		}
		for _, r := range p.Rules {
			if ruleReads(r, path) {
				return p
			}
		}
	}
	return nil
}

func ruleReads(r *rules.Rule, path string) bool {
	return condReads(r.When, path) || condReads(r.Check, path)
}

func condReads(c *rules.Condition, path string) bool {
	if c == nil {
		return false
	}
	if c.Field == path {
		return true
	}
	for _, ch := range c.Children {
		if condReads(ch, path) {
			return true
		}
	}
	return false
}

func checkECALocal(env *checkEnv) []finding {
	var out []finding
	for _, app := range env.Apps {
		if app.Kind != metadata.KindECA {
			out = append(out, ruledOut(app, "app.kind", app.Name+" is a Connected App, which is not limited to its own org"))
			continue
		}
		f := app.Field("app.distributionState")
		if f.String() != "Local" {
			out = append(out, ruledOut(app, f.Path, fmt.Sprintf("%s is not Local (found %s)", app.Name, f.Display())))
			continue
		}
		fd := at(StatusConfirmed, app, f.Path)
		fd.Found, fd.Expected = "Local", "users of the owning org logging in through its My Domain, or Packaged and installed in the user's org"
		fd.Message = fmt.Sprintf("External Client App %q is Local: it works only for users of the org that owns it", app.Name)
		if p := packReads(env.Packs, f.Path); p != nil {
			fd.Note = fmt.Sprintf("%s asks for Local: the app is meant for this org only, so connect through this org's My Domain login rather than packaging it", p.ID)
		}
		out = append(out, fd)
	}
	return out
}

func checkECADistribution(env *checkEnv) []finding {
	var out []finding
	for _, app := range env.Apps {
		if app.Kind != metadata.KindECA {
			continue
		}
		f := app.Field("app.distributionState")
		fd := at(StatusUnknown, app, f.Path)
		fd.Found = f.Display()
		switch f.String() {
		case "Local":
			fd.Expected = "the user logs in to the org that owns the app"
			fd.Message = fmt.Sprintf("%s is Local: it exists only in the org that owns it", app.Name)
		default:
			fd.Expected = "the package with the app installed in the user's org"
			fd.Message = fmt.Sprintf("%s is distributed in a package: it exists in another org only once the package is installed there", app.Name)
		}
		out = append(out, fd)
	}
	return out
}

func checkSecretRequired(env *checkEnv) []finding {
	var out []finding
	for _, app := range env.Apps {
		if !oauthOn(app) {
			continue
		}
		ws := boolField(app, "oauth.secretRequiredForWebServerFlow")
		rt := boolField(app, "oauth.secretRequiredForRefreshToken")
		if !ws && !rt {
			out = append(out, ruledOut(app, "oauth.consumerSecretOptional", app.Name+" requires no secret for the web server and refresh token flows"))
			continue
		}
		fd := at(StatusUnknown, app, "oauth.consumerSecretOptional")
		if !ws {
			fd = at(StatusUnknown, app, "oauth.secretRequiredForRefreshToken")
		}
		fd.Found = fmt.Sprintf("Require Secret for Web Server Flow: %t; Require Secret for Refresh Token Flow: %t", ws, rt)
		fd.Expected = "a client that sends the current consumer secret (a public client: both unchecked, with PKCE required)"
		fd.Message = fmt.Sprintf("%s requires the consumer secret; a client that sends none, or an old one, gets invalid_client", app.Name)
		out = append(out, fd)
	}
	return out
}

func checkIPRestricted(env *checkEnv) []finding {
	var out []finding
	for _, app := range env.Apps {
		f := app.Field("policy.ipRelaxation")
		ip := f.String()
		if ip == metadata.IPBypass || ip == metadata.IPBypass2Factor {
			out = append(out, ruledOut(app, f.Path, fmt.Sprintf("%s relaxes IP restrictions (found %s); the JWT bearer flow still enforces them", app.Name, f.Display())))
			continue
		}
		// The profiles of the integration users: the pre-authorized ones when
		// listed, else every profile in the inputs.
		var profiles []*metadata.PermissionHolder
		if env.Project != nil {
			for _, it := range app.Field("policy.profiles").Items {
				if h := env.Project.FindHolder(metadata.TypeProfile, it.Value); h != nil {
					profiles = append(profiles, h)
				}
			}
			if len(app.Field("policy.profiles").Items) == 0 {
				for _, h := range env.Project.Holders {
					if h.Type == metadata.TypeProfile {
						profiles = append(profiles, h)
					}
				}
			}
		}
		found := false
		for _, h := range profiles {
			if h.Doc == nil || h.Doc.Root == nil {
				continue
			}
			ranges := h.Doc.Root.ChildrenNamed("loginIpRanges")
			hours := h.Doc.Root.Child("loginHours")
			if len(ranges) == 0 && hours == nil {
				continue
			}
			fd := finding{Status: StatusConfirmed, App: app, Field: f.Path}
			var what []string
			if len(ranges) > 0 {
				fd.Pos = ranges[0].Pos()
				var rs []string
				for _, r := range ranges {
					rs = append(rs, childText(r, "startAddress")+"-"+childText(r, "endAddress"))
				}
				what = append(what, "logins only from "+strings.Join(rs, ", "))
			}
			if hours != nil {
				if len(ranges) == 0 {
					fd.Pos = hours.Pos()
				}
				what = append(what, "logins only during its login hours")
			}
			fd.Found = fmt.Sprintf("profile %q allows %s; %s enforces IP restrictions (%s)", h.Name, strings.Join(what, " and "), app.Name, f.Display())
			fd.Expected = "the integration's addresses within the profile's Login IP Ranges (and its time within Login Hours), or IP Relaxation: Relax IP restrictions on the app"
			fd.Message = fmt.Sprintf("profile %q restricts where and when its users log in, and %s enforces it", h.Name, app.Name)
			fd.Fix = fixSet(f.Path, metadata.IPRelaxationSpelling(metadata.IPBypass, app.Kind))
			out = append(out, fd)
			found = true
		}
		if !found {
			fd := at(StatusUnknown, app, f.Path)
			fd.Found, fd.Expected = f.Display(), "the user's profile allowing the integration's address and time, or IP restrictions relaxed"
			fd.Message = fmt.Sprintf("%s enforces IP restrictions; the user's profile Login IP Ranges and Login Hours are not in the inputs", app.Name)
			out = append(out, fd)
		}
	}
	return out
}

func childText(e *metadata.Element, name string) string {
	if c := e.Child(name); c != nil {
		return strings.TrimSpace(c.Text)
	}
	return "?"
}

func checkRefreshExpiry(env *checkEnv) []finding {
	var out []finding
	for _, app := range env.Apps {
		if !oauthOn(app) {
			continue
		}
		f := app.Field("policy.refreshToken")
		switch f.String() {
		case metadata.RefreshSpecificLifetime, metadata.RefreshSpecificInactivity:
			n, _ := app.Field("policy.refreshTokenValidityPeriod").Int()
			unit := app.Field("policy.refreshTokenValidityUnit").String()
			fd := at(StatusUnknown, app, f.Path)
			if f.String() == metadata.RefreshSpecificLifetime {
				fd.Found = fmt.Sprintf("refresh tokens expire %d %s after they are issued", n, strings.ToLower(unit))
			} else {
				fd.Found = fmt.Sprintf("refresh tokens expire when not used for %d %s", n, strings.ToLower(unit))
			}
			fd.Expected = "a validity longer than the integration's longest gap between refreshes"
			fd.Message = fmt.Sprintf("%s lets refresh tokens expire (%s)", app.Name, fd.Found)
			out = append(out, fd)
		case metadata.RefreshInfinite:
			out = append(out, ruledOut(app, f.Path, fmt.Sprintf("%s keeps refresh tokens until revoked (found %s); an enforced 30-day idle limit does not show in metadata (E41)", app.Name, f.Display())))
		}
	}
	return out
}

func checkRefreshRotation(env *checkEnv) []finding {
	var out []finding
	for _, app := range env.Apps {
		if !oauthOn(app) || !hasScope(app, "RefreshToken") {
			continue
		}
		f := app.Field("oauth.refreshTokenRotation")
		if b, _ := f.Bool(); b {
			fd := at(StatusUnknown, app, f.Path)
			fd.Found, fd.Expected = f.Display(), "a client that stores the newest refresh token after every refresh"
			fd.Message = fmt.Sprintf("%s rotates refresh tokens: each refresh invalidates the token used", app.Name)
			out = append(out, fd)
			continue
		}
		out = append(out, ruledOut(app, f.Path, app.Name+" does not rotate refresh tokens"))
	}
	return out
}

// flowFields are the settings that switch a grant on, per request flow.
var flowFields = map[string][]string{
	"CC":  {"oauth.clientCredentialsFlow", "policy.clientCredentialsFlow"},
	"DEV": {"oauth.deviceFlow"},
	"TX":  {"oauth.tokenExchange", "policy.tokenExchange"},
	"JWT": {"oauth.jwtBearer"},
}

func checkGrantEnabled(env *checkEnv) []finding {
	grant := strings.TrimSpace(env.Parsed.Params["grant_type"])
	flow := ""
	if grant != "" {
		flow = grantFlows[strings.ToLower(grant)]
	}
	if flow == "" {
		return nil
	}
	var out []finding
	for _, app := range env.Apps {
		if !oauthOn(app) {
			continue
		}
		if flow == "UP" {
			if app.Kind == metadata.KindECA {
				fd := at(StatusConfirmed, app, "app.kind")
				fd.Pos = app.Pos
				fd.Found, fd.Expected = "External Client App", "a Connected App, or a flow other than username-password"
				fd.Message = fmt.Sprintf("the client uses the username-password flow, which External Client App %q reportedly does not support", app.Name)
				out = append(out, fd)
			}
			continue
		}
		paths, ok := flowFields[flow]
		if !ok {
			out = append(out, ruledOut(app, "oauth.enabled", fmt.Sprintf("the %s grant needs no switch beyond OAuth, which %s has on", grant, app.Name)))
			continue
		}
		off := ""
		for _, p := range paths {
			if f := app.Field(p); f != nil {
				if b, _ := f.Bool(); !b {
					off = p
					break
				}
			}
		}
		if off == "" {
			out = append(out, ruledOut(app, paths[0], fmt.Sprintf("%s enables the %s flow the client uses", app.Name, FlowName(flow))))
			continue
		}
		fd := at(StatusConfirmed, app, off)
		fd.Found, fd.Expected = app.Field(off).Display(), "true"
		fd.Message = fmt.Sprintf("the client uses grant_type %s, and %s does not enable it (%s)", grant, app.Name, off)
		if off != "oauth.jwtBearer" {
			fd.Fix = fixSet(off, "true")
		} else {
			fd.Expected = "a certificate uploaded (Use digital signatures / Enable JWT Bearer Flow)"
		}
		out = append(out, fd)
	}
	return out
}

func checkTokenExchangePolicy(env *checkEnv) []finding {
	var out []finding
	for _, app := range env.Apps {
		if !boolField(app, "oauth.tokenExchange") {
			continue
		}
		f := app.Field("policy.tokenExchange")
		if f == nil {
			continue
		}
		if b, _ := f.Bool(); b {
			out = append(out, ruledOut(app, f.Path, app.Name+" enables token exchange in both its OAuth settings and its policies"))
			continue
		}
		fd := at(StatusConfirmed, app, f.Path)
		fd.Found, fd.Expected = f.Display(), "true"
		fd.Message = fmt.Sprintf("%s enables token exchange in its OAuth settings but not in its OAuth policies", app.Name)
		fd.Fix = fixSet(f.Path, "true")
		out = append(out, fd)
	}
	return out
}

// flagOff confirms that a flow switch is off (the error says the client uses it).
func flagOff(env *checkEnv, path, what string) []finding {
	var out []finding
	for _, app := range env.Apps {
		if !oauthOn(app) && app.Kind == metadata.KindConnectedApp {
			continue
		}
		f := app.Field(path)
		if f == nil {
			continue
		}
		if b, _ := f.Bool(); b {
			out = append(out, ruledOut(app, path, fmt.Sprintf("%s enables the %s", app.Name, what)))
			continue
		}
		fd := at(StatusConfirmed, app, path)
		fd.Found, fd.Expected = f.Display(), "true"
		fd.Message = fmt.Sprintf("%s does not enable the %s", app.Name, what)
		fd.Fix = fixSet(path, "true")
		out = append(out, fd)
	}
	return out
}

func checkClientCredentialsOff(env *checkEnv) []finding {
	return flagOff(env, "oauth.clientCredentialsFlow", "client credentials flow")
}

func checkDeviceFlowOff(env *checkEnv) []finding {
	return flagOff(env, "oauth.deviceFlow", "device flow")
}

func checkJWTSelfAuthorized(env *checkEnv) []finding {
	var out []finding
	for _, app := range env.Apps {
		if !oauthOn(app) {
			continue
		}
		pu := app.Field("policy.permittedUsers")
		if pu.String() == metadata.PermittedAdminApprovedPreAuthorized {
			// Admin-approved: prior approval comes from pre-authorization (other causes).
			out = append(out, ruledOut(app, pu.Path, app.Name+" is admin-approved, so the JWT user's approval comes from pre-authorization"))
			continue
		}
		if !hasScope(app, "RefreshToken") {
			f := app.Field("oauth.scopes")
			fd := at(StatusConfirmed, app, f.Path)
			fd.Found = f.Display() + "; Permitted Users: All users may self-authorize"
			fd.Expected = "RefreshToken (refresh_token, offline_access) selected, or Permitted Users: Admin approved users are pre-authorized"
			fd.Message = fmt.Sprintf("%s lets users self-authorize but has no refresh_token scope, so no user can have approved it for the JWT bearer flow", app.Name)
			fd.Fix = fixAdd(f.Path, metadata.ScopeSpelling("RefreshToken", app.Kind))
			out = append(out, fd)
			continue
		}
		fd := at(StatusUnknown, app, pu.Path)
		fd.Found = pu.Display()
		fd.Expected = "the JWT's subject user approved the app once interactively, or Admin approved users are pre-authorized with the user's profile or permission set"
		fd.Message = fmt.Sprintf("%s lets users self-authorize: the JWT bearer flow works only for a user who approved it before", app.Name)
		out = append(out, fd)
	}
	return out
}

func checkJWTCertificate(env *checkEnv) []finding {
	var out []finding
	for _, app := range env.Apps {
		if !oauthOn(app) {
			continue
		}
		f := app.Field("secrets.certificate")
		if f == nil {
			continue
		}
		if !f.Present || f.Elem == nil {
			fd := at(StatusConfirmed, app, f.Path)
			fd.Found, fd.Expected = "no certificate", "the certificate whose private key signs the JWT (Use digital signatures / Enable JWT Bearer Flow)"
			fd.Message = fmt.Sprintf("%s has no certificate, so Salesforce cannot verify a JWT assertion", app.Name)
			out = append(out, fd)
			continue
		}
		text := f.Elem.Text
		if strings.Contains(text, "PRIVATE KEY") {
			continue // baseline/private-key-committed reports it
		}
		cert, err := parseCertificate(text)
		if err != nil {
			fd := at(StatusConfirmed, app, f.Path)
			fd.Found, fd.Expected = "a certificate that does not parse ("+err.Error()+")", "an X.509 certificate (base64 DER or PEM)"
			fd.Message = fmt.Sprintf("the certificate of %s does not parse", app.Name)
			out = append(out, fd)
			continue
		}
		t := env.Now
		switch {
		case t.After(cert.NotAfter):
			fd := at(StatusConfirmed, app, f.Path)
			fd.Found = "a certificate that expired on " + cert.NotAfter.UTC().Format("2006-01-02")
			fd.Expected = "a current certificate matching the JWT signing key"
			fd.Message = fmt.Sprintf("the certificate of %s has expired", app.Name)
			out = append(out, fd)
		case t.Before(cert.NotBefore):
			fd := at(StatusConfirmed, app, f.Path)
			fd.Found = "a certificate valid only from " + cert.NotBefore.UTC().Format("2006-01-02")
			fd.Expected = "a current certificate matching the JWT signing key"
			fd.Message = fmt.Sprintf("the certificate of %s is not valid yet", app.Name)
			out = append(out, fd)
		default:
			out = append(out, ruledOut(app, f.Path, fmt.Sprintf("%s has a certificate valid until %s; check that the JWT is signed with its private key and that aud is the login host", app.Name, cert.NotAfter.UTC().Format("2006-01-02"))))
		}
	}
	return out
}

func checkECAPasswordFlow(env *checkEnv) []finding {
	var out []finding
	for _, app := range env.Apps {
		if app.Kind != metadata.KindECA {
			out = append(out, ruledOut(app, "app.kind", app.Name+" is a Connected App, which supports the username-password flow where the org allows it"))
			continue
		}
		fd := at(StatusConfirmed, app, "app.kind")
		fd.Pos = app.Pos
		fd.Found, fd.Expected = "External Client App", "a Connected App, or another flow (JWT bearer, client credentials, web server)"
		fd.Message = fmt.Sprintf("%s is an External Client App; External Client Apps reportedly do not support the username-password flow", app.Name)
		fd.Note = "reported by a CLI project, not confirmed by Salesforce (oauth-troubleshooting.md E33)"
		out = append(out, fd)
	}
	return out
}

func checkNoRefreshScope(env *checkEnv) []finding {
	var out []finding
	for _, app := range env.Apps {
		if !oauthOn(app) {
			continue
		}
		f := app.Field("oauth.scopes")
		if hasScope(app, "RefreshToken") {
			out = append(out, ruledOut(app, f.Path, app.Name+" has the refresh_token scope"))
			continue
		}
		fd := at(StatusConfirmed, app, f.Path)
		fd.Found, fd.Expected = f.Display(), "RefreshToken (Perform requests at any time (refresh_token, offline_access))"
		fd.Message = fmt.Sprintf("%s does not have the refresh_token scope, so it issues no refresh token", app.Name)
		fd.Fix = fixAdd(f.Path, metadata.ScopeSpelling("RefreshToken", app.Kind))
		out = append(out, fd)
	}
	return out
}

// shortSession is the session timeout, in minutes, at or below which diagnose
// calls it a likely cause of expired sessions.
const shortSession = 15

func checkSessionTimeout(env *checkEnv) []finding {
	var out []finding
	for _, app := range env.Apps {
		f := app.Field("policy.sessionTimeout")
		n, ok := f.Int()
		if f == nil || !f.Present || !ok {
			continue
		}
		if n > shortSession {
			out = append(out, ruledOut(app, f.Path, fmt.Sprintf("%s keeps sessions for %d minutes", app.Name, n)))
			continue
		}
		fd := at(StatusConfirmed, app, f.Path)
		fd.Found, fd.Expected = fmt.Sprintf("%d minutes", n), "a timeout the client refreshes within, e.g. 60 minutes"
		fd.Message = fmt.Sprintf("%s ends sessions after %d minutes: access tokens expire that fast", app.Name, n)
		fd.Fix = fixSet(f.Path, "60")
		out = append(out, fd)
	}
	return out
}

// checkNoAPIEnabled: the inputs hold profiles or permission sets and none
// grants API Enabled (the Go rule api-enabled, which only vendor packs run).
func checkNoAPIEnabled(env *checkEnv) []finding {
	if env.Project == nil || len(env.Project.Holders) == 0 {
		return nil
	}
	if hs := env.Project.APIEnabledHolders(); len(hs) > 0 {
		var names []string
		for _, h := range hs {
			names = append(names, fmt.Sprintf("%s %q", holderKind(h), h.Name))
		}
		return []finding{{Status: StatusRuledOut, Message: "API Enabled is granted by " + strings.Join(names, ", ") + "; make sure the connecting user holds one of them"}}
	}
	f := finding{Status: StatusConfirmed, Expected: "ApiEnabled granted to the connecting user by a profile or permission set"}
	h := env.Project.Holders[0]
	f.Pos = h.Pos
	f.Found = fmt.Sprintf("no profile or permission set in the inputs grants API Enabled (checked %d)", len(env.Project.Holders))
	for _, x := range env.Project.Holders {
		if perm, ok := x.Permissions["apienabled"]; ok && !perm.Enabled {
			f.Pos = perm.Pos
			f.Found = fmt.Sprintf("%s %q sets ApiEnabled to false, and no profile or permission set in the inputs grants it", holderKind(x), x.Name)
			break
		}
	}
	f.Message = "no profile or permission set in the inputs grants API Enabled"
	return []finding{f}
}
