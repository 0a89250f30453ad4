package cli

import (
	"strings"
	"testing"
)

const uiMountV2 = `{"data":{"path":"secret/","type":"kv","options":{"version":"2"}}}`
const uiMountV1 = `{"data":{"path":"old/","type":"kv","options":{"version":"1"}}}`
const kvV2Read = `{"request_id":"r","data":{"data":{"password":"pw","user":"app"},"metadata":{"created_time":"2025-01-01T00:00:00Z","custom_metadata":null,"deletion_time":"","destroyed":false,"version":3}}}`
const kvV2Write = `{"data":{"created_time":"2025-01-02T00:00:00Z","custom_metadata":null,"deletion_time":"","destroyed":false,"version":4}}`

func kvStub(t *testing.T, extra map[string]stubResp) *stub {
	routes := map[string]stubResp{
		"GET /v1/sys/internal/ui/mounts/secret/app/db": {body: uiMountV2},
		"GET /v1/sys/internal/ui/mounts/secret/app":    {body: uiMountV2},
		"GET /v1/sys/internal/ui/mounts/secret":        {body: uiMountV2},
		"GET /v1/sys/internal/ui/mounts/old/app":       {body: uiMountV1},
	}
	for k, v := range extra {
		routes[k] = v
	}
	return newStub(t, routes)
}

func TestKVPutGetV2(t *testing.T) {
	s := kvStub(t, map[string]stubResp{
		"PUT /v1/secret/data/app/db": {body: kvV2Write},
		"GET /v1/secret/data/app/db": {body: kvV2Read},
	})
	res := s.run(t, "kv", "put", "-cas=3", "secret/app/db", "user=app", "password=pw")
	wantCode(t, res, ExitOK)
	wantContains(t, res.stdout, "== Secret Path =", "=\nsecret/data/app/db\n\n", " Metadata ==", "version            4")
	wantRow(t, res.stdout, "custom_metadata", "<nil>")
	wantRow(t, res.stdout, "deletion_time", "n/a")
	b := s.last(t, "PUT", "/v1/secret/data/app/db").bodyMap(t)
	data, _ := b["data"].(map[string]any)
	opts, _ := b["options"].(map[string]any)
	if data["user"] != "app" || data["password"] != "pw" || opts["cas"] != 3.0 {
		t.Errorf("kv put body = %v", b)
	}

	// -mount with a relative path resolves the same secret.
	res = s.run(t, "kv", "get", "-mount=secret", "app/db")
	wantCode(t, res, ExitOK)
	wantContains(t, res.stdout, "secret/data/app/db", "=== Data ===", "password    pw\n", "user        app\n", "version            3")
	if strings.Index(res.stdout, "Metadata") > strings.Index(res.stdout, "Data ==") {
		t.Error("metadata should come before data")
	}
	res = s.run(t, "kv", "get", "-field=password", "secret/app/db")
	wantCode(t, res, ExitOK)
	if res.stdout != "pw" {
		t.Errorf("-field printed %q", res.stdout)
	}
	res = s.run(t, "kv", "get", "-format=json", "secret/app/db")
	wantContains(t, res.stdout, `"request_id": "r"`, `"password": "pw"`)
	s.run(t, "kv", "get", "-version=2", "secret/app/db")
	if q := s.last(t, "GET", "/v1/secret/data/app/db").Query; q != "version=2" {
		t.Errorf("version query = %q", q)
	}
	res = s.run(t, "kv", "get", "secret/app")
	wantCode(t, res, ExitUsage)
	wantContains(t, res.stderr, "No value found at secret/data/app")
}

func TestKVV1(t *testing.T) {
	s := kvStub(t, map[string]stubResp{
		"PUT /v1/old/app":           {status: 204},
		"GET /v1/old/app":           {body: kv1Secret},
		"GET /v1/old/app?list=true": {body: `{"data":{"keys":["x"]}}`},
		"DELETE /v1/old/app":        {status: 204},
	})
	res := s.run(t, "kv", "put", "old/app", "a=b")
	wantCode(t, res, ExitOK)
	wantContains(t, res.stdout, "Success! Data written to: old/app")
	if b := s.last(t, "PUT", "/v1/old/app").bodyMap(t); b["a"] != "b" || b["data"] != nil {
		t.Errorf("v1 body = %v", b)
	}
	res = s.run(t, "kv", "get", "old/app")
	wantCode(t, res, ExitOK)
	wantContains(t, res.stdout, "foo ")
	wantCode(t, s.run(t, "kv", "list", "old/app"), ExitOK)
	wantCode(t, s.run(t, "kv", "delete", "old/app"), ExitOK)
	s.last(t, "DELETE", "/v1/old/app")
	res = s.run(t, "kv", "patch", "old/app", "a=c")
	wantCode(t, res, ExitError)
	wantContains(t, res.stderr, "version 2")
	wantCode(t, s.run(t, "kv", "undelete", "-versions=1", "old/app"), ExitError)
}

func TestKVPreflightFallback(t *testing.T) {
	// A server without sys/internal/ui/mounts: v1 at the first segment.
	s := newStub(t, map[string]stubResp{"PUT /v1/legacy/a/b": {status: 204}})
	res := s.run(t, "kv", "put", "legacy/a/b", "k=v")
	wantCode(t, res, ExitOK)
	s.last(t, "PUT", "/v1/legacy/a/b")
	// A refused preflight is an error, not a guess.
	s = newStub(t, map[string]stubResp{"GET /v1/sys/internal/ui/mounts/x/y": {status: 403, body: `{"errors":["permission denied"]}`}})
	res = s.run(t, "kv", "get", "x/y")
	wantCode(t, res, ExitError)
	wantContains(t, res.stderr, "permission denied")
}

func TestKVPatch(t *testing.T) {
	s := kvStub(t, map[string]stubResp{
		"PATCH /v1/secret/data/app/db": {body: kvV2Write},
		"GET /v1/secret/data/app/db":   {body: kvV2Read},
		"PUT /v1/secret/data/app/db":   {body: kvV2Write},
	})
	res := s.run(t, "kv", "patch", "secret/app/db", "password=new")
	wantCode(t, res, ExitOK)
	got := s.last(t, "PATCH", "/v1/secret/data/app/db")
	if got.Header.Get("Content-Type") != "application/merge-patch+json" {
		t.Errorf("content type %q", got.Header.Get("Content-Type"))
	}
	if d, _ := got.bodyMap(t)["data"].(map[string]any); d["password"] != "new" || len(d) != 1 {
		t.Errorf("patch body = %v", got.Body)
	}

	res = s.run(t, "kv", "patch", "-method=rw", "secret/app/db", "password=new")
	wantCode(t, res, ExitOK)
	b := s.last(t, "PUT", "/v1/secret/data/app/db").bodyMap(t)
	d, _ := b["data"].(map[string]any)
	o, _ := b["options"].(map[string]any)
	if d["password"] != "new" || d["user"] != "app" || o["cas"] != 3.0 {
		t.Errorf("rw body = %v", b)
	}
	wantCode(t, s.run(t, "kv", "patch", "-method=zip", "secret/app/db", "a=b"), ExitUsage)
}

func TestKVDeleteUndeleteDestroyList(t *testing.T) {
	s := kvStub(t, map[string]stubResp{
		"DELETE /v1/secret/data/app/db":         {status: 204},
		"POST /v1/secret/delete/app/db":         {status: 204},
		"PUT /v1/secret/undelete/app/db":        {status: 204},
		"PUT /v1/secret/destroy/app/db":         {status: 204},
		"GET /v1/secret/metadata/app?list=true": {body: `{"data":{"keys":["db","cache/"]}}`},
		"GET /v1/secret/metadata?list=true":     {body: `{"data":{"keys":["app/"]}}`},
	})
	res := s.run(t, "kv", "delete", "secret/app/db")
	wantCode(t, res, ExitOK)
	wantContains(t, res.stdout, "Success! Data deleted (if it existed) at: secret/data/app/db")
	s.run(t, "kv", "delete", "-versions=1,2", "secret/app/db")
	if b := s.last(t, "POST", "/v1/secret/delete/app/db").bodyMap(t); len(b["versions"].([]any)) != 2 {
		t.Errorf("delete versions body = %v", b)
	}
	wantCode(t, s.run(t, "kv", "undelete", "-versions=2", "secret/app/db"), ExitOK)
	if b := s.last(t, "PUT", "/v1/secret/undelete/app/db").bodyMap(t); b["versions"].([]any)[0] != 2.0 {
		t.Errorf("undelete body = %v", b)
	}
	wantCode(t, s.run(t, "kv", "destroy", "-versions=3", "secret/app/db"), ExitOK)
	s.last(t, "PUT", "/v1/secret/destroy/app/db")
	wantCode(t, s.run(t, "kv", "destroy", "secret/app/db"), ExitUsage)
	wantCode(t, s.run(t, "kv", "delete", "-versions=x", "secret/app/db"), ExitUsage)

	res = s.run(t, "kv", "list", "secret/app")
	wantCode(t, res, ExitOK)
	if res.stdout != "Keys\n----\ndb\ncache/\n" {
		t.Errorf("kv list printed %q", res.stdout)
	}
	res = s.run(t, "kv", "list", "-mount=secret", "")
	wantCode(t, res, ExitOK)
	wantContains(t, res.stdout, "app/")
}

func TestKVMetadataAndRollback(t *testing.T) {
	meta := `{"data":{"current_version":3,"max_versions":0,"cas_required":false,"versions":{
		"1":{"created_time":"t1","deletion_time":"","destroyed":false},
		"2":{"created_time":"t2","deletion_time":"","destroyed":true},
		"3":{"created_time":"t3","deletion_time":"","destroyed":false}}}}`
	s := kvStub(t, map[string]stubResp{
		"GET /v1/secret/metadata/app/db":       {body: meta},
		"POST /v1/secret/metadata/app/db":      {status: 204},
		"DELETE /v1/secret/metadata/app/db":    {status: 204},
		"GET /v1/secret/data/app/db?version=1": {body: `{"data":{"data":{"user":"v1"},"metadata":{"version":1}}}`},
		"PUT /v1/secret/data/app/db":           {body: kvV2Write},
		"POST /v1/sys/mounts/old/tune":         {status: 204},
	})
	res := s.run(t, "kv", "metadata", "get", "secret/app/db")
	wantCode(t, res, ExitOK)
	wantContains(t, res.stdout, "= Metadata Path =", "=\nsecret/metadata/app/db\n", "current_version    3", "= Version 1 =", "= Version 3 =")
	if strings.Index(res.stdout, "Version 1") > strings.Index(res.stdout, "Version 3") {
		t.Error("versions out of order")
	}

	res = s.run(t, "kv", "metadata", "put", "-max-versions=5", "-cas-required", "-delete-version-after=1h", "-custom-metadata=owner=ops", "secret/app/db")
	wantCode(t, res, ExitOK)
	b := s.last(t, "POST", "/v1/secret/metadata/app/db").bodyMap(t)
	cm, _ := b["custom_metadata"].(map[string]any)
	if b["max_versions"] != 5.0 || b["cas_required"] != true || b["delete_version_after"] != "1h0m0s" || cm["owner"] != "ops" {
		t.Errorf("metadata put body = %v", b)
	}
	s.run(t, "kv", "metadata", "put", "-cas-required=false", "secret/app/db")
	if b := s.last(t, "POST", "/v1/secret/metadata/app/db").bodyMap(t); len(b) != 1 || b["cas_required"] != false {
		t.Errorf("minimal metadata put body = %v", b)
	}

	res = s.run(t, "kv", "rollback", "-version=1", "secret/app/db")
	wantCode(t, res, ExitOK)
	b = s.last(t, "PUT", "/v1/secret/data/app/db").bodyMap(t)
	if d, _ := b["data"].(map[string]any); d["user"] != "v1" || b["options"].(map[string]any)["cas"] != 3.0 {
		t.Errorf("rollback body = %v", b)
	}
	res = s.run(t, "kv", "rollback", "-version=2", "secret/app/db")
	wantCode(t, res, ExitError)
	wantContains(t, res.stderr, "destroyed")
	wantCode(t, s.run(t, "kv", "rollback", "-version=9", "secret/app/db"), ExitError)
	wantCode(t, s.run(t, "kv", "rollback", "secret/app/db"), ExitUsage)

	res = s.run(t, "kv", "metadata", "delete", "secret/app/db")
	wantCode(t, res, ExitOK)
	s.last(t, "DELETE", "/v1/secret/metadata/app/db")

	res = s.run(t, "kv", "enable-versioning", "old/")
	wantCode(t, res, ExitOK)
	if b := s.last(t, "POST", "/v1/sys/mounts/old/tune").bodyMap(t); b["options"].(map[string]any)["version"] != "2" {
		t.Errorf("enable-versioning body = %v", b)
	}
}
