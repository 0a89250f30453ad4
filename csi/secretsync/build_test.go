package secretsync

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	secretsstorev1 "sigs.k8s.io/secrets-store-csi-driver/apis/v1"
)

// bundle returns a PEM key, certificate and CA certificate in one file.
func bundle(t *testing.T) (all, cert, key []byte) {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "app"}, NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		t.Fatal(err)
	}
	pk, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	cert = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	key = pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pk})
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	return append(append(append([]byte{}, key...), cert...), ca...), append(append([]byte{}, cert...), ca...), key
}

func TestBuild(t *testing.T) {
	all, certs, key := bundle(t)
	files := map[string][]byte{"db/password": []byte("pw"), "db/user": []byte("app"), "tls": all}
	objs := []*secretsstorev1.SecretObject{
		{SecretName: "db", Labels: map[string]string{"team": "a"}, Annotations: map[string]string{"note": "x"},
			Data: []*secretsstorev1.SecretObjectData{{ObjectName: "db/password", Key: "password"}, {ObjectName: "db/user", Key: "username"}}},
		{SecretName: "web-tls", Type: "kubernetes.io/tls",
			Data: []*secretsstorev1.SecretObjectData{{ObjectName: "tls", Key: "tls.crt"}, {ObjectName: "tls", Key: "tls.key"}}},
	}
	got, err := Build("ns", objs, files)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("%d secrets", len(got))
	}
	db := got[0]
	if db.Name != "db" || db.Namespace != "ns" || db.Type != corev1.SecretTypeOpaque {
		t.Errorf("db = %s/%s type %s", db.Namespace, db.Name, db.Type)
	}
	if string(db.Data["password"]) != "pw" || string(db.Data["username"]) != "app" || len(db.Data) != 2 {
		t.Errorf("db data = %q", db.Data)
	}
	if db.Labels[ManagedLabel] != "true" || db.Labels["team"] != "a" || db.Annotations["note"] != "x" {
		t.Errorf("db metadata = %v %v", db.Labels, db.Annotations)
	}
	if objs[0].Labels[ManagedLabel] != "" {
		t.Error("Build changed the class's labels")
	}
	web := got[1]
	if string(web.Data["tls.crt"]) != string(certs) || string(web.Data["tls.key"]) != string(key) {
		t.Errorf("tls split wrong:\ncrt %s\nkey %s", web.Data["tls.crt"], web.Data["tls.key"])
	}
	if _, err := tls.X509KeyPair(web.Data["tls.crt"], web.Data["tls.key"]); err != nil {
		t.Errorf("split pair does not load: %v", err)
	}
}

func TestBuildRejects(t *testing.T) {
	all, _, _ := bundle(t)
	files := map[string][]byte{"a": []byte("1"), "tls": all, "plain": []byte("not pem")}
	data := func(obj, key string) []*secretsstorev1.SecretObjectData {
		return []*secretsstorev1.SecretObjectData{{ObjectName: obj, Key: key}}
	}
	tests := []struct {
		name string
		obj  secretsstorev1.SecretObject
		want error
	}{
		{"no name", secretsstorev1.SecretObject{Data: data("a", "k")}, ErrInvalid},
		{"bad name", secretsstorev1.SecretObject{SecretName: "Bad_Name", Data: data("a", "k")}, ErrInvalid},
		{"no data", secretsstorev1.SecretObject{SecretName: "s"}, ErrInvalid},
		{"no key", secretsstorev1.SecretObject{SecretName: "s", Data: data("a", "")}, ErrInvalid},
		{"bad key", secretsstorev1.SecretObject{SecretName: "s", Data: data("a", "a/b")}, ErrInvalid},
		{"missing object", secretsstorev1.SecretObject{SecretName: "s", Data: data("nope", "k")}, ErrMissingObject},
		{"tls other key", secretsstorev1.SecretObject{SecretName: "s", Type: "kubernetes.io/tls", Data: data("tls", "ca.crt")}, ErrTLS},
		{"tls no pem", secretsstorev1.SecretObject{SecretName: "s", Type: "kubernetes.io/tls", Data: data("plain", "tls.key")}, ErrTLS},
	}
	for _, tt := range tests {
		_, err := Build("ns", []*secretsstorev1.SecretObject{&tt.obj}, files)
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: Build = %v, want %v", tt.name, err, tt.want)
		}
		if err != nil && (strings.Contains(err.Error(), "BEGIN") || strings.Contains(err.Error(), "not pem")) {
			t.Errorf("%s: error shows content: %v", tt.name, err)
		}
	}
	dup := &secretsstorev1.SecretObject{SecretName: "s", Data: data("a", "k")}
	if _, err := Build("ns", []*secretsstorev1.SecretObject{dup, dup}, files); !errors.Is(err, ErrInvalid) {
		t.Errorf("duplicate secret: %v", err)
	}
}
