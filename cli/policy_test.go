package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPolicyCommands(t *testing.T) {
	s := newStub(t, map[string]stubResp{
		"PUT /v1/sys/policies/acl/dev":       {body: `{"warnings":["path \"x\" has no capabilities"]}`},
		"GET /v1/sys/policies/acl/dev":       {body: `{"data":{"name":"dev","policy":"path \"secret/*\" {\n  capabilities = [\"read\"]\n}"}}`},
		"GET /v1/sys/policies/acl?list=true": {body: `{"data":{"keys":["default","dev","root"]}}`},
		"DELETE /v1/sys/policies/acl/dev":    {status: 204},
	})
	file := filepath.Join(t.TempDir(), "dev.hcl")
	policy := "path \"secret/*\" { capabilities = [\"read\"] }\n"
	os.WriteFile(file, []byte(policy), 0o600)
	res := s.run(t, "policy", "write", "dev", file)
	wantCode(t, res, ExitOK)
	wantContains(t, res.stdout, "Success! Uploaded policy: dev")
	wantContains(t, res.stderr, "WARNING!", `path "x" has no capabilities`)
	if b := s.last(t, "PUT", "/v1/sys/policies/acl/dev").bodyMap(t); b["policy"] != policy {
		t.Errorf("policy body = %v", b)
	}
	env, _, _ := testEnv(t, s.srv.URL, nil)
	env.Stdin = strings.NewReader("path \"a\" {}\n")
	wantCode(t, runEnv(t, env, "policy", "write", "dev", "-"), ExitOK)
	if b := s.last(t, "PUT", "/v1/sys/policies/acl/dev").bodyMap(t); b["policy"] != "path \"a\" {}\n" {
		t.Errorf("stdin policy body = %v", b)
	}

	res = s.run(t, "policy", "read", "dev")
	wantCode(t, res, ExitOK)
	if res.stdout != "path \"secret/*\" {\n  capabilities = [\"read\"]\n}\n" {
		t.Errorf("policy read printed %q", res.stdout)
	}
	res = s.run(t, "policy", "read", "nope")
	wantCode(t, res, ExitUsage)
	wantContains(t, res.stderr, "No policy named: nope")

	res = s.run(t, "policy", "list")
	wantCode(t, res, ExitOK)
	if res.stdout != "default\ndev\nroot\n" {
		t.Errorf("policy list printed %q", res.stdout)
	}
	res = s.run(t, "policy", "delete", "dev")
	wantCode(t, res, ExitOK)
	wantContains(t, res.stdout, "Success! Deleted policy: dev")
	s.last(t, "DELETE", "/v1/sys/policies/acl/dev")
}

func TestPolicyFmt(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "p.hcl")
	os.WriteFile(file, []byte("path \"a\" {\ncapabilities=[\"read\"]\n}\n"), 0o640)
	env, _, _ := testEnv(t, "http://127.0.0.1:1", nil)
	res := runEnv(t, env, "policy", "fmt", file)
	wantCode(t, res, ExitOK)
	b, _ := os.ReadFile(file)
	if string(b) != "path \"a\" {\n  capabilities = [\"read\"]\n}\n" {
		t.Errorf("formatted %q", b)
	}
	if st, _ := os.Stat(file); st.Mode().Perm() != 0o640 {
		t.Errorf("mode changed to %v", st.Mode().Perm())
	}
	os.WriteFile(file, []byte("path \"a\" {\n"), 0o600)
	res = runEnv(t, env, "policy", "fmt", file)
	wantCode(t, res, ExitError)
	wantContains(t, res.stderr, "line 1, column")
	if b, _ := os.ReadFile(file); string(b) != "path \"a\" {\n" {
		t.Error("a broken file was rewritten")
	}
	// A "*" pattern draws a warning naming a nested path it also grants.
	os.WriteFile(file, []byte("path \"secret/data/demo/*\" {\n  capabilities = [\"read\"]\n}\n"), 0o600)
	res = runEnv(t, env, "policy", "fmt", file)
	wantCode(t, res, ExitOK)
	wantContains(t, res.stderr, "secret/data/demo/a/b")
}
