package kv

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/cofre-io/cofre/server/logical"
)

func TestV2MetadataLifecycle(t *testing.T) {
	f := newFixture(t, "2")
	created := f.clock.Now()

	// Metadata alone creates a key with no version.
	f.must(logical.UpdateOperation, "metadata/app/cfg", map[string]any{
		"max_versions":         json.Number("4"),
		"cas_required":         false,
		"delete_version_after": "3h25m19s",
		"custom_metadata":      map[string]any{"owner": "jdoe", "tier": json.Number("1")},
	})
	md := f.must(logical.ReadOperation, "metadata/app/cfg", nil).Data
	want := map[string]any{
		"cas_required":         false,
		"created_time":         created.Format(time.RFC3339Nano),
		"current_version":      0,
		"custom_metadata":      map[string]any{"owner": "jdoe", "tier": "1"},
		"delete_version_after": "3h25m19s",
		"max_versions":         4,
		"oldest_version":       0,
		"updated_time":         created.Format(time.RFC3339Nano),
		"versions":             map[string]any{},
	}
	if !jsonEqual(t, md, want) {
		t.Fatalf("metadata = %v\nwant %v", md, want)
	}
	if resp := f.must(logical.ReadOperation, "data/app/cfg", nil); resp != nil {
		t.Fatalf("data of a metadata-only key = %+v", resp)
	}

	// Data reads and writes carry the custom metadata.
	f.clock.Advance(time.Second)
	resp := f.must(logical.UpdateOperation, "data/app/cfg", map[string]any{"data": map[string]any{"a": "b"}})
	if !jsonEqual(t, resp.Data["custom_metadata"], map[string]any{"owner": "jdoe", "tier": "1"}) {
		t.Fatalf("write response = %v", resp.Data)
	}

	// PATCH merges custom metadata and leaves other fields alone.
	f.must(logical.PatchOperation, "metadata/app/cfg", map[string]any{"custom_metadata": map[string]any{"tier": nil, "team": "core"}})
	md = f.must(logical.ReadOperation, "metadata/app/cfg", nil).Data
	if !jsonEqual(t, md["custom_metadata"], map[string]any{"owner": "jdoe", "team": "core"}) || md["max_versions"] != uint32(4) {
		t.Fatalf("after patch = %v", md)
	}
	if md["created_time"] != created.Format(time.RFC3339Nano) || md["updated_time"] != f.clock.Now().Format(time.RFC3339Nano) {
		t.Fatalf("times = %v / %v", md["created_time"], md["updated_time"])
	}
	v := md["versions"].(map[string]any)["1"].(map[string]any)
	if v["destroyed"] != false || v["created_time"] != f.clock.Now().Format(time.RFC3339Nano) {
		t.Fatalf("version 1 = %v", v)
	}
	// custom_metadata: null clears it.
	f.must(logical.PatchOperation, "metadata/app/cfg", map[string]any{"custom_metadata": nil, "max_versions": nil})
	md = f.must(logical.ReadOperation, "metadata/app/cfg", nil).Data
	if md["custom_metadata"] != nil || md["max_versions"] != uint32(0) {
		t.Fatalf("after clearing = %v", md)
	}
	f.mustFail(logical.ErrNotFound, logical.PatchOperation, "metadata/none", map[string]any{"max_versions": json.Number("1")})

	// LIST shows keys and folders.
	f.put("app/db", map[string]any{"a": "b"}, nil)
	f.put("app/db/replica", map[string]any{"a": "b"}, nil)
	f.put("root", map[string]any{"a": "b"}, nil)
	keys := f.must(logical.ListOperation, "metadata/", nil).Data["keys"].([]string)
	if !slices.Equal(keys, []string{"app/", "root"}) {
		t.Fatalf("list root = %v", keys)
	}
	keys = f.must(logical.ListOperation, "metadata/app/", nil).Data["keys"].([]string)
	if !slices.Equal(keys, []string{"cfg", "db", "db/"}) {
		t.Fatalf("list app/ = %v", keys)
	}

	// DELETE metadata removes every version and the metadata.
	f.put("app/db", map[string]any{"a": "c"}, nil)
	f.must(logical.DeleteOperation, "metadata/app/db", nil)
	for k := range f.snapshot() {
		if k == "meta/app/db" || k == "ver/app/db@1" || k == "ver/app/db@2" {
			t.Fatalf("%s survived metadata delete", k)
		}
	}
	if resp := f.must(logical.ReadOperation, "metadata/app/db", nil); resp != nil {
		t.Fatalf("read after delete = %+v", resp)
	}
	// The nested key is untouched, and a new write starts again at 1.
	if resp := f.must(logical.ReadOperation, "data/app/db/replica", nil); resp == nil {
		t.Fatal("nested key lost")
	}
	if n := f.put("app/db", map[string]any{"a": "d"}, nil); n != 1 {
		t.Fatalf("version after recreate = %d", n)
	}
}

func TestV2Subkeys(t *testing.T) {
	f := newFixture(t, "2")
	f.put("s", map[string]any{"foo": "abc", "bar": map[string]any{"baz": "def", "deep": map[string]any{"x": json.Number("1")}}, "quux": map[string]any{}}, nil)
	resp := f.must(logical.ReadOperation, "subkeys/s", nil)
	want := map[string]any{"foo": nil, "bar": map[string]any{"baz": nil, "deep": map[string]any{"x": nil}}, "quux": nil}
	if !jsonEqual(t, resp.Data["subkeys"], want) {
		t.Fatalf("subkeys = %v", resp.Data["subkeys"])
	}
	if resp.Data["metadata"].(map[string]any)["version"] != uint64(1) {
		t.Fatalf("metadata = %v", resp.Data["metadata"])
	}
	resp = f.must(logical.ReadOperation, "subkeys/s", map[string]any{"depth": "1"})
	if !jsonEqual(t, resp.Data["subkeys"], map[string]any{"foo": nil, "bar": nil, "quux": nil}) {
		t.Fatalf("depth 1 = %v", resp.Data["subkeys"])
	}
	resp = f.must(logical.ReadOperation, "subkeys/s", map[string]any{"depth": "2", "version": "1"})
	if !jsonEqual(t, resp.Data["subkeys"], map[string]any{"foo": nil, "bar": map[string]any{"baz": nil, "deep": nil}, "quux": nil}) {
		t.Fatalf("depth 2 = %v", resp.Data["subkeys"])
	}
	f.must(logical.DeleteOperation, "data/s", nil)
	data := raw404(t, f.must(logical.ReadOperation, "subkeys/s", nil))
	if data["subkeys"] != nil || data["metadata"] == nil {
		t.Fatalf("deleted subkeys = %v", data)
	}
	if resp := f.must(logical.ReadOperation, "subkeys/none", nil); resp != nil {
		t.Fatalf("missing = %+v", resp)
	}
	f.mustFail(logical.ErrInvalidRequest, logical.ReadOperation, "subkeys/s", map[string]any{"depth": "x"})
}
