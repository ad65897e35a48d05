package metadata

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"
)

const (
	xmlDecl = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"
	caRoot  = `<ConnectedApp xmlns="http://soap.sforce.com/2006/04/metadata">`
)

// billionLaughs is the classic exponential entity expansion.
func billionLaughs() string {
	var b strings.Builder
	b.WriteString("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n")
	for i := 1; i <= 9; i++ {
		prev := "lol"
		if i > 1 {
			prev = fmt.Sprintf("lol%d", i-1)
		}
		fmt.Fprintf(&b, " <!ENTITY lol%d \"%s\">\n", i, strings.Repeat("&"+prev+";", 10))
	}
	b.WriteString("]>\n" + caRoot + "<label>&lol9;</label></ConnectedApp>\n")
	return b.String()
}

// deepNesting is a ConnectedApp with n nested elements below the root.
func deepNesting(n int) string {
	return xmlDecl + caRoot + strings.Repeat("<a>", n) + strings.Repeat("</a>", n) + "</ConnectedApp>\n"
}

// utf16File is s encoded as UTF-16LE with a byte order mark.
func utf16File(s string) string {
	var b bytes.Buffer
	b.WriteString("\xFF\xFE")
	for _, u := range utf16.Encode([]rune(s)) {
		b.WriteByte(byte(u))
		b.WriteByte(byte(u >> 8))
	}
	return b.String()
}

const latin1App = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n" + caRoot + "\n" +
	"    <description>R\xe9sum\xe9 \xe0 la fran\xe7aise \xbb \xa9 \xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9</description>\n" +
	"    <label>Soci\xe9t\xe9 G\xe9n\xe9rale</label>\n" +
	"    <oauthConfig>\n        <callbackUrl>https://sg.example.com/cb\nhttps://sg.example.com/cb2</callbackUrl>\n    </oauthConfig>\n</ConnectedApp>\n"

// hostileDocuments are hostile single files, also used to seed the fuzzers.
func hostileDocuments() map[string]string {
	return map[string]string{
		"billion laughs":  billionLaughs(),
		"external entity": "<?xml version=\"1.0\"?>\n<!DOCTYPE ConnectedApp [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n" + caRoot + "<label>&xxe;</label></ConnectedApp>\n",
		"external DTD":    "<?xml version=\"1.0\"?>\n<!DOCTYPE ConnectedApp SYSTEM \"http://evil.example.com/x.dtd\">\n" + caRoot + "<label>x</label></ConnectedApp>\n",
		"UTF-16 declared": "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n" + caRoot + "<label>x</label></ConnectedApp>\n",
		"UTF-16 encoded":  utf16File("<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n" + caRoot + "<label>x</label></ConnectedApp>\n"),
		"Latin-1":         latin1App,
		"BOM":             "\xEF\xBB\xBF" + xmlDecl + caRoot + "\n    <label>With BOM</label>\n</ConnectedApp>\n",
		"NUL bytes":       xmlDecl + caRoot + "\n    <label>Nul\x00\x00</label>\n</ConnectedApp>\n",
		"truncated":       xmlDecl + caRoot + "\n    <label>Trunc</label>\n    <oauthConfig>\n        <callbackUrl>https://x",
		"PNG junk":        "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
		"binary junk":     strings.Repeat("\xca\xfe\xba\xbe", 16),
		"HTML":            "<!-- saved from a browser -->\n<html><body>Not metadata</body></html>\n",
		"empty":           "",
		"deep nesting":    deepNesting(300),
	}
}

// hostileWant is one expected problem; Message is a substring.
type hostileWant struct {
	Code    ProblemCode
	File    string
	At      string
	Message string
}

// lyingZip is a zip whose entry declares 100 uncompressed bytes but inflates to n.
func lyingZip(t testing.TB, p string, name string, n int) {
	t.Helper()
	body := bombXML(n)
	var comp bytes.Buffer
	fw, err := flate.NewWriter(&comp, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(body); err != nil {
		t.Fatal(err)
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{
		Name:               name,
		Method:             zip.Deflate,
		CRC32:              crc32.ChecksumIEEE(body[:100]),
		CompressedSize64:   uint64(comp.Len()),
		UncompressedSize64: 100,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(comp.Bytes()); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

var goodZipEntry = zipEntry{Name: "connectedApps/Zipped.connectedApp", Body: []byte(xmlDecl + caRoot + "<label>Zipped</label></ConnectedApp>\n")}

// TestHostileInputs writes each hostile file or tree next to a valid app and
// checks that the run reports exactly the expected problem, at the expected
// place, loads the valid app, and returns promptly.
func TestHostileInputs(t *testing.T) {
	docs := hostileDocuments()
	file := func(rel, content string) func(t *testing.T, dir string) []string {
		return func(t *testing.T, dir string) []string {
			writeFile(t, dir, rel, content)
			return nil
		}
	}
	smallEntries := DefaultLimits()
	smallEntries.MaxZipEntrySize = 1 << 20
	tests := []struct {
		name   string
		setup  func(t *testing.T, dir string) []string // returns further paths to load
		limits Limits
		want   []hostileWant
		// maxAlloc bounds the bytes Load may allocate (0: 64 MB).
		maxAlloc uint64
		// check makes further assertions on the project.
		check func(t *testing.T, p *Project)
	}{
		{
			name:  "billion laughs",
			setup: file("Laughs.connectedApp-meta.xml", docs["billion laughs"]),
			want:  []hostileWant{{ProblemMalformed, "Laughs.connectedApp-meta.xml", "2:1", "malformed XML: DTD and entity declarations are not allowed in metadata files"}},
		},
		{
			name:  "external entity",
			setup: file("connectedApps/Xxe.connectedApp-meta.xml", docs["external entity"]),
			want:  []hostileWant{{ProblemMalformed, "connectedApps/Xxe.connectedApp-meta.xml", "2:1", "DTD and entity declarations are not allowed"}},
		},
		{
			name:  "external DTD",
			setup: file("connectedApps/Dtd.connectedApp-meta.xml", docs["external DTD"]),
			want:  []hostileWant{{ProblemMalformed, "connectedApps/Dtd.connectedApp-meta.xml", "2:1", "DTD and entity declarations are not allowed"}},
		},
		{
			name: "200 MB file is not read",
			setup: func(t *testing.T, dir string) []string {
				p := writeFile(t, dir, "connectedApps/Huge.connectedApp-meta.xml", xmlDecl+caRoot+"\n<!-- ")
				if err := os.Truncate(p, 200<<20); err != nil { // sparse: nothing is written
					t.Fatal(err)
				}
				return nil
			},
			want:     []hostileWant{{ProblemTooLarge, "connectedApps/Huge.connectedApp-meta.xml", "1:1", "file is 209715200 bytes, over the 16777216-byte limit (--max-file-size); not read"}},
			maxAlloc: 4 << 20, // the file is refused by its size, not read up to the limit
		},
		{
			name:  "100,000-deep nesting",
			setup: file("connectedApps/Deep.connectedApp-meta.xml", deepNesting(100000)),
			want:  []hostileWant{{ProblemMalformed, "connectedApps/Deep.connectedApp-meta.xml", fmt.Sprintf("2:%d", len(caRoot)+1+3*(DefaultMaxDepth-1)), "malformed XML: elements nested deeper than 200 levels"}},
		},
		{
			name:  "UTF-16 declared",
			setup: file("connectedApps/Utf16.connectedApp-meta.xml", docs["UTF-16 declared"]),
			want:  []hostileWant{{ProblemMalformed, "connectedApps/Utf16.connectedApp-meta.xml", "1:40", `malformed XML: opening charset "UTF-16": unsupported encoding "UTF-16" declared; Salesforce metadata must be UTF-8`}},
		},
		{
			name:  "UTF-16 encoded with a byte order mark",
			setup: file("connectedApps/Utf16Bom.connectedApp-meta.xml", docs["UTF-16 encoded"]),
			want:  []hostileWant{{ProblemMalformed, "connectedApps/Utf16Bom.connectedApp-meta.xml", "1:1", "malformed XML: file is UTF-16 encoded; Salesforce metadata must be UTF-8"}},
		},
		{
			// Regression: the decoder's offsets counted transcoded UTF-8 bytes, so
			// positions after non-ASCII text were wrong and splitting the callback
			// URLs sliced past the end of the file (panic).
			name:  "Latin-1 declared: read, text decoded",
			setup: file("connectedApps/Latin.connectedApp-meta.xml", docs["Latin-1"]),
			check: func(t *testing.T, p *Project) {
				a := p.App("Latin")
				if a == nil {
					t.Fatal("Latin not loaded")
				}
				compareFields(t, a, map[string]fieldValue{
					"app.label": {Value: "Société Générale", Canonical: "Société Générale", Present: true, At: "4:5"},
					"oauth.callbackUrls": {
						Value:     []string{"https://sg.example.com/cb", "https://sg.example.com/cb2"},
						Canonical: []string{"https://sg.example.com/cb", "https://sg.example.com/cb2"},
						Present:   true, At: "6:9",
						Items: []string{"https://sg.example.com/cb@6:22", "https://sg.example.com/cb2@7:1"},
					},
				})
			},
		},
		{
			name:  "UTF-8 byte order mark",
			setup: file("connectedApps/Bom.connectedApp-meta.xml", docs["BOM"]),
			check: func(t *testing.T, p *Project) {
				a := p.App("Bom")
				if a == nil {
					t.Fatal("Bom not loaded")
				}
				compareFields(t, a, map[string]fieldValue{
					"app.kind":  {Value: "ConnectedApp", Canonical: "ConnectedApp", Present: true, At: "2:1"},
					"app.label": {Value: "With BOM", Canonical: "With BOM", Present: true, At: "3:5"},
				})
			},
		},
		{
			name:  "NUL bytes",
			setup: file("connectedApps/Nul.connectedApp-meta.xml", docs["NUL bytes"]),
			want:  []hostileWant{{ProblemMalformed, "connectedApps/Nul.connectedApp-meta.xml", "3:15", "malformed XML: NUL byte in file: not a text XML document"}},
		},
		{
			name:  "truncated XML",
			setup: file("connectedApps/Trunc.connectedApp-meta.xml", docs["truncated"]),
			want:  []hostileWant{{ProblemMalformed, "connectedApps/Trunc.connectedApp-meta.xml", "5:31", "malformed XML: unexpected end of file: <callbackUrl> is not closed"}},
		},
		{
			name:  "binary junk (a PNG) with a metadata suffix",
			setup: file("connectedApps/Logo.connectedApp-meta.xml", docs["PNG junk"]),
			want:  []hostileWant{{ProblemMalformed, "connectedApps/Logo.connectedApp-meta.xml", "3:1", "malformed XML: NUL byte in file"}},
		},
		{
			name:  "binary junk without NUL bytes in mdapi format",
			setup: file("connectedApps/Junk.connectedApp", docs["binary junk"]),
			want:  []hostileWant{{ProblemMalformed, "connectedApps/Junk.connectedApp", "1:65", "malformed XML: invalid UTF-8"}},
		},
		{
			name:  "HTML with a metadata suffix",
			setup: file("connectedApps/Page.connectedApp-meta.xml", docs["HTML"]),
			want:  []hostileWant{{ProblemWrongRoot, "connectedApps/Page.connectedApp-meta.xml", "2:1", "root element is <html>; a .connectedApp file must have root <ConnectedApp>"}},
		},
		{
			name:  "empty file",
			setup: file("connectedApps/Empty.connectedApp-meta.xml", docs["empty"]),
			want:  []hostileWant{{ProblemMalformed, "connectedApps/Empty.connectedApp-meta.xml", "1:1", "malformed XML: no root element"}},
		},
		{
			name:  "directory named like a metadata file",
			setup: file("Folder.connectedApp-meta.xml/connectedApps/Nested.connectedApp-meta.xml", xmlDecl+caRoot+"<label>Nested</label></ConnectedApp>"),
			check: func(t *testing.T, p *Project) {
				if a := p.App("Nested"); a == nil || a.Files()[0] != "Folder.connectedApp-meta.xml/connectedApps/Nested.connectedApp-meta.xml" {
					t.Errorf("the file inside the directory was not loaded: %v", summarizeApps(p))
				}
			},
		},
		{
			name: "dangling symlink",
			setup: func(t *testing.T, dir string) []string {
				symlink(t, "gone/Dangling.xml", filepath.Join(dir, "connectedApps", "Dangling.connectedApp-meta.xml"))
				return nil
			},
			want: []hostileWant{{ProblemUnreadable, "connectedApps/Dangling.connectedApp-meta.xml", "0:0", "broken symbolic link: no such file or directory"}},
		},
		{
			name: "symlink loops",
			setup: func(t *testing.T, dir string) []string {
				symlink(t, "Loop.connectedApp-meta.xml", filepath.Join(dir, "connectedApps", "Loop.connectedApp-meta.xml"))
				symlink(t, "..", filepath.Join(dir, "connectedApps", "up"))
				symlink(t, ".", filepath.Join(dir, "self"))
				return nil
			},
			want: []hostileWant{{ProblemUnreadable, "connectedApps/Loop.connectedApp-meta.xml", "0:0", "broken symbolic link: too many levels of symbolic links"}},
		},
		{
			name: "named pipes: never opened",
			setup: func(t *testing.T, dir string) []string {
				mkfifo(t, filepath.Join(dir, "connectedApps", "Pipe.connectedApp-meta.xml"))
				mkfifo(t, filepath.Join(dir, "Given.connectedApp-meta.xml"))
				return []string{"Given.connectedApp-meta.xml"}
			},
			want: []hostileWant{{ProblemUnreadable, "Given.connectedApp-meta.xml", "0:0", "not a regular file; not read"}},
		},
		{
			name: "zip slip",
			setup: func(t *testing.T, dir string) []string {
				buildZip(t, filepath.Join(dir, "slip.zip"), []zipEntry{{Name: "../../evil/connectedApps/Evil.connectedApp", Body: goodZipEntry.Body}, goodZipEntry})
				return []string{"slip.zip"}
			},
			want: []hostileWant{{ProblemZip, "slip.zip!../../evil/connectedApps/Evil.connectedApp", "0:0", `zip entry "../../evil/connectedApps/Evil.connectedApp" escapes the archive (zip slip); skipped`}},
			check: func(t *testing.T, p *Project) {
				if p.App("Zipped") == nil || p.App("Evil") != nil {
					t.Errorf("apps %v: want Zipped and not Evil", summarizeApps(p))
				}
			},
		},
		{
			name: "zip bomb",
			setup: func(t *testing.T, dir string) []string {
				buildZip(t, filepath.Join(dir, "bomb.zip"), []zipEntry{{Name: "connectedApps/Bomb.connectedApp", Body: bombXML(8 << 20)}, goodZipEntry})
				return []string{"bomb.zip"}
			},
			limits: smallEntries,
			want:   []hostileWant{{ProblemUnreadable, "bomb.zip!connectedApps/Bomb.connectedApp", "1:1", "cannot read: zip entry expands beyond the size limit (possible zip bomb)"}},
		},
		{
			name: "zip bomb with a lying header",
			setup: func(t *testing.T, dir string) []string {
				lyingZip(t, filepath.Join(dir, "liar.zip"), "connectedApps/Liar.connectedApp", 8<<20)
				return []string{"liar.zip"}
			},
			want: []hostileWant{{ProblemUnreadable, "liar.zip!connectedApps/Liar.connectedApp", "1:1", "cannot read: zip: not a valid zip file"}},
		},
		{
			name: "not a zip",
			setup: func(t *testing.T, dir string) []string {
				writeFile(t, dir, "retrieve.zip", docs["PNG junk"])
				return []string{"retrieve.zip"}
			},
			want: []hostileWant{{ProblemZip, "retrieve.zip", "0:0", "not a readable zip archive: zip: not a valid zip file"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			companion, err := os.ReadFile(filepath.Join("testdata", "hostile", "Companion.connectedApp-meta.xml"))
			if err != nil {
				t.Fatal(err)
			}
			writeFile(t, dir, "connectedApps/Companion.connectedApp-meta.xml", string(companion))
			paths := append([]string{"."}, tt.setup(t, dir)...)

			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			p := mustLoad(t, Options{WorkDir: dir, Paths: paths, Limits: tt.limits})
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			alloc := after.TotalAlloc - before.TotalAlloc
			t.Logf("Load took %v and allocated %d KB", elapsed, alloc>>10)
			if elapsed > 5*time.Second {
				t.Errorf("Load took %v on hostile input", elapsed)
			}
			limit := tt.maxAlloc
			if limit == 0 {
				limit = 64 << 20
			}
			if alloc > limit {
				t.Errorf("Load allocated %d KB, over %d KB", alloc>>10, limit>>10)
			}

			var got []hostileWant
			for i, pr := range p.Problems {
				g := hostileWant{pr.Code, pr.Pos.File, lineCol(pr.Pos), pr.Message}
				if i < len(tt.want) && strings.Contains(pr.Message, tt.want[i].Message) {
					g.Message = tt.want[i].Message // the want holds a substring
				}
				got = append(got, g)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			c := p.App("Companion")
			if c == nil {
				t.Fatalf("the valid app next to the hostile input was not loaded: %v", summarizeApps(p))
			}
			if got := c.Field("oauth.scopes").Strings(); !cmp.Equal(got, []string{"Api"}) {
				t.Errorf("Companion scopes = %v", got)
			}
			if tt.check != nil {
				tt.check(t, p)
			}
		})
	}
}
