package rules

import (
	"fmt"
	"net/netip"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/sfapplint/sfapplint/metadata"
)

// GoRule is a check that cannot be said declaratively (schema, secrets,
// cross-file joins). It is documented like a YAML rule and packs refer to it
// with `go: NAME`.
type GoRule struct {
	Name        string
	Title       string
	Description string
	Severity    Severity
	Remediation string
	Docs        string
	References  []string
	Explains    []string
	// Check reports findings through the pass. It is nil for the rules about
	// suppression comments, which are reported while suppressions are applied.
	Check func(p *Pass)
}

// GoRuleSet is an explicit list of Go rules.
type GoRuleSet []*GoRule

// Lookup finds a Go rule by name.
func (s GoRuleSet) Lookup(name string) (*GoRule, bool) {
	for _, r := range s {
		if r.Name == name {
			return r, true
		}
	}
	return nil, false
}

// Names lists the rule names, sorted.
func (s GoRuleSet) Names() []string {
	out := make([]string, len(s))
	for i, r := range s {
		out[i] = r.Name
	}
	sort.Strings(out)
	return out
}

// fillDefaults copies the Go rule's documentation into a pack rule, keeping
// what the pack overrides.
func (g *GoRule) fillDefaults(r *Rule, severitySet bool) {
	if !severitySet {
		r.Severity = g.Severity
	}
	if r.Title == "" {
		r.Title = g.Title
	}
	if r.Description == "" {
		r.Description = g.Description
	}
	if r.Remediation == "" {
		r.Remediation = g.Remediation
	}
	if r.Docs == "" {
		r.Docs = g.Docs
	}
	if len(r.References) == 0 {
		r.References = g.References
	}
	if len(r.Explains) == 0 {
		r.Explains = g.Explains
	}
}

// Pass is what a Go rule sees: the project, the apps its pack selected, and a
// way to report.
type Pass struct {
	Project *metadata.Project
	Apps    []*metadata.App
	Rule    *Rule
	diags   []Diagnostic
}

// Report records a finding. Rule, remediation and docs default to the rule's.
func (p *Pass) Report(d Diagnostic) {
	d.Rule = p.Rule.FullID()
	if d.Remediation == "" {
		d.Remediation = p.Rule.Remediation
	}
	if d.Docs == "" {
		d.Docs = p.Rule.Docs
	}
	d.Message = trimMessage(d.Message)
	p.diags = append(p.diags, d)
}

// ReportAt records a finding at a position.
func (p *Pass) ReportAt(app, field string, pos metadata.Pos, key, msg string) {
	p.Report(Diagnostic{App: app, Field: field, File: pos.File, Line: pos.Line, Column: pos.Column, Key: key, Message: msg})
}

// runGoRule runs the Go rule a rule names over apps and returns its findings.
func runGoRule(proj *metadata.Project, apps []*metadata.App, rule *Rule, run Run) ([]Diagnostic, error) {
	g, ok := run.GoRules.Lookup(rule.Go)
	if !ok {
		return nil, fmt.Errorf("rule %s: unknown Go rule %q", rule.FullID(), rule.Go)
	}
	p := &Pass{Project: proj, Apps: apps, Rule: rule}
	if g.Check == nil {
		return nil, nil
	}
	g.Check(p)
	return p.diags, nil
}

// BuiltinGoRules returns every Go rule sfapplint has.
func BuiltinGoRules() GoRuleSet {
	set := append(GoRuleSet{}, problemRules()...)
	set = append(set,
		&GoRule{
			Name:        ruleSuppressionNoReason,
			Title:       "Suppression comment without a reason",
			Description: "Every inline suppression must say why the finding does not apply, so that reviewers can judge it. A suppression without a reason (or without a rule) suppresses nothing.",
			Severity:    SeverityWarning,
			Remediation: "Write the reason after the rule id: <!-- sfapplint-disable-next-line baseline/full-scope: the vendor requires full access -->",
			Docs:        "https://github.com/sfapplint/sfapplint#suppressions",
		},
		&GoRule{
			Name:        ruleSuppressionUnused,
			Title:       "Suppression that suppresses nothing",
			Description: "The suppression comment names a rule that ran but reported nothing on the next element (or the file); the problem was fixed or the comment is misplaced. Stale suppressions hide future findings.",
			Severity:    SeverityWarning,
			Remediation: "Remove the suppression comment, or move it directly above the element the finding is reported on",
			Docs:        "https://github.com/sfapplint/sfapplint#suppressions",
		},
		&GoRule{
			Name:        ruleCommentHyphens,
			Title:       "Comment containing \"--\"",
			Description: "XML 1.0 forbids \"--\" inside comments and Salesforce's XML parser rejects such files on deploy. sfapplint accepts suppression comments written as \"RULE -- reason\", but the \"RULE: reason\" form is safe to deploy.",
			Severity:    SeverityNote,
			Remediation: "Replace \"--\" in the comment, e.g. write the suppression reason after a colon: <!-- sfapplint-disable-next-line RULE: reason -->",
			Docs:        "https://www.w3.org/TR/xml/#sec-comments",
		},
		&GoRule{
			Name:        "oauth-no-callback",
			Title:       "OAuth app without a callback URL",
			Description: "An app with OAuth enabled needs at least one callback URL: the authorization endpoint only redirects to a registered URL, and deploy rejects an OAuth configuration without one.",
			Severity:    SeverityError,
			Remediation: "Setup > App Manager (Connected App: Edit > API (Enable OAuth Settings)) or External Client App Manager > Edit Settings > OAuth Settings: enter the integration's exact redirect URL in Callback URL, one URL per line, and save",
			Docs:        "https://help.salesforce.com/s/articleView?id=xcloud.connected_app_create_api_integration.htm&type=5",
			References:  []string{"RFC 6749 §3.1.2", "salesforce-metadata.md §3.2, §4.2"},
			Explains:    []string{"redirect_uri_missing", "redirect_uri_mismatch"},
			Check:       checkNoCallback,
		},
		&GoRule{
			Name:        "callback-not-https",
			Title:       "Callback URL over plain HTTP",
			Description: "Authorization codes and tokens sent to an http:// callback can be read and altered on the network. Plain HTTP is acceptable only for loopback redirects on the user's own machine (RFC 8252 §7.3), such as the Salesforce CLI's http://localhost:1717/OauthRedirect.",
			Severity:    SeverityError,
			Remediation: "Setup > App Manager or External Client App Manager > your app > Edit (Settings) > OAuth Settings > Callback URL: change the URL to https://, or to a loopback address (http://localhost:PORT/...) for a native app",
			Docs:        "https://www.rfc-editor.org/rfc/rfc9700#section-2.6",
			References:  []string{"RFC 9700 §2.6", "RFC 8252 §7.3", "RFC 6749 §3.1.2.1"},
			Explains:    []string{"HTTPS required"},
			Check:       checkCallbackHTTPS,
		},
		&GoRule{
			Name:        "callback-invalid",
			Title:       "Callback value that is not a usable URL",
			Description: "Each line of the Callback URL field must be one absolute URL. Values without a scheme, with spaces, with several URLs separated by commas, with wildcards, or the deprecated out-of-band value never match the redirect_uri a client sends, so authorization fails with redirect_uri_mismatch.",
			Severity:    SeverityError,
			Remediation: "Setup > App Manager or External Client App Manager > your app > Edit (Settings) > OAuth Settings > Callback URL: write each redirect URL in full (scheme://host/path) on its own line, without commas, spaces or wildcards",
			Docs:        "https://www.rfc-editor.org/rfc/rfc9700#section-4.1",
			References:  []string{"RFC 9700 §4.1.3 (exact redirect URI matching)", "RFC 8252 §7", "oauth-troubleshooting.md E01, E07"},
			Explains:    []string{"redirect_uri_mismatch", "redirect_uri must match configuration", "Out-of-band not supported"},
			Check:       checkCallbackInvalid,
		},
		&GoRule{
			Name:        "consumer-secret-committed",
			Title:       "Consumer secret committed to source control",
			Description: "The consumer secret authenticates the app. Salesforce never returns it on retrieve; a file that contains one was hand-edited, and anyone who can read the repository can impersonate the app. The global OAuth settings file must not hold it (and, per Salesforce, must not be in source control at all).",
			Severity:    SeverityError,
			Remediation: "Remove <consumerSecret> from the file and from the repository history, then rotate the secret: Setup > App Manager (Manage Consumer Details) or External Client App Manager > Settings > OAuth Settings > Consumer Key and Secret > Generate / Apply staged consumer details",
			Docs:        "https://help.salesforce.com/s/articleView?id=xcloud.shr_external_client_app_settings_metadata_secrets_protection.htm&type=5",
			References:  []string{"RFC 6749 §2.3.1, §10.1", "Salesforce ExtlClntAppGlobalOauthSettings: must not be added to source control"},
			Explains:    []string{"invalid_client", "invalid client credentials"},
			Check:       checkConsumerSecret,
		},
		&GoRule{
			Name:        "private-key-committed",
			Title:       "Private key committed in app metadata",
			Description: "A PEM private key in a certificate or secret element is the JWT bearer client credential itself; whoever reads it can obtain tokens as any pre-authorized user.",
			Severity:    SeverityError,
			Remediation: "Remove the private key from the file and the repository history, generate a new key pair, and upload only the public certificate: Setup > App Manager > Edit > Use digital signatures (Connected App) or External Client App Manager > Edit Settings > OAuth Settings > Enable JWT Bearer Flow (External Client App)",
			Docs:        "https://www.rfc-editor.org/rfc/rfc9700#section-2.5",
			References:  []string{"RFC 9700 §2.5", "RFC 7523"},
			Check:       checkPrivateKey,
		},
		&GoRule{
			Name:        "unknown-scope",
			Title:       "OAuth scope Salesforce does not accept",
			Description: "commaSeparatedOauthScopes takes metadata scope names (Api, RefreshToken, OpenID, ...), not OAuth request tokens (api, refresh_token) and not invented names. Deploy rejects unknown values, and a missing real scope makes authorization fail with invalid_scope.",
			Severity:    SeverityError,
			Remediation: "Setup > External Client App Manager > your app > Edit Settings > OAuth Settings > OAuth Scopes: select the scopes from the Available list; in metadata write their metadata names, e.g. Api, RefreshToken",
			Docs:        "https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_extlclntappoauthsettings.htm",
			References:  []string{"salesforce-metadata.md §3.3.1, §5"},
			Explains:    []string{"invalid_scope"},
			Check:       checkUnknownScopes,
		},
		&GoRule{
			Name:        "preauthorized-without-api-enabled",
			Title:       "Pre-authorized profile or permission set without API Enabled",
			Description: "Users pre-authorized through a profile or permission set still need the API Enabled user permission, granted somewhere, to call the API; when the named profile or permission set is in the project and does not grant it, the first API call fails with API_DISABLED_FOR_ORG or API_CURRENTLY_DISABLED unless another assignment grants it.",
			Severity:    SeverityWarning,
			Remediation: "Setup > Users > Permission Sets (or Profiles) > the named permission set > System Permissions > Edit > check API Enabled > Save",
			Docs:        "https://help.salesforce.com/s/articleView?id=sf.admin_userperms.htm&type=5",
			References:  []string{"oauth-troubleshooting.md R25, E36"},
			Explains:    []string{"API_DISABLED_FOR_ORG", "API_CURRENTLY_DISABLED", "The REST API is not enabled for this Organization"},
			Check:       checkPreauthorizedAPIEnabled,
		},
		&GoRule{
			Name:        "use-any-api-client",
			Title:       "Use Any API Client granted",
			Description: "The Use Any API Client permission bypasses admin pre-authorization and API Access Control for every app; Salesforce recommends granting it to nobody.",
			Severity:    SeverityWarning,
			Remediation: "Setup > Users > Profiles / Permission Sets > the profile or permission set > System Permissions > Edit > uncheck Use Any API Client > Save; pre-authorize the users on each app instead",
			Docs:        "https://help.salesforce.com/s/articleView?id=xcloud.connected_apps_api_access_control.htm&type=5",
			References:  []string{"oauth-troubleshooting.md R26"},
			Check:       checkUseAnyAPIClient,
		},
		&GoRule{
			Name:        "api-enabled",
			Title:       "No profile or permission set grants API Enabled",
			Description: "The integration user must hold the API Enabled permission, from a profile or a permission set. When the project holds profiles or permission sets and none grants it, the connection's first API call fails.",
			Severity:    SeverityError,
			Remediation: "Setup > Users > Profiles > the integration user's profile > Edit > Administrative Permissions > check API Enabled > Save; or Setup > Users > Permission Sets > a permission set assigned to the user > System Permissions > Edit > check API Enabled > Save",
			Docs:        "https://help.salesforce.com/s/articleView?id=sf.admin_userperms.htm&type=5",
			References:  []string{"oauth-troubleshooting.md E36"},
			Explains:    []string{"API_DISABLED_FOR_ORG", "API_CURRENTLY_DISABLED", "The REST API is not enabled for this Organization"},
			Check:       checkAPIEnabled,
		},
	)
	return set
}

// lineNumbers matches line and column numbers in messages, which must not
// reach fingerprints.
var lineNumbers = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\b(line|column|col)s? \d+|\d+:\d+`) })

// problemRule maps a metadata problem code to its Go rule.
type problemRule struct {
	code        metadata.ProblemCode
	title       string
	description string
	severity    Severity
	remediation string
}

func problemRules() []*GoRule {
	table := []problemRule{
		{metadata.ProblemMalformed, "Malformed XML", "The file is not well-formed XML, so Salesforce cannot deploy it and sfapplint cannot check it. The position is where the XML parser stopped.", SeverityError, "Open the file at the reported line and column and repair the XML (unclosed or mismatched tag, stray '<' or '&', truncated file); re-retrieve it from the org if in doubt"},
		{metadata.ProblemUnreadable, "Unreadable file", "A metadata file could not be read (permissions, broken symbolic link).", SeverityError, "Make the file readable, or remove it"},
		{metadata.ProblemTooLarge, "File over the size limit", "The file is larger than sfapplint reads (--max-file-size); real app metadata is a few kilobytes.", SeverityError, "Check that the file really is app metadata; raise --max-file-size if it is"},
		{metadata.ProblemZip, "Unreadable or unsafe zip entry", "A retrieved zip archive could not be read safely: corrupt, over the size limits, or with entries that escape the archive.", SeverityError, "Retrieve the metadata again (sf project retrieve start --target-metadata-dir ... --unzip) or pass the unzipped directory"},
		{metadata.ProblemWrongRoot, "Root element does not match the file type", "The root element must be the metadata type its file suffix names (e.g. <ConnectedApp> in a .connectedApp-meta.xml file); otherwise deploy fails and the file is not joined to its app.", SeverityError, "Rename the file to the suffix of its type, or change the root element to the type the suffix names"},
		{metadata.ProblemWrongNamespace, "Root element not in the metadata namespace", "Every Salesforce metadata file's root element carries xmlns=\"http://soap.sforce.com/2006/04/metadata\"; without it deploy fails.", SeverityError, "Set xmlns=\"http://soap.sforce.com/2006/04/metadata\" on the root element"},
		{metadata.ProblemUnknownElement, "Unknown element", "The element is not part of this metadata type (often a typo); deploy rejects the file, or the intended setting silently does not apply.", SeverityError, "Correct the element name (see the did-you-mean in the message) or remove the element"},
		{metadata.ProblemBadEnum, "Value outside the allowed values", "The element takes one of a fixed set of values; anything else fails deploy.", SeverityError, "Use one of the allowed values listed in the message, spelled exactly"},
		{metadata.ProblemBadBoolean, "Boolean other than true or false", "Boolean elements take true or false.", SeverityError, "Write true or false"},
		{metadata.ProblemBadNumber, "Number that does not parse", "The element takes a number.", SeverityError, "Write a whole number"},
		{metadata.ProblemMissingRequired, "Required element missing", "The metadata type requires this element; deploy fails without it.", SeverityError, "Add the element named in the message"},
		{metadata.ProblemDuplicate, "Element given twice", "The element may appear once; Salesforce keeps one value and which one is not defined.", SeverityError, "Remove the extra element"},
		{metadata.ProblemECAOrphan, "External Client App file without its app", "The settings or policy file names an External Client App that is not among the inputs, so its settings cannot be checked with the app (or the name is misspelled).", SeverityWarning, "Check the <externalClientApplication> value against the .eca-meta.xml file name, or include the app's header file in the inputs"},
		{metadata.ProblemECADuplicate, "App or app file defined twice", "Two files define the same app, or the same settings file kind for one External Client App; only one can be deployed.", SeverityError, "Remove the duplicate file, or point it at the right app"},
		{metadata.ProblemDeprecated, "Deprecated element", "Salesforce has deprecated this element; it is ignored or will be removed.", SeverityNote, "Remove the element; set the live setting where the message says"},
	}
	out := make([]*GoRule, 0, len(table))
	for _, pr := range table {
		out = append(out, &GoRule{
			Name:        string(pr.code),
			Title:       pr.title,
			Description: pr.description,
			Severity:    pr.severity,
			Remediation: pr.remediation,
			Docs:        "https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_types_list.htm",
			References:  []string{"salesforce-metadata.md §1-§4"},
			Check: func(p *Pass) {
				for _, prob := range p.Project.Problems {
					if prob.Code != pr.code {
						continue
					}
					msg := prob.Message
					if len(prob.Allowed) > 0 && !strings.Contains(msg, prob.Allowed[0]) {
						msg += " (allowed: " + strings.Join(prob.Allowed, ", ") + ")"
					}
					p.Report(Diagnostic{App: prob.App, File: prob.Pos.File, Line: max(prob.Pos.Line, 1), Column: max(prob.Pos.Column, 1),
						Key: prob.Element + "\x00" + lineNumbers().ReplaceAllString(prob.Message, "#"), Message: msg, Expected: prob.Suggestion})
				}
			},
		})
	}
	return out
}

func checkNoCallback(p *Pass) {
	for _, app := range p.Apps {
		f := app.Field("oauth.callbackUrls")
		if f == nil || len(f.Items) > 0 {
			continue
		}
		switch app.Kind {
		case metadata.KindConnectedApp:
			if en, _ := app.Field("oauth.enabled").Bool(); !en {
				continue
			}
		case metadata.KindECA:
			// The global file may legitimately be kept out of source control;
			// without it nothing can be said about the callback URL.
			if app.Docs[metadata.TypeECAGlobalOauth] == nil {
				continue
			}
			if en, _ := app.Field("oauth.enabled").Bool(); !en {
				continue
			}
		}
		p.Report(Diagnostic{App: app.Name, Field: f.Path, File: f.Pos().File, Line: f.Pos().Line, Column: f.Pos().Column,
			Message: fmt.Sprintf("%s %q has OAuth enabled but no callback URL", app.Kind, app.Name), Expected: "a callback URL",
			Fix: nil})
	}
}

// isLoopback reports whether host is a loopback name or address.
func isLoopback(host string) bool {
	h := strings.ToLower(strings.Trim(host, "[]"))
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	// netip, not net: package net would bring cgo and its start-up cost.
	ip, err := netip.ParseAddr(h)
	return err == nil && ip.Zone() == "" && ip.Unmap().IsLoopback()
}

func eachCallback(p *Pass, fn func(app *metadata.App, f *metadata.Field, it metadata.Item)) {
	for _, app := range p.Apps {
		f := app.Field("oauth.callbackUrls")
		if f == nil {
			continue
		}
		for _, it := range f.Items {
			fn(app, f, it)
		}
	}
}

func checkCallbackHTTPS(p *Pass) {
	eachCallback(p, func(app *metadata.App, f *metadata.Field, it metadata.Item) {
		u, err := url.Parse(it.Value)
		if err != nil || !strings.EqualFold(u.Scheme, "http") || u.Host == "" {
			return
		}
		if isLoopback(u.Hostname()) {
			return
		}
		p.Report(Diagnostic{App: app.Name, Field: f.Path, File: it.Pos.File, Line: it.Pos.Line, Column: it.Pos.Column, Key: it.Value,
			Message: fmt.Sprintf("callback URL %q uses plain HTTP on a non-loopback host", it.Value),
			Found:   it.Value, Expected: "https://" + strings.TrimPrefix(strings.TrimPrefix(it.Value, "http://"), "HTTP://")})
	})
}

// callbackProblem says what is wrong with a callback value, or "" when nothing is.
func callbackProblem(v string) string {
	switch {
	case strings.Contains(v, "*"):
		return "contains a wildcard; Salesforce matches callback URLs exactly"
	case strings.EqualFold(v, "urn:ietf:wg:oauth:2.0:oob") || strings.EqualFold(v, "oob"):
		return "is the out-of-band value, which Salesforce does not support"
	case strings.Contains(v, ","):
		return "holds several values separated by commas; put each URL on its own line"
	case strings.ContainsAny(v, " \t"):
		return "contains spaces"
	}
	u, err := url.Parse(v)
	if err != nil {
		return "is not a URL: " + err.Error()
	}
	if u.Scheme == "" {
		return "has no scheme (https://...)"
	}
	if (strings.EqualFold(u.Scheme, "http") || strings.EqualFold(u.Scheme, "https")) && u.Host == "" {
		return "has no host"
	}
	if u.Fragment != "" {
		return "contains a fragment (#...), which redirect URIs must not have"
	}
	return ""
}

func checkCallbackInvalid(p *Pass) {
	eachCallback(p, func(app *metadata.App, f *metadata.Field, it metadata.Item) {
		if why := callbackProblem(it.Value); why != "" {
			p.Report(Diagnostic{App: app.Name, Field: f.Path, File: it.Pos.File, Line: it.Pos.Line, Column: it.Pos.Column, Key: it.Value,
				Message: fmt.Sprintf("callback URL %q %s", it.Value, why), Found: it.Value})
		}
	})
}

// looksLikePlaceholder reports whether a secret value is a template placeholder
// rather than a real secret. Only the shape is inspected; the value is never printed.
func looksLikePlaceholder(v string) bool {
	v = strings.TrimSpace(v)
	upper := strings.ToUpper(v)
	switch {
	case strings.Contains(v, "${") || strings.Contains(v, "{{") || strings.HasPrefix(v, "<"):
		return true
	case strings.Contains(upper, "REPLACE") || strings.Contains(upper, "PLACEHOLDER") || strings.Contains(upper, "CHANGEME") || strings.Contains(upper, "YOUR_"):
		return true
	}
	return false
}

func checkConsumerSecret(p *Pass) {
	for _, app := range p.Apps {
		f := app.Field("secrets.consumerSecret")
		if f == nil || !f.Present || f.Elem == nil {
			continue
		}
		d := Diagnostic{App: app.Name, Field: f.Path, File: f.Pos().File, Line: f.Pos().Line, Column: f.Pos().Column,
			Message: fmt.Sprintf("%s %q has a consumer secret committed in %s (value not shown)", app.Kind, app.Name, f.Elem.Name)}
		if looksLikePlaceholder(f.Elem.Text) {
			d.Severity = SeverityNote
			d.Message = fmt.Sprintf("%s %q has a placeholder consumer secret in %s; make sure the real secret is never written here", app.Kind, app.Name, f.Elem.Name)
		}
		p.Report(d)
	}
}

func checkPrivateKey(p *Pass) {
	for _, app := range p.Apps {
		f := app.Field("secrets.privateKey")
		if f == nil || !f.Present {
			continue
		}
		p.Report(Diagnostic{App: app.Name, Field: f.Path, File: f.Pos().File, Line: f.Pos().Line, Column: f.Pos().Column,
			Message: fmt.Sprintf("%s %q contains a PEM private key (value not shown)", app.Kind, app.Name)})
	}
}

func checkUnknownScopes(p *Pass) {
	for _, app := range p.Apps {
		if app.Kind != metadata.KindECA {
			continue // ConnectedApp scopes are an enum: the schema checks them
		}
		f := app.Field("oauth.scopes")
		if f == nil {
			continue
		}
		for _, it := range f.Items {
			c, ok := metadata.CanonicalScope(it.Value)
			switch {
			case !ok:
				p.Report(Diagnostic{App: app.Name, Field: f.Path, File: it.Pos.File, Line: it.Pos.Line, Column: it.Pos.Column, Key: it.Value,
					Message: fmt.Sprintf("%q is not a Salesforce OAuth scope", it.Value), Found: it.Value})
			case !metadata.IsMetadataScopeSpelling(it.Value, app.Kind):
				want := metadata.ScopeSpelling(c, app.Kind)
				p.Report(Diagnostic{App: app.Name, Field: f.Path, File: it.Pos.File, Line: it.Pos.Line, Column: it.Pos.Column, Key: it.Value,
					Message: fmt.Sprintf("scope %q is spelled as an OAuth token or in the wrong case; metadata writes it %q", it.Value, want), Found: it.Value, Expected: want})
			}
		}
	}
}

func checkPreauthorizedAPIEnabled(p *Pass) {
	for _, app := range p.Apps {
		if app.Field("policy.permittedUsers").String() != metadata.PermittedAdminApprovedPreAuthorized {
			continue
		}
		for _, spec := range []struct {
			path string
			t    metadata.Type
		}{{"policy.permissionSets", metadata.TypePermissionSet}, {"policy.profiles", metadata.TypeProfile}} {
			f := app.Field(spec.path)
			if f == nil {
				continue
			}
			for _, it := range f.Items {
				h := p.Project.FindHolder(spec.t, it.Value)
				if h == nil {
					continue
				}
				if _, ok := h.Grants("ApiEnabled"); ok {
					continue
				}
				p.Report(Diagnostic{App: app.Name, Field: f.Path, File: it.Pos.File, Line: it.Pos.Line, Column: it.Pos.Column, Key: it.Value,
					Message: fmt.Sprintf("%s %q pre-authorizes %s %q, which does not grant API Enabled (%s)", app.Kind, app.Name, strings.ToLower(string(spec.t)), it.Value, h.Pos.File),
					Found:   "ApiEnabled not granted", Expected: "ApiEnabled enabled"})
			}
		}
	}
}

func checkUseAnyAPIClient(p *Pass) {
	for _, h := range p.Project.Holders {
		if perm, ok := h.Grants("UseAnyApiClient"); ok {
			p.Report(Diagnostic{File: perm.Pos.File, Line: perm.Pos.Line, Column: perm.Pos.Column, Key: h.Name,
				Message: fmt.Sprintf("%s %q grants Use Any API Client", h.Type, h.Name)})
		}
	}
}

func checkAPIEnabled(p *Pass) {
	if len(p.Project.Holders) == 0 || len(p.Project.APIEnabledHolders()) > 0 {
		return
	}
	reported := false
	for _, h := range p.Project.Holders {
		if perm, ok := h.Permissions["apienabled"]; ok && !perm.Enabled {
			p.Report(Diagnostic{File: perm.Pos.File, Line: perm.Pos.Line, Column: perm.Pos.Column, Key: h.Name,
				Message: fmt.Sprintf("%s %q disables API Enabled, and no profile or permission set in the project grants it", h.Type, h.Name),
				Found:   "false", Expected: "true"})
			reported = true
		}
	}
	if !reported {
		h := p.Project.Holders[0]
		p.Report(Diagnostic{File: h.Pos.File, Line: h.Pos.Line, Column: h.Pos.Column, Key: h.Name,
			Message:  fmt.Sprintf("no profile or permission set in the project grants API Enabled (checked %d)", len(p.Project.Holders)),
			Expected: "ApiEnabled enabled"})
	}
}
