package pki

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"testing"
	"time"
)

// TestHierarchyIssueVerifies builds the seed's hierarchy (an offline root
// in one mount, an intermediate held by another, leaves from the
// intermediate) and checks that leaves verify against the root alone.
func TestHierarchyIssueVerifies(t *testing.T) {
	for _, kt := range []string{"ec", "rsa", "ed25519"} {
		t.Run(kt, func(t *testing.T) {
			h := newHierarchy(t, kt)
			if h.interCert.Issuer.CommonName != "Cofre Root CA" || !h.interCert.IsCA {
				t.Fatalf("intermediate = %v (CA %v)", h.interCert.Subject, h.interCert.IsCA)
			}
			resp := h.inter.write("issue/web", map[string]any{"common_name": "api.example.com", "alt_names": "www.example.com", "ttl": "1h"})
			chain := resp["ca_chain"].([]string)
			if len(chain) != 2 {
				t.Fatalf("ca_chain has %d certificates, want intermediate and root", len(chain))
			}
			leaf := h.verify(t, resp["certificate"].(string), chain)
			if leaf.Subject.CommonName != "api.example.com" || len(leaf.DNSNames) != 2 || leaf.DNSNames[0] != "api.example.com" {
				t.Fatalf("leaf names = %q %v", leaf.Subject.CommonName, leaf.DNSNames)
			}
			if got := serialOf(leaf); got != resp["serial_number"] {
				t.Fatalf("serial_number %v, certificate says %s", resp["serial_number"], got)
			}
			if resp["expiration"] != leaf.NotAfter.Unix() {
				t.Fatalf("expiration %v, NotAfter %v", resp["expiration"], leaf.NotAfter.Unix())
			}
			if d := leaf.NotAfter.Sub(h.inter.clock.Now()); d > time.Hour || d < time.Hour-2*time.Second {
				t.Fatalf("leaf lives %v, want 1h", d)
			}
			if d := h.inter.clock.Now().Sub(leaf.NotBefore); d < 29*time.Second || d > 31*time.Second {
				t.Fatalf("NotBefore backdated by %v, want 30s", d)
			}
			if resp["issuing_ca"] != chain[0] || resp["private_key_type"] != kt {
				t.Fatalf("issuing_ca or private_key_type wrong: %v", resp["private_key_type"])
			}
			b, _ := pem.Decode([]byte(resp["private_key"].(string)))
			key, err := parseKeyDER(b.Bytes)
			if err != nil {
				t.Fatal(err)
			}
			if !key.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(leaf.PublicKey) {
				t.Fatal("private_key does not match the certificate")
			}
			if got, _ := specOf(leaf.PublicKey); got.Type != kt {
				t.Fatalf("leaf key type %s", got.Type)
			}
			if leaf.ExtKeyUsage[0] != x509.ExtKeyUsageServerAuth || leaf.ExtKeyUsage[1] != x509.ExtKeyUsageClientAuth {
				t.Fatalf("ext key usage %v", leaf.ExtKeyUsage)
			}
			if len(leaf.SubjectKeyId) == 0 || string(leaf.AuthorityKeyId) != string(h.interCert.SubjectKeyId) {
				t.Fatal("key identifiers missing or not chained")
			}
			// The certificate is stored and listed.
			got := h.inter.read("cert/" + resp["serial_number"].(string))
			if got.Data["certificate"] != resp["certificate"] {
				t.Fatal("cert/<serial> does not return the issued certificate")
			}
		})
	}
}
