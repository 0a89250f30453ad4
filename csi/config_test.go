package csi

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseFlags(t *testing.T) {
	env := map[string]string{"NODE_NAME": "node-7"}
	getenv := func(k string) string { return env[k] }
	var out bytes.Buffer
	c, err := ParseFlags([]string{"-endpoint", "unix:///run/csi/csi.sock", "-rotation-interval", "30s", "-metrics-addr", ":8095"}, getenv, &out)
	if err != nil {
		t.Fatal(err)
	}
	if c.NodeID != "node-7" || c.DriverName != DefaultDriverName || c.ProvidersDir != DefaultProvidersDir ||
		c.RotationInterval != 30*time.Second || c.MetricsAddr != ":8095" || c.HealthAddr != "" {
		t.Errorf("config = %+v", c)
	}
	for _, bad := range [][]string{
		{"-endpoint", "tcp://1.2.3.4:5"},
		{"-endpoint", "unix://relative.sock"},
		{"-rotation-interval", "10ms"},
		{"-log-level", "loud"},
		{"-drivername", ""},
		{"extra"},
	} {
		if _, err := ParseFlags(bad, getenv, &out); !errors.Is(err, ErrConfig) {
			t.Errorf("ParseFlags(%q) = %v, want ErrConfig", bad, err)
		}
	}
	if _, err := ParseFlags(nil, func(string) string { return "" }, &out); err == nil || !strings.Contains(err.Error(), "-nodeid") {
		t.Errorf("no node ID: %v", err)
	}
}

func TestRestConfigFromKubeconfig(t *testing.T) {
	dir := t.TempDir()
	kc := `apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: c
  cluster:
    server: https://127.0.0.1:6443
    certificate-authority: ca.crt
contexts:
- name: other
  context: {cluster: nope, user: nope}
- name: dev
  context: {cluster: c, user: u}
users:
- name: u
  user:
    client-certificate-data: Y2VydA==
    client-key: /abs/key.pem
    token: abc
`
	path := filepath.Join(dir, "config")
	if err := os.WriteFile(path, []byte(kc), 0o600); err != nil {
		t.Fatal(err)
	}
	rc, err := restConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if rc.Host != "https://127.0.0.1:6443" || rc.CAFile != filepath.Join(dir, "ca.crt") || string(rc.CertData) != "cert" ||
		rc.KeyFile != "/abs/key.pem" || rc.BearerToken != "abc" {
		t.Errorf("rest config = %+v", rc)
	}
	exec := strings.Replace(kc, "    token: abc\n", "    exec: {command: aws, apiVersion: client.authentication.k8s.io/v1}\n", 1)
	if err := os.WriteFile(path, []byte(exec), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := restConfig(path); err == nil {
		t.Error("exec credentials accepted")
	}
}
