package cubbyhole

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/storage"
	"github.com/cofre-io/cofre/server/storage/inmem"
	"github.com/cofre-io/cofre/server/token"
)

// caller is a service token's verified identity.
func caller(id, accessor string) *logical.Caller {
	return &logical.Caller{TokenID: id, Accessor: accessor, TokenType: token.TypeService}
}

type fixture struct {
	t    *testing.T
	phys *inmem.Backend
	view storage.Backend
	b    *Backend
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	phys := inmem.New()
	view := storage.NewView(phys, "logical/cubby/")
	b, err := New(view)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, phys: phys, view: view, b: b}
}

// do runs one request as c, turning an update into a create when the
// target is missing, as the core does.
func (f *fixture) do(c *logical.Caller, op logical.Operation, path string, data map[string]any) (*logical.Response, error) {
	f.t.Helper()
	ctx := context.Background()
	req := &logical.Request{Operation: op, Path: path, Data: data, Storage: f.view, Caller: c}
	if op == logical.UpdateOperation {
		checked, exists, err := f.b.ExistenceCheck(ctx, req)
		if err != nil {
			f.t.Fatalf("existence check %s: %v", path, err)
		}
		if checked && !exists {
			req.Operation = logical.CreateOperation
		}
	}
	return f.b.HandleRequest(ctx, req)
}

func (f *fixture) mustDo(c *logical.Caller, op logical.Operation, path string, data map[string]any) *logical.Response {
	f.t.Helper()
	resp, err := f.do(c, op, path, data)
	if err != nil {
		f.t.Fatalf("%s %s: %v", op, path, err)
	}
	return resp
}

func (f *fixture) read(c *logical.Caller, path string) map[string]any {
	f.t.Helper()
	resp := f.mustDo(c, logical.ReadOperation, path, nil)
	if resp == nil {
		return nil
	}
	return resp.Data
}

func (f *fixture) list(c *logical.Caller, path string) []string {
	f.t.Helper()
	resp := f.mustDo(c, logical.ListOperation, path, nil)
	keys, _ := resp.Data["keys"].([]string)
	return keys
}

// allKeys returns every physical key.
func (f *fixture) allKeys() []string {
	f.t.Helper()
	var out []string
	var walk func(prefix string)
	walk = func(prefix string) {
		keys, err := f.phys.List(context.Background(), prefix)
		if err != nil {
			f.t.Fatal(err)
		}
		for _, k := range keys {
			if strings.HasSuffix(k, "/") {
				walk(prefix + k)
			} else {
				out = append(out, prefix+k)
			}
		}
	}
	walk("")
	return out
}

func TestTokensAreIsolated(t *testing.T) {
	f := newFixture(t)
	alice, bob := caller("hvs.alice", "acc-alice"), caller("hvs.bob", "acc-bob")
	f.mustDo(alice, logical.UpdateOperation, "shared/name", map[string]any{"owner": "alice"})
	if got := f.read(bob, "shared/name"); got != nil {
		t.Fatalf("bob reads alice's value: %v", got)
	}
	if keys := f.list(bob, ""); len(keys) != 0 {
		t.Fatalf("bob lists alice's folders: %v", keys)
	}
	f.mustDo(bob, logical.UpdateOperation, "shared/name", map[string]any{"owner": "bob"})
	if got := f.read(alice, "shared/name"); got["owner"] != "alice" {
		t.Fatalf("alice's value = %v after bob wrote the same path", got)
	}
	if got := f.read(bob, "shared/name"); got["owner"] != "bob" {
		t.Fatalf("bob's value = %v", got)
	}
	f.mustDo(bob, logical.DeleteOperation, "shared/name", nil)
	if got := f.read(alice, "shared/name"); got["owner"] != "alice" {
		t.Fatalf("bob's delete removed alice's value: %v", got)
	}
	// The scope follows the accessor, not a token value in the request.
	imposter := caller("hvs.bob", "acc-alice")
	if got := f.read(imposter, "shared/name"); got["owner"] != "alice" {
		t.Fatalf("scope is not derived from the caller's accessor: %v", got)
	}
}

func TestReadWriteListDelete(t *testing.T) {
	f := newFixture(t)
	c := caller("hvs.t", "acc")
	data := map[string]any{"s": "v", "n": json.Number("42"), "nested": map[string]any{"a": []any{"x", true}}}
	f.mustDo(c, logical.UpdateOperation, "app/config", data)
	f.mustDo(c, logical.UpdateOperation, "app/deep/key", map[string]any{"k": "v"})
	f.mustDo(c, logical.UpdateOperation, "top", map[string]any{"k": "v"})
	if got := f.read(c, "app/config"); !reflect.DeepEqual(got, data) {
		t.Fatalf("read = %#v, want %#v", got, data)
	}
	// A write replaces the whole value.
	f.mustDo(c, logical.UpdateOperation, "app/config", map[string]any{"only": "this"})
	if got := f.read(c, "app/config"); !reflect.DeepEqual(got, map[string]any{"only": "this"}) {
		t.Fatalf("after overwrite = %v", got)
	}
	if got, want := f.list(c, ""), []string{"app/", "top"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("list root = %v, want %v", got, want)
	}
	if got, want := f.list(c, "app"), []string{"config", "deep/"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("list app = %v, want %v", got, want)
	}
	f.mustDo(c, logical.DeleteOperation, "app/config", nil)
	if got := f.read(c, "app/config"); got != nil {
		t.Fatalf("read after delete = %v", got)
	}
	// Deleting what is not there is not an error.
	f.mustDo(c, logical.DeleteOperation, "app/config", nil)
}

func TestExistenceCheck(t *testing.T) {
	f := newFixture(t)
	c := caller("hvs.t", "acc")
	ctx := context.Background()
	req := &logical.Request{Operation: logical.UpdateOperation, Path: "k", Caller: c}
	checked, exists, err := f.b.ExistenceCheck(ctx, req)
	if err != nil || !checked || exists {
		t.Fatalf("before write: checked=%v exists=%v err=%v", checked, exists, err)
	}
	f.mustDo(c, logical.UpdateOperation, "k", map[string]any{"a": "b"})
	checked, exists, err = f.b.ExistenceCheck(ctx, req)
	if err != nil || !checked || !exists {
		t.Fatalf("after write: checked=%v exists=%v err=%v", checked, exists, err)
	}
	other := &logical.Request{Operation: logical.UpdateOperation, Path: "k", Caller: caller("hvs.o", "acc-o")}
	if _, exists, _ := f.b.ExistenceCheck(ctx, other); exists {
		t.Fatal("another token sees the value as existing")
	}
}

func TestRefusals(t *testing.T) {
	f := newFixture(t)
	service := caller("hvs.t", "acc")
	batch := &logical.Caller{TokenID: "hvb.x", TokenType: token.TypeBatch}
	cases := []struct {
		name string
		c    *logical.Caller
		op   logical.Operation
		path string
		data map[string]any
		kind error
		msg  string
	}{
		{"batch read", batch, logical.ReadOperation, "k", nil, logical.ErrInvalidRequest, `cubbyhole operations are only supported by "service" type tokens`},
		{"batch write", batch, logical.UpdateOperation, "k", map[string]any{"a": 1}, logical.ErrInvalidRequest, "service"},
		{"batch list", batch, logical.ListOperation, "", nil, logical.ErrInvalidRequest, "service"},
		{"no accessor", &logical.Caller{TokenID: "hvs.y", TokenType: token.TypeService}, logical.ReadOperation, "k", nil, logical.ErrInvalidRequest, "service"},
		{"no caller", nil, logical.ReadOperation, "k", nil, logical.ErrPermissionDenied, "permission denied"},
		{"empty data", service, logical.UpdateOperation, "k", nil, logical.ErrInvalidRequest, "missing data fields"},
		{"empty path", service, logical.UpdateOperation, "", map[string]any{"a": 1}, logical.ErrInvalidRequest, "missing path"},
		{"trailing slash", service, logical.UpdateOperation, "a/", map[string]any{"a": 1}, logical.ErrInvalidRequest, "slash"},
		{"empty segment", service, logical.UpdateOperation, "a//b", map[string]any{"a": 1}, logical.ErrInvalidRequest, "segment"},
		{"dot dot", service, logical.UpdateOperation, "../x", map[string]any{"a": 1}, logical.ErrInvalidRequest, "segment"},
		{"dot dot read", service, logical.ReadOperation, "a/../b", nil, logical.ErrInvalidRequest, "segment"},
		{"dot dot list", service, logical.ListOperation, "../", nil, logical.ErrInvalidRequest, "segment"},
		{"read root", service, logical.ReadOperation, "", nil, logical.ErrInvalidRequest, "missing path"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.do(tc.c, tc.op, tc.path, tc.data)
			if !errors.Is(err, tc.kind) || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("err = %v, want %v containing %q", err, tc.kind, tc.msg)
			}
		})
	}
	if keys := f.allKeys(); len(keys) > 1 {
		t.Fatalf("refused requests wrote %v", keys)
	}
}

func TestDestroy(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	gone, kept := caller("hvs.gone", "acc-gone"), caller("hvs.kept", "acc-kept")
	for _, p := range []string{"a", "b/c", "b/d/e", "b/d/f"} {
		f.mustDo(gone, logical.UpdateOperation, p, map[string]any{"v": p})
	}
	f.mustDo(kept, logical.UpdateOperation, "a", map[string]any{"v": "kept"})
	before := len(f.allKeys())
	if err := f.b.Destroy(ctx, "acc-gone"); err != nil {
		t.Fatal(err)
	}
	if keys := f.list(gone, ""); len(keys) != 0 {
		t.Fatalf("destroyed cubbyhole still lists %v", keys)
	}
	if got := f.read(kept, "a"); got["v"] != "kept" {
		t.Fatalf("other token's value = %v", got)
	}
	if after := len(f.allKeys()); after != before-4 {
		t.Fatalf("physical keys %d -> %d, want 4 fewer: %v", before, after, f.allKeys())
	}
	// Destroying twice, or a token that never wrote, or a batch token is fine.
	for _, acc := range []string{"acc-gone", "acc-never", ""} {
		if err := f.b.Destroy(ctx, acc); err != nil {
			t.Fatalf("Destroy(%q): %v", acc, err)
		}
	}
}

func TestNoTokenMaterialInStorage(t *testing.T) {
	f := newFixture(t)
	c := caller("hvs.SECRETVALUE", "ACCESSORVALUE")
	f.mustDo(c, logical.UpdateOperation, "p", map[string]any{"k": "v"})
	for _, k := range f.allKeys() {
		if strings.Contains(k, "SECRETVALUE") || strings.Contains(k, "ACCESSORVALUE") {
			t.Fatalf("storage key %q reveals the token", k)
		}
		e, _ := f.phys.Get(context.Background(), k)
		if strings.Contains(string(e.Value), "SECRETVALUE") || strings.Contains(string(e.Value), "ACCESSORVALUE") {
			t.Fatalf("storage value at %q reveals the token", k)
		}
	}
}

func TestSaltPersists(t *testing.T) {
	f := newFixture(t)
	c := caller("hvs.t", "acc")
	f.mustDo(c, logical.UpdateOperation, "k", map[string]any{"a": "b"})
	// A new backend over the same storage (after a seal and unseal) finds
	// the same scope.
	b2, err := New(f.view)
	if err != nil {
		t.Fatal(err)
	}
	f.b = b2
	if got := f.read(c, "k"); got["a"] != "b" {
		t.Fatalf("after reload = %v", got)
	}
}

func TestTakeExactlyOnce(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if err := f.b.Put(ctx, "acc", "response", map[string]any{"x": "y"}); err != nil {
		t.Fatal(err)
	}
	const n = 16
	var wg sync.WaitGroup
	got := make(chan map[string]any, n)
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := f.b.Take(ctx, "acc", "response")
			if err != nil {
				errs <- err
				return
			}
			if v != nil {
				got <- v
			}
		}()
	}
	wg.Wait()
	close(got)
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	var winners []map[string]any
	for v := range got {
		winners = append(winners, v)
	}
	if len(winners) != 1 || winners[0]["x"] != "y" {
		t.Fatalf("winners = %v, want exactly one with the value", winners)
	}
	if v, _ := f.b.Get(ctx, "acc", "response"); v != nil {
		t.Fatalf("value still there after Take: %v", v)
	}
}
