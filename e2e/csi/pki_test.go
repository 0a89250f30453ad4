package csie2e

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"strings"
	"testing"

	vault "github.com/hashicorp/vault/api"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

const pkiObjects = `
- objectName: tls/bundle.pem
  secretPath: pki/issue/app
  method: POST
  secretArgs: {common_name: app.example.com, ttl: 1h}
  template: |
    {{ .private_key }}
    {{ .certificate }}
    {{ .issuing_ca }}
- objectName: tls/ca.crt
  secretPath: pki/issue/app
  method: POST
  secretArgs: {common_name: app.example.com, ttl: 1h}
  secretKey: issuing_ca
- objectName: tls/serial
  secretPath: pki/issue/app
  method: POST
  secretArgs: {common_name: app.example.com, ttl: 1h}
  secretKey: serial_number
`

// TestTLSSecretSync: a certificate issued once for the volume (bundle and
// CA from one pki/issue call) is synced as a kubernetes.io/tls Secret
// whose tls.crt and tls.key are a working pair signed by the volume's CA.
func TestTLSSecretSync(t *testing.T) {
	e := newEnv(t, "csi-pki")
	ctx := t.Context()
	if err := e.srv.Client.Sys().Mount("pki", &vault.MountInput{Type: "pki"}); err != nil {
		t.Fatal(err)
	}
	e.write("pki/root/generate/internal", map[string]any{"common_name": "Demo Root", "ttl": "24h"})
	e.write("pki/roles/app", map[string]any{"allowed_domains": "example.com", "allow_subdomains": true, "max_ttl": "2h"})
	if err := e.srv.Client.Sys().PutPolicy("app", `path "pki/issue/app" { capabilities = ["update"] }`); err != nil {
		t.Fatal(err)
	}
	e.createClass("web", nil, map[string]string{"roleName": "app", "audience": audience, "objects": pkiObjects},
		[]any{map[string]any{
			"secretName": "web-tls", "type": "kubernetes.io/tls",
			"data": []any{
				map[string]any{"objectName": "tls/bundle.pem", "key": "tls.crt"},
				map[string]any{"objectName": "tls/bundle.pem", "key": "tls.key"},
			},
		}})
	v := e.newVolume("web-0", "web", 0)
	v.mustPublish()

	s, err := e.c.Clientset.CoreV1().Secrets(e.ns).Get(ctx, "web-tls", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("synced TLS secret: %v", err)
	}
	if s.Type != corev1.SecretTypeTLS {
		t.Errorf("type %s", s.Type)
	}
	pair, err := tls.X509KeyPair(s.Data["tls.crt"], s.Data["tls.key"])
	if err != nil {
		t.Fatalf("tls.crt and tls.key are not a pair: %v", err)
	}
	leaf, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM([]byte(v.read("tls/ca.crt"))) {
		t.Fatalf("no CA in the volume: %q", v.read("tls/ca.crt"))
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, DNSName: "app.example.com"}); err != nil {
		t.Errorf("certificate does not verify against the volume's CA: %v", err)
	}
	// One issuance for the three objects: the serial file names the
	// certificate in the Secret.
	if got, want := v.read("tls/serial"), serialHex(leaf); got != want {
		t.Errorf("serial file %q, certificate serial %q: more than one issuance", got, want)
	}
	if b, _ := pem.Decode(s.Data["tls.key"]); b == nil || len(pem.EncodeToMemory(b)) != len(s.Data["tls.key"]) {
		t.Error("tls.key holds more than the key block")
	}
}

// serialHex formats a serial as the PKI engine does (colon-separated hex).
func serialHex(c *x509.Certificate) string {
	b := c.SerialNumber.Bytes()
	parts := make([]string, len(b))
	for i, x := range b {
		parts[i] = fmt.Sprintf("%02x", x)
	}
	return strings.Join(parts, ":")
}
