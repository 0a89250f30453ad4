package secretsync

import (
	"bytes"
	"encoding/pem"
	"testing"

	corev1 "k8s.io/api/core/v1"
	secretsstorev1 "sigs.k8s.io/secrets-store-csi-driver/apis/v1"
)

// FuzzBuild feeds arbitrary secretObjects entries and file contents:
// Build never panics, and an accepted kubernetes.io/tls Secret holds only
// PEM blocks taken from the file (certificates in tls.crt, one private key
// in tls.key).
func FuzzBuild(f *testing.F) {
	key := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{1, 2, 3}})
	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte{4, 5, 6}})
	f.Add("web", "kubernetes.io/tls", "bundle", "tls.crt", append(append([]byte{}, key...), cert...))
	f.Add("web", "kubernetes.io/tls", "bundle", "tls.key", append(append([]byte{}, key...), cert...))
	f.Add("db", "", "password", "pw", []byte("s3cret"))
	f.Add("Bad_Name", "Opaque", "x", "../k", []byte("-----BEGIN CERTIFICATE-----\n"))
	f.Fuzz(func(t *testing.T, name, typ, object, key string, content []byte) {
		objs := []*secretsstorev1.SecretObject{{SecretName: name, Type: typ, Data: []*secretsstorev1.SecretObjectData{{ObjectName: object, Key: key}}}}
		out, err := Build("ns", objs, map[string][]byte{object: content})
		if err != nil {
			return
		}
		if len(out) != 1 || out[0].Labels[ManagedLabel] != "true" {
			t.Fatalf("Build = %+v", out)
		}
		if out[0].Type != corev1.SecretTypeTLS {
			return
		}
		for k, v := range out[0].Data {
			rest := v
			for len(bytes.TrimSpace(rest)) > 0 {
				var b *pem.Block
				if b, rest = pem.Decode(rest); b == nil {
					t.Fatalf("%s holds something other than PEM: %q", k, v)
				}
				if k == corev1.TLSCertKey && b.Type != "CERTIFICATE" {
					t.Fatalf("tls.crt holds a %s block", b.Type)
				}
			}
		}
	})
}
