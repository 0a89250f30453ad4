package approle

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/storage"
)

func TestLogin(t *testing.T) {
	h := newHarness(t)
	roleID, sid := h.roleWithSecret("Web", map[string]any{
		"token_policies": "web,db", "token_ttl": "20m", "token_max_ttl": "30m", "token_num_uses": 7, "token_type": "service",
	}, map[string]any{"metadata": `{"tag1":"production","role_name":"spoofed"}`, "token_bound_cidrs": "10.0.0.0/8"})
	resp, err := h.login(roleID, sid)
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	a := resp.Auth
	if a == nil {
		t.Fatal("no auth")
	}
	acc := h.must(logical.ListOperation, "role/web/secret-id", nil).Data["keys"].([]string)[0]
	want := &logical.Auth{
		DisplayName:   "web",
		Policies:      []string{"db", "web"},
		TokenPolicies: []string{"db", "web"},
		Metadata:      map[string]string{"role_name": "web", "tag1": "production"},
		TTL:           20 * time.Minute,
		MaxTTL:        30 * time.Minute,
		NumUses:       7,
		Renewable:     true,
		TokenType:     "service",
		BoundCIDRs:    []string{"10.0.0.0/8"},
		InternalData:  map[string]any{"role_name": "web", "secret_id_accessor": acc},
	}
	if !reflect.DeepEqual(a, want) {
		t.Fatalf("auth:\n got %+v\nwant %+v", a, want)
	}
	if resp.Data != nil {
		t.Fatalf("login returned data %v", resp.Data)
	}
}

func TestLoginFailures(t *testing.T) {
	h := newHarness(t)
	roleID, sid := h.roleWithSecret("r", nil, nil)
	_, other := h.roleWithSecret("other", nil, nil)
	const bad = "invalid role or secret ID"
	h.fails(logical.UpdateOperation, "login", map[string]any{"role_id": "wrong", "secret_id": sid}, bad)
	h.fails(logical.UpdateOperation, "login", map[string]any{"role_id": roleID, "secret_id": "wrong"}, bad)
	h.fails(logical.UpdateOperation, "login", map[string]any{"role_id": roleID, "secret_id": other}, bad)
	h.fails(logical.UpdateOperation, "login", map[string]any{"secret_id": sid}, "missing role_id")
	h.fails(logical.UpdateOperation, "login", map[string]any{"role_id": roleID}, "missing secret_id")
	if _, err := h.login(roleID, sid); err != nil {
		t.Fatalf("failed attempts broke the good secret id: %v", err)
	}
}

func TestLoginCIDRs(t *testing.T) {
	h := newHarness(t)
	roleID, sid := h.roleWithSecret("r", map[string]any{"secret_id_bound_cidrs": "10.0.0.0/8"}, map[string]any{"cidr_list": "10.1.0.0/16"})
	h.remote = "192.168.1.1"
	h.fails(logical.UpdateOperation, "login", map[string]any{"role_id": roleID, "secret_id": sid},
		`source address "192.168.1.1" unauthorized through CIDR restrictions on the role`)
	h.remote = "10.2.0.1"
	h.fails(logical.UpdateOperation, "login", map[string]any{"role_id": roleID, "secret_id": sid},
		`source address "10.2.0.1" unauthorized through CIDR restrictions on the secret ID`)
	h.remote = "10.1.2.3"
	if _, err := h.login(roleID, sid); err != nil {
		t.Fatalf("login from allowed address: %v", err)
	}

	// A role without secret IDs logs in on role ID and address alone.
	h.must(logical.CreateOperation, "role/open", map[string]any{"bind_secret_id": false, "secret_id_bound_cidrs": "10.1.0.0/16"})
	openID := h.must(logical.ReadOperation, "role/open/role-id", nil).Data["role_id"].(string)
	resp, err := h.do(logical.UpdateOperation, "login", map[string]any{"role_id": openID})
	if err != nil {
		t.Fatalf("login without secret id: %v", err)
	}
	if _, ok := resp.Auth.InternalData["secret_id_accessor"]; ok {
		t.Fatal("accessor recorded without a secret id")
	}
	h.remote = "10.9.9.9"
	h.fails(logical.UpdateOperation, "login", map[string]any{"role_id": openID},
		`source address "10.9.9.9" unauthorized through CIDR restrictions on the role`)
}

func TestSecretIDNumUses(t *testing.T) {
	h := newHarness(t)
	roleID, sid := h.roleWithSecret("r", nil, map[string]any{"num_uses": 3})
	for i := 0; i < 2; i++ {
		if _, err := h.login(roleID, sid); err != nil {
			t.Fatalf("use %d: %v", i+1, err)
		}
	}
	got := h.must(logical.UpdateOperation, "role/r/secret-id/lookup", map[string]any{"secret_id": sid}).Data
	if got["secret_id_num_uses"] != 1 {
		t.Fatalf("uses left %v, want 1", got["secret_id_num_uses"])
	}
	if _, err := h.login(roleID, sid); err != nil {
		t.Fatalf("last use: %v", err)
	}
	h.fails(logical.UpdateOperation, "login", map[string]any{"role_id": roleID, "secret_id": sid}, "invalid role or secret ID")
	if n := h.keysUnder("secret_id/") + h.keysUnder("accessor/"); n != 0 {
		t.Fatalf("spent secret id left %d keys", n)
	}
}

// TestConcurrentLimitedSecretID checks that N uses admit exactly N logins
// however many race for them.
func TestConcurrentLimitedSecretID(t *testing.T) {
	for _, uses := range []int{1, 5} {
		h := newHarness(t)
		roleID, sid := h.roleWithSecret("r", nil, map[string]any{"num_uses": uses})
		const workers = 20
		// Hold every login's first read of the secret ID until all have
		// made it, so they really race.
		h.view = newGate(h.view, "secret_id/", workers)
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make(chan error, workers)
		for range workers {
			wg.Go(func() {
				<-start
				_, err := h.login(roleID, sid)
				errs <- err
			})
		}
		close(start)
		wg.Wait()
		close(errs)
		ok := 0
		for err := range errs {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, logical.ErrInvalidRequest):
				t.Fatalf("unexpected error: %v", err)
			}
		}
		if ok != uses {
			t.Fatalf("num_uses=%d: %d logins succeeded", uses, ok)
		}
	}
}

func TestRenew(t *testing.T) {
	h := newHarness(t)
	roleID, sid := h.roleWithSecret("r", map[string]any{"token_ttl": "10m", "token_max_ttl": "1h"}, map[string]any{"num_uses": 1})
	resp, err := h.login(roleID, sid)
	if err != nil {
		t.Fatal(err)
	}
	renew := func() (*logical.Response, error) {
		return h.b.HandleRequest(t.Context(), &logical.Request{Operation: logical.RenewOperation, Storage: h.view, Auth: resp.Auth})
	}
	// The secret ID is spent; renewal depends on the role only.
	h.must(logical.UpdateOperation, "role/r", map[string]any{"token_ttl": "15m", "token_period": "5m"})
	r, err := renew()
	if err != nil {
		t.Fatalf("renew: %v", err)
	}
	if r.Auth.TTL != 15*time.Minute || r.Auth.MaxTTL != time.Hour || r.Auth.Period != 5*time.Minute {
		t.Fatalf("renewed auth %+v", r.Auth)
	}
	if resp.Auth.TTL != 10*time.Minute {
		t.Fatal("renew modified the request's Auth")
	}
	h.must(logical.DeleteOperation, "role/r", nil)
	if _, err := renew(); err == nil || logical.CodedMessage(err) != `role "r" does not exist during renewal` {
		t.Fatalf("renew after delete: %v", err)
	}
	resp.Auth.InternalData = nil
	if _, err := renew(); err == nil {
		t.Fatal("renew without role_name succeeded")
	}
}

// gate is a storage wrapper that holds the first n reads of keys containing
// match until all n have arrived (or a deadline passes, so code that
// serialises those reads fails the test instead of hanging it).
type gate struct {
	storage.Backend
	match   string
	mu      sync.Mutex
	arrived int
	n       int
	open    chan struct{}
}

func newGate(s storage.Backend, match string, n int) *gate {
	return &gate{Backend: s, match: match, n: n, open: make(chan struct{})}
}

func (g *gate) Get(ctx context.Context, key string) (*storage.Entry, error) {
	if strings.Contains(key, g.match) {
		g.mu.Lock()
		wait := g.arrived < g.n
		if wait {
			g.arrived++
			if g.arrived == g.n {
				close(g.open)
			}
		}
		g.mu.Unlock()
		if wait {
			select {
			case <-g.open:
			case <-time.After(5 * time.Second):
			}
		}
	}
	return g.Backend.Get(ctx, key)
}
