package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const loginAuth = `{"auth":{"client_token":"hvs.user","accessor":"acc1","policies":["default","dev"],"token_policies":["default","dev"],"metadata":{"username":"ann"},"lease_duration":2764800,"renewable":true}}`

func TestLoginToken(t *testing.T) {
	s := newStub(t, map[string]stubResp{
		"GET /v1/auth/token/lookup-self": {body: `{"data":{"id":"hvs.given","accessor":"acc0","policies":["root"],"ttl":0,"renewable":false}}`},
	})
	env, _, _ := testEnv(t, s.srv.URL, map[string]string{"COFRE_TOKEN": ""})
	res := runEnv(t, env, "login", "hvs.given")
	wantCode(t, res, ExitOK)
	wantContains(t, res.stdout, "Success! You are now authenticated")
	wantRow(t, res.stdout, "token", "hvs.given")
	wantRow(t, res.stdout, "token_accessor", "acc0")
	wantRow(t, res.stdout, "token_duration", "∞")
	wantRow(t, res.stdout, "policies", "[root]")
	if got := s.last(t, "GET", "/v1/auth/token/lookup-self").Header.Get("X-Vault-Token"); got != "hvs.given" {
		t.Errorf("lookup-self sent token %q", got)
	}
	file := filepath.Join(env.HomeDir, TokenFile)
	b, err := os.ReadFile(file)
	if err != nil || string(b) != "hvs.given" {
		t.Fatalf("token file = %q, %v", b, err)
	}
	if st, _ := os.Stat(file); st.Mode().Perm() != 0o600 {
		t.Errorf("token file mode %v", st.Mode().Perm())
	}

	// The stored token is used by the next command.
	res = runEnv(t, env, "token", "lookup")
	wantCode(t, res, ExitOK)
	if got := s.last(t, "GET", "/v1/auth/token/lookup-self").Header.Get("X-Vault-Token"); got != "hvs.given" {
		t.Errorf("next command sent token %q", got)
	}

	// Prompted token, not stored.
	env2, _, _ := testEnv(t, s.srv.URL, nil)
	env2.Stdin = strings.NewReader("hvs.typed\n")
	res = runEnv(t, env2, "login", "-no-store")
	wantCode(t, res, ExitOK)
	wantContains(t, res.stderr, "Token: ")
	wantContains(t, res.stdout, "NOT stored")
	if _, err := os.Stat(filepath.Join(env2.HomeDir, TokenFile)); !os.IsNotExist(err) {
		t.Error("-no-store stored the token")
	}
}

func TestLoginTokenRejected(t *testing.T) {
	s := newStub(t, map[string]stubResp{"GET /v1/auth/token/lookup-self": {status: 403, body: `{"errors":["permission denied"]}`}})
	env, _, _ := testEnv(t, s.srv.URL, nil)
	res := runEnv(t, env, "login", "hvs.bad")
	wantCode(t, res, ExitError)
	wantContains(t, res.stderr, "permission denied")
	if _, err := os.Stat(filepath.Join(env.HomeDir, TokenFile)); !os.IsNotExist(err) {
		t.Error("a rejected token was stored")
	}
}

func TestLoginUserpassAndApprole(t *testing.T) {
	s := newStub(t, map[string]stubResp{
		"PUT /v1/auth/people/login/ann": {body: loginAuth},
		"PUT /v1/auth/approle/login":    {body: loginAuth},
	})
	env, _, _ := testEnv(t, s.srv.URL, map[string]string{"COFRE_TOKEN": ""})
	env.Stdin = strings.NewReader("s3cret\n")
	res := runEnv(t, env, "login", "-method=userpass", "-path=people", "username=ann")
	wantCode(t, res, ExitOK)
	wantContains(t, res.stderr, "Password: ")
	wantRow(t, res.stdout, "token", "hvs.user")
	wantRow(t, res.stdout, "token_meta_username", "ann")
	got := s.last(t, "PUT", "/v1/auth/people/login/ann")
	if b := got.bodyMap(t); b["password"] != "s3cret" || b["username"] != nil {
		t.Errorf("userpass body = %v", b)
	}
	if got.Header.Get("X-Vault-Token") != "" {
		t.Error("login request carried a token")
	}
	if b, _ := os.ReadFile(filepath.Join(env.HomeDir, TokenFile)); string(b) != "hvs.user" {
		t.Errorf("token file = %q", b)
	}

	res = s.run(t, "login", "-method=approle", "-token-only", "role_id=r", "secret_id=s")
	wantCode(t, res, ExitOK)
	if res.stdout != "hvs.user\n" {
		t.Errorf("-token-only printed %q", res.stdout)
	}
	if b := s.last(t, "PUT", "/v1/auth/approle/login").bodyMap(t); b["role_id"] != "r" || b["secret_id"] != "s" {
		t.Errorf("approle body = %v", b)
	}
	res = s.run(t, "login", "-method=approle", "-field=token", "-no-store", "role_id=r")
	if res.stdout != "hvs.user" {
		t.Errorf("-field=token printed %q", res.stdout)
	}
	wantCode(t, s.run(t, "login", "-method=userpass", "password=x"), ExitUsage)
}

func TestLoginNoHome(t *testing.T) {
	s := newStub(t, map[string]stubResp{"PUT /v1/auth/approle/login": {body: loginAuth}})
	env, _, _ := testEnv(t, s.srv.URL, nil)
	env.HomeDir = ""
	res := runEnv(t, env, "login", "-method=approle", "role_id=r")
	wantCode(t, res, ExitError)
	wantContains(t, res.stderr, "-no-store")
}
