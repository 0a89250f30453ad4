package pki

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"strings"
	"testing"

	"github.com/cofre-io/cofre/server/logical/framework"
)

// FuzzParseCSR feeds arbitrary text to the CSR path of sign/, sign-verbatim
// and sign-intermediate: parsing, the extension decoder and the role's key
// checks. Nothing may panic, and every refusal is a 400.
func FuzzParseCSR(f *testing.F) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		f.Fatal(err)
	}
	ku, _ := asn1.Marshal(asn1.BitString{Bytes: []byte{0xa0}, BitLength: 3})
	eku, _ := asn1.Marshal([]asn1.ObjectIdentifier{{1, 3, 6, 1, 5, 5, 7, 3, 1}, {1, 2, 3}})
	bc, _ := asn1.Marshal(struct{ IsCA bool }{true})
	for _, exts := range [][]pkix.Extension{nil, {{Id: oidKeyUsage, Value: ku}, {Id: oidExtKeyUsage, Value: eku}}, {{Id: oidBasicConstraints, Value: bc}}} {
		der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "a.example.com"}, DNSNames: []string{"b.example.com"}, ExtraExtensions: exts}, key)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(pemString("CERTIFICATE REQUEST", der))
	}
	f.Add("")
	f.Add("-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n")
	f.Add("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
	roles := []keySpec{{Type: keyAny}, {Type: keyEC, Bits: 256}, {Type: keyRSA, Bits: 2048}, {Type: keyEd25519}}
	f.Fuzz(func(t *testing.T, text string) {
		csr, err := parseCSR(text)
		if err != nil {
			if !isBadRequest(err) {
				t.Fatalf("parseCSR error is not a 400: %v", err)
			}
			return
		}
		if _, err := requestedExtensions(csr); err != nil && !isBadRequest(err) {
			t.Fatalf("requestedExtensions error is not a 400: %v", err)
		}
		for _, r := range roles {
			if err := checkCSRKey(r, csr); err != nil && !isBadRequest(err) {
				t.Fatalf("checkCSRKey error is not a 400: %v", err)
			}
		}
		_ = csrSANs(csr)
	})
}

// FuzzParseSANs feeds arbitrary alt_names, ip_sans and uri_sans through
// the field conversion of issue/ and the SAN parser and role checks.
func FuzzParseSANs(f *testing.F) {
	f.Add("a.example.com,ops@example.com", "192.0.2.1,::1", "spiffe://example.com/x", "api.example.com")
	f.Add(" , ,", "1.2.3", "://", "")
	f.Add("*.example.com,foo*.example.com", "", "urn:x", "*.*.example.com")
	f.Add("a@b@c,@,x@", "fe80::1%eth0", "http://[::1]:80/", "x@")
	schema := issueSchema(false)
	r := &role{namePolicy: namePolicy{AllowedDomains: []string{"example.com", "*.test"}, AllowSubdomains: true, AllowGlobDomains: true, AllowBareDomains: true,
		AllowLocalhost: true, AllowWildcardCertificates: true, EnforceHostnames: true, AllowIPSANs: true,
		AllowedURISANs: []string{"spiffe://example.com/*"}, CNValidations: defaultCNValidations}}
	f.Fuzz(func(t *testing.T, alt, ips, uris, cn string) {
		d, err := framework.NewFieldData(map[string]any{"role": "r", "alt_names": alt, "ip_sans": ips, "uri_sans": uris, "common_name": cn}, schema)
		if err != nil {
			return
		}
		s, err := parseSANs(d.Strings("alt_names"), d.Strings("ip_sans"), d.Strings("uri_sans"))
		if err != nil {
			if !isBadRequest(err) {
				t.Fatalf("parseSANs error is not a 400: %v", err)
			}
			return
		}
		for _, n := range s.dns {
			if n == "" || strings.Contains(n, "@") || n != strings.TrimSpace(n) {
				t.Fatalf("bad DNS name %q", n)
			}
		}
		if len(s.ips)+len(s.uris) > len(ips)+len(uris) {
			t.Fatal("more names out than in")
		}
		is := &issuance{role: r}
		if err := is.checkNames(d.String("common_name"), &s, false); err != nil && !isBadRequest(err) {
			t.Fatalf("checkNames error is not a 400: %v", err)
		} else if err == nil {
			// Whatever passed the role passes again (idempotent checks).
			if r.checkSANs(s) != nil {
				t.Fatalf("accepted SANs %+v fail a second check", s)
			}
		}
	})
}
