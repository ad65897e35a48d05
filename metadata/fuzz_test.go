package metadata

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fuzzSnippets are small documents shaped like the real corpus.
var fuzzSnippets = []string{
	"<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<ExtlClntAppOauthConfigurablePolicies\n    xmlns=\"http://soap.sforce.com/2006/04/metadata\"\n>\n    <externalClientApplication\n    >Salesforce_API_Playground</externalClientApplication>\n    <ipRelaxationPolicyType>Enforce</ipRelaxationPolicyType>\n</ExtlClntAppOauthConfigurablePolicies>\n",
	"<ExtlClntAppGlobalOauthSettings xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n    <callbackUrl>http://localhost:8765/callback\nhttps://oauth.pstmn.io/v1/callback</callbackUrl>\n    <!-- Consumer Key redacted -- see .env -->\n    <consumerKey>REDACTED</consumerKey>\n    <externalClientApplication>ns__App</externalClientApplication>\n</ExtlClntAppGlobalOauthSettings>",
	"<ExtlClntAppOauthSettings xmlns=\"http://soap.sforce.com/2006/04/metadata\"><commaSeparatedOauthScopes>Api, Web,RefreshToken,,</commaSeparatedOauthScopes><externalClientApplication>A</externalClientApplication></ExtlClntAppOauthSettings>",
	"<ConnectedApp xmlns=\"http://soap.sforce.com/2006/04/metadata\"><attributes><formula>&quot;true&quot;</formula><key>K</key></attributes><logoUrl>https://x/?a=1&amp;b=2</logoUrl><oauthConfig><callbackUrl>a&amp;b\r\nc</callbackUrl><certificate>-----BEGIN PRIVATE KEY-----</certificate><scopes>Api</scopes><scopes/></oauthConfig><oauthPolicy><refreshTokenPolicy>specific_lifetime:90:DAYS</refreshTokenPolicy></oauthPolicy><ipRanges><start>1.1.1.1</start><end>2.2.2.2</end></ipRanges></ConnectedApp>",
	"<md:ConnectedApp xmlns:md=\"http://soap.sforce.com/2006/04/metadata\"><md:label>x</md:label></md:ConnectedApp>",
	"\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\r\n<ConnectedApp><description>\xe9\xe9</description><oauthConfig><callbackUrl>\xe9\nhttps://x</callbackUrl></oauthConfig></ConnectedApp>",
	"<PermissionSet xmlns=\"http://soap.sforce.com/2006/04/metadata\"><label>L</label><userPermissions><enabled>true</enabled><name>ApiEnabled</name></userPermissions></PermissionSet>",
	"<ExtlClntAppConfigurablePolicies><externalClientApplication>A</externalClientApplication><isEnabled>false</isEnabled><isOauthPluginEnabled>1</isOauthPluginEnabled></ExtlClntAppConfigurablePolicies>",
	"<ConnectedApp><![CDATA[<x>]]><label><![CDATA[a]]>b</label></ConnectedApp>",
	"<a><!----><!-- - --><b/><?pi x?></a><!-- tail -->",
}

// fuzzFixtures returns the bytes of every fixture file of the loader tests.
func fuzzFixtures(f *testing.F) [][]byte {
	var out [][]byte
	for _, dir := range []string{filepath.Join("testdata", "load"), filepath.Join("testdata", "hostile")} {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out = append(out, data)
			return nil
		})
		if err != nil {
			f.Fatal(err)
		}
	}
	return out
}

// checkApp verifies the invariants of a built app: every field and item has a
// position, items are trimmed and non-empty, secrets hold at most a bool.
func checkApp(a *App) error {
	for _, fld := range a.Fields() {
		if fld.Pos().Line < 1 || fld.Pos().Column < 1 {
			return fmt.Errorf("%s: position %v", fld.Path, fld.Pos())
		}
		for _, it := range fld.Items {
			if it.Pos.Line < 1 || it.Pos.Column < 1 || it.Value == "" || it.Value != strings.TrimSpace(it.Value) {
				return fmt.Errorf("%s: item %q at %v", fld.Path, it.Value, it.Pos)
			}
		}
		if fld.Kind == KindSecret {
			if _, ok := fld.Value.(bool); fld.Value != nil && !ok {
				return fmt.Errorf("%s: secret value of type %T", fld.Path, fld.Value)
			}
		}
	}
	return nil
}

func FuzzParseDocument(f *testing.F) {
	for _, b := range fuzzFixtures(f) {
		f.Add(b)
	}
	for _, s := range hostileDocuments() {
		f.Add([]byte(s))
	}
	for _, s := range fuzzSnippets {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		doc, err := ParseDocument("fuzz.xml", src, ParseLimits{})
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %v is a %T, not a *SyntaxError", err, err)
			}
			if se.Pos.File != "fuzz.xml" || se.Pos.Line < 1 || se.Pos.Column < 1 || se.Msg == "" {
				t.Fatalf("incomplete syntax error %+v", se)
			}
			return
		}
		if err := checkElementOffsets(doc); err != nil {
			t.Fatal(err)
		}
		for _, h := range doc.DoubleHyphens {
			if h.Line < 1 || h.Column < 1 {
				t.Fatalf("double hyphen at %v", h)
			}
		}
		// Build the model from the document as whatever type its root names.
		typ := Type(doc.Root.Name)
		if _, known := typ.Info(); !known {
			typ = TypeConnectedApp
		}
		switch typ {
		case TypePermissionSet, TypeProfile:
			h := holderOf(doc, parsed{typ: typ, name: "Fuzz"})
			for _, perm := range h.Permissions {
				if perm.Pos.Line < 1 {
					t.Fatalf("permission %s at %v", perm.Name, perm.Pos)
				}
			}
			return
		}
		kind := KindECA
		if typ == TypeConnectedApp {
			kind = KindConnectedApp
		}
		app := &App{Name: "Fuzz", Kind: kind, Docs: map[Type]*Document{typ: doc}, Pos: doc.Root.Pos()}
		buildFields(app)
		if err := checkApp(app); err != nil {
			t.Fatal(err)
		}
	})
}

// zipBytes is a zip archive of entries.
func zipBytes(tb testing.TB, entries []zipEntry) []byte {
	tb.Helper()
	p := filepath.Join(tb.TempDir(), "z.zip")
	buildZip(tb, p, entries)
	data, err := os.ReadFile(p)
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// fuzzZipLimits keep each fuzzed archive cheap.
func fuzzZipLimits() Limits {
	return Limits{
		MaxFileSize:     256 << 10,
		MaxDepth:        DefaultMaxDepth,
		MaxZipSize:      1 << 20,
		MaxZipEntries:   64,
		MaxUnzipped:     2 << 20,
		MaxZipEntrySize: 256 << 10,
	}
}

func FuzzLoadZip(f *testing.F) {
	f.Add(zipBytes(f, treeEntries(f, filepath.Join("testdata", "load", "mdapi"), "unpackaged/")))
	f.Add(zipBytes(f, treeEntries(f, filepath.Join("testdata", "load", "join"), "")))
	f.Add(zipBytes(f, []zipEntry{goodZipEntry, {Name: "../evil.connectedApp", Body: goodZipEntry.Body}, {Name: `connectedApps\w.connectedApp`}}))
	f.Add(zipBytes(f, []zipEntry{{Name: "connectedApps/Bomb.connectedApp", Body: bombXML(1 << 20)}, goodZipEntry}))
	f.Add(zipBytes(f, nil))
	var hostile []zipEntry
	for name, doc := range hostileDocuments() {
		hostile = append(hostile, zipEntry{Name: "connectedApps/" + strings.ReplaceAll(name, " ", "_") + ".connectedApp", Body: []byte(doc)})
	}
	f.Add(zipBytes(f, hostile))
	liar := filepath.Join(f.TempDir(), "liar.zip")
	lyingZip(f, liar, "connectedApps/Liar.connectedApp", 1<<20)
	if data, err := os.ReadFile(liar); err == nil {
		f.Add(data)
	}
	f.Add([]byte("PK\x05\x06\x00\x00\x00\x00\xff\xff\xff\xff\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"))
	f.Add([]byte("not a zip"))

	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "in.zip"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		p, err := Load(context.Background(), Options{WorkDir: dir, Paths: []string{"in.zip"}, Limits: fuzzZipLimits(), Workers: 1})
		if elapsed := time.Since(start); elapsed > 10*time.Second {
			t.Fatalf("Load took %v on a %d-byte archive", elapsed, len(data))
		}
		if err != nil {
			t.Fatalf("Load: %v", err)
		}
		for _, pr := range p.Problems {
			if pr.Code == "" || pr.Message == "" || !strings.HasPrefix(pr.Pos.File, "in.zip") {
				t.Fatalf("incomplete problem %+v", pr)
			}
		}
		for _, d := range p.Documents {
			if !strings.HasPrefix(d.Path, "in.zip!") || int64(len(d.Source)) > fuzzZipLimits().MaxZipEntrySize {
				t.Fatalf("document %s of %d bytes", d.Path, len(d.Source))
			}
		}
		for _, a := range p.Apps {
			if err := checkApp(a); err != nil {
				t.Fatalf("%s: %v", a.Name, err)
			}
		}
	})
}

// TestZipSeedsAreZips keeps the fuzz seeds honest: the built archives open.
func TestZipSeedsAreZips(t *testing.T) {
	data := zipBytes(t, treeEntries(t, filepath.Join("testdata", "load", "mdapi"), "unpackaged/"))
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) < 10 {
		t.Errorf("%d entries, want the whole mdapi tree", len(zr.File))
	}
}
