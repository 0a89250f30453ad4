package kv

import (
	"context"
	"encoding/json"
	"errors"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/storage"
	"github.com/cofre-io/cofre/server/storage/inmem"
)

// fakeClock is a settable clock.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// fixture is a backend on an in-memory view with a fake clock.
type fixture struct {
	t     testing.TB
	b     *Backend
	phys  *inmem.Backend
	view  storage.Backend
	clock *fakeClock
}

func newFixture(t testing.TB, version string) *fixture {
	return newFixtureOn(t, inmem.New(), version, Options{})
}

func newPhys() *inmem.Backend { return inmem.New() }

func newFixtureOn(t testing.TB, phys *inmem.Backend, version string, opts Options) *fixture {
	t.Helper()
	f := &fixture{t: t, phys: phys, clock: newFakeClock()}
	f.view = storage.NewView(phys, "logical/abc/")
	b, err := New(context.Background(), &logical.BackendConfig{
		StorageView: f.view,
		System:      logical.StaticSystemView{Clock: f.clock.Now},
		Config:      map[string]string{"version": version},
	}, opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { b.Cleanup(context.Background()) })
	f.b = b
	return f
}

// do runs a request as the core does: an update is first classified as
// create or update by the existence check.
func (f *fixture) do(op logical.Operation, path string, data map[string]any) (*logical.Response, error) {
	req := &logical.Request{ID: "req-1", Operation: op, Path: path, Data: data, Storage: f.view, MountType: "kv"}
	if op == logical.UpdateOperation {
		checked, exists, err := f.b.ExistenceCheck(context.Background(), req)
		if err != nil {
			return nil, err
		}
		if checked && !exists {
			req.Operation = logical.CreateOperation
		}
	}
	return f.b.HandleRequest(context.Background(), req)
}

// must runs a request that must succeed.
func (f *fixture) must(op logical.Operation, path string, data map[string]any) *logical.Response {
	f.t.Helper()
	resp, err := f.do(op, path, data)
	if err != nil {
		f.t.Fatalf("%s %s: %v", op, path, err)
	}
	return resp
}

// mustFail runs a request that must fail with an error of kind.
func (f *fixture) mustFail(kind error, op logical.Operation, path string, data map[string]any) error {
	f.t.Helper()
	_, err := f.do(op, path, data)
	if !errors.Is(err, kind) {
		f.t.Fatalf("%s %s: err = %v, want %v", op, path, err, kind)
	}
	return err
}

// put writes a version 2 secret and returns the new version number.
func (f *fixture) put(path string, data map[string]any, opts map[string]any) uint64 {
	f.t.Helper()
	body := map[string]any{"data": data}
	if opts != nil {
		body["options"] = opts
	}
	resp := f.must(logical.UpdateOperation, "data/"+path, body)
	return resp.Data["version"].(uint64)
}

// snapshot returns every key and value under the view.
func (f *fixture) snapshot() map[string]string {
	f.t.Helper()
	out := map[string]string{}
	var walk func(prefix string)
	walk = func(prefix string) {
		keys, err := f.view.List(context.Background(), prefix)
		if err != nil {
			f.t.Fatal(err)
		}
		for _, k := range keys {
			if k[len(k)-1] == '/' {
				walk(prefix + k)
				continue
			}
			e, err := f.view.Get(context.Background(), prefix+k)
			if err != nil {
				f.t.Fatal(err)
			}
			out[prefix+k] = string(e.Value)
		}
	}
	walk("")
	return out
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// raw404 decodes a 404-with-body response.
func raw404(t testing.TB, resp *logical.Response) map[string]any {
	t.Helper()
	if resp == nil || resp.Raw == nil || resp.Raw.StatusCode != 404 {
		t.Fatalf("want a raw 404 response, got %+v", resp)
	}
	var env struct {
		Data map[string]any `json:"data"`
	}
	if err := json.Unmarshal(resp.Raw.Body, &env); err != nil {
		t.Fatalf("404 body: %v", err)
	}
	return env.Data
}

func jsonEqual(t testing.TB, got, want any) bool {
	t.Helper()
	g, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	w, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	var gv, wv any
	_ = json.Unmarshal(g, &gv)
	_ = json.Unmarshal(w, &wv)
	gb, _ := json.Marshal(gv)
	wb, _ := json.Marshal(wv)
	return string(gb) == string(wb)
}
