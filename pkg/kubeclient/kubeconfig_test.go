package kubeclient

import (
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func write(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadInline(t *testing.T) {
	dir := t.TempDir()
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	p := write(t, dir, "kc", `apiVersion: v1
kind: Config
clusters:
- name: other
  cluster: {server: https://other:6443}
- name: e2e
  cluster:
    server: https://127.0.0.1:6443
    certificate-authority-data: `+b64("CA")+`
    tls-server-name: kube.internal
users:
- name: admin
  user:
    client-certificate-data: `+b64("CERT")+`
    client-key-data: `+b64("KEY")+`
contexts:
- name: e2e
  context: {cluster: e2e, user: admin}
current-context: e2e
`)
	cfg, err := Load(p, "cofre-test")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Host != "https://127.0.0.1:6443" || string(cfg.CAData) != "CA" || string(cfg.CertData) != "CERT" ||
		string(cfg.KeyData) != "KEY" || cfg.ServerName != "kube.internal" || cfg.UserAgent != "cofre-test" {
		t.Fatalf("%+v", cfg)
	}
}

func TestLoadFiles(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "ca.crt", "CA")
	write(t, dir, "token", "T")
	p := write(t, dir, "kc", `clusters:
- name: c
  cluster: {server: https://k:6443, certificate-authority: ca.crt}
users:
- name: u
  user: {tokenFile: token}
contexts:
- name: only
  context: {cluster: c, user: u}
`)
	cfg, err := Load(p, "")
	if err != nil {
		t.Fatal(err)
	}
	if string(cfg.CAData) != "CA" || cfg.BearerTokenFile != filepath.Join(dir, "token") {
		t.Fatalf("%+v", cfg)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"no context":  "clusters: []\ncontexts: []\ncurrent-context: x\n",
		"no cluster":  "contexts:\n- name: a\n  context: {cluster: c, user: u}\n",
		"bad yaml":    "clusters: [",
		"missing ca":  "clusters:\n- name: c\n  cluster: {server: https://k, certificate-authority: nope}\ncontexts:\n- name: a\n  context: {cluster: c}\n",
		"bad ca data": "clusters:\n- name: c\n  cluster: {server: https://k, certificate-authority-data: '!!'}\ncontexts:\n- name: a\n  context: {cluster: c}\n",
	} {
		if _, err := Load(write(t, dir, "kc", body), ""); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
	execCfg := "clusters:\n- name: c\n  cluster: {server: https://k}\nusers:\n- name: u\n  user:\n    exec: {command: aws}\ncontexts:\n- name: a\n  context: {cluster: c, user: u}\n"
	if _, err := Load(write(t, dir, "kc", execCfg), ""); !errors.Is(err, ErrUnsupported) {
		t.Errorf("exec: %v", err)
	}
	if _, err := Load(filepath.Join(dir, "absent"), ""); !errors.Is(err, ErrInvalid) {
		t.Errorf("absent: %v", err)
	}
}
