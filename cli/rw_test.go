package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const kv1Secret = `{"request_id":"r1","lease_id":"","lease_duration":2764800,"renewable":false,"data":{"foo":"bar","n":3,"list":["a","b"]},"warnings":null}`

func TestRead(t *testing.T) {
	s := newStub(t, map[string]stubResp{"GET /v1/secret/app": {body: kv1Secret}})
	res := s.run(t, "read", "/secret/app/")
	wantCode(t, res, ExitOK)
	wantContains(t, res.stdout,
		"Key                 Value\n---                 -----\n",
		"refresh_interval    768h\n", "foo                 bar\n", "list                [a b]\n", "n                   3\n")
	if i, j := strings.Index(res.stdout, "refresh_interval"), strings.Index(res.stdout, "foo"); i > j {
		t.Error("lease rows should come before data rows")
	}

	res = s.run(t, "read", "-format=json", "secret/app")
	wantCode(t, res, ExitOK)
	wantContains(t, res.stdout, "{\n  \"request_id\": \"r1\",\n", `"foo": "bar"`)

	res = s.run(t, "read", "-field=foo", "secret/app")
	wantCode(t, res, ExitOK)
	if res.stdout != "bar" {
		t.Errorf("-field=foo printed %q", res.stdout)
	}
	res = s.run(t, "read", "-field=list", "secret/app")
	if res.stdout != `["a","b"]` {
		t.Errorf("-field=list printed %q", res.stdout)
	}
	res = s.run(t, "read", "-field=nope", "secret/app")
	wantCode(t, res, ExitError)

	// Flags after the path work too.
	res = s.run(t, "read", "secret/app", "-field=foo")
	wantCode(t, res, ExitOK)
	if res.stdout != "bar" {
		t.Errorf("trailing -field printed %q", res.stdout)
	}
}

func TestReadNotFoundAndQuery(t *testing.T) {
	s := newStub(t, map[string]stubResp{"GET /v1/secret/q?version=2": {body: kv1Secret}})
	res := s.run(t, "read", "secret/missing")
	wantCode(t, res, ExitUsage)
	wantContains(t, res.stderr, "No value found at secret/missing")
	res = s.run(t, "read", "secret/q", "version=2")
	wantCode(t, res, ExitOK)
	wantCode(t, s.run(t, "read"), ExitUsage)
	wantCode(t, s.run(t, "read", "secret/q", "novalue"), ExitUsage)
}

func TestReadPermissionDenied(t *testing.T) {
	s := newStub(t, map[string]stubResp{"GET /v1/secret/x": {status: 403, body: `{"errors":["permission denied"]}`}})
	res := s.run(t, "read", "secret/x")
	wantCode(t, res, ExitError)
	wantContains(t, res.stderr, "Error reading secret/x", "Code: 403", "permission denied")
}

func TestWrite(t *testing.T) {
	s := newStub(t, map[string]stubResp{
		"PUT /v1/secret/app":        {status: 204},
		"PUT /v1/auth/token/create": {body: `{"auth":{"client_token":"hvs.new","accessor":"acc","policies":["default"],"token_policies":["default"],"lease_duration":3600,"renewable":true}}`},
	})
	dir := t.TempDir()
	file := filepath.Join(dir, "cert.pem")
	os.WriteFile(file, []byte("-----PEM-----\n"), 0o600)
	env, _, _ := testEnv(t, s.srv.URL, nil)
	env.Stdin = strings.NewReader("from stdin")
	res := runEnv(t, env, "write", "secret/app", "a=1", `json=["x"]`, "cert=@"+file, "in=-", "p=x", "p=y", `at=\@home`)
	wantCode(t, res, ExitOK)
	wantContains(t, res.stdout, "Success! Data written to: secret/app")
	got := s.last(t, "PUT", "/v1/secret/app")
	b := got.bodyMap(t)
	if b["a"] != "1" || b["json"] != `["x"]` || b["cert"] != "-----PEM-----\n" || b["in"] != "from stdin" || b["at"] != "@home" {
		t.Errorf("write body = %v", b)
	}
	if p, ok := b["p"].([]any); !ok || len(p) != 2 || p[0] != "x" || p[1] != "y" {
		t.Errorf("repeated key = %v", b["p"])
	}
	if got.Header.Get("Content-Type") == "application/merge-patch+json" {
		t.Error("write sent a merge-patch content type")
	}

	// A lone "-" reads a JSON object.
	env.Stdin = strings.NewReader(`{"x": {"nested": true}, "n": 5}`)
	res = runEnv(t, env, "write", "secret/app", "-", "y=2")
	wantCode(t, res, ExitOK)
	b = s.last(t, "PUT", "/v1/secret/app").bodyMap(t)
	if x, ok := b["x"].(map[string]any); !ok || x["nested"] != true || b["n"] != 5.0 || b["y"] != "2" {
		t.Errorf("stdin JSON body = %v", b)
	}

	// A write answered with auth prints the token table.
	res = s.run(t, "write", "-f", "auth/token/create")
	wantCode(t, res, ExitOK)
	wantContains(t, res.stdout, "token                hvs.new", "token_accessor       acc", "token_duration       1h", "token_policies       [default]")

	res = s.run(t, "write", "secret/app")
	wantCode(t, res, ExitUsage)
	wantContains(t, res.stderr, "Must supply data or use -force")
	res = s.run(t, "write", "secret/app", "password")
	wantCode(t, res, ExitUsage)
	if strings.Contains(res.stderr, "password") {
		t.Error("the malformed argument is echoed")
	}
}

func TestList(t *testing.T) {
	s := newStub(t, map[string]stubResp{"GET /v1/secret/apps?list=true": {body: `{"data":{"keys":["a","b/"]}}`}})
	res := s.run(t, "list", "secret/apps/")
	wantCode(t, res, ExitOK)
	if res.stdout != "Keys\n----\na\nb/\n" {
		t.Errorf("list printed %q", res.stdout)
	}
	res = s.run(t, "list", "-format=json", "secret/apps")
	wantCode(t, res, ExitOK)
	if res.stdout != "[\n  \"a\",\n  \"b/\"\n]\n" {
		t.Errorf("list json printed %q", res.stdout)
	}
	res = s.run(t, "list", "secret/none")
	wantCode(t, res, ExitUsage)
	wantContains(t, res.stderr, "No value found at secret/none/")
}

func TestDeleteAndPatch(t *testing.T) {
	s := newStub(t, map[string]stubResp{
		"DELETE /v1/secret/app": {status: 204},
		"PATCH /v1/secret/app":  {status: 204},
	})
	res := s.run(t, "delete", "secret/app")
	wantCode(t, res, ExitOK)
	wantContains(t, res.stdout, "Success! Data deleted (if it existed) at: secret/app")
	s.last(t, "DELETE", "/v1/secret/app")

	res = s.run(t, "patch", "secret/app", "k=v")
	wantCode(t, res, ExitOK)
	wantContains(t, res.stdout, "Success! Data patched at: secret/app")
	got := s.last(t, "PATCH", "/v1/secret/app")
	if ct := got.Header.Get("Content-Type"); ct != "application/merge-patch+json" {
		t.Errorf("patch content type = %q", ct)
	}
	if b := got.bodyMap(t); b["k"] != "v" || len(b) != 1 {
		t.Errorf("patch body = %v", b)
	}
	wantCode(t, s.run(t, "patch", "secret/app"), ExitUsage)
}
