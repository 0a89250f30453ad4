package kube

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
)

func writeExecutable(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
}

func TestFindBinaries(t *testing.T) {
	dir := t.TempDir()
	etcd := filepath.Join(dir, "etcd")
	writeExecutable(t, etcd)
	t.Setenv(EnvEtcd, etcd)

	// Default location under the cache.
	t.Setenv(EnvAPIServer, "")
	t.Setenv(EnvCache, dir)
	want := filepath.Join(dir, "kube", "v"+KubeVersion, "kube-apiserver")
	if _, err := FindBinaries(); !errors.Is(err, ErrMissingBinary) || !strings.Contains(err.Error(), "make e2e-deps") {
		t.Fatalf("missing kube-apiserver: err = %v, want ErrMissingBinary naming make e2e-deps", err)
	}
	writeExecutable(t, want)
	b, err := FindBinaries()
	if err != nil {
		t.Fatal(err)
	}
	if b.APIServer != want || b.Etcd != etcd {
		t.Errorf("FindBinaries = %+v, want %s and %s", b, want, etcd)
	}

	// Overrides; a non-executable file does not count.
	other := filepath.Join(dir, "other-apiserver")
	if err := os.WriteFile(other, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(EnvAPIServer, other)
	if _, err := FindBinaries(); !errors.Is(err, ErrMissingBinary) {
		t.Errorf("non-executable override: err = %v, want ErrMissingBinary", err)
	}
	if err := os.Chmod(other, 0o755); err != nil {
		t.Fatal(err)
	}
	if b, err := FindBinaries(); err != nil || b.APIServer != other {
		t.Errorf("override: %+v, %v", b, err)
	}
	t.Setenv(EnvEtcd, filepath.Join(dir, "nope"))
	if _, err := FindBinaries(); !errors.Is(err, ErrMissingBinary) {
		t.Errorf("missing etcd: err = %v, want ErrMissingBinary", err)
	}
}

func TestSkipReason(t *testing.T) {
	for _, v := range []string{"1", "true", "TRUE"} {
		t.Setenv(EnvSkip, v)
		if SkipReason() == "" {
			t.Errorf("%s=%s does not skip", EnvSkip, v)
		}
	}
	t.Setenv(EnvSkip, "0")
	if r := SkipReason(); r != "" && !testing.Short() {
		t.Errorf("%s=0 skips: %s", EnvSkip, r)
	}
}

func parseCert(t *testing.T, p []byte) *x509.Certificate {
	t.Helper()
	b, _ := pem.Decode(p)
	if b == nil {
		t.Fatal("no PEM block")
	}
	c, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestPKI(t *testing.T) {
	for _, kt := range []KeyType{KeyRSA, KeyECDSA} {
		now := time.Now()
		p, err := newPKI(now, kt)
		if err != nil {
			t.Fatal(err)
		}
		roots := x509.NewCertPool()
		roots.AddCert(parseCert(t, p.caCert))
		serving := parseCert(t, p.servingCert)
		for _, name := range []string{"127.0.0.1", "localhost", "kubernetes.default.svc"} {
			if _, err := serving.Verify(x509.VerifyOptions{DNSName: name, Roots: roots, CurrentTime: now}); err != nil {
				t.Errorf("serving certificate for %s: %v", name, err)
			}
		}
		if _, err := serving.Verify(x509.VerifyOptions{DNSName: "example.com", Roots: roots, CurrentTime: now}); err == nil {
			t.Error("serving certificate valid for example.com")
		}
		admin := parseCert(t, p.adminCert)
		if _, err := admin.Verify(x509.VerifyOptions{Roots: roots, CurrentTime: now,
			KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
			t.Errorf("admin certificate: %v", err)
		}
		if !slices.Equal(admin.Subject.Organization, []string{"system:masters"}) {
			t.Errorf("admin organization = %v", admin.Subject.Organization)
		}
		kb, _ := pem.Decode(p.saKey)
		key, err := x509.ParsePKCS8PrivateKey(kb.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		pb, _ := pem.Decode(p.saPub)
		pub, err := x509.ParsePKIXPublicKey(pb.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		signer, ok := key.(crypto.Signer)
		if !ok {
			t.Fatalf("signing key %T is no crypto.Signer", key)
		}
		if !signer.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(pub) {
			t.Errorf("key type %d: public key does not match the signing key", kt)
		}
	}
	if _, err := newPKI(time.Now(), KeyType(9)); !errors.Is(err, ErrBadOptions) {
		t.Errorf("unknown key type: err = %v, want ErrBadOptions", err)
	}
}

// TestLoopbackOnly checks that every address the children listen on or
// advertise is 127.0.0.1.
func TestLoopbackOnly(t *testing.T) {
	args := append(etcdArgs("/d", 1, 2), apiserverArgs("/d", pkiFiles{}, "http://127.0.0.1:1", 3, DefaultIssuer)...)
	seen := 0
	for _, a := range args {
		name, value, _ := strings.Cut(a, "=")
		if strings.Contains(name, "url") || strings.Contains(name, "address") || name == "--initial-cluster" ||
			name == "--etcd-servers" {
			seen++
			if !strings.Contains(value, "127.0.0.1") || strings.Contains(value, "0.0.0.0") || strings.Contains(value, "localhost") {
				t.Errorf("%s is not loopback-only", a)
			}
		}
	}
	if seen != 8 {
		t.Errorf("only %d address arguments checked: %q", seen, args)
	}
}

func TestDecodeYAML(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.yaml")
	data := "---\napiVersion: v1\nkind: A\nmetadata:\n  name: a\n---\n# only a comment\n---\napiVersion: v1\nkind: B\n"
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	objs, err := decodeYAML(path)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, o := range objs {
		kinds = append(kinds, o.GetKind())
	}
	if !slices.Equal(kinds, []string{"A", "B"}) || objs[0].GetName() != "a" {
		t.Errorf("decoded kinds %v, first name %q", kinds, objs[0].GetName())
	}
	if err := os.WriteFile(path, []byte("a: [\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := decodeYAML(path); err == nil {
		t.Error("broken YAML decoded")
	}
}

func TestConditionTrue(t *testing.T) {
	obj := &unstructured.Unstructured{Object: map[string]any{"status": map[string]any{"conditions": []any{
		map[string]any{"type": "NamesAccepted", "status": "True"},
		map[string]any{"type": "Established", "status": "False"},
	}}}}
	if conditionTrue(obj, "Established") || !conditionTrue(obj, "NamesAccepted") || conditionTrue(obj, "Other") {
		t.Error("conditionTrue misreads the conditions")
	}
	if conditionTrue(&unstructured.Unstructured{Object: map[string]any{}}, "Established") {
		t.Error("no status counts as established")
	}
}

func TestKubeconfigRendering(t *testing.T) {
	out := kubeconfig("https://127.0.0.1:1234", []byte("CA"), []byte("CERT"), []byte("KEY"))
	var cfg struct {
		CurrentContext string `json:"current-context"`
		Clusters       []struct {
			Cluster struct {
				Server string `json:"server"`
				CA     []byte `json:"certificate-authority-data"`
			} `json:"cluster"`
		} `json:"clusters"`
		Users []struct {
			User struct {
				Cert []byte `json:"client-certificate-data"`
				Key  []byte `json:"client-key-data"`
			} `json:"user"`
		} `json:"users"`
	}
	if err := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(out), 4096).Decode(&cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.CurrentContext != "cofre-e2e" || len(cfg.Clusters) != 1 || len(cfg.Users) != 1 ||
		cfg.Clusters[0].Cluster.Server != "https://127.0.0.1:1234" || string(cfg.Clusters[0].Cluster.CA) != "CA" ||
		string(cfg.Users[0].User.Cert) != "CERT" || string(cfg.Users[0].User.Key) != "KEY" {
		t.Errorf("kubeconfig decoded to %+v", cfg)
	}
}

func TestFreePorts(t *testing.T) {
	ports, err := freePorts(5)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(ports)
	if len(slices.Compact(ports)) != 5 {
		t.Errorf("ports not distinct: %v", ports)
	}
}

// TestStartFailsCleanly: a child that exits at once fails Start with
// ErrStart, its log goes to LogOutput and nothing is left behind.
func TestStartFailsCleanly(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	fake := filepath.Join(t.TempDir(), "fake-etcd")
	if err := os.WriteFile(fake, []byte("#!"+sh+"\necho fake etcd cannot start >&2\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	before, _ := filepath.Glob(filepath.Join(os.TempDir(), "cofre-kube-*"))
	_, err = Start(t.Context(), Options{Binaries: Binaries{APIServer: fake, Etcd: fake}, LogOutput: &logs, StartTimeout: 30 * time.Second})
	if !errors.Is(err, ErrStart) || !strings.Contains(err.Error(), "exited early") {
		t.Fatalf("err = %v, want ErrStart (exited early)", err)
	}
	if !strings.Contains(logs.String(), "fake etcd cannot start") {
		t.Errorf("log output lacks the child's log:\n%s", logs.String())
	}
	after, _ := filepath.Glob(filepath.Join(os.TempDir(), "cofre-kube-*"))
	for _, d := range after {
		if !slices.Contains(before, d) {
			t.Errorf("temporary directory %s left behind", d)
		}
	}
}

func TestStartBadOptions(t *testing.T) {
	_, err := Start(context.Background(), Options{Binaries: Binaries{APIServer: "x", Etcd: "y"}, StartTimeout: -1})
	if !errors.Is(err, ErrBadOptions) {
		t.Errorf("negative timeout: err = %v, want ErrBadOptions", err)
	}
}
