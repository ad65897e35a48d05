package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/sfapplint/sfapplint/metadata"
	"github.com/sfapplint/sfapplint/metadata/edit"
	"github.com/sfapplint/sfapplint/rules"
)

type initOptions struct {
	pack         packFlags
	name         string
	label        string
	typ          string
	dir          string
	contactEmail string
	callbacks    []string
	force        bool
}

// Placeholders init writes when the pack and the flags do not give a value.
const (
	placeholderEmail    = "admin@example.com"
	placeholderCallback = "https://login.salesforce.com/services/oauth2/success"
)

func newInitCmd(s *Streams) *cobra.Command {
	opts := &initOptions{}
	cmd := &cobra.Command{
		Use:   "init --pack ID --name NAME",
		Short: "Write the files of a new app that a vendor pack and the baseline accept",
		Long: `init writes the metadata files of a new app for an integration: for an
External Client App (the default) the header, global OAuth settings, OAuth
settings, OAuth policies and plugin policies files; for a Connected App one
file. It starts from a secure skeleton and applies the fixes the pack and the
baseline define (callback URL, scopes, flows, distribution state, ...) until
neither reports an error, so the values come from the pack, not from a
template per vendor.

Files go to DIR (--dir), else to the default package directory of the SFDX
project found from the working directory (<package>/main/default), else to
the working directory, each in its conventional folder. Existing files are
never overwritten without --force. init prints every file it wrote and what
the admin must still do by hand (consumer key and secret, permissions, the
pack's manual checks).

Since Spring '26 new Connected Apps can only be created with Salesforce
Support; prefer External Client Apps.`,
		Example: `  sfapplint init --pack atera-robin --name Atera_Robin
  sfapplint init --pack snow-atlas --name Snow_Atlas --param environment=sandbox
  sfapplint init --pack autokitteh --name AutoKitteh --param autokitteh.deployment=dedicated --param autokitteh.name=acme --dir force-app/main/default`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runInit(cmd.Context(), s, opts)
		},
	}
	opts.pack.register(cmd)
	f := cmd.Flags()
	f.StringVar(&opts.name, "name", "", "API name of the new app (letters, digits and underscores)")
	f.StringVar(&opts.label, "label", "", "display label (default: the name with spaces for underscores)")
	f.StringVar(&opts.typ, "type", "eca", "kind of app: eca (External Client App) or connectedapp")
	f.StringVar(&opts.dir, "dir", "", "directory to write into (default: the SFDX project's default package, main/default)")
	f.StringVar(&opts.contactEmail, "contact-email", "", "contact e-mail of the app (default: a placeholder to replace)")
	stringArrayVarP(f, &opts.callbacks, "callback", "", "callback URL (repeatable), when the pack does not name one")
	f.BoolVar(&opts.force, "force", false, "overwrite existing files")
	return cmd
}

var apiNameRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`) })

func validAPIName(n string) bool {
	return apiNameRE().MatchString(n) && !strings.Contains(n, "__") && !strings.HasSuffix(n, "_") && len(n) <= 80
}

func runInit(ctx context.Context, s *Streams, opts *initOptions) error {
	if len(opts.pack.packs) == 0 {
		return usageErrorf("init needs --pack: the vendor pack whose requirements the app must meet")
	}
	if !validAPIName(opts.name) {
		return usageErrorf("--name %q: want an API name (a letter, then letters, digits and single underscores, not ending in _)", opts.name)
	}
	var kind metadata.AppKind
	switch strings.ToLower(opts.typ) {
	case "eca", "externalclientapp", "externalclientapplication":
		kind = metadata.KindECA
	case "connectedapp", "ca":
		kind = metadata.KindConnectedApp
	default:
		return usageErrorf("--type %q: want eca or connectedapp", opts.typ)
	}
	// --param NAME=VALUE means the first pack's parameter.
	if first := opts.pack.packs[0]; !strings.ContainsAny(first, `/\`) && !strings.HasSuffix(first, ".yaml") && !strings.HasSuffix(first, ".yml") {
		for i, p := range opts.pack.params {
			if key, _, ok := strings.Cut(p, "="); ok && !strings.Contains(key, ".") {
				opts.pack.params[i] = first + "." + p
			}
		}
	}
	st, err := resolveSetup(s, &opts.pack)
	if err != nil {
		return err
	}
	run := withBaseline(st)
	label := opts.label
	if label == "" {
		label = strings.ReplaceAll(opts.name, "_", " ")
	}
	email := opts.contactEmail
	if email == "" {
		email = placeholderEmail
	}
	base, err := outputBase(st.wd, opts.dir)
	if err != nil {
		return err
	}
	var vendor []*rules.Pack
	for _, p := range run.Packs {
		if p.ID != "baseline" {
			vendor = append(vendor, p)
		}
	}
	desc := "Created by sfapplint init"
	if len(vendor) > 0 {
		desc = fmt.Sprintf("%s for %s", desc, vendor[0].Title)
	}
	files := skeleton(kind, opts.name, label, email, desc, opts.callbacks)
	// Each file's path below the output base (and the scratch directory),
	// and where it goes.
	rels := make([]string, len(files))
	dests := make([]fileDest, len(files))
	for i, f := range files {
		rels[i] = filepath.FromSlash(relPath(f.typ, f.component))
		dst := filepath.Join(base, rels[i])
		dests[i] = fileDest{display: metadata.DisplayPath(st.wd, dst), abs: dst}
	}
	if err := refuseOverwrite(dests, opts.force); err != nil {
		return err
	}

	tmp, err := os.MkdirTemp("", "sfapplint-init-*")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(tmp) }()
	for i, f := range files {
		p := filepath.Join(tmp, rels[i])
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, edit.NewFile(f.typ, f.elements, edit.Format{}), 0o644); err != nil {
			return err
		}
	}

	var todo []string
	// Apply the packs' fixes until no error or warning has one left.
	proj, diags, err := fixUntilClean(ctx, tmp, st.schema, run, opts.name, kind)
	if err != nil {
		return err
	}
	app := findApp(proj, opts.name, kind)
	if app == nil {
		return fmt.Errorf("internal error: the generated app %s does not load", opts.name)
	}
	// Callback URLs: the pack's, else --callback, else a placeholder to replace.
	var post []edit.Edit
	urls := app.Field("oauth.callbackUrls").Strings()
	userGave := len(opts.callbacks) > 0
	replaceCallback := fmt.Sprintf("Replace the placeholder callback URL %s with the redirect URL the vendor gives (%s)", placeholderCallback, callbackClickPath(kind, label))
	switch {
	case len(urls) == 0:
		post = append(post, edit.Edit{Op: edit.OpAdd, Field: "oauth.callbackUrls", Value: placeholderCallback})
		todo = append(todo, replaceCallback)
	case !userGave && slices.Contains(urls, placeholderCallback) && !packRequiresCallback(run, placeholderCallback):
		if len(urls) > 1 {
			post = append(post, edit.Edit{Op: edit.OpRemove, Field: "oauth.callbackUrls", Value: placeholderCallback})
		} else {
			todo = append(todo, replaceCallback)
		}
	}
	if len(app.Field("oauth.scopes").Strings()) == 0 {
		post = append(post, edit.Edit{Op: edit.OpAdd, Field: "oauth.scopes", Value: "Api"})
		todo = append(todo, "The pack names no OAuth scope; the app gets \"Manage user data via APIs (api)\": review the scopes the integration requests")
	}
	if len(post) > 0 {
		res := edit.Apply(app, post)
		if err := writeChanges(tmp, res); err != nil {
			return err
		}
		if _, diags, err = evaluateDir(ctx, tmp, st.schema, run); err != nil {
			return err
		}
	}

	// Write the result.
	var wrote []string
	for i, d := range dests {
		data, err := os.ReadFile(filepath.Join(tmp, rels[i]))
		if err != nil {
			return err
		}
		if err := writeAppFile(s, d, data); err != nil {
			return err
		}
		wrote = append(wrote, d.display)
	}
	what := "External Client App"
	if kind == metadata.KindConnectedApp {
		what = "Connected App"
	}
	fmt.Fprintf(s.Out, "Wrote %s %s (%s):\n", what, opts.name, packIDs(run.Packs))
	for _, w := range wrote {
		fmt.Fprintf(s.Out, "  %s\n", w)
	}

	// Still to do by hand.
	if email == placeholderEmail {
		todo = append(todo, fmt.Sprintf("Replace the placeholder contact e-mail %s with the app owner's address (or rerun with --contact-email)", placeholderEmail))
	}
	todo = append(todo, initTodo(kind, label, base, st.wd)...)
	var remaining []rules.Diagnostic
	for _, d := range diags {
		if d.App == opts.name || d.App == "" {
			remaining = append(remaining, d)
		}
	}
	for _, d := range remaining {
		if d.Severity == rules.SeverityError || d.Severity == rules.SeverityWarning {
			todo = append(todo, fmt.Sprintf("%s (%s %s): %s", d.Message, d.Severity, d.Rule, d.Remediation))
		}
	}
	for _, p := range vendor {
		for _, m := range p.Manual {
			r := strings.ReplaceAll(m.Remediation, "${app}", label)
			todo = append(todo, fmt.Sprintf("%s [%s/%s]: %s", m.Title, p.ID, m.ID, strings.TrimSpace(r)))
		}
	}
	printTodo(s.Out, todo)
	var notes []string
	for _, d := range remaining {
		if d.Severity == rules.SeverityNote {
			notes = append(notes, fmt.Sprintf("%s [%s]", d.Message, d.Rule))
		}
	}
	if len(notes) > 0 {
		fmt.Fprintln(s.Out, "\nNotes (no action required):")
		for _, n := range notes {
			fmt.Fprintf(s.Out, "  - %s\n", n)
		}
	}
	for _, d := range remaining {
		if d.Severity == rules.SeverityError {
			fmt.Fprintf(s.ErrOut, "sfapplint: the new app still has errors the packs cannot fix; see the list above\n")
			return &exitError{code: ExitFindings}
		}
	}
	return nil
}

// withBaseline returns the run of st with the baseline pack added when the
// selected packs do not include it: a new app must satisfy both.
func withBaseline(st *setup) rules.Run {
	run := st.run
	for _, p := range run.Packs {
		if p.ID == "baseline" {
			return run
		}
	}
	if b := st.catalog.Pack("baseline"); b != nil {
		run.Packs = append([]*rules.Pack{b}, run.Packs...)
	}
	return run
}

func packIDs(ps []*rules.Pack) string {
	var ids []string
	for _, p := range ps {
		ids = append(ids, p.ID)
	}
	return "packs " + strings.Join(ids, ", ")
}

// fixUntilClean applies the fixes of every error and warning on the app in dir
// until none is left that has a fix, or the fixes stop changing anything, or
// ten rounds of fixes were written. It returns the evaluation of the final
// state of dir (whose project may lack the app only after the tenth round).
func fixUntilClean(ctx context.Context, dir string, schema func() (*metadata.Schema, error), run rules.Run, name string, kind metadata.AppKind) (*metadata.Project, []rules.Diagnostic, error) {
	for iter := 0; iter < 10; iter++ {
		proj, diags, err := evaluateDir(ctx, dir, schema, run)
		if err != nil {
			return nil, nil, err
		}
		app := findApp(proj, name, kind)
		if app == nil {
			return nil, nil, fmt.Errorf("internal error: the generated app %s does not load", name)
		}
		var edits []edit.Edit
		for _, d := range diags {
			if d.App != name || d.Fix == nil || d.Note != "" {
				continue
			}
			if d.Severity != rules.SeverityError && d.Severity != rules.SeverityWarning {
				continue
			}
			edits = append(edits, edit.Edit{Op: edit.Op(d.Fix.Op), Field: d.Fix.Field, Value: d.Fix.Value})
		}
		if len(edits) == 0 {
			return proj, diags, nil // dir is as evaluated
		}
		res := edit.Apply(app, edits) // modifies no document of proj
		if len(res.Changes) == 0 {
			return proj, diags, nil
		}
		if err := writeChanges(dir, res); err != nil {
			return nil, nil, err
		}
	}
	return evaluateDir(ctx, dir, schema, run)
}

// writeChanges writes an edit result below dir (the working directory of its
// load). dir is a scratch directory, thrown away afterwards: plain writes do,
// with no fsync or rename.
func writeChanges(dir string, res *edit.Result) error {
	for _, c := range res.Changes {
		p := displayToAbs(dir, c.Path)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, c.After, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// evaluateDir loads dir (as its own working directory) with the schema that
// schema returns and evaluates run on it.
func evaluateDir(ctx context.Context, dir string, schema func() (*metadata.Schema, error), run rules.Run) (*metadata.Project, []rules.Diagnostic, error) {
	sch, err := schema()
	if err != nil {
		return nil, nil, err
	}
	proj, err := metadata.Load(ctx, metadata.Options{Paths: []string{dir}, WorkDir: dir, Validator: sch})
	if err != nil {
		return nil, nil, err
	}
	diags, err := rules.Evaluate(ctx, proj, run)
	if err != nil {
		return nil, nil, &usageError{err: err}
	}
	return proj, diags, nil
}

func findApp(proj *metadata.Project, name string, kind metadata.AppKind) *metadata.App {
	for _, a := range proj.Apps {
		if a.Name == name && a.Kind == kind {
			return a
		}
	}
	return nil
}

// packRequiresCallback reports whether a selected pack's fix adds the URL.
func packRequiresCallback(run rules.Run, url string) bool {
	for _, p := range run.Packs {
		for _, r := range p.Rules {
			if r.Fix != nil && r.Fix.Field == "oauth.callbackUrls" && r.Fix.Value == url {
				return true
			}
		}
	}
	return false
}

func callbackClickPath(kind metadata.AppKind, label string) string {
	if kind == metadata.KindConnectedApp {
		return fmt.Sprintf("Setup > App Manager > %s > Edit > API (Enable OAuth Settings) > Callback URL", label)
	}
	return fmt.Sprintf("Setup > External Client Apps > External Client Apps Manager > %s > Edit Settings > OAuth Settings > Callback URL", label)
}

// initTodo lists what metadata cannot do for a new app.
func initTodo(kind metadata.AppKind, label, base, wd string) []string {
	dir := metadata.DisplayPath(wd, base)
	if kind == metadata.KindConnectedApp {
		return []string{
			"Since Spring '26 new Connected Apps can only be created with Salesforce Support; prefer an External Client App (--type eca)",
			fmt.Sprintf("Deploy the app (sf project deploy start --source-dir %s)", dir),
			fmt.Sprintf("Copy the consumer key and consumer secret from Setup > App Manager > %s > View > Manage Consumer Details into the vendor's settings; never commit the secret", label),
			fmt.Sprintf("Give the integration user the API Enabled permission (Setup > Users > Permission Sets > System Permissions > API Enabled, then Manage Assignments) and, if the app should admit only pre-authorized users, set Permitted Users in Setup > App Manager > %s > Manage > Edit Policies", label),
		}
	}
	return []string{
		fmt.Sprintf("Deploy the app (sf project deploy start --source-dir %s); keep the global OAuth settings file out of packages", dir),
		fmt.Sprintf("Copy the consumer key and consumer secret from Setup > External Client Apps > External Client Apps Manager > %s > Settings > OAuth Settings > Consumer Key and Secret into the vendor's settings; never commit the secret", label),
		fmt.Sprintf("Give the integration user the API Enabled permission (Setup > Users > Permission Sets > System Permissions > API Enabled, then Manage Assignments) and, if the app should admit only pre-authorized users, set Permitted Users in Setup > External Client Apps Manager > %s > Edit Policies > OAuth Policies", label),
	}
}

// outputBase is where init writes: --dir, else the SFDX project's default
// package directory (its main/default folder), else the working directory.
func outputBase(wd, dir string) (string, error) {
	if dir != "" {
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(wd, dir)
		}
		return dir, nil
	}
	if p, ok := metadata.DefaultPackageDirectory(wd); ok {
		return filepath.Join(p, "main", "default"), nil
	}
	return wd, nil
}

// skeleton is the secure starting point of a new app, before the packs' fixes:
// OAuth on, no flow beyond the web server flow, PKCE and secrets required,
// IP restrictions enforced, credentials never rotated on deploy.
func skeleton(kind metadata.AppKind, name, label, email, desc string, callbacks []string) []appFile {
	el := func(n, t string) edit.Element { return edit.Element{Name: n, Text: t} }
	if kind == metadata.KindConnectedApp {
		cb := callbacks
		if len(cb) == 0 {
			cb = []string{placeholderCallback}
		}
		oauth := []edit.Element{
			el("callbackUrl", strings.Join(cb, "\n")),
			el("isAdminApproved", "false"),
			el("isClientCredentialEnabled", "false"),
			el("isCodeCredentialEnabled", "false"),
			el("isCodeCredentialPostOnly", "false"),
			el("isConsumerSecretOptional", "false"),
			el("isIntrospectAllTokens", "false"),
			el("isNamedUserJwtEnabled", "false"),
			el("isPkceRequired", "true"),
			el("isRefreshTokenRotationEnabled", "false"),
			el("isSecretRequiredForRefreshToken", "true"),
			el("isSecretRequiredForTokenExchange", "true"),
			el("isTokenExchangeEnabled", "false"),
		}
		els := []edit.Element{
			el("contactEmail", email),
			el("description", desc),
			el("label", label),
			{Name: "oauthConfig", Children: oauth},
			{Name: "oauthPolicy", Children: []edit.Element{
				el("ipRelaxation", "ENFORCE"),
				el("isTokenExchangeFlowEnabled", "false"),
				el("refreshTokenPolicy", "infinite"),
			}},
		}
		edit.SortElements(els)
		return []appFile{{typ: metadata.TypeConnectedApp, component: name, elements: els}}
	}
	child := func(t metadata.Type, extra ...edit.Element) appFile { return ecaChildFile(name, t, extra...) }
	header := []edit.Element{
		el("contactEmail", email),
		el("description", desc),
		el("distributionState", "Local"),
		el("isProtected", "false"),
		el("label", label),
	}
	var glbl []edit.Element
	if len(callbacks) > 0 {
		glbl = append(glbl, el("callbackUrl", strings.Join(callbacks, "\n")))
	}
	glbl = append(glbl,
		el("isClientCredentialsFlowEnabled", "false"),
		el("isCodeCredFlowEnabled", "false"),
		el("isCodeCredPostOnly", "false"),
		el("isConsumerSecretOptional", "false"),
		el("isDeviceFlowEnabled", "false"),
		el("isIntrospectAllTokens", "false"),
		el("isNamedUserJwtEnabled", "false"),
		el("isPkceRequired", "true"),
		el("isRefreshTokenRotationEnabled", "false"),
		el("isSecretRequiredForRefreshToken", "true"),
		el("isSecretRequiredForTokenExchange", "true"),
		el("isTokenExchangeEnabled", "false"),
		el("shouldRotateConsumerKey", "false"),
		el("shouldRotateConsumerSecret", "false"),
	)
	return []appFile{
		{typ: metadata.TypeExternalClientApp, component: name, elements: header},
		child(metadata.TypeECAGlobalOauth, glbl...),
		child(metadata.TypeECAOauthSettings, el("isFirstPartyAppEnabled", "false")),
		child(metadata.TypeECAOauthPolicies,
			el("ipRelaxationPolicyType", "Enforce"),
			el("isClientCredentialsFlowEnabled", "false"),
			el("isGuestCodeCredFlowEnabled", "false"),
			el("isTokenExchangeFlowEnabled", "false"),
			el("permittedUsersPolicyType", metadata.PermittedAllSelfAuthorized),
			el("refreshTokenPolicyType", metadata.RefreshSpecificLifetime),
			el("refreshTokenValidityPeriod", "365"),
			el("refreshTokenValidityUnit", "Days"),
			el("requiredSessionLevel", "STANDARD"),
		),
		child(metadata.TypeECAPolicies, el("isOauthPluginEnabled", "true"), el("startPage", "None")),
	}
}

// relPath is the conventional source-format path of a component, relative to
// a package's main/default folder.
func relPath(t metadata.Type, component string) string {
	ti, _ := t.Info()
	return ti.Directory + "/" + edit.FileName(component, t, true)
}
