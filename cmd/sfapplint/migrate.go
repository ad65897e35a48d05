package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sfapplint/sfapplint/metadata"
	"github.com/sfapplint/sfapplint/metadata/edit"
	"github.com/sfapplint/sfapplint/rules"
)

type migrateOptions struct {
	pack  packFlags
	dir   string
	keep  bool
	force bool
}

func newMigrateCmd(s *Streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Move apps from Connected Apps to External Client Apps",
		Long: `migrate rewrites apps in the metadata format Salesforce is moving to. Since
Spring '26 new Connected Apps can only be created with Salesforce Support;
External Client Apps are the way forward.`,
	}
	cmd.AddCommand(newMigrateConnectedAppCmd(s))
	return cmd
}

func newMigrateConnectedAppCmd(s *Streams) *cobra.Command {
	opts := &migrateOptions{}
	cmd := &cobra.Command{
		Use:   "connectedapp NAME",
		Short: "Write the External Client App equivalent of a Connected App",
		Long: `migrate connectedapp finds the Connected App NAME in the SFDX project of the
working directory (or below --dir) and writes the External Client App files
that say the same thing (header, global OAuth settings, OAuth settings, OAuth
policies, plugin policies) next to it, in their conventional folders. Every
setting with an External Client App equivalent is carried over, spelled the
External Client App way (isClientCredentialEnabled becomes
isClientCredentialsFlowEnabled, ENFORCE becomes Enforce, repeated <scopes>
become one commaSeparatedOauthScopes, permission set labels become API names,
...); each setting without one is listed.

The selected packs (default: the config's, else baseline) are evaluated before
and after; the Connected App file is removed unless --keep, and kept when the
External Client App draws findings the Connected App did not.
The consumer key and secret are never carried over: the new app gets its own.`,
		Example: `  sfapplint migrate connectedapp Billing_Sync
  sfapplint migrate connectedapp Billing_Sync --dir force-app --keep --pack atera-robin`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runMigrateConnectedApp(cmd.Context(), s, args[0], opts)
		},
	}
	opts.pack.register(cmd)
	cmd.Flags().StringVar(&opts.dir, "dir", "", "directory to search for the Connected App (default: the SFDX project)")
	cmd.Flags().BoolVar(&opts.keep, "keep", false, "keep the Connected App file")
	cmd.Flags().BoolVar(&opts.force, "force", false, "overwrite existing External Client App files")
	return cmd
}

func runMigrateConnectedApp(ctx context.Context, s *Streams, name string, opts *migrateOptions) error {
	st, err := resolveSetup(s, &opts.pack)
	if err != nil {
		return err
	}
	var paths []string
	if opts.dir != "" {
		paths = []string{opts.dir}
	}
	loadProject := func() (*metadata.Project, error) {
		// migrate reports a schema error as it is; load would wrap it.
		if _, err := st.schema(); err != nil {
			return nil, err
		}
		return load(ctx, s, st.schema, paths, metadata.DefaultLimits(), st.ignore)
	}
	proj, err := loadProject()
	if err != nil {
		return err
	}
	ca := findApp(proj, name, metadata.KindConnectedApp)
	if ca == nil {
		var names []string
		for _, a := range proj.Apps {
			if a.Kind == metadata.KindConnectedApp {
				names = append(names, a.Name)
			}
		}
		if len(names) == 0 {
			return usageErrorf("no Connected App %q: the inputs hold no Connected App", name)
		}
		return usageErrorf("no Connected App %q (Connected Apps: %s)", name, strings.Join(names, ", "))
	}
	if findApp(proj, name, metadata.KindECA) != nil {
		return usageErrorf("an External Client App %q already exists", name)
	}
	caDoc := ca.Docs[metadata.TypeConnectedApp]
	if strings.Contains(caDoc.Path, "!") {
		return usageErrorf("%s is inside an archive; unzip it to migrate the app", caDoc.Path)
	}

	m := migrateConnectedApp(proj, ca)
	format := edit.FormatOf(caDoc)
	var dests []fileDest
	var data [][]byte
	for _, f := range m.files {
		display := edit.SiblingPath(caDoc.Path, metadata.TypeConnectedApp, f.typ, f.component)
		dests = append(dests, fileDest{display: display, abs: displayToAbs(proj.Root, display)})
		data = append(data, edit.NewFile(f.typ, f.elements, format))
	}
	if err := refuseOverwrite(dests, opts.force); err != nil {
		return err
	}

	before, err := rules.Evaluate(ctx, proj, st.run)
	if err != nil {
		return &usageError{err: err}
	}
	for i, d := range dests {
		if err := writeAppFile(s, d, data[i]); err != nil {
			return err
		}
	}
	fmt.Fprintf(s.Out, "Wrote External Client App %s for Connected App %s (%s):\n", name, name, caDoc.Path)
	for _, d := range dests {
		fmt.Fprintf(s.Out, "  %s\n", d.display)
	}

	after, err := loadProject()
	if err != nil {
		return err
	}
	afterDiags, err := rules.Evaluate(ctx, after, st.run)
	if err != nil {
		return &usageError{err: err}
	}
	eca := findApp(after, name, metadata.KindECA)
	if eca == nil {
		return fmt.Errorf("internal error: the written External Client App %s does not load", name)
	}
	was := verdicts(before, ca)
	now := verdicts(afterDiags, eca)
	var gone, added []string
	for k := range was {
		if !now[k] {
			gone = append(gone, k)
		}
	}
	for k := range now {
		if !was[k] {
			added = append(added, k)
		}
	}
	sort.Strings(gone)
	sort.Strings(added)

	if len(m.notMigrated) > 0 {
		fmt.Fprintln(s.Out, "\nSettings with no External Client App equivalent (not migrated):")
		for _, n := range m.notMigrated {
			fmt.Fprintf(s.Out, "  - %s\n", n)
		}
	}
	if len(m.warnings) > 0 {
		fmt.Fprintln(s.Out, "\nCheck by hand:")
		for _, w := range m.warnings {
			fmt.Fprintf(s.Out, "  - %s\n", w)
		}
	}
	fmt.Fprintf(s.Out, "\nVerdicts of %s: ", packIDs(st.run.Packs))
	switch {
	case len(gone) == 0 && len(added) == 0:
		fmt.Fprintln(s.Out, "the same for both apps")
	default:
		fmt.Fprintln(s.Out, "they differ")
		for _, g := range gone {
			fmt.Fprintf(s.Out, "  - only the Connected App: %s\n", g)
		}
		for _, a := range added {
			fmt.Fprintf(s.Out, "  + only the External Client App: %s\n", a)
		}
	}

	todo := migrateTodo(name, ca)
	if !strings.HasSuffix(caDoc.Path, "-meta.xml") {
		todo = append(todo, "The app is in Metadata API format: list the new components in package.xml (types ExternalClientApplication, ExtlClntAppGlobalOauthSettings, ExtlClntAppOauthSettings, ExtlClntAppOauthConfigurablePolicies, ExtlClntAppConfigurablePolicies) and remove the ConnectedApp member")
	}
	printTodo(s.Out, todo)
	if len(added) > 0 {
		fmt.Fprintf(s.ErrOut, "sfapplint: kept %s: the External Client App draws findings the Connected App did not\n", caDoc.Path)
		return &exitError{code: ExitFindings}
	}
	if !opts.keep {
		if err := os.Remove(displayToAbs(proj.Root, caDoc.Path)); err != nil {
			return fmt.Errorf("removing %s: %w", caDoc.Path, err)
		}
		fmt.Fprintf(s.Out, "\nRemoved %s (use --keep to keep it)\n", caDoc.Path)
	}
	return nil
}

// verdicts returns the ids of the rules that report on one app, independent
// of files, positions and spellings (a permission set label on a Connected
// App is its API name on an External Client App).
func verdicts(diags []rules.Diagnostic, app *metadata.App) map[string]bool {
	files := map[string]bool{}
	for _, f := range app.Files() {
		files[f] = true
	}
	out := map[string]bool{}
	for _, d := range diags {
		if d.App != app.Name || !files[d.File] {
			continue
		}
		out[d.Rule] = true
	}
	return out
}

func migrateTodo(name string, ca *metadata.App) []string {
	todo := []string{
		"Deploy the External Client App; the org gives it a new consumer key and secret: copy them from Setup > External Client Apps > External Client Apps Manager > " + name + " > Settings > OAuth Settings > Consumer Key and Secret into the integration, and never commit the secret",
		"Users and integrations authorize the new app once (tokens issued to the Connected App do not carry over)",
		"When the integration works with the External Client App, delete the Connected App from the org (destructive change or Setup > App Manager)",
	}
	if f := ca.Field("policy.permittedUsers"); f != nil && f.String() == metadata.PermittedAdminApprovedPreAuthorized {
		todo = append(todo, "Check that the pre-authorized profiles and permission sets still grant API Enabled to the integration user")
	}
	return todo
}

// migration is the External Client App a Connected App becomes.
type migration struct {
	files       []appFile
	notMigrated []string
	warnings    []string
}

// caReader reads a Connected App's elements and remembers which it used.
type caReader struct {
	root *metadata.Element
	used map[*metadata.Element]bool
}

func (r *caReader) el(path string) *metadata.Element {
	e := r.root
	for _, p := range strings.Split(path, "/") {
		if e = e.Child(p); e == nil {
			return nil
		}
	}
	r.used[e] = true
	return e
}

// text returns the element's text, trimmed, and whether the element exists.
func (r *caReader) text(path string) (string, bool) {
	e := r.el(path)
	if e == nil || len(e.Children) > 0 {
		return "", false
	}
	return strings.TrimSpace(e.Text), true
}

func (r *caReader) all(path string) []*metadata.Element {
	i := strings.LastIndex(path, "/")
	parent, name := r.root, path
	if i >= 0 {
		if parent = r.el(path[:i]); parent == nil {
			return nil
		}
		name = path[i+1:]
	}
	els := parent.ChildrenNamed(name)
	for _, e := range els {
		r.used[e] = true
	}
	return els
}

// noEquivalent explains the Connected App settings an External Client App
// cannot take over (salesforce-metadata.md §4, §6, §8).
var noEquivalent = map[string]string{
	"fullName":                          "the file name names the app",
	"oauthConfig/consumerKey":           "the External Client App gets its own consumer key when it is created",
	"oauthConfig/consumerSecret":        "secrets are never written; the External Client App gets its own consumer secret",
	"oauthConfig/isIpBindingEnabled":    "no External Client App setting",
	"oauthConfig/isPKImTLSEnabled":      "no External Client App setting",
	"canvas":                            "canvas apps become ExtlClntAppCanvasSettings, which sfapplint does not write",
	"canvasConfig":                      "canvas apps become ExtlClntAppCanvasSettings, which sfapplint does not write",
	"samlConfig":                        "SAML becomes ExtlClntAppSamlConfigurablePolicies, which sfapplint does not write",
	"mobileAppConfig":                   "mobile settings become ExtlClntAppMobileSettings, which sfapplint does not write",
	"mobileStartUrl":                    "mobile settings become ExtlClntAppMobileSettings, which sfapplint does not write",
	"plugin":                            "External Client Apps have no Connected App plugin class (token exchange uses an Apex handler instead)",
	"pluginExecutionUser":               "External Client Apps have no Connected App plugin class",
	"developerName":                     "not part of the ConnectedApp schema",
	"version":                           "not part of the ConnectedApp schema",
	"oauthConfig/isConsumerKeyOptional": "not part of the ConnectedApp schema",
}

// migrateConnectedApp maps every Connected App setting that has an External
// Client App equivalent (salesforce-metadata.md §4.3, §6) and lists the rest.
func migrateConnectedApp(proj *metadata.Project, ca *metadata.App) *migration {
	doc := ca.Docs[metadata.TypeConnectedApp]
	r := &caReader{root: doc.Root, used: map[*metadata.Element]bool{}}
	m := &migration{}
	name := ca.Name
	leaf := func(n, t string) edit.Element { return edit.Element{Name: n, Text: t} }
	// copyTo appends ECA element ecaName with the Connected App element's text
	// (or def when the element is absent; nothing when def is "").
	copyTo := func(els *[]edit.Element, caPath, ecaName, def string) {
		if t, ok := r.text(caPath); ok {
			*els = append(*els, leaf(ecaName, t))
		} else if def != "" {
			*els = append(*els, leaf(ecaName, def))
		}
	}

	// Header.
	var header []edit.Element
	copyTo(&header, "contactEmail", "contactEmail", "")
	copyTo(&header, "contactPhone", "contactPhone", "")
	copyTo(&header, "description", "description", "")
	header = append(header, leaf("distributionState", "Local"))
	copyTo(&header, "iconUrl", "iconUrl", "")
	copyTo(&header, "infoUrl", "infoUrl", "")
	header = append(header, leaf("isProtected", "false"))
	copyTo(&header, "label", "label", name)
	copyTo(&header, "logoUrl", "logoUrl", "")

	oauth := r.el("oauthConfig") != nil
	edit.SortElements(header)
	m.files = append(m.files, appFile{typ: metadata.TypeExternalClientApp, component: name, elements: header})

	if oauth {
		// Global OAuth settings: callback, certificate and flow switches.
		var glbl []edit.Element
		if e := r.el("oauthConfig/callbackUrl"); e != nil {
			glbl = append(glbl, leaf("callbackUrl", strings.TrimSpace(e.Text)))
		}
		copyTo(&glbl, "oauthConfig/certificate", "certificate", "")
		for _, b := range []struct{ ca, eca, def string }{
			{"isClientCredentialEnabled", "isClientCredentialsFlowEnabled", "false"},
			{"isCodeCredentialEnabled", "isCodeCredFlowEnabled", "false"},
			{"isCodeCredentialPostOnly", "isCodeCredPostOnly", "false"},
			{"isConsumerSecretOptional", "isConsumerSecretOptional", "false"},
			{"isDeviceFlowEnabled", "isDeviceFlowEnabled", "false"},
			{"isDPopEnabled", "isDPopEnabled", ""},
			{"isEnforceRefreshTokenTTL", "isEnforceRefreshTokenTTL", ""},
			{"isIntrospectAllTokens", "isIntrospectAllTokens", "false"},
			{"isNamedUserJwtEnabled", "isNamedUserJwtEnabled", "false"},
			// A Connected App does not require PKCE by default; an External
			// Client App does. Write the Connected App's effective value.
			{"isPkceRequired", "isPkceRequired", "false"},
			{"isRefreshTokenRotationEnabled", "isRefreshTokenRotationEnabled", "false"},
			{"isSecretRequiredForRefreshToken", "isSecretRequiredForRefreshToken", "true"},
			{"isSecretRequiredForTokenExchange", "isSecretRequiredForTokenExchange", ""},
			{"isTokenExchangeEnabled", "isTokenExchangeEnabled", "false"},
		} {
			copyTo(&glbl, "oauthConfig/"+b.ca, b.eca, b.def)
		}
		if id := r.el("oauthConfig/idTokenConfig"); id != nil {
			var kids []edit.Element
			for _, b := range [][2]string{
				{"idTokenAudience", "idTokenAudience"},
				{"idTokenIncludeAttributes", "idTokenIncludeAttributes"},
				{"idTokenIncludeCustomPerms", "idTokenIncludeCustomPermissions"},
				{"idTokenIncludeStandardClaims", "idTokenIncludeStandardClaims"},
				{"idTokenValidity", "idTokenValidityInMinutes"},
			} {
				copyTo(&kids, "oauthConfig/idTokenConfig/"+b[0], b[1], "")
			}
			if len(kids) > 0 {
				glbl = append(glbl, edit.Element{Name: "idTokenConfig", Children: kids})
			}
		}
		glbl = append(glbl, leaf("shouldRotateConsumerKey", "false"), leaf("shouldRotateConsumerSecret", "false"))

		// OAuth settings: scopes, logout URL, asset tokens, trusted IP ranges.
		var oset []edit.Element
		var scopes []string
		seen := map[string]bool{}
		for _, e := range r.all("oauthConfig/scopes") {
			v := strings.TrimSpace(e.Text)
			if v == "" {
				continue
			}
			if c, ok := metadata.CanonicalScope(v); ok {
				v = metadata.ScopeSpelling(c, metadata.KindECA)
			}
			if !seen[v] {
				seen[v] = true
				scopes = append(scopes, v)
			}
		}
		if len(scopes) > 0 {
			oset = append(oset, leaf("commaSeparatedOauthScopes", strings.Join(scopes, ", ")))
		}
		oset = append(oset, leaf("isFirstPartyAppEnabled", "false"))
		copyTo(&oset, "oauthConfig/singleLogoutUrl", "singleLogoutUrl", "")
		if r.el("oauthConfig/assetTokenConfig") != nil {
			for _, b := range [][2]string{
				{"assetAudiences", "assetTokenAudiences"},
				{"assetIncludeAttributes", "areAttributesIncludedInAssetToken"},
				{"assetIncludeCustomPerms", "areCustomPermsIncludedInAssetToken"},
				{"assetSigningCertId", "assetTokenSigningCertificate"},
				{"assetValidityPeriod", "assetTokenValidity"},
			} {
				copyTo(&oset, "oauthConfig/assetTokenConfig/"+b[0], b[1], "")
			}
		}
		for _, e := range r.all("ipRanges") {
			var kids []edit.Element
			for _, b := range [][2]string{{"description", "description"}, {"end", "endIpAddress"}, {"start", "startIpAddress"}} {
				if c := e.Child(b[0]); c != nil {
					r.used[c] = true
					kids = append(kids, leaf(b[1], strings.TrimSpace(c.Text)))
				}
			}
			oset = append(oset, edit.Element{Name: "trustedIpRanges", Children: kids})
		}

		// OAuth policies: who may use the app, IP relaxation, tokens, sessions.
		var plc []edit.Element
		copyTo(&plc, "oauthConfig/oauthClientCredentialUser", "clientCredentialsFlowUser", "")
		if sets := r.all("permissionSetName"); len(sets) > 0 {
			var names []string
			for _, e := range sets {
				v := strings.TrimSpace(e.Text)
				if v == "" {
					continue
				}
				if h := proj.FindHolder(metadata.TypePermissionSet, v); h != nil {
					v = h.Name
				} else {
					m.warnings = append(m.warnings, fmt.Sprintf("permission set %q is not in the project: an External Client App names permission sets by API name, a Connected App often by label; correct commaSeparatedPermissionSet if needed", v))
				}
				names = append(names, v)
			}
			if len(names) > 0 {
				plc = append(plc, leaf("commaSeparatedPermissionSet", strings.Join(names, ", ")))
			}
		}
		if profs := r.all("profileName"); len(profs) > 0 {
			var names []string
			for _, e := range profs {
				if v := strings.TrimSpace(e.Text); v != "" {
					names = append(names, v)
				}
			}
			if len(names) > 0 {
				plc = append(plc, leaf("commaSeparatedProfile", strings.Join(names, ", ")))
			}
		}
		if len(r.all("permissionSetName")) > 1 || len(r.all("profileName")) > 1 {
			m.warnings = append(m.warnings, "several profiles or permission sets are written comma-separated; Salesforce documents no separator for these fields, so confirm the policies in Setup after the deploy")
		}
		for _, e := range r.all("attributes") {
			var kids []edit.Element
			for _, n := range []string{"formula", "key"} {
				if c := e.Child(n); c != nil {
					r.used[c] = true
					kids = append(kids, leaf(n, strings.TrimSpace(c.Text)))
				}
			}
			plc = append(plc, edit.Element{Name: "customAttributes", Children: kids})
		}
		ip := metadata.IPEnforce
		if t, ok := r.text("oauthPolicy/ipRelaxation"); ok {
			ip = t
			if c, ok := metadata.CanonicalIPRelaxation(t); ok {
				ip = metadata.IPRelaxationSpelling(c, metadata.KindECA)
			}
		}
		plc = append(plc, leaf("ipRelaxationPolicyType", ip))
		if t, ok := r.text("oauthConfig/isClientCredentialEnabled"); ok {
			plc = append(plc, leaf("isClientCredentialsFlowEnabled", t))
		} else {
			plc = append(plc, leaf("isClientCredentialsFlowEnabled", "false"))
		}
		plc = append(plc, leaf("isGuestCodeCredFlowEnabled", "false"))
		copyTo(&plc, "oauthPolicy/isTokenExchangeFlowEnabled", "isTokenExchangeFlowEnabled", "false")
		permitted := metadata.PermittedAllSelfAuthorized
		if t, ok := r.text("oauthConfig/isAdminApproved"); ok {
			if b, ok := metadata.ParseBool(t); ok && b {
				permitted = metadata.PermittedAdminApprovedPreAuthorized
			} else if !ok {
				m.warnings = append(m.warnings, fmt.Sprintf("isAdminApproved %q is not true or false; written as %s", t, permitted))
			}
		}
		plc = append(plc, leaf("permittedUsersPolicyType", permitted))
		copyTo(&plc, "sessionPolicy/policyAction", "policyAction", "")
		pol := metadata.RefreshTokenPolicy{Type: metadata.RefreshInfinite}
		if t, ok := r.text("oauthPolicy/refreshTokenPolicy"); ok {
			if p, ok := metadata.ParseConnectedAppRefreshPolicy(t); ok {
				pol = p
			} else {
				m.warnings = append(m.warnings, fmt.Sprintf("refreshTokenPolicy %q does not parse; written as Infinite (refresh token valid until revoked)", t))
			}
		}
		plc = append(plc, leaf("refreshTokenPolicyType", pol.Type))
		if needsPeriodType(pol.Type) {
			plc = append(plc, leaf("refreshTokenValidityPeriod", fmt.Sprint(pol.Period)), leaf("refreshTokenValidityUnit", pol.Unit))
		}
		copyTo(&plc, "sessionPolicy/sessionLevel", "requiredSessionLevel", "")
		copyTo(&plc, "sessionPolicy/sessionTimeout", "sessionTimeoutInMinutes", "")
		copyTo(&plc, "oauthPolicy/singleLogoutUrl", "singleLogoutUrl", "")
		copyTo(&plc, "startUrl", "startUrl", "")
		r.el("oauthPolicy")
		r.el("sessionPolicy")

		m.files = append(m.files,
			ecaChildFile(name, metadata.TypeECAGlobalOauth, glbl...),
			ecaChildFile(name, metadata.TypeECAOauthSettings, oset...),
			ecaChildFile(name, metadata.TypeECAOauthPolicies, plc...),
		)
	}
	// Without OAuth settings files the app has no OAuth, whatever the plugin
	// switch says; the switch keeps its default (on), as Setup writes it.
	plugins := []edit.Element{leaf("startPage", "None")}
	if oauth {
		plugins = append(plugins, leaf("isOauthPluginEnabled", "true"))
	}
	m.files = append(m.files, ecaChildFile(name, metadata.TypeECAPolicies, plugins...))

	// Everything the mapping did not read has no equivalent.
	r.el("oauthConfig")
	var walk func(e *metadata.Element, prefix string)
	walk = func(e *metadata.Element, prefix string) {
		for _, c := range e.Children {
			p := prefix + c.Name
			if r.used[c] {
				if len(c.Children) > 0 && (c.Name == "oauthConfig" || c.Name == "oauthPolicy" || c.Name == "sessionPolicy" || c.Name == "idTokenConfig" || c.Name == "assetTokenConfig") {
					walk(c, p+"/")
				}
				continue
			}
			why, ok := noEquivalent[p]
			switch {
			case ok:
			case !oauth && strings.HasPrefix(p, "oauthPolicy") || !oauth && strings.HasPrefix(p, "sessionPolicy") || !oauth && (p == "profileName" || p == "permissionSetName" || p == "ipRanges" || p == "attributes" || p == "startUrl"):
				why = "the Connected App has no OAuth settings, and sfapplint writes External Client App policies only for OAuth"
			default:
				why = "no External Client App equivalent known to sfapplint"
			}
			item := fmt.Sprintf("%s: %s", p, why)
			if !slices.Contains(m.notMigrated, item) {
				m.notMigrated = append(m.notMigrated, item)
			}
		}
	}
	walk(doc.Root, "")
	return m
}

func needsPeriodType(t string) bool {
	return t == metadata.RefreshSpecificLifetime || t == metadata.RefreshSpecificInactivity
}
