package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/cofre-io/cofre/server/logical"
)

// newCSR makes a PEM CSR; extra extensions are encoded by the standard
// library from Go values.
func newCSR(t testing.TB, key crypto.Signer, cn string, dns []string, exts ...pkix.Extension) string {
	t.Helper()
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject: pkix.Name{CommonName: cn, Organization: []string{"CSR Org"}}, DNSNames: dns, IPAddresses: []net.IP{net.ParseIP("192.0.2.7")},
		ExtraExtensions: exts,
	}, key)
	if err != nil {
		t.Fatal(err)
	}
	return pemString("CERTIFICATE REQUEST", der)
}

func ecKey(t testing.TB) *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSignCSRAgainstRole(t *testing.T) {
	h := newHierarchy(t, "ec")
	f := h.inter
	key := ecKey(t)
	resp := f.write("sign/web", map[string]any{"csr": newCSR(t, key, "csr.example.com", []string{"alt.example.com"}), "common_name": "ignored.example.com"})
	leaf := h.verify(t, resp["certificate"].(string), resp["ca_chain"].([]string))
	if leaf.Subject.CommonName != "csr.example.com" || !strings.Contains(strings.Join(leaf.DNSNames, ","), "alt.example.com") || len(leaf.IPAddresses) != 1 {
		t.Fatalf("CSR names not used: %v %v %v", leaf.Subject.CommonName, leaf.DNSNames, leaf.IPAddresses)
	}
	if !samePublicKey(leaf.PublicKey, key.Public()) || resp["private_key"] != nil {
		t.Fatal("sign must keep the CSR's key and return no private key")
	}
	if len(leaf.Subject.Organization) != 0 {
		t.Fatal("the role's subject, not the CSR's, must be used")
	}
	// A CSR name outside the role is refused, naming the rule.
	_, err := f.do(logical.UpdateOperation, "sign/web", map[string]any{"csr": newCSR(t, key, "evil.com", nil)})
	badRequestContaining(t, err, "common name evil.com not allowed by this role")
	// Key type mismatch.
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	_, err = f.do(logical.UpdateOperation, "sign/web", map[string]any{"csr": newCSR(t, rsaKey, "a.example.com", nil)})
	badRequestContaining(t, err, "role requires keys of type ec")
	// Garbage and tampered CSRs.
	_, err = f.do(logical.UpdateOperation, "sign/web", map[string]any{"csr": "not pem"})
	badRequestContaining(t, err, "csr contains no PEM data")
	// use_csr_sans=false takes the SANs from the request.
	f.write("roles/api", map[string]any{"allowed_domains": "example.com", "allow_subdomains": true, "key_type": "any", "use_csr_sans": false, "use_csr_common_name": false})
	resp = f.write("sign/api", map[string]any{"csr": newCSR(t, rsaKey, "x.example.com", []string{"csr-only.example.com"}), "common_name": "req.example.com", "alt_names": "b.example.com"})
	leaf = mustCert(t, resp["certificate"].(string))
	if leaf.Subject.CommonName != "req.example.com" || strings.Join(leaf.DNSNames, ",") != "req.example.com,b.example.com" {
		t.Fatalf("request names not used: %v %v", leaf.Subject.CommonName, leaf.DNSNames)
	}
}

func TestSignVerbatim(t *testing.T) {
	h := newHierarchy(t, "ec")
	f := h.inter
	key := ecKey(t)
	ekuVal, _ := asn1.Marshal([]asn1.ObjectIdentifier{{1, 3, 6, 1, 5, 5, 7, 3, 4}})
	resp := f.write("sign-verbatim", map[string]any{"csr": newCSR(t, key, "anything at all", []string{"outside.test"}, pkix.Extension{Id: oidExtKeyUsage, Value: ekuVal}), "ttl": "1h"})
	leaf := mustCert(t, resp["certificate"].(string))
	if leaf.Subject.CommonName != "anything at all" || leaf.Subject.Organization[0] != "CSR Org" || leaf.DNSNames[0] != "outside.test" {
		t.Fatalf("not verbatim: %v %v", leaf.Subject, leaf.DNSNames)
	}
	if len(leaf.ExtKeyUsage) != 1 || leaf.ExtKeyUsage[0] != x509.ExtKeyUsageEmailProtection {
		t.Fatalf("CSR's extended key usage not kept: %v", leaf.ExtKeyUsage)
	}
	if leaf.KeyUsage != x509.KeyUsageDigitalSignature|x509.KeyUsageKeyAgreement|x509.KeyUsageKeyEncipherment {
		t.Fatalf("default key usage not applied: %v", leaf.KeyUsage)
	}
	bc, _ := asn1.Marshal(struct{ IsCA bool }{true})
	_, err := f.do(logical.UpdateOperation, "sign-verbatim", map[string]any{"csr": newCSR(t, key, "ca", nil, pkix.Extension{Id: oidBasicConstraints, Critical: true, Value: bc})})
	badRequestContaining(t, err, "will not sign a CSR asking for a CA certificate")
}

func TestSignIntermediatePathLength(t *testing.T) {
	f := newFixture(t)
	f.write("root/generate/internal", map[string]any{"common_name": "Root", "key_type": "ec", "max_path_length": 1})
	sub := newFixture(t)
	csr := sub.write("intermediate/generate/internal", map[string]any{"common_name": "Sub", "key_type": "ec"})
	signed := f.write("root/sign-intermediate", map[string]any{"csr": csr["csr"], "ttl": "100h"})
	c := mustCert(t, signed["certificate"].(string))
	if c.MaxPathLen != 0 || !c.MaxPathLenZero {
		t.Fatalf("path length %d (zero %v), want 0", c.MaxPathLen, c.MaxPathLenZero)
	}
	sub.write("intermediate/set-signed", map[string]any{"certificate": signed["certificate"]})
	third := newFixture(t)
	csr3 := third.write("intermediate/generate/internal", map[string]any{"common_name": "Third", "key_type": "ec"})
	_, err := sub.do(logical.UpdateOperation, "root/sign-intermediate", map[string]any{"csr": csr3["csr"]})
	badRequestContaining(t, err, "max path length of zero")
	// use_csr_values keeps the CSR's subject; the common name defaults to the CSR's.
	key := ecKey(t)
	signed = f.write("root/sign-intermediate", map[string]any{"csr": newCSR(t, key, "From CSR", nil), "use_csr_values": true})
	if c := mustCert(t, signed["certificate"].(string)); c.Subject.Organization[0] != "CSR Org" || !c.IsCA {
		t.Fatalf("use_csr_values: %v", c.Subject)
	}
	signed = f.write("root/sign-intermediate", map[string]any{"csr": newCSR(t, key, "From CSR", nil)})
	if c := mustCert(t, signed["certificate"].(string)); c.Subject.CommonName != "From CSR" || len(c.Subject.Organization) != 0 {
		t.Fatalf("common name from the CSR: %v", c.Subject)
	}
}

func TestSignSelfIssued(t *testing.T) {
	a, b := newFixture(t), newFixture(t)
	a.write("root/generate/internal", map[string]any{"common_name": "Root A", "key_type": "ec"})
	rb := b.write("root/generate/internal", map[string]any{"common_name": "Root B", "key_type": "ec"})
	out := a.write("root/sign-self-issued", map[string]any{"certificate": rb["certificate"]})
	c := mustCert(t, out["certificate"].(string))
	if c.Issuer.CommonName != "Root A" || c.Subject.CommonName != "Root B" {
		t.Fatalf("cross-signed %v by %v", c.Subject, c.Issuer)
	}
	caA := mustCert(t, out["issuing_ca"].(string))
	if err := c.CheckSignatureFrom(caA); err != nil {
		t.Fatal(err)
	}
	leaf := newFixture(t)
	leaf.write("root/generate/internal", map[string]any{"common_name": "leafish", "key_type": "ec"})
	b.write("roles/r", map[string]any{"allow_any_name": true, "key_type": "ec"})
	l := b.write("issue/r", map[string]any{"common_name": "x.example.com"})
	_, err := a.do(logical.UpdateOperation, "root/sign-self-issued", map[string]any{"certificate": l["certificate"]})
	badRequestContaining(t, err, "not self-issued")
}

func TestFormats(t *testing.T) {
	h := newHierarchy(t, "ec")
	f := h.inter
	der := f.write("issue/web", map[string]any{"common_name": "a.example.com", "format": "der"})
	raw, err := base64.StdEncoding.DecodeString(der["certificate"].(string))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := x509.ParseCertificate(raw); err != nil {
		t.Fatal(err)
	}
	keyDER, _ := base64.StdEncoding.DecodeString(der["private_key"].(string))
	if _, err := x509.ParseECPrivateKey(keyDER); err != nil {
		t.Fatalf("der private key is not SEC 1: %v", err)
	}
	bundle := f.write("issue/web", map[string]any{"common_name": "a.example.com", "format": "pem_bundle", "private_key_format": "pkcs8"})
	text := bundle["certificate"].(string)
	if !strings.HasPrefix(text, "-----BEGIN PRIVATE KEY-----") || strings.Count(text, "BEGIN CERTIFICATE") != 2 {
		t.Fatalf("pem_bundle holds key, leaf and intermediate (not the root): %d certificates", strings.Count(text, "BEGIN CERTIFICATE"))
	}
	noRoots := f.write("issue/web", map[string]any{"common_name": "a.example.com", "remove_roots_from_chain": true})
	if len(noRoots["ca_chain"].([]string)) != 1 {
		t.Fatal("remove_roots_from_chain kept the root")
	}
	_, err = f.do(logical.UpdateOperation, "issue/web", map[string]any{"common_name": "a.example.com", "format": "jpeg"})
	badRequestContaining(t, err, "unsupported format")
	_, err = f.do(logical.UpdateOperation, "issue/web", map[string]any{"common_name": "a.example.com", "alt_names": "evil.com"})
	badRequestContaining(t, err, "subject alternate name evil.com not allowed by this role")
	_, err = f.do(logical.UpdateOperation, "issue/web", map[string]any{"common_name": "a.example.com", "ip_sans": "10.1.1.1,nope"})
	badRequestContaining(t, err, `"nope" is not a valid IP address`)
	_, err = f.do(logical.UpdateOperation, "issue/web", map[string]any{})
	badRequestContaining(t, err, "the common_name field is required")
	_, err = f.do(logical.UpdateOperation, "issue/nope", map[string]any{"common_name": "a.example.com"})
	badRequestContaining(t, err, "unknown role: nope")
}

// TestSubjectKeyIDMatchesGeneric compares the direct key encodings with the
// bit string decoded from the full public key encoding.
func TestSubjectKeyIDMatchesGeneric(t *testing.T) {
	for _, spec := range []keySpec{{keyEC, 224}, {keyEC, 256}, {keyEC, 384}, {keyEC, 521}, {keyRSA, 2048}, {keyEd25519, 0}} {
		k, err := spec.generate()
		if err != nil {
			t.Fatal(err)
		}
		fast, err := subjectKeyID(k.Public())
		if err != nil {
			t.Fatal(err)
		}
		slow, err := subjectKeyIDGeneric(k.Public())
		if err != nil {
			t.Fatal(err)
		}
		if string(fast) != string(slow) || len(fast) != 20 {
			t.Fatalf("%v: %x != %x", spec, fast, slow)
		}
	}
	// And it is what the standard library computes for a CA.
	k := ecKey(t)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "x"}, IsCA: true, BasicConstraintsValid: true,
		NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, k.Public(), k)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := subjectKeyID(k.Public())
	if string(c.SubjectKeyId) != string(want) {
		t.Fatal("subject key identifier differs from the standard library's")
	}
}
