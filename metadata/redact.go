package metadata

import (
	"bytes"
	"strings"
)

// secretElements are elements whose text is a secret. Their content must never
// appear in any output, including parser error messages.
var secretElements = map[string]bool{
	"consumerSecret": true,
	"password":       true,
	"signingKey":     true,
	"serviceAccount": true,
	"privateKey":     true,
}

// IsSecretElement reports whether an element's text is a secret.
func IsSecretElement(name string) bool { return secretElements[name] }

// IsSecretPath reports whether a model field path is under secrets: such a
// field's value (a consumer secret, a certificate, a private key) is never
// printed, only its presence.
func IsSecretPath(path string) bool { return path == "secrets" || strings.HasPrefix(path, "secrets.") }

// secretContext returns the name of the secret element whose content holds
// byte offset off, or "" when off is not inside one. It scans backwards for the
// nearest start tag that has not been closed before off.
func secretContext(src []byte, off int) string {
	if off > len(src) {
		off = len(src)
	}
	head := src[:off]
	for i := bytes.LastIndexByte(head, '<'); i >= 0; i = bytes.LastIndexByte(head[:i], '<') {
		rest := head[i+1:]
		if len(rest) == 0 {
			continue
		}
		if rest[0] == '/' || rest[0] == '!' || rest[0] == '?' {
			return "" // the nearest markup before off is an end tag or comment: not inside a start tag's content
		}
		name := rest
		if j := bytes.IndexAny(name, " \t\r\n/>"); j >= 0 {
			name = name[:j]
		}
		local := string(name)
		if k := strings.IndexByte(local, ':'); k >= 0 {
			local = local[k+1:]
		}
		if secretElements[local] {
			return local
		}
		return ""
	}
	return ""
}
