package troubleshoot

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// newCertificate returns a self-signed DER certificate valid from notBefore to notAfter.
func newCertificate(t testing.TB, notBefore, notAfter time.Time) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(42),
		Subject:      pkix.Name{CommonName: "ci-deploy"},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		DNSNames:     []string{"example.com"},
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func wrapBase64(s string, width int) string {
	var b strings.Builder
	for len(s) > width {
		b.WriteString(s[:width])
		b.WriteString("\n")
		s = s[width:]
	}
	b.WriteString(s)
	return b.String()
}

func TestParseCertificate(t *testing.T) {
	utc := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, time.UTC) }
	current := newCertificate(t, utc(2024, 1, 2), utc(2027, 1, 2))
	// After 2049 X.509 switches from UTCTime to GeneralizedTime.
	long := newCertificate(t, utc(2024, 1, 2), utc(2060, 6, 30))
	b64 := base64.StdEncoding.EncodeToString(current)
	pemText := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: current}))
	tests := []struct {
		name    string
		text    string
		want    validity
		wantErr string
	}{
		{name: "base64 DER", text: b64, want: validity{utc(2024, 1, 2), utc(2027, 1, 2)}},
		{name: "base64 wrapped and indented", text: "\n        " + strings.ReplaceAll(wrapBase64(b64, 64), "\n", "\n\t ") + "\n    ", want: validity{utc(2024, 1, 2), utc(2027, 1, 2)}},
		{name: "PEM", text: "\n" + pemText, want: validity{utc(2024, 1, 2), utc(2027, 1, 2)}},
		{name: "GeneralizedTime", text: base64.StdEncoding.EncodeToString(long), want: validity{utc(2024, 1, 2), utc(2060, 6, 30)}},
		{name: "not base64", text: "this is not a certificate!", wantErr: "not base64"},
		{name: "empty", text: "", wantErr: "not an X.509 certificate"},
		{name: "truncated", text: base64.StdEncoding.EncodeToString(current[:len(current)/2]), wantErr: "not an X.509 certificate"},
		{name: "trailing data", text: base64.StdEncoding.EncodeToString(append(append([]byte{}, current...), 0x05, 0x00)), wantErr: "not an X.509 certificate"},
		{name: "other DER", text: base64.StdEncoding.EncodeToString([]byte{0x30, 0x03, 0x02, 0x01, 0x01}), wantErr: "not an X.509 certificate"},
		{name: "PEM of garbage", text: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("garbage")})), wantErr: "not an X.509 certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseCertificate(tt.text)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("parseCertificate() error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseCertificate() error = %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("parseCertificate() (-want +got):\n%s", diff)
			}
		})
	}
}

// FuzzParseCertificate checks the validity reader against crypto/x509: every
// certificate x509 accepts must give the same dates, and nothing may panic.
func FuzzParseCertificate(f *testing.F) {
	f.Add(newCertificate(f, time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 2, 0, 0, 0, 0, time.UTC)))
	f.Add(newCertificate(f, time.Date(1999, 1, 2, 0, 0, 0, 0, time.UTC), time.Date(2060, 1, 2, 0, 0, 0, 0, time.UTC)))
	f.Add([]byte{0x30, 0x03, 0x02, 0x01, 0x01})
	f.Fuzz(func(t *testing.T, der []byte) {
		got, err := parseCertificate(base64.StdEncoding.EncodeToString(der))
		want, xerr := x509.ParseCertificate(der)
		if xerr != nil {
			return
		}
		if err != nil {
			t.Fatalf("x509 parses the certificate, parseCertificate says %v", err)
		}
		if !got.NotBefore.Equal(want.NotBefore) || !got.NotAfter.Equal(want.NotAfter) {
			t.Fatalf("validity %v..%v, x509 says %v..%v", got.NotBefore, got.NotAfter, want.NotBefore, want.NotAfter)
		}
	})
}
