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
// start-up for every run, for two dates.
type certificateASN1 struct {
	TBS                tbsCertificateASN1
	SignatureAlgorithm asn1.RawValue
	Signature          asn1.BitString
}

type tbsCertificateASN1 struct {
	Version         int `asn1:"optional,explicit,default:0,tag:0"`
	SerialNumber    asn1.RawValue
	Signature       asn1.RawValue
	Issuer          asn1.RawValue
	Validity        validity
	Subject         asn1.RawValue
	PublicKey       asn1.RawValue
	IssuerUniqueID  asn1.BitString `asn1:"optional,tag:1"`
	SubjectUniqueID asn1.BitString `asn1:"optional,tag:2"`
	Extensions      asn1.RawValue  `asn1:"optional,explicit,tag:3"`
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
	var c certificateASN1
	rest, err := asn1.Unmarshal(der, &c)
	if err != nil || len(rest) > 0 || c.TBS.SerialNumber.Tag != asn1.TagInteger || c.TBS.Version < 0 || c.TBS.Version > 2 {
		return validity{}, errors.New("not an X.509 certificate")
	}
	return c.TBS.Validity, nil
}
