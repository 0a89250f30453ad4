package pki_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	vault "github.com/hashicorp/vault/api"

	"github.com/cofre-io/cofre/server/servertest"
)

func parsePEMCert(t *testing.T, s any) *x509.Certificate {
	t.Helper()
	text, _ := s.(string)
	b, _ := pem.Decode([]byte(text))
	if b == nil {
		t.Fatalf("not PEM: %.60q", text)
	}
	c, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func write(t *testing.T, c *vault.Client, path string, data map[string]any) *vault.Secret {
	t.Helper()
	s, err := c.Logical().Write(path, data)
	if err != nil {
		t.Fatalf("write %s: %v", path, err)
	}
	return s
}

func readRaw(t *testing.T, c *vault.Client, path string) (string, []byte) {
	t.Helper()
	resp, err := c.Logical().ReadRawWithContext(context.Background(), path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.Header.Get("Content-Type"), body
}

// seedPKI builds the seed's hierarchy through the API: an offline root at
// pki/, an intermediate at pki_int/ whose key never leaves Cofre, and a role.
func seedPKI(t *testing.T, c *vault.Client) (root, inter *x509.Certificate) {
	t.Helper()
	if err := c.Sys().Mount("pki", &vault.MountInput{Type: "pki", Config: vault.MountConfigInput{MaxLeaseTTL: "87600h"}}); err != nil {
		t.Fatal(err)
	}
	r := write(t, c, "pki/root/generate/internal", map[string]any{"common_name": "example.com Root CA", "ttl": "87600h", "key_type": "ec", "issuer_name": "root-2026"})
	root = parsePEMCert(t, r.Data["certificate"])
	if err := c.Sys().Mount("pki_int", &vault.MountInput{Type: "pki", Config: vault.MountConfigInput{MaxLeaseTTL: "43800h"}}); err != nil {
		t.Fatal(err)
	}
	csr := write(t, c, "pki_int/intermediate/generate/internal", map[string]any{"common_name": "example.com Intermediate Authority", "key_type": "ec"})
	if csr.Data["private_key"] != nil {
		t.Fatal("internal intermediate returned its key")
	}
	signed := write(t, c, "pki/root/sign-intermediate", map[string]any{"issuer_ref": "root-2026", "csr": csr.Data["csr"], "format": "pem_bundle", "ttl": "43800h"})
	inter = parsePEMCert(t, signed.Data["certificate"])
	imp := write(t, c, "pki_int/intermediate/set-signed", map[string]any{"certificate": signed.Data["certificate"]})
	if ids, _ := imp.Data["imported_issuers"].([]any); len(ids) != 1 {
		t.Fatalf("set-signed imported %v", imp.Data["imported_issuers"])
	}
	write(t, c, "pki_int/roles/example-dot-com", map[string]any{"allowed_domains": "example.com", "allow_subdomains": true, "max_ttl": "72h", "key_type": "ec"})
	return root, inter
}

func TestSeedHierarchyThroughVaultClient(t *testing.T) {
	s := servertest.StartDev(t)
	c := s.Client
	root, inter := seedPKI(t, c)

	leafResp := write(t, c, "pki_int/issue/example-dot-com", map[string]any{"common_name": "test.example.com", "ttl": "24h"})
	leaf := parsePEMCert(t, leafResp.Data["certificate"])
	rootPool, inters := x509.NewCertPool(), x509.NewCertPool()
	rootPool.AddCert(root)
	chain, _ := leafResp.Data["ca_chain"].([]any)
	if len(chain) == 0 {
		t.Fatal("no ca_chain")
	}
	for _, ch := range chain {
		inters.AddCert(parsePEMCert(t, ch))
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: rootPool, Intermediates: inters, DNSName: "test.example.com"}); err != nil {
		t.Fatalf("leaf does not verify against the root alone: %v", err)
	}
	if d := time.Until(leaf.NotAfter); d > 24*time.Hour || d < 23*time.Hour {
		t.Fatalf("leaf lifetime %v", d)
	}
	serial := leafResp.Data["serial_number"].(string)

	// A name outside the role: 400 naming the rule.
	_, err := c.Logical().Write("pki_int/issue/example-dot-com", map[string]any{"common_name": "evil.com"})
	var re *vault.ResponseError
	if !errors.As(err, &re) || re.StatusCode != 400 || len(re.Errors) != 1 || re.Errors[0] != "common name evil.com not allowed by this role" {
		t.Fatalf("outside name: %v", err)
	}
	_, err = c.Logical().Write("pki_int/issue/example-dot-com", map[string]any{"common_name": "ok.example.com", "alt_names": "evil.com"})
	if !errors.As(err, &re) || re.StatusCode != 400 || !strings.Contains(re.Errors[0], "subject alternate name evil.com not allowed by this role") {
		t.Fatalf("outside SAN: %v", err)
	}

	// Role max_ttl caps, with a warning.
	long := write(t, c, "pki_int/issue/example-dot-com", map[string]any{"common_name": "long.example.com", "ttl": "1000h"})
	if d := time.Until(parsePEMCert(t, long.Data["certificate"]).NotAfter); d > 72*time.Hour || d < 71*time.Hour || len(long.Warnings) == 0 {
		t.Fatalf("role max_ttl: lifetime %v, warnings %v", d, long.Warnings)
	}
	// The mount's max TTL caps too, once tuned below the role's.
	if err := c.Sys().TuneMount("pki_int", vault.MountConfigInput{MaxLeaseTTL: "48h"}); err != nil {
		t.Fatal(err)
	}
	tuned := write(t, c, "pki_int/issue/example-dot-com", map[string]any{"common_name": "tuned.example.com", "ttl": "60h"})
	if d := time.Until(parsePEMCert(t, tuned.Data["certificate"]).NotAfter); d > 48*time.Hour || d < 47*time.Hour {
		t.Fatalf("mount max TTL: lifetime %v", d)
	}

	// Revocation reaches the next CRL, which verifies against its issuer.
	write(t, c, "pki_int/revoke", map[string]any{"serial_number": serial})
	ct, crlPEM := readRaw(t, c, "pki_int/crl/pem")
	if ct != "application/x-pem-file" {
		t.Fatalf("crl/pem content type %q", ct)
	}
	b, _ := pem.Decode(crlPEM)
	if b == nil || b.Type != "X509 CRL" {
		t.Fatalf("crl/pem is not a PEM CRL: %.60q", crlPEM)
	}
	crl, err := x509.ParseRevocationList(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if err := crl.CheckSignatureFrom(inter); err != nil {
		t.Fatalf("CRL signature: %v", err)
	}
	if !crlLists(crl, leaf.SerialNumber) {
		t.Fatal("revoked serial missing from the CRL")
	}
	ct, der := readRaw(t, c, "pki_int/crl")
	if ct != "application/pkix-crl" {
		t.Fatalf("crl content type %q", ct)
	}
	if d, err := x509.ParseRevocationList(der); err != nil || d.Number.Cmp(crl.Number) != 0 {
		t.Fatalf("DER CRL: %v", err)
	}
	cert, err := c.Logical().Read("pki_int/cert/" + serial)
	if err != nil || cert == nil || cert.Data["revocation_time"] == "0" {
		t.Fatalf("cert/<serial>: %v %v", cert, err)
	}

	// The CA is public: ca/pem without a token.
	anon := s.NewClient(t, "")
	ct, caPEM := readRaw(t, anon, "pki_int/ca/pem")
	if ct != "application/pem-certificate-chain" || parsePEMCert(t, string(caPEM)).SerialNumber.Cmp(inter.SerialNumber) != 0 {
		t.Fatalf("ca/pem: %q", ct)
	}
	if _, err := anon.Logical().Write("pki_int/issue/example-dot-com", map[string]any{"common_name": "x.example.com"}); err == nil {
		t.Fatal("issued without a token")
	}

	opensslAccepts(t, root, inter, leaf, crlPEM)
}

func crlLists(crl *x509.RevocationList, serial *big.Int) bool {
	for _, e := range crl.RevokedCertificateEntries {
		if e.SerialNumber.Cmp(serial) == 0 {
			return true
		}
	}
	return false
}

// opensslAccepts runs openssl on what Cofre produced: the chain and the CRL.
func opensslAccepts(t *testing.T, root, inter, leaf *x509.Certificate, crlPEM []byte) {
	t.Helper()
	bin, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl is not installed")
	}
	dir := t.TempDir()
	put := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	certPEM := func(c *x509.Certificate) []byte {
		return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
	}
	rootF, interF, leafF, crlF := put("root.pem", certPEM(root)), put("inter.pem", certPEM(inter)), put("leaf.pem", certPEM(leaf)), put("crl.pem", crlPEM)
	out, err := exec.Command(bin, "verify", "-CAfile", rootF, "-untrusted", interF, leafF).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "leaf.pem: OK") {
		t.Fatalf("openssl verify: %v\n%s", err, out)
	}
	out, err = exec.Command(bin, "crl", "-in", crlF, "-CAfile", interF, "-noout").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "verify OK") {
		t.Fatalf("openssl crl: %v\n%s", err, out)
	}
	// And openssl agrees the revoked leaf is revoked.
	out, err = exec.Command(bin, "verify", "-crl_check", "-CAfile", rootF, "-untrusted", interF, "-CRLfile", crlF, leafF).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "certificate revoked") {
		t.Fatalf("openssl verify -crl_check accepted a revoked certificate: %v\n%s", err, out)
	}
}

func TestLeaseRevocationThroughVaultClient(t *testing.T) {
	s := servertest.StartDev(t)
	c := s.Client
	_, inter := seedPKI(t, c)
	write(t, c, "pki_int/roles/leased", map[string]any{"allowed_domains": "example.com", "allow_subdomains": true, "key_type": "ec", "generate_lease": true, "ttl": "1h"})
	sec := write(t, c, "pki_int/issue/leased", map[string]any{"common_name": "svc.example.com"})
	if sec.LeaseID == "" || sec.LeaseDuration < 3500 || sec.LeaseDuration > 3600 {
		t.Fatalf("lease %q for %ds", sec.LeaseID, sec.LeaseDuration)
	}
	leaf := parsePEMCert(t, sec.Data["certificate"])
	if err := c.Sys().Revoke(sec.LeaseID); err != nil {
		t.Fatal(err)
	}
	// Revocation may be queued; poll the CRL with a deadline.
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, der := readRaw(t, c, "pki_int/crl")
		crl, err := x509.ParseRevocationList(der)
		if err != nil {
			t.Fatal(err)
		}
		if crlLists(crl, leaf.SerialNumber) {
			if err := crl.CheckSignatureFrom(inter); err != nil {
				t.Fatal(err)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("lease revocation did not revoke the certificate")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
