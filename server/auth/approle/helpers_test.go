package approle

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/storage"
	"github.com/cofre-io/cofre/server/storage/inmem"
)

// harness is a backend over an in-memory view with a fake clock.
type harness struct {
	t      testing.TB
	b      logical.Backend
	phys   *inmem.Backend
	view   storage.Backend
	clock  atomic.Int64 // unix nanoseconds
	remote string
}

func newHarness(t testing.TB) *harness {
	t.Helper()
	h := &harness{t: t, phys: inmem.New(), remote: "127.0.0.1"}
	h.view = storage.NewView(h.phys, "auth/approle-uuid/")
	h.clock.Store(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC).UnixNano())
	b, err := New(context.Background(), &logical.BackendConfig{
		StorageView: h.view,
		System:      logical.StaticSystemView{DefaultTTL: time.Hour, MaxTTL: 24 * time.Hour, Clock: h.now},
	}, Options{})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	h.b = b
	return h
}

func (h *harness) now() time.Time { return time.Unix(0, h.clock.Load()).UTC() }

func (h *harness) advance(d time.Duration) { h.clock.Add(int64(d)) }

// do sends one request as the core would after routing.
func (h *harness) do(op logical.Operation, path string, data map[string]any) (*logical.Response, error) {
	return h.b.HandleRequest(context.Background(), &logical.Request{
		Operation:  op,
		Path:       path,
		Data:       data,
		Storage:    h.view,
		Connection: &logical.Connection{RemoteAddr: h.remote},
	})
}

// must sends a request that has to succeed.
func (h *harness) must(op logical.Operation, path string, data map[string]any) *logical.Response {
	h.t.Helper()
	resp, err := h.do(op, path, data)
	if err != nil {
		h.t.Fatalf("%s %s: %v", op, path, err)
	}
	return resp
}

// fails sends a request that has to fail with a 400 carrying msg.
func (h *harness) fails(op logical.Operation, path string, data map[string]any, msg string) {
	h.t.Helper()
	_, err := h.do(op, path, data)
	if err == nil {
		h.t.Fatalf("%s %s: succeeded, want %q", op, path, msg)
	}
	if !errors.Is(err, logical.ErrInvalidRequest) {
		h.t.Fatalf("%s %s: error %v is not a 400", op, path, err)
	}
	if got := logical.CodedMessage(err); got != msg {
		h.t.Fatalf("%s %s: message %q, want %q", op, path, got, msg)
	}
}

// roleWithSecret creates a role and returns its role ID and a new secret ID.
func (h *harness) roleWithSecret(name string, role, secret map[string]any) (roleID, secretID string) {
	h.t.Helper()
	h.must(logical.UpdateOperation, "role/"+name, role)
	roleID = h.must(logical.ReadOperation, "role/"+name+"/role-id", nil).Data["role_id"].(string)
	secretID = h.must(logical.UpdateOperation, "role/"+name+"/secret-id", secret).Data["secret_id"].(string)
	return roleID, secretID
}

func (h *harness) login(roleID, secretID string) (*logical.Response, error) {
	return h.do(logical.UpdateOperation, "login", map[string]any{"role_id": roleID, "secret_id": secretID})
}

// allKeys lists every key in the physical store.
func (h *harness) allKeys() []string {
	h.t.Helper()
	var out []string
	var walk func(prefix string)
	walk = func(prefix string) {
		keys, err := h.phys.List(context.Background(), prefix)
		if err != nil {
			h.t.Fatal(err)
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

// keysUnder counts the stored keys under a view-relative prefix.
func (h *harness) keysUnder(prefix string) int {
	n := 0
	for _, k := range h.allKeys() {
		if strings.HasPrefix(k, "auth/approle-uuid/"+prefix) {
			n++
		}
	}
	return n
}
