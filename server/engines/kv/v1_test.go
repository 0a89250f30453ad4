package kv

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cofre-io/cofre/server/logical"
)

func TestV1ReadWriteListDelete(t *testing.T) {
	f := newFixture(t, "1")
	value := map[string]any{
		"username": "appuser",
		"port":     json.Number("5432"),
		"nested":   map[string]any{"list": []any{json.Number("1.5"), "x", true, nil}},
	}
	if resp := f.must(logical.UpdateOperation, "app/db", value); resp != nil {
		t.Fatalf("write response = %+v, want nil (204)", resp)
	}
	f.must(logical.UpdateOperation, "app/api", map[string]any{"k": "v"})
	f.must(logical.UpdateOperation, "top", map[string]any{"k": "v"})

	resp := f.must(logical.ReadOperation, "app/db", nil)
	if !jsonEqual(t, resp.Data, value) {
		t.Fatalf("read = %v, want %v", resp.Data, value)
	}
	if n, ok := resp.Data["port"].(json.Number); !ok || n != "5432" {
		t.Fatalf("port = %#v, want json.Number 5432", resp.Data["port"])
	}
	if resp.Secret != nil {
		t.Fatalf("no ttl, yet a secret: %+v", resp.Secret)
	}

	keys := f.must(logical.ListOperation, "", nil).Data["keys"].([]string)
	if !slices.Equal(keys, []string{"app/", "top"}) {
		t.Fatalf("list root = %v", keys)
	}
	keys = f.must(logical.ListOperation, "app/", nil).Data["keys"].([]string)
	if !slices.Equal(keys, []string{"api", "db"}) {
		t.Fatalf("list app/ = %v", keys)
	}

	// Overwrite replaces the whole value.
	f.must(logical.UpdateOperation, "app/db", map[string]any{"only": "this"})
	resp = f.must(logical.ReadOperation, "app/db", nil)
	if !jsonEqual(t, resp.Data, map[string]any{"only": "this"}) {
		t.Fatalf("after overwrite = %v", resp.Data)
	}

	f.must(logical.DeleteOperation, "app/db", nil)
	if resp := f.must(logical.ReadOperation, "app/db", nil); resp != nil {
		t.Fatalf("read after delete = %+v", resp)
	}
	// Deleting again is fine.
	f.must(logical.DeleteOperation, "app/db", nil)
}

func TestV1ExistenceCheck(t *testing.T) {
	f := newFixture(t, "")
	req := &logical.Request{Operation: logical.UpdateOperation, Path: "a/b"}
	checked, exists, err := f.b.ExistenceCheck(t.Context(), req)
	if err != nil || !checked || exists {
		t.Fatalf("before write: checked=%v exists=%v err=%v", checked, exists, err)
	}
	f.must(logical.UpdateOperation, "a/b", map[string]any{"x": "y"})
	checked, exists, err = f.b.ExistenceCheck(t.Context(), req)
	if err != nil || !checked || !exists {
		t.Fatalf("after write: checked=%v exists=%v err=%v", checked, exists, err)
	}
}

func TestV1TTLIsAdvisory(t *testing.T) {
	f := newFixture(t, "1")
	f.must(logical.UpdateOperation, "cfg", map[string]any{"ttl": "1h", "a": "b"})
	resp := f.must(logical.ReadOperation, "cfg", nil)
	if resp.Secret == nil || resp.Secret.TTL != time.Hour || resp.Secret.Renewable || resp.Secret.LeaseID != "" {
		t.Fatalf("secret = %+v, want advisory 1h TTL", resp.Secret)
	}
	f.mustFail(logical.ErrInvalidRequest, logical.UpdateOperation, "cfg", map[string]any{"ttl": "soon"})
}

func TestV1BadInputChangesNothing(t *testing.T) {
	f := newFixture(t, "1")
	f.must(logical.UpdateOperation, "keep", map[string]any{"a": "b"})
	before := f.snapshot()
	big := strings.Repeat("x", DefaultMaxEntrySize)
	cases := []struct {
		name string
		path string
		data map[string]any
	}{
		{"empty body", "keep", nil},
		{"oversize", "keep", map[string]any{"big": big}},
		{"dotdot", "a/../keep", map[string]any{"a": "b"}},
		{"trailing slash", "keep/", map[string]any{"a": "b"}},
		{"empty segment", "a//b", map[string]any{"a": "b"}},
		{"empty path", "", map[string]any{"a": "b"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f.mustFail(logical.ErrInvalidRequest, logical.UpdateOperation, c.path, c.data)
		})
	}
	after := f.snapshot()
	if !slices.Equal(sortedKeys(before), sortedKeys(after)) || before["v1/keep"] != after["v1/keep"] {
		t.Fatalf("storage changed: %v -> %v", sortedKeys(before), sortedKeys(after))
	}
}
