package pki

import (
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"strconv"
	"strings"
)

// Key usage and extended key usage names as Vault takes them: Go's
// constant names without their prefix, compared case-insensitively.
var (
	keyUsageNames = map[string]x509.KeyUsage{
		"digitalsignature":  x509.KeyUsageDigitalSignature,
		"contentcommitment": x509.KeyUsageContentCommitment,
		"keyencipherment":   x509.KeyUsageKeyEncipherment,
		"dataencipherment":  x509.KeyUsageDataEncipherment,
		"keyagreement":      x509.KeyUsageKeyAgreement,
		"certsign":          x509.KeyUsageCertSign,
		"crlsign":           x509.KeyUsageCRLSign,
		"encipheronly":      x509.KeyUsageEncipherOnly,
		"decipheronly":      x509.KeyUsageDecipherOnly,
	}
	extKeyUsageNames = map[string]x509.ExtKeyUsage{
		"any":                            x509.ExtKeyUsageAny,
		"serverauth":                     x509.ExtKeyUsageServerAuth,
		"clientauth":                     x509.ExtKeyUsageClientAuth,
		"codesigning":                    x509.ExtKeyUsageCodeSigning,
		"emailprotection":                x509.ExtKeyUsageEmailProtection,
		"ipsecendsystem":                 x509.ExtKeyUsageIPSECEndSystem,
		"ipsectunnel":                    x509.ExtKeyUsageIPSECTunnel,
		"ipsecuser":                      x509.ExtKeyUsageIPSECUser,
		"timestamping":                   x509.ExtKeyUsageTimeStamping,
		"ocspsigning":                    x509.ExtKeyUsageOCSPSigning,
		"microsoftservergatedcrypto":     x509.ExtKeyUsageMicrosoftServerGatedCrypto,
		"netscapeservergatedcrypto":      x509.ExtKeyUsageNetscapeServerGatedCrypto,
		"microsoftcommercialcodesigning": x509.ExtKeyUsageMicrosoftCommercialCodeSigning,
		"microsoftkernelcodesigning":     x509.ExtKeyUsageMicrosoftKernelCodeSigning,
	}
)

func parseKeyUsages(names []string) (x509.KeyUsage, error) {
	var ku x509.KeyUsage
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		u, ok := keyUsageNames[strings.ToLower(strings.TrimPrefix(n, "KeyUsage"))]
		if !ok {
			return 0, badRequest("unknown key usage %q", n)
		}
		ku |= u
	}
	return ku, nil
}

func parseExtKeyUsages(names []string) ([]x509.ExtKeyUsage, error) {
	var out []x509.ExtKeyUsage
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		u, ok := extKeyUsageNames[strings.ToLower(strings.TrimPrefix(n, "ExtKeyUsage"))]
		if !ok {
			return nil, badRequest("unknown extended key usage %q", n)
		}
		out = appendEKU(out, u)
	}
	return out, nil
}

func appendEKU(list []x509.ExtKeyUsage, u x509.ExtKeyUsage) []x509.ExtKeyUsage {
	for _, x := range list {
		if x == u {
			return list
		}
	}
	return append(list, u)
}

// parseOIDs reads dotted object identifiers.
func parseOIDs(list []string) ([]x509.OID, error) {
	var out []x509.OID
	for _, s := range list {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		oid, err := x509.ParseOID(s)
		if err != nil {
			return nil, badRequest("%q is not a valid object identifier", s)
		}
		out = append(out, oid)
	}
	return out, nil
}

// asn1OIDs converts OIDs whose arcs fit an int (all the extended key
// usages Go can encode) to encoding/asn1's form; others are dropped.
func asn1OIDs(oids []x509.OID) []asn1.ObjectIdentifier {
	var out []asn1.ObjectIdentifier
	for _, o := range oids {
		var a asn1.ObjectIdentifier
		ok := true
		for _, arc := range strings.Split(o.String(), ".") {
			n, err := strconv.Atoi(arc)
			if err != nil {
				ok = false
				break
			}
			a = append(a, n)
		}
		if ok {
			out = append(out, a)
		}
	}
	return out
}

// validate checks every name and OID of the spec.
func (u usageSpec) validate() error {
	if _, err := parseKeyUsages(u.KeyUsage); err != nil {
		return err
	}
	if _, err := parseExtKeyUsages(u.ExtKeyUsage); err != nil {
		return err
	}
	if _, err := parseOIDs(u.ExtKeyUsageOIDs); err != nil {
		return err
	}
	_, err := parseOIDs(u.PolicyIdentifiers)
	return err
}

// leafUsages are the usage extensions of a leaf certificate.
type leafUsages struct {
	keyUsage   x509.KeyUsage
	extUsage   []x509.ExtKeyUsage
	unknownEKU []asn1.ObjectIdentifier
	policies   []x509.OID
}

// leaf computes a leaf's usages for a public key: the role's key usages
// (without key and data encipherment for keys that cannot encipher, that
// is anything but RSA), then the flags, ext_key_usage names and OIDs.
func (u usageSpec) leaf(pub crypto.PublicKey) (leafUsages, error) {
	var l leafUsages
	var err error
	if l.keyUsage, err = parseKeyUsages(u.KeyUsage); err != nil {
		return l, err
	}
	if _, isRSA := pub.(*rsa.PublicKey); !isRSA {
		l.keyUsage &^= x509.KeyUsageKeyEncipherment | x509.KeyUsageDataEncipherment
	}
	for _, f := range []struct {
		on bool
		u  x509.ExtKeyUsage
	}{
		{u.ServerFlag, x509.ExtKeyUsageServerAuth},
		{u.ClientFlag, x509.ExtKeyUsageClientAuth},
		{u.CodeSigningFlag, x509.ExtKeyUsageCodeSigning},
		{u.EmailProtectionFlag, x509.ExtKeyUsageEmailProtection},
	} {
		if f.on {
			l.extUsage = appendEKU(l.extUsage, f.u)
		}
	}
	named, err := parseExtKeyUsages(u.ExtKeyUsage)
	if err != nil {
		return l, err
	}
	for _, e := range named {
		l.extUsage = appendEKU(l.extUsage, e)
	}
	oids, err := parseOIDs(u.ExtKeyUsageOIDs)
	if err != nil {
		return l, err
	}
	l.unknownEKU = asn1OIDs(oids)
	if l.policies, err = parseOIDs(u.PolicyIdentifiers); err != nil {
		return l, err
	}
	return l, nil
}
