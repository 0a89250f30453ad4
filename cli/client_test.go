package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAddressAndTokenResolution(t *testing.T) {
	s := newStub(t, map[string]stubResp{"GET /v1/sys/seal-status": {body: unsealedStatus}})
	other := newStub(t, map[string]stubResp{"GET /v1/sys/seal-status": {body: unsealedStatus}})

	// VAULT_ADDR is used when COFRE_ADDR is unset; -address beats both.
	env, _, _ := testEnv(t, "", map[string]string{"COFRE_ADDR": "", "VAULT_ADDR": s.srv.URL})
	wantCode(t, runEnv(t, env, "status"), ExitOK)
	if len(s.requests()) == 0 {
		t.Fatal("VAULT_ADDR not used")
	}
	wantCode(t, runEnv(t, env, "status", "-address="+other.srv.URL), ExitOK)
	if len(other.requests()) == 0 {
		t.Fatal("-address not used")
	}
	env, _, _ = testEnv(t, other.srv.URL, map[string]string{"VAULT_ADDR": s.srv.URL})
	n := len(s.requests())
	wantCode(t, runEnv(t, env, "status"), ExitOK)
	if len(s.requests()) != n {
		t.Error("VAULT_ADDR used although COFRE_ADDR is set")
	}

	// Token order: COFRE_TOKEN, VAULT_TOKEN, the token file.
	cases := []struct {
		vars map[string]string
		file string
		want string
	}{
		{map[string]string{"COFRE_TOKEN": "c", "VAULT_TOKEN": "v"}, "f", "c"},
		{map[string]string{"COFRE_TOKEN": "", "VAULT_TOKEN": "v"}, "f", "v"},
		{map[string]string{"COFRE_TOKEN": ""}, "f-token\n", "f-token"},
		{map[string]string{"COFRE_TOKEN": ""}, "", ""},
	}
	for _, c := range cases {
		env, _, _ := testEnv(t, s.srv.URL, c.vars)
		if c.file != "" {
			os.WriteFile(filepath.Join(env.HomeDir, TokenFile), []byte(c.file), 0o600)
		}
		wantCode(t, runEnv(t, env, "status"), ExitOK)
		if got := s.last(t, "GET", "/v1/sys/seal-status").Header.Get("X-Vault-Token"); got != c.want {
			t.Errorf("vars %v file %q: token %q, want %q", c.vars, c.file, got, c.want)
		}
	}
}

func TestFormatFromEnv(t *testing.T) {
	s := newStub(t, map[string]stubResp{"GET /v1/sys/seal-status": {body: unsealedStatus}})
	env, _, _ := testEnv(t, s.srv.URL, map[string]string{"VAULT_FORMAT": "json"})
	res := runEnv(t, env, "status")
	wantCode(t, res, ExitOK)
	if !strings.HasPrefix(res.stdout, "{") {
		t.Errorf("VAULT_FORMAT=json ignored: %s", res.stdout)
	}
}

func TestTLSSettings(t *testing.T) {
	env, _, _ := testEnv(t, "https://127.0.0.1:1", map[string]string{"COFRE_CACERT": "/nonexistent/ca.pem"})
	res := runEnv(t, env, "status")
	wantCode(t, res, ExitError)
	wantContains(t, res.stderr, "read CA certificate")

	env, _, _ = testEnv(t, "https://127.0.0.1:1", map[string]string{"VAULT_SKIP_VERIFY": "maybe"})
	wantCode(t, runEnv(t, env, "status"), ExitError)

	r := newRunner(Env{Getenv: func(k string) string {
		return map[string]string{"VAULT_SKIP_VERIFY": "true", "VAULT_TLS_SERVER_NAME": "cofre.local"}[k]
	}}, "status")
	conf, err := r.tlsConfig()
	if err != nil || !conf.InsecureSkipVerify || conf.ServerName != "cofre.local" {
		t.Errorf("tls config = %+v, %v", conf, err)
	}
}

func TestServerUnreachable(t *testing.T) {
	env, _, _ := testEnv(t, "http://127.0.0.1:1", nil)
	res := runEnv(t, env, "read", "secret/x")
	wantCode(t, res, ExitError)
	wantContains(t, res.stderr, "Error reading secret/x")
}

func TestRunNilWriters(t *testing.T) {
	// A zero Env must not panic.
	if code := Run(context.Background(), []string{"nope"}, Env{}); code != ExitUsage {
		t.Errorf("code %d", code)
	}
}

func TestNoEchoOnAFile(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "stdin")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, ok := noEcho(f); ok {
		t.Error("a regular file taken for a terminal")
	}
}
