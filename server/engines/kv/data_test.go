package kv

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cofre-io/cofre/server/logical"
)

func TestV2WriteReadVersions(t *testing.T) {
	f := newFixture(t, "2")
	t0 := f.clock.Now()
	v1 := map[string]any{"username": "appuser", "port": json.Number("5432"), "deep": map[string]any{"a": []any{"b"}}}
	if n := f.put("demo/database", v1, nil); n != 1 {
		t.Fatalf("first version = %d", n)
	}
	f.clock.Advance(time.Second)
	if n := f.put("demo/database", map[string]any{"username": "other"}, nil); n != 2 {
		t.Fatalf("second version = %d", n)
	}

	resp := f.must(logical.ReadOperation, "data/demo/database", nil)
	if !jsonEqual(t, resp.Data["data"], map[string]any{"username": "other"}) {
		t.Fatalf("latest = %v", resp.Data["data"])
	}
	md := resp.Data["metadata"].(map[string]any)
	if md["version"] != uint64(2) || md["deletion_time"] != "" || md["destroyed"] != false || md["custom_metadata"] != nil {
		t.Fatalf("metadata = %v", md)
	}
	if md["created_time"] != t0.Add(time.Second).Format(time.RFC3339Nano) {
		t.Fatalf("created_time = %v", md["created_time"])
	}

	resp = f.must(logical.ReadOperation, "data/demo/database", map[string]any{"version": "1"})
	if !jsonEqual(t, resp.Data["data"], v1) {
		t.Fatalf("version 1 = %v", resp.Data["data"])
	}
	if n, ok := resp.Data["data"].(map[string]any)["port"].(json.Number); !ok || n != "5432" {
		t.Fatalf("number lost its type: %#v", resp.Data["data"])
	}

	// Versions that do not exist are a plain 404.
	for _, v := range []string{"3", "99"} {
		if resp := f.must(logical.ReadOperation, "data/demo/database", map[string]any{"version": v}); resp != nil {
			t.Fatalf("version %s = %+v, want nil", v, resp)
		}
	}
	if resp := f.must(logical.ReadOperation, "data/missing", nil); resp != nil {
		t.Fatalf("missing key = %+v", resp)
	}
	f.mustFail(logical.ErrInvalidRequest, logical.ReadOperation, "data/demo/database", map[string]any{"version": "-1"})
	f.mustFail(logical.ErrInvalidRequest, logical.ReadOperation, "data/demo/database", map[string]any{"version": "one"})
}

func TestV2ExistenceCheck(t *testing.T) {
	f := newFixture(t, "2")
	for _, p := range []string{"data/x", "metadata/x"} {
		checked, exists, err := f.b.ExistenceCheck(t.Context(), &logical.Request{Operation: logical.UpdateOperation, Path: p})
		if err != nil || !checked || exists {
			t.Fatalf("%s before: checked=%v exists=%v err=%v", p, checked, exists, err)
		}
	}
	f.put("x", map[string]any{"a": "b"}, nil)
	for _, p := range []string{"data/x", "metadata/x"} {
		checked, exists, err := f.b.ExistenceCheck(t.Context(), &logical.Request{Operation: logical.UpdateOperation, Path: p})
		if err != nil || !checked || !exists {
			t.Fatalf("%s after: checked=%v exists=%v err=%v", p, checked, exists, err)
		}
	}
	// delete/ has no existence check: always an update.
	checked, _, err := f.b.ExistenceCheck(t.Context(), &logical.Request{Operation: logical.UpdateOperation, Path: "delete/x"})
	if err != nil || checked {
		t.Fatalf("delete/: checked=%v err=%v", checked, err)
	}
}

func TestV2CheckAndSet(t *testing.T) {
	f := newFixture(t, "2")
	cas := func(n int) map[string]any { return map[string]any{"cas": json.Number(strings.TrimSpace(jsonInt(n)))} }

	// cas=0: only when the key does not exist.
	if n := f.put("k", map[string]any{"a": "1"}, cas(0)); n != 1 {
		t.Fatalf("cas=0 on new key: version %d", n)
	}
	err := f.mustFail(logical.ErrInvalidRequest, logical.UpdateOperation, "data/k", map[string]any{"data": map[string]any{"a": "2"}, "options": cas(0)})
	if err.Error() != msgCASMismatch {
		t.Fatalf("message = %q", err.Error())
	}
	f.mustFail(logical.ErrInvalidRequest, logical.UpdateOperation, "data/k", map[string]any{"data": map[string]any{"a": "2"}, "options": cas(5)})
	if n := f.put("k", map[string]any{"a": "2"}, cas(1)); n != 2 {
		t.Fatalf("cas=1: version %d", n)
	}

	// cas_required on the key.
	f.must(logical.UpdateOperation, "metadata/k", map[string]any{"cas_required": true})
	err = f.mustFail(logical.ErrInvalidRequest, logical.UpdateOperation, "data/k", map[string]any{"data": map[string]any{"a": "3"}})
	if err.Error() != msgCASRequired {
		t.Fatalf("message = %q", err.Error())
	}
	f.put("k", map[string]any{"a": "3"}, cas(2))

	// cas_required on the engine applies to every key.
	f.must(logical.UpdateOperation, "config", map[string]any{"cas_required": true})
	f.mustFail(logical.ErrInvalidRequest, logical.UpdateOperation, "data/other", map[string]any{"data": map[string]any{"a": "1"}})
	f.put("other", map[string]any{"a": "1"}, cas(0))
	// Patch obeys it too.
	f.mustFail(logical.ErrInvalidRequest, logical.PatchOperation, "data/other", map[string]any{"data": map[string]any{"b": "2"}})
	resp := f.must(logical.PatchOperation, "data/other", map[string]any{"data": map[string]any{"b": "2"}, "options": cas(1)})
	if resp.Data["version"] != uint64(2) {
		t.Fatalf("patch version = %v", resp.Data["version"])
	}
}

func jsonInt(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestV2Patch(t *testing.T) {
	f := newFixture(t, "2")
	f.put("p", map[string]any{"keep": "1", "drop": "2", "obj": map[string]any{"a": "1", "b": "2"}, "n": json.Number("7")}, nil)
	resp := f.must(logical.PatchOperation, "data/p", map[string]any{"data": map[string]any{
		"drop": nil,
		"obj":  map[string]any{"b": nil, "c": "3"},
		"new":  []any{"x"},
	}})
	if resp.Data["version"] != uint64(2) {
		t.Fatalf("patch response = %v", resp.Data)
	}
	got := f.must(logical.ReadOperation, "data/p", nil).Data["data"]
	want := map[string]any{"keep": "1", "obj": map[string]any{"a": "1", "c": "3"}, "new": []any{"x"}, "n": 7}
	if !jsonEqual(t, got, want) {
		t.Fatalf("patched = %v, want %v", got, want)
	}

	// Nothing to patch: missing key, deleted latest, destroyed latest.
	f.mustFail(logical.ErrNotFound, logical.PatchOperation, "data/none", map[string]any{"data": map[string]any{"a": "1"}})
	f.must(logical.DeleteOperation, "data/p", nil)
	f.mustFail(logical.ErrNotFound, logical.PatchOperation, "data/p", map[string]any{"data": map[string]any{"a": "1"}})
	f.must(logical.UpdateOperation, "undelete/p", map[string]any{"versions": []any{json.Number("2")}})
	f.must(logical.UpdateOperation, "destroy/p", map[string]any{"versions": []any{json.Number("2")}})
	f.mustFail(logical.ErrNotFound, logical.PatchOperation, "data/p", map[string]any{"data": map[string]any{"a": "1"}})
	f.mustFail(logical.ErrInvalidRequest, logical.PatchOperation, "data/p", map[string]any{"data": "not an object"})
}

func TestV2SoftDeleteUndeleteDestroy(t *testing.T) {
	f := newFixture(t, "2")
	f.put("s", map[string]any{"v": "1"}, nil)
	f.put("s", map[string]any{"v": "2"}, nil)
	f.put("s", map[string]any{"v": "3"}, nil)

	// DELETE data/ soft-deletes the latest version.
	f.clock.Advance(time.Minute)
	if resp := f.must(logical.DeleteOperation, "data/s", nil); resp != nil {
		t.Fatalf("delete response = %+v", resp)
	}
	data := raw404(t, f.must(logical.ReadOperation, "data/s", nil))
	md := data["metadata"].(map[string]any)
	if data["data"] != nil || md["version"] != float64(3) || md["deletion_time"] != f.clock.Now().Format(time.RFC3339Nano) || md["destroyed"] != false {
		t.Fatalf("deleted read = %v", data)
	}
	// The value stays in storage until destroyed.
	if f.snapshot()["ver/s@3"] == "" {
		t.Fatal("soft delete removed the data")
	}

	// delete/ soft-deletes chosen versions; unknown ones are ignored.
	f.must(logical.UpdateOperation, "delete/s", map[string]any{"versions": []any{json.Number("1"), json.Number("42")}})
	raw404(t, f.must(logical.ReadOperation, "data/s", map[string]any{"version": "1"}))
	if resp := f.must(logical.ReadOperation, "data/s", map[string]any{"version": "2"}); resp.Data["data"].(map[string]any)["v"] != "2" {
		t.Fatalf("version 2 = %+v", resp)
	}

	f.must(logical.UpdateOperation, "undelete/s", map[string]any{"versions": "1,3"})
	for _, v := range []string{"1", "3"} {
		resp := f.must(logical.ReadOperation, "data/s", map[string]any{"version": v})
		if resp == nil || resp.Data["data"].(map[string]any)["v"] != v {
			t.Fatalf("undeleted version %s = %+v", v, resp)
		}
	}

	f.must(logical.UpdateOperation, "destroy/s", map[string]any{"versions": []any{json.Number("2")}})
	data = raw404(t, f.must(logical.ReadOperation, "data/s", map[string]any{"version": "2"}))
	if data["metadata"].(map[string]any)["destroyed"] != true {
		t.Fatalf("destroyed read = %v", data)
	}
	if _, ok := f.snapshot()["ver/s@2"]; ok {
		t.Fatal("destroy left the data in storage")
	}
	// A destroyed version cannot be undeleted.
	f.must(logical.UpdateOperation, "undelete/s", map[string]any{"versions": []any{json.Number("2")}})
	raw404(t, f.must(logical.ReadOperation, "data/s", map[string]any{"version": "2"}))

	for _, p := range []string{"delete/s", "undelete/s", "destroy/s"} {
		err := f.mustFail(logical.ErrInvalidRequest, logical.UpdateOperation, p, map[string]any{})
		if err.Error() != msgNoVersions {
			t.Fatalf("%s without versions: %q", p, err.Error())
		}
		f.mustFail(logical.ErrInvalidRequest, logical.UpdateOperation, p, map[string]any{"versions": []any{"x"}})
	}
}

func TestV2MaxVersionsPrunes(t *testing.T) {
	f := newFixture(t, "2")
	f.must(logical.UpdateOperation, "config", map[string]any{"max_versions": json.Number("3")})
	for i := 1; i <= 5; i++ {
		f.put("m", map[string]any{"i": jsonInt(i)}, nil)
	}
	md := f.must(logical.ReadOperation, "metadata/m", nil).Data
	if md["current_version"] != uint64(5) || md["oldest_version"] != uint64(3) {
		t.Fatalf("current=%v oldest=%v", md["current_version"], md["oldest_version"])
	}
	vs := md["versions"].(map[string]any)
	if len(vs) != 3 || vs["3"] == nil || vs["5"] == nil {
		t.Fatalf("versions = %v", vs)
	}
	snap := f.snapshot()
	for _, k := range []string{"ver/m@1", "ver/m@2"} {
		if _, ok := snap[k]; ok {
			t.Fatalf("%s not pruned", k)
		}
	}
	if resp := f.must(logical.ReadOperation, "data/m", map[string]any{"version": "2"}); resp != nil {
		t.Fatalf("pruned version read = %+v", resp)
	}
	// The key's own limit wins over the engine's.
	f.must(logical.UpdateOperation, "metadata/m", map[string]any{"max_versions": json.Number("1")})
	f.put("m", map[string]any{"i": "6"}, nil)
	md = f.must(logical.ReadOperation, "metadata/m", nil).Data
	if len(md["versions"].(map[string]any)) != 1 || md["oldest_version"] != uint64(6) {
		t.Fatalf("after key limit: %v", md)
	}
	if n := len(f.snapshot()); n != 3 { // config, meta/m, ver/m@6
		t.Fatalf("storage has %d entries: %v", n, sortedKeys(f.snapshot()))
	}
}

func TestV2DefaultMaxVersionsIsTen(t *testing.T) {
	f := newFixture(t, "2")
	for i := 0; i < 12; i++ {
		f.put("d", map[string]any{"i": "x"}, nil)
	}
	md := f.must(logical.ReadOperation, "metadata/d", nil).Data
	if len(md["versions"].(map[string]any)) != 10 || md["oldest_version"] != uint64(3) {
		t.Fatalf("metadata = %v", md)
	}
}

func TestV2DeleteVersionAfter(t *testing.T) {
	f := newFixture(t, "2")
	f.must(logical.UpdateOperation, "config", map[string]any{"delete_version_after": "1h"})
	f.put("t", map[string]any{"a": "b"}, nil)
	resp := f.must(logical.ReadOperation, "data/t", nil)
	want := f.clock.Now().Add(time.Hour).Format(time.RFC3339Nano)
	if resp.Data["metadata"].(map[string]any)["deletion_time"] != want {
		t.Fatalf("deletion_time = %v, want %s", resp.Data["metadata"], want)
	}
	f.clock.Advance(time.Hour)
	raw404(t, f.must(logical.ReadOperation, "data/t", nil))

	// A shorter per-key value wins; a longer one is capped by the engine's.
	f.must(logical.UpdateOperation, "metadata/t", map[string]any{"delete_version_after": "10m"})
	f.put("t", map[string]any{"a": "c"}, nil)
	md := f.must(logical.ReadOperation, "data/t", nil).Data["metadata"].(map[string]any)
	if md["deletion_time"] != f.clock.Now().Add(10*time.Minute).Format(time.RFC3339Nano) {
		t.Fatalf("per-key deletion_time = %v", md["deletion_time"])
	}
	f.must(logical.UpdateOperation, "metadata/t", map[string]any{"delete_version_after": "5h"})
	f.put("t", map[string]any{"a": "d"}, nil)
	md = f.must(logical.ReadOperation, "data/t", nil).Data["metadata"].(map[string]any)
	if md["deletion_time"] != f.clock.Now().Add(time.Hour).Format(time.RFC3339Nano) {
		t.Fatalf("capped deletion_time = %v", md["deletion_time"])
	}
	cfg := f.must(logical.ReadOperation, "config", nil).Data
	if cfg["delete_version_after"] != "1h0m0s" || cfg["max_versions"] != uint32(0) || cfg["cas_required"] != false {
		t.Fatalf("config = %v", cfg)
	}
}

func TestV2BadInputChangesNothing(t *testing.T) {
	f := newFixture(t, "2")
	f.put("keep", map[string]any{"a": "b"}, nil)
	f.must(logical.UpdateOperation, "metadata/keep", map[string]any{"custom_metadata": map[string]any{"owner": "me"}})
	before := f.snapshot()
	big := strings.Repeat("x", DefaultMaxEntrySize)
	manyKeys := map[string]any{}
	for i := 0; i < maxCustomKeys+1; i++ {
		manyKeys["k"+jsonInt(i)] = "v"
	}
	cases := []struct {
		name string
		op   logical.Operation
		path string
		data map[string]any
	}{
		{"no data", logical.UpdateOperation, "data/keep", map[string]any{}},
		{"data not an object", logical.UpdateOperation, "data/keep", map[string]any{"data": []any{"a"}}},
		{"data a string", logical.UpdateOperation, "data/keep", map[string]any{"data": `{"a":"b"}`}},
		{"oversize", logical.UpdateOperation, "data/keep", map[string]any{"data": map[string]any{"big": big}}},
		{"oversize patch", logical.PatchOperation, "data/keep", map[string]any{"data": map[string]any{"big": big}}},
		{"wrong cas", logical.UpdateOperation, "data/keep", map[string]any{"data": map[string]any{"a": "c"}, "options": map[string]any{"cas": json.Number("7")}}},
		{"negative cas", logical.UpdateOperation, "data/keep", map[string]any{"data": map[string]any{"a": "c"}, "options": map[string]any{"cas": json.Number("-1")}}},
		{"options not an object", logical.UpdateOperation, "data/keep", map[string]any{"data": map[string]any{"a": "c"}, "options": "cas=1"}},
		{"bad path", logical.UpdateOperation, "data/a/../keep", map[string]any{"data": map[string]any{"a": "c"}}},
		{"trailing slash", logical.UpdateOperation, "data/keep/", map[string]any{"data": map[string]any{"a": "c"}}},
		{"negative max_versions", logical.UpdateOperation, "metadata/keep", map[string]any{"max_versions": json.Number("-1")}},
		{"bad duration", logical.UpdateOperation, "metadata/keep", map[string]any{"delete_version_after": "soon"}},
		{"custom not strings", logical.UpdateOperation, "metadata/keep", map[string]any{"custom_metadata": map[string]any{"a": map[string]any{}}}},
		{"too many custom keys", logical.UpdateOperation, "metadata/keep", map[string]any{"custom_metadata": manyKeys}},
		{"custom value too long", logical.PatchOperation, "metadata/keep", map[string]any{"custom_metadata": map[string]any{"a": strings.Repeat("v", maxCustomValueLen+1)}}},
		{"negative config", logical.UpdateOperation, "config", map[string]any{"max_versions": json.Number("-3")}},
		{"bad versions", logical.UpdateOperation, "destroy/keep", map[string]any{"versions": []any{json.Number("1.5")}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f.mustFail(logical.ErrInvalidRequest, c.op, c.path, c.data)
		})
	}
	after := f.snapshot()
	if !slices.Equal(sortedKeys(before), sortedKeys(after)) {
		t.Fatalf("keys changed: %v -> %v", sortedKeys(before), sortedKeys(after))
	}
	for k, v := range before {
		if after[k] != v {
			t.Fatalf("%s changed", k)
		}
	}
}

func TestV2OversizeLimitIsConfigurable(t *testing.T) {
	f := newFixtureOn(t, newPhys(), "2", Options{MaxEntrySize: 64})
	f.put("small", map[string]any{"a": "b"}, nil)
	_, err := f.do(logical.UpdateOperation, "data/big", map[string]any{"data": map[string]any{"a": strings.Repeat("b", 64)}})
	if !errors.Is(err, logical.ErrInvalidRequest) || !strings.Contains(err.Error(), "limit of 64 bytes") {
		t.Fatalf("err = %v", err)
	}
}

func TestV2UnknownPathAndOperation(t *testing.T) {
	f := newFixture(t, "2")
	err := f.mustFail(logical.ErrUnsupportedPath, logical.ReadOperation, "nope", nil)
	if !strings.Contains(err.Error(), "vault kv get") {
		t.Fatalf("no hint: %v", err)
	}
	f.mustFail(logical.ErrUnsupportedPath, logical.UpdateOperation, "nope", map[string]any{"a": "b"})
	f.mustFail(logical.ErrUnsupportedOperation, logical.ListOperation, "subkeys/", nil)
	f.mustFail(logical.ErrInvalidRequest, logical.ReadOperation, "data/", nil)
}
