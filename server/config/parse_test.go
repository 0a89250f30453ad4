package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const fullHCL = `
ui = true
disable_mlock = true
api_addr = "https://cofre-0.cofre:8200"
cluster_addr = "https://cofre-0.cofre:8201"
default_lease_ttl = "1h"
max_lease_ttl = "30d"
log_level = "DEBUG"

listener "tcp" {
  address = "0.0.0.0:8200"
  tls_cert_file = "/etc/cofre/tls.crt"
  tls_key_file  = "/etc/cofre/tls.key"
  tls_min_version = "tls13"
  max_request_size = 1048576
  max_request_duration = 120
}

listener "tcp" {
  address = "127.0.0.1:8300"
  tls_disable = "1"
}

storage "raft" {
  path    = "/var/lib/cofre"
  node_id = "cofre-0"
}

seal "static" {
  key_env  = "COFRE_SEAL_KEY"
  disabled = "true"
}

seal "transit" {
  address = "https://other:8200"
  token = "s.secret-token"
  key_name = "autounseal"
  mount_path = "transit/"
  tls_skip_verify = "true"
}
`

func TestParseFull(t *testing.T) {
	c, err := Parse("config.hcl", []byte(fullHCL))
	if err != nil {
		t.Fatal(err)
	}
	if c.APIAddr != "https://cofre-0.cofre:8200" || c.ClusterAddr != "https://cofre-0.cofre:8201" {
		t.Errorf("addrs = %q, %q", c.APIAddr, c.ClusterAddr)
	}
	if c.DefaultLeaseTTL != time.Hour || c.MaxLeaseTTL != 30*24*time.Hour {
		t.Errorf("ttls = %v, %v", c.DefaultLeaseTTL, c.MaxLeaseTTL)
	}
	if c.LogLevel != "debug" {
		t.Errorf("log level = %q", c.LogLevel)
	}
	if len(c.Listeners) != 2 {
		t.Fatalf("listeners = %d", len(c.Listeners))
	}
	l := c.Listeners[0]
	if l.Type != "tcp" || l.Address != "0.0.0.0:8200" || l.TLSDisable || l.TLSCertFile != "/etc/cofre/tls.crt" ||
		l.TLSKeyFile != "/etc/cofre/tls.key" || l.TLSMinVersion != "tls13" || l.MaxRequestSize != 1<<20 ||
		l.MaxRequestDuration != 120*time.Second {
		t.Errorf("listener 0 = %+v", l)
	}
	l = c.Listeners[1]
	if !l.TLSDisable || l.Address != "127.0.0.1:8300" || l.MaxRequestSize != DefaultMaxRequestSize ||
		l.MaxRequestDuration != DefaultMaxRequestDuration || l.TLSMinVersion != "tls12" {
		t.Errorf("listener 1 = %+v", l)
	}
	if s := c.Storage; s == nil || s.Type != "raft" || s.Path != "/var/lib/cofre" || s.NodeID != "cofre-0" || len(s.Options) != 0 {
		t.Errorf("storage = %+v", c.Storage)
	}
	if len(c.Seals) != 2 {
		t.Fatalf("seals = %d", len(c.Seals))
	}
	if s := c.Seals[0]; s.Type != "static" || !s.Disabled || s.Static == nil || s.Static.KeyEnv != "COFRE_SEAL_KEY" || s.Transit != nil {
		t.Errorf("seal 0 = %+v", s)
	}
	s := c.Seals[1]
	if s.Type != "transit" || s.Disabled || s.Transit == nil {
		t.Fatalf("seal 1 = %+v", s)
	}
	want := TransitSeal{Address: "https://other:8200", Token: "s.secret-token", KeyName: "autounseal", MountPath: "transit/", TLSSkipVerify: true}
	if *s.Transit != want {
		t.Errorf("transit = %+v", *s.Transit)
	}
	if s.Options["tls_skip_verify"] != "true" || s.Options["key_name"] != "autounseal" {
		t.Errorf("transit options = %v", s.Options)
	}
}

func TestParseDefaults(t *testing.T) {
	c, err := Parse("min.hcl", []byte(`
listener "tcp" { tls_disable = true }
storage "inmem" {}
`))
	if err != nil {
		t.Fatal(err)
	}
	if c.DefaultLeaseTTL != 768*time.Hour || c.MaxLeaseTTL != 768*time.Hour || c.LogLevel != "info" {
		t.Errorf("top defaults = %v %v %q", c.DefaultLeaseTTL, c.MaxLeaseTTL, c.LogLevel)
	}
	l := c.Listeners[0]
	if l.Address != "127.0.0.1:8200" || l.MaxRequestSize != 32<<20 || l.MaxRequestDuration != 90*time.Second {
		t.Errorf("listener defaults = %+v", l)
	}
	if c.Storage.Type != "inmem" || len(c.Seals) != 0 {
		t.Errorf("storage %+v seals %v", c.Storage, c.Seals)
	}
	// Validate again changes nothing.
	before := *c
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.LogLevel != before.LogLevel || c.DefaultLeaseTTL != before.DefaultLeaseTTL || c.Listeners[0].Address != l.Address {
		t.Error("second Validate changed the config")
	}
}

func TestParseJSON(t *testing.T) {
	src := `{
  "api_addr": "http://127.0.0.1:8200",
  "default_lease_ttl": 3600,
  "listener": {"tcp": {"address": "127.0.0.1:8201", "tls_disable": true, "max_request_size": "2048"}},
  "storage": {"raft": {"path": "/data", "node_id": "n1"}},
  "seal": {"static": {"key_file": "/etc/k"}}
}`
	c, err := Parse("config.json", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if c.DefaultLeaseTTL != time.Hour || c.Listeners[0].Address != "127.0.0.1:8201" || c.Listeners[0].MaxRequestSize != 2048 ||
		c.Storage.Path != "/data" || c.Seals[0].Static.KeyFile != "/etc/k" {
		t.Errorf("json config = %+v", c)
	}
	_, err = Parse("config.json", []byte(`{"storage": {"raft": {"path": "/d", "bogus": 1}}}`))
	if err == nil || !strings.Contains(err.Error(), "config.json:1,") || !strings.Contains(err.Error(), "bogus") {
		t.Errorf("json unknown attr error = %v", err)
	}
}

const okListener = "listener \"tcp\" {\n  tls_disable = true\n}\n"
const okStorage = "storage \"inmem\" {}\n"

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string // substrings of the error, in order of appearance
	}{
		{"syntax", "ui = \n", []string{"config.hcl:1,"}},
		{"unknown attribute", okListener + okStorage + "plugin_directory = \"/x\"\n",
			[]string{"config.hcl:5,1-17: Unsupported argument", "plugin_directory"}},
		{"unknown block", okListener + okStorage + "telemetry {}\n",
			[]string{"config.hcl:5,1-10: Unsupported block type"}},
		{"unknown listener attribute", "listener \"tcp\" {\n  tls_disable = true\n  proxy_protocol = 1\n}\n" + okStorage,
			[]string{"config.hcl:3,3-17: Unsupported argument", "proxy_protocol"}},
		{"listener type", "listener \"unix\" {}\n" + okStorage,
			[]string{"config.hcl:1,10-16: Unsupported listener type", `"unix"`}},
		{"file storage", okListener + "storage \"file\" {\n  path = \"/x\"\n}\n",
			[]string{"config.hcl:4,9-15: Unsupported storage type", `"file" is not supported`}},
		{"unknown raft option", okListener + "storage \"raft\" {\n  path = \"/x\"\n  retry_join = 1\n}\n",
			[]string{"config.hcl:6,3-13: Unsupported argument"}},
		{"duplicate storage", okListener + okStorage + okStorage,
			[]string{"config.hcl:5,1-16: Duplicate storage block", "config.hcl:4,1-16"}},
		{"seal type", okListener + okStorage + "seal \"awskms\" {}\n",
			[]string{"config.hcl:5,6-14: Unsupported seal type"}},
		{"bad duration", okListener + okStorage + "default_lease_ttl = \"soon\"\n",
			[]string{`config.hcl:5,21-27: Invalid value for "default_lease_ttl"`}},
		{"negative duration", okListener + okStorage + "max_lease_ttl = -5\n",
			[]string{`config.hcl:5,17-19: Invalid value for "max_lease_ttl"`}},
		{"bad bool", "listener \"tcp\" {\n  tls_disable = \"maybe\"\n}\n" + okStorage,
			[]string{`config.hcl:2,17-24: Invalid value for "tls_disable"`}},
		{"bad int", "listener \"tcp\" {\n  tls_disable = true\n  max_request_size = 1.5\n}\n" + okStorage,
			[]string{`config.hcl:3,22-25: Invalid value for "max_request_size"`}},
		{"variable", okListener + okStorage + "api_addr = var.x\n",
			[]string{"config.hcl:5,12-15: Variables not allowed"}},
		{"list value", okListener + okStorage + "log_level = [\"info\"]\n",
			[]string{`config.hcl:5,13-21: Invalid value for "log_level"`}},
		{"two errors in order", "listener \"tcp\" {\n  a = 1\n  b = 2\n}\n" + okStorage,
			[]string{"config.hcl:2,3-4: Unsupported argument", "\nconfig.hcl:3,3-4: Unsupported argument"}},
		// Validate's errors, pointing at the block or attribute.
		{"no storage", okListener, []string{"Missing storage"}},
		{"no listener", okStorage, []string{"Missing listener"}},
		{"tls required", "listener \"tcp\" {\n  address = \"127.0.0.1:8200\"\n}\n" + okStorage,
			[]string{"config.hcl:1,1-15: Missing TLS configuration"}},
		{"cert without key", "listener \"tcp\" {\n  tls_disable = true\n  tls_cert_file = \"/c\"\n}\n" + okStorage,
			[]string{"config.hcl:1,1-15: Incomplete TLS configuration"}},
		{"bad address", "listener \"tcp\" {\n  tls_disable = true\n  address = \"localhost\"\n}\n" + okStorage,
			[]string{"config.hcl:3,3-24: Invalid listener address"}},
		{"duplicate address", okListener + okListener + okStorage,
			[]string{"config.hcl:4,1-15: Duplicate listener address"}},
		{"tls version", "listener \"tcp\" {\n  tls_disable = true\n  tls_min_version = \"ssl3\"\n}\n" + okStorage,
			[]string{"config.hcl:3,3-27: Invalid tls_min_version"}},
		{"raft path", okListener + "storage \"raft\" {\n  node_id = \"a\"\n}\n",
			[]string{"config.hcl:4,1-15: Missing raft path"}},
		{"log level", okListener + okStorage + "log_level = \"loud\"\n",
			[]string{"config.hcl:5,1-19: Invalid log_level"}},
		{"ttl order", okListener + okStorage + "default_lease_ttl = \"2h\"\nmax_lease_ttl = \"1h\"\n",
			[]string{"config.hcl:5,1-25: Invalid lease TTL", "exceeds max_lease_ttl"}},
		{"api addr", okListener + okStorage + "api_addr = \"cofre:8200\"\n",
			[]string{"config.hcl:5,1-24: Invalid api_addr"}},
		{"static seal both keys", okListener + okStorage + "seal \"static\" {\n  key_file = \"/k\"\n  key_env = \"K\"\n}\n",
			[]string{"config.hcl:5,1-14: Invalid static seal"}},
		{"transit no key", okListener + okStorage + "seal \"transit\" {\n  mount_path = \"transit/\"\n}\n",
			[]string{"config.hcl:5,1-15: Invalid transit seal", "key_name is required"}},
		{"two enabled seals", okListener + okStorage + "seal \"static\" {\n  key_env = \"A\"\n}\nseal \"static\" {\n  key_env = \"B\"\n}\n",
			[]string{"config.hcl:8,1-14: Invalid seal migration"}},
		{"three seals", okListener + okStorage + strings.Repeat("seal \"static\" {\n  key_env = \"A\"\n  disabled = true\n}\n", 3),
			[]string{"config.hcl:13,1-14: Too many seal blocks"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse("config.hcl", []byte(tt.src))
			if err == nil {
				t.Fatalf("no error; config %+v", c)
			}
			if c != nil {
				t.Error("config returned with an error")
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v is not ErrInvalid", err)
			}
			msg := err.Error()
			rest := msg
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("error %q lacks %q (in order)", msg, w)
				}
				rest = rest[i+len(w):]
			}
		})
	}
}

func TestSecretNotInErrors(t *testing.T) {
	src := okListener + okStorage + "seal \"transit\" {\n  token = \"s.topsecret\"\n  mount_path = \"transit/\"\n}\n"
	_, err := Parse("config.hcl", []byte(src))
	if err == nil || strings.Contains(err.Error(), "topsecret") {
		t.Errorf("error = %v", err)
	}
	src = okListener + okStorage + "seal \"transit\" {\n  token = [\"s.topsecret\"]\n}\n"
	_, err = Parse("config.hcl", []byte(src))
	if err == nil || strings.Contains(err.Error(), "topsecret") {
		t.Errorf("error = %v", err)
	}
}

func TestParseFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "cofre.hcl")
	if err := os.WriteFile(p, []byte(okListener+"storage \"raft\" {\n  path = 1\n  node_id = \"x\"\n}\nlog_level = \"nope\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := ParseFile(p)
	if err == nil || !strings.Contains(err.Error(), p+":8,1-19: Invalid log_level") {
		t.Errorf("error = %v", err)
	}
	_, err = ParseFile(filepath.Join(dir, "missing.hcl"))
	if !errors.Is(err, os.ErrNotExist) || errors.Is(err, ErrInvalid) {
		t.Errorf("missing file error = %v", err)
	}
}

func TestValidateBuiltInCode(t *testing.T) {
	c := &Config{
		Listeners: []Listener{{Type: "tcp", TLSDisable: true}},
		Storage:   &Storage{Type: "raft", Path: "/d"},
		Seals:     []Seal{{Type: "static", Options: map[string]string{"key_file": "/k"}}},
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.Seals[0].Static == nil || c.Seals[0].Static.KeyFile != "/k" || c.Listeners[0].Address != DefaultListenerAddress {
		t.Errorf("config = %+v", c)
	}
	c = &Config{Storage: &Storage{Type: "consul"}, Listeners: []Listener{{Type: "tcp", TLSDisable: true}}}
	err := c.Validate()
	if err == nil || err.Error() != `Unsupported storage type; storage type "consul" is not supported; use "raft" or "inmem"` {
		t.Errorf("error = %v", err)
	}
}
