package troubleshoot

import (
	"encoding/asn1"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"strings"
	"time"
)

// validity is the part of an X.509 certificate the JWT check needs.
type validity struct {
	NotBefore, NotAfter time.Time
}

// The certificate structure of RFC 5280, section 4.1, read with encoding/asn1
// only as far as the validity. crypto/x509 would do it too, but it imports
// package net, and with it cgo and the whole certificate stack: about 4 ms of
// start-up for every run, for two dates. Like crypto/x509, what follows the
// validity inside the to-be-signed part is not looked at.
type certificateASN1 struct {
	TBS                asn1.RawValue
	SignatureAlgorithm asn1.RawValue
	Signature          asn1.BitString
}

// parseCertificate reads a certificate as metadata holds it: base64 DER
// without armour, or PEM. The text is never echoed, not even in errors.
func parseCertificate(text string) (validity, error) {
	var der []byte
	if blk, _ := pem.Decode([]byte(strings.TrimSpace(text))); blk != nil {
		der = blk.Bytes
	} else {
		clean := strings.Map(func(r rune) rune {
			if r == ' ' || r == '\n' || r == '\r' || r == '\t' {
				return -1
			}
			return r
		}, text)
		var err error
		if der, err = base64.StdEncoding.DecodeString(clean); err != nil {
			return validity{}, errors.New("not base64")
		}
	}
	notCert := errors.New("not an X.509 certificate")
	var c certificateASN1
	rest, err := asn1.Unmarshal(der, &c)
	if err != nil || len(rest) > 0 || c.TBS.Class != asn1.ClassUniversal || c.TBS.Tag != asn1.TagSequence {
		return validity{}, notCert
	}
	// TBSCertificate: [0] EXPLICIT version DEFAULT v1, serialNumber,
	// signature, issuer, validity, ...
	tbs := c.TBS.Bytes
	next := func(class, tag int) (asn1.RawValue, bool) {
		var v asn1.RawValue
		r, err := asn1.Unmarshal(tbs, &v)
		if err != nil || v.Class != class || v.Tag != tag {
			return v, false
		}
		tbs = r
		return v, true
	}
	if v, ok := next(asn1.ClassContextSpecific, 0); ok {
		var version int
		if r, err := asn1.Unmarshal(v.Bytes, &version); err != nil || len(r) > 0 || version < 0 || version > 2 {
			return validity{}, notCert
		}
	}
	for _, tag := range []int{asn1.TagInteger, asn1.TagSequence, asn1.TagSequence} { // serial, signature, issuer
		if _, ok := next(asn1.ClassUniversal, tag); !ok {
			return validity{}, notCert
		}
	}
	var val validity
	if _, err := asn1.Unmarshal(tbs, &val); err != nil {
		return validity{}, notCert
	}
	return val, nil
}
