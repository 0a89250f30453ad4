package userpass

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/storage"
	"github.com/cofre-io/cofre/server/storage/inmem"
)

type harness struct {
	t      testing.TB
	b      *backend
	view   storage.Backend
	remote string
}

func newHarness(t testing.TB) *harness {
	t.Helper()
	view := storage.NewView(inmem.New(), "auth/userpass-uuid/")
	b, err := New(context.Background(), &logical.BackendConfig{StorageView: view, System: logical.StaticSystemView{}},
		Options{BcryptCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	return &harness{t: t, b: b.(*backend), view: view, remote: "127.0.0.1"}
}

func (h *harness) do(op logical.Operation, path string, data map[string]any) (*logical.Response, error) {
	return h.b.HandleRequest(context.Background(), &logical.Request{
		Operation: op, Path: path, Data: data, Storage: h.view, Connection: &logical.Connection{RemoteAddr: h.remote},
	})
}

func (h *harness) must(op logical.Operation, path string, data map[string]any) *logical.Response {
	h.t.Helper()
	resp, err := h.do(op, path, data)
	if err != nil {
		h.t.Fatalf("%s %s: %v", op, path, err)
	}
	return resp
}

func (h *harness) fails(op logical.Operation, path string, data map[string]any, kind error, msg string) {
	h.t.Helper()
	_, err := h.do(op, path, data)
	if err == nil || !errors.Is(err, kind) || logical.CodedMessage(err) != msg {
		h.t.Fatalf("%s %s: error %v, want %q (%v)", op, path, err, msg, kind)
	}
}

func (h *harness) login(name, password string) (*logical.Response, error) {
	return h.do(logical.UpdateOperation, "login/"+name, map[string]any{"password": password})
}

func TestUserCRUD(t *testing.T) {
	h := newHarness(t)
	h.must(logical.CreateOperation, "users/Alice", map[string]any{
		"password": "s3cret", "token_policies": "admin,default", "token_bound_cidrs": []any{"127.0.0.1", "128.252.0.0/16"}, "ttl": "1h",
	})
	got := h.must(logical.ReadOperation, "users/alice", nil).Data
	want := map[string]any{
		"token_bound_cidrs": []string{"127.0.0.1", "128.252.0.0/16"}, "bound_cidrs": []string{"127.0.0.1", "128.252.0.0/16"},
		"token_explicit_max_ttl": int64(0), "token_max_ttl": int64(0), "max_ttl": int64(0), "token_no_default_policy": false,
		"token_num_uses": 0, "token_period": int64(0), "token_policies": []string{"admin", "default"},
		"policies": []string{"admin", "default"}, "token_ttl": int64(3600), "ttl": int64(3600), "token_type": "default",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("read:\n got %#v\nwant %#v", got, want)
	}
	// Update without a password keeps it.
	h.must(logical.UpdateOperation, "users/alice", map[string]any{"token_ttl": "2h", "token_max_ttl": "3h"})
	if _, err := h.login("alice", "s3cret"); err != nil {
		t.Fatalf("login after update: %v", err)
	}
	h.must(logical.CreateOperation, "users/bob", map[string]any{"password": "x"})
	if keys := h.must(logical.ListOperation, "users/", nil).Data["keys"]; !reflect.DeepEqual(keys, []string{"alice", "bob"}) {
		t.Fatalf("list: %v", keys)
	}
	h.must(logical.DeleteOperation, "users/ALICE", nil)
	if resp := h.must(logical.ReadOperation, "users/alice", nil); resp != nil {
		t.Fatal("user still there after delete")
	}
	h.fails(logical.UpdateOperation, "login/alice", map[string]any{"password": "s3cret"}, logical.ErrInvalidRequest, "invalid username or password")
}

func TestUserValidation(t *testing.T) {
	h := newHarness(t)
	h.fails(logical.CreateOperation, "users/u", nil, logical.ErrInvalidRequest, "missing password")
	h.fails(logical.CreateOperation, "users/u", map[string]any{"password": "a", "password_hash": "b"}, logical.ErrInvalidRequest,
		"only one of password or password_hash can be provided")
	h.fails(logical.CreateOperation, "users/u", map[string]any{"password_hash": "not-bcrypt"}, logical.ErrInvalidRequest,
		"password_hash is not a valid bcrypt hash")
	h.fails(logical.CreateOperation, "users/u", map[string]any{"password": "a", "token_type": "x"}, logical.ErrInvalidRequest,
		`invalid 'token_type' value "x"`)
	h.fails(logical.UpdateOperation, "users/nobody/password", map[string]any{"password": "a"}, logical.ErrInvalidRequest, "username does not exist")
	h.fails(logical.UpdateOperation, "users/nobody/policies", map[string]any{"token_policies": "a"}, logical.ErrInvalidRequest, "username does not exist")
	if resp := h.must(logical.ReadOperation, "users/u", nil); resp != nil {
		t.Fatal("rejected create stored a user")
	}
}

func TestPasswordAndPolicies(t *testing.T) {
	h := newHarness(t)
	h.must(logical.CreateOperation, "users/u", map[string]any{"password": "one", "token_policies": "p1", "token_ttl": 60})
	h.must(logical.UpdateOperation, "users/u/password", map[string]any{"password": "two"})
	if _, err := h.login("u", "one"); err == nil {
		t.Fatal("old password still works")
	}
	if _, err := h.login("u", "two"); err != nil {
		t.Fatalf("new password: %v", err)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte("three"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	h.must(logical.UpdateOperation, "users/u/password", map[string]any{"password_hash": string(hash)})
	if _, err := h.login("u", "three"); err != nil {
		t.Fatalf("pre-hashed password: %v", err)
	}
	h.fails(logical.UpdateOperation, "users/u/password", nil, logical.ErrInvalidRequest, "missing password")

	h.must(logical.UpdateOperation, "users/u/policies", map[string]any{"token_policies": []any{"x", "y"}})
	got := h.must(logical.ReadOperation, "users/u", nil).Data
	if !reflect.DeepEqual(got["token_policies"], []string{"x", "y"}) || got["token_ttl"] != int64(60) {
		t.Fatalf("after policies: %#v", got)
	}
	h.fails(logical.UpdateOperation, "users/u/policies", nil, logical.ErrInvalidRequest, "missing token_policies")
}

func TestLogin(t *testing.T) {
	h := newHarness(t)
	h.must(logical.CreateOperation, "users/mitchellh", map[string]any{
		"password": "pw", "token_policies": "policy1,policy2", "token_ttl": "10m", "token_max_ttl": "1h", "token_bound_cidrs": "127.0.0.0/8",
	})
	resp, err := h.login("MitchellH", "pw")
	if err != nil {
		t.Fatal(err)
	}
	want := &logical.Auth{
		DisplayName: "mitchellh", Policies: []string{"policy1", "policy2"}, TokenPolicies: []string{"policy1", "policy2"},
		Metadata: map[string]string{"username": "mitchellh"}, TTL: 10 * time.Minute, MaxTTL: time.Hour, Renewable: true,
		BoundCIDRs: []string{"127.0.0.0/8"}, InternalData: map[string]any{"username": "mitchellh"},
	}
	if !reflect.DeepEqual(resp.Auth, want) {
		t.Fatalf("auth:\n got %+v\nwant %+v", resp.Auth, want)
	}
	h.fails(logical.UpdateOperation, "login/mitchellh", map[string]any{"password": "wrong"}, logical.ErrInvalidRequest, "invalid username or password")
	h.fails(logical.UpdateOperation, "login/mitchellh", nil, logical.ErrInvalidRequest, "missing password")
	h.remote = "10.0.0.1"
	h.fails(logical.UpdateOperation, "login/mitchellh", map[string]any{"password": "pw"}, logical.ErrPermissionDenied,
		"login request originated from invalid CIDR")
}

// TestUnknownUserStillHashes checks that a login for a missing user runs a
// bcrypt comparison (against the dummy hash) rather than returning early.
func TestUnknownUserStillHashes(t *testing.T) {
	h := newHarness(t)
	if h.b.dummy != nil {
		t.Fatal("dummy hash made before any login")
	}
	h.fails(logical.UpdateOperation, "login/ghost", map[string]any{"password": "pw"}, logical.ErrInvalidRequest, "invalid username or password")
	cost, err := bcrypt.Cost(h.b.dummy)
	if err != nil || cost != bcrypt.MinCost {
		t.Fatalf("dummy hash cost %d, %v", cost, err)
	}
}

func TestRenew(t *testing.T) {
	h := newHarness(t)
	h.must(logical.CreateOperation, "users/u", map[string]any{"password": "pw", "token_policies": "a", "token_ttl": "5m"})
	resp, err := h.login("u", "pw")
	if err != nil {
		t.Fatal(err)
	}
	renew := func() (*logical.Response, error) {
		return h.b.HandleRequest(t.Context(), &logical.Request{Operation: logical.RenewOperation, Storage: h.view, Auth: resp.Auth})
	}
	h.must(logical.UpdateOperation, "users/u", map[string]any{"token_ttl": "7m", "token_max_ttl": "1h"})
	r, err := renew()
	if err != nil {
		t.Fatal(err)
	}
	if r.Auth.TTL != 7*time.Minute || r.Auth.MaxTTL != time.Hour {
		t.Fatalf("renewed %+v", r.Auth)
	}
	// The token store may add "default"; that is not a policy change.
	resp.Auth.TokenPolicies = []string{"a", "default"}
	if _, err := renew(); err != nil {
		t.Fatalf("renew with default added: %v", err)
	}
	h.must(logical.UpdateOperation, "users/u/policies", map[string]any{"token_policies": "a,b"})
	if _, err := renew(); err == nil || logical.CodedMessage(err) != "policies have changed, not renewing" {
		t.Fatalf("renew after policy change: %v", err)
	}
	h.must(logical.DeleteOperation, "users/u", nil)
	if _, err := renew(); err == nil || logical.CodedMessage(err) != `user "u" does not exist during renewal` {
		t.Fatalf("renew after delete: %v", err)
	}
}
