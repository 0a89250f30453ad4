package core_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cofre-io/cofre/server/core"
	"github.com/cofre-io/cofre/server/engines/cubbyhole"
	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
	"github.com/cofre-io/cofre/server/mount"
	"github.com/cofre-io/cofre/server/storage/inmem"
	"github.com/cofre-io/cofre/server/unseal"
)

// clock is a settable clock for the core.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// loginBackend is an auth method whose unauthenticated "login" issues a
// token with the "default" policy.
func loginBackend(ctx context.Context, conf *logical.BackendConfig) (logical.Backend, error) {
	b := &framework.Backend{
		BackendType:  logical.TypeCredential,
		PathsSpecial: &logical.Paths{Unauthenticated: []string{"login"}},
		Paths: []*framework.Path{{
			Pattern: "login",
			Operations: map[logical.Operation]framework.OperationFunc{
				logical.UpdateOperation: func(context.Context, *logical.Request, *framework.FieldData) (*logical.Response, error) {
					return &logical.Response{Auth: &logical.Auth{Policies: []string{"default"}, DisplayName: "tester", TTL: time.Hour}}, nil
				},
			},
		}},
	}
	return b, b.Init()
}

type wrapFixture struct {
	t     *testing.T
	c     *core.Core
	root  string
	clock *clock
}

func newWrapFixture(t *testing.T) *wrapFixture {
	t.Helper()
	ctx := context.Background()
	clk := &clock{now: time.Now().UTC()}
	c, err := core.New(core.Config{
		Physical:      inmem.New(),
		StorageType:   "inmem",
		Factories:     map[string]logical.Factory{"cubbyhole": cubbyhole.Factory},
		AuthFactories: map[string]logical.Factory{"login": loginBackend},
		Defaults:      mount.Defaults{DefaultLeaseTTL: 24 * time.Hour, MaxLeaseTTL: 48 * time.Hour},
		Now:           clk.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Init(ctx, unseal.InitRequest{SecretShares: 1, SecretThreshold: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Unseal(ctx, res.Keys[0]); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Seal(context.Background()) })
	if err := c.Mounts().Enable(ctx, &mount.Entry{Table: mount.TableAuth, Path: "login/", Type: "login"}); err != nil {
		t.Fatal(err)
	}
	return &wrapFixture{t: t, c: c, root: res.RootToken, clock: clk}
}

func (f *wrapFixture) req(tok string, op logical.Operation, path string, data map[string]any, wrapTTL time.Duration) (*logical.Response, error) {
	return f.c.HandleRequest(context.Background(), &logical.Request{
		ID: "req", Operation: op, Path: path, Data: data, ClientToken: tok, WrapTTL: wrapTTL,
		Connection: &logical.Connection{RemoteAddr: "127.0.0.1"},
	})
}

func (f *wrapFixture) must(tok string, op logical.Operation, path string, data map[string]any, wrapTTL time.Duration) *logical.Response {
	f.t.Helper()
	resp, err := f.req(tok, op, path, data, wrapTTL)
	if err != nil {
		f.t.Fatalf("%s %s: %v", op, path, err)
	}
	return resp
}

// wrapData wraps data through sys/wrapping/wrap as root.
func (f *wrapFixture) wrapData(data map[string]any, ttl time.Duration) *logical.WrapInfo {
	f.t.Helper()
	resp := f.must(f.root, logical.UpdateOperation, "sys/wrapping/wrap", data, ttl)
	if resp == nil || resp.WrapInfo == nil {
		f.t.Fatalf("sys/wrapping/wrap answered %+v, want wrap info", resp)
	}
	return resp.WrapInfo
}

func isInvalidWrappingToken(err error) bool {
	return errors.Is(err, logical.ErrInvalidRequest) && strings.Contains(err.Error(), "wrapping token is not valid or does not exist")
}

func TestWrapReadRoundTrip(t *testing.T) {
	f := newWrapFixture(t)
	secret := map[string]any{"password": "hunter2", "n": 7}
	f.must(f.root, logical.UpdateOperation, "cubbyhole/app", secret, 0)
	before := f.clock.Now()
	resp := f.must(f.root, logical.ReadOperation, "cubbyhole/app", nil, 5*time.Minute)
	wi := resp.WrapInfo
	if wi == nil || resp.Data != nil || resp.Auth != nil || resp.Secret != nil {
		t.Fatalf("wrapped read = %+v, want only wrap info", resp)
	}
	if !strings.HasPrefix(wi.Token, "hvs.") || wi.Accessor == "" || wi.TTL != 5*time.Minute ||
		wi.CreationPath != "cubbyhole/app" || wi.CreationTime.Before(before) || wi.WrappedAccessor != "" {
		t.Fatalf("wrap info = %+v", wi)
	}
	// Unwrap by a third party naming the token in the body.
	out := f.must(f.root, logical.UpdateOperation, "sys/wrapping/unwrap", map[string]any{"token": wi.Token}, 0)
	if got := out.Data; got["password"] != "hunter2" || got["n"] == nil || len(got) != 2 {
		t.Fatalf("unwrapped data = %#v", got)
	}
	// Single use: a second unwrap and a lookup both fail.
	if _, err := f.req(f.root, logical.UpdateOperation, "sys/wrapping/unwrap", map[string]any{"token": wi.Token}, 0); !isInvalidWrappingToken(err) {
		t.Fatalf("second unwrap: %v", err)
	}
	if _, err := f.req("", logical.UpdateOperation, "sys/wrapping/lookup", map[string]any{"token": wi.Token}, 0); !isInvalidWrappingToken(err) {
		t.Fatalf("lookup after unwrap: %v", err)
	}
	// The wrapping token itself is gone.
	if _, err := f.c.Tokens().Lookup(context.Background(), wi.Token); err == nil {
		t.Fatal("wrapping token still resolves after unwrap")
	}
}

func TestWrapNothingToWrap(t *testing.T) {
	f := newWrapFixture(t)
	// A missing value is a 404, not a wrapped nothing.
	if resp := f.must(f.root, logical.ReadOperation, "cubbyhole/missing", nil, time.Minute); resp != nil {
		t.Fatalf("wrapped read of a missing path = %+v", resp)
	}
	// An empty list is a 404 as well.
	if resp := f.must(f.root, logical.ListOperation, "cubbyhole/", nil, time.Minute); resp != nil {
		t.Fatalf("wrapped empty list = %+v", resp)
	}
	// Errors are returned, not wrapped.
	if _, err := f.req(f.root, logical.UpdateOperation, "cubbyhole/x", nil, time.Minute); !errors.Is(err, logical.ErrInvalidRequest) {
		t.Fatalf("wrapped bad write: %v", err)
	}
	// A write with no response body has nothing to wrap.
	if resp := f.must(f.root, logical.UpdateOperation, "cubbyhole/x", map[string]any{"a": "b"}, time.Minute); resp != nil {
		t.Fatalf("wrapped empty write = %+v", resp)
	}
	// A non-empty list is wrapped.
	resp := f.must(f.root, logical.ListOperation, "cubbyhole/", nil, time.Minute)
	out := f.must(f.root, logical.UpdateOperation, "sys/wrapping/unwrap", map[string]any{"token": resp.WrapInfo.Token}, 0)
	if keys, _ := out.Data["keys"].([]any); len(keys) != 1 || keys[0] != "x" {
		t.Fatalf("unwrapped list = %#v", out.Data)
	}
}

func TestSysWrapNeedsTTL(t *testing.T) {
	f := newWrapFixture(t)
	_, err := f.req(f.root, logical.UpdateOperation, "sys/wrapping/wrap", map[string]any{"a": "b"}, 0)
	if !errors.Is(err, logical.ErrInvalidRequest) {
		t.Fatalf("wrap without TTL: %v", err)
	}
}

func TestWrapLookupRewrap(t *testing.T) {
	f := newWrapFixture(t)
	ctx := context.Background()
	wi := f.wrapData(map[string]any{"k": "v"}, 10*time.Minute)
	// Lookup is unauthenticated and does not consume the token.
	for i := 0; i < 2; i++ {
		lr := f.must("", logical.UpdateOperation, "sys/wrapping/lookup", map[string]any{"token": wi.Token}, 0)
		if lr.Data["creation_ttl"] != int64(600) || lr.Data["creation_path"] != "sys/wrapping/wrap" ||
			lr.Data["creation_time"] != wi.CreationTime.UTC().Format(time.RFC3339Nano) {
			t.Fatalf("lookup = %#v", lr.Data)
		}
	}
	f.clock.Advance(time.Minute)
	rr := f.must(f.root, logical.UpdateOperation, "sys/wrapping/rewrap", map[string]any{"token": wi.Token}, 0)
	nw := rr.WrapInfo
	if nw == nil || nw.Token == wi.Token || nw.TTL != 10*time.Minute || nw.CreationPath != "sys/wrapping/wrap" || !nw.CreationTime.After(wi.CreationTime) {
		t.Fatalf("rewrap = %+v (old %+v)", nw, wi)
	}
	if _, err := f.req(f.root, logical.UpdateOperation, "sys/wrapping/unwrap", map[string]any{"token": wi.Token}, 0); !isInvalidWrappingToken(err) {
		t.Fatalf("unwrap of the old token after rewrap: %v", err)
	}
	if _, err := f.c.Tokens().Lookup(ctx, wi.Token); err == nil {
		t.Fatal("old wrapping token still resolves after rewrap")
	}
	out := f.must(f.root, logical.UpdateOperation, "sys/wrapping/unwrap", map[string]any{"token": nw.Token}, 0)
	if !reflect.DeepEqual(out.Data, map[string]any{"k": "v"}) {
		t.Fatalf("unwrapped after rewrap = %#v", out.Data)
	}
}

func TestWrapExpires(t *testing.T) {
	f := newWrapFixture(t)
	wi := f.wrapData(map[string]any{"k": "v"}, 30*time.Second)
	f.clock.Advance(29 * time.Second)
	f.must("", logical.UpdateOperation, "sys/wrapping/lookup", map[string]any{"token": wi.Token}, 0)
	f.clock.Advance(time.Second)
	if _, err := f.req(f.root, logical.UpdateOperation, "sys/wrapping/unwrap", map[string]any{"token": wi.Token}, 0); !isInvalidWrappingToken(err) {
		t.Fatalf("unwrap after the TTL: %v", err)
	}
}

func TestWrappedLogin(t *testing.T) {
	f := newWrapFixture(t)
	resp := f.must("", logical.UpdateOperation, "auth/login/login", nil, time.Minute)
	wi := resp.WrapInfo
	if wi == nil || resp.Auth != nil {
		t.Fatalf("wrapped login = %+v", resp)
	}
	if wi.CreationPath != "auth/login/login" || wi.WrappedAccessor == "" {
		t.Fatalf("wrap info = %+v", wi)
	}
	out := f.must(f.root, logical.UpdateOperation, "sys/wrapping/unwrap", map[string]any{"token": wi.Token}, 0)
	a := out.Auth
	if a == nil || a.ClientToken == "" || a.Accessor != wi.WrappedAccessor || a.TTL != time.Hour || !reflect.DeepEqual(a.Policies, []string{"default"}) {
		t.Fatalf("unwrapped auth = %+v", a)
	}
	// The token was issued before wrapping and works once unwrapped.
	self := f.must(a.ClientToken, logical.ReadOperation, "auth/token/lookup-self", nil, 0)
	if self.Data["accessor"] != wi.WrappedAccessor {
		t.Fatalf("lookup-self = %#v", self.Data)
	}
}

func TestUnwrapConcurrentlyOnce(t *testing.T) {
	f := newWrapFixture(t)
	wi := f.wrapData(map[string]any{"k": "v"}, time.Minute)
	const n = 8
	var wg sync.WaitGroup
	results := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			path := "sys/wrapping/unwrap"
			if i%2 == 1 {
				path = "sys/wrapping/rewrap"
			}
			_, err := f.req(f.root, logical.UpdateOperation, path, map[string]any{"token": wi.Token}, 0)
			results <- err
		}(i)
	}
	wg.Wait()
	close(results)
	ok := 0
	for err := range results {
		switch {
		case err == nil:
			ok++
		case !isInvalidWrappingToken(err):
			t.Fatalf("unexpected error: %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d of %d concurrent unwraps/rewraps succeeded, want 1", ok, n)
	}
}

// TestWrappingTokenIsConfined needs authorize (core/acl.go) to consult
// wrappingTokenAuthorized before building the token's ACL.
func TestWrappingTokenIsConfined(t *testing.T) {
	f := newWrapFixture(t)
	wi := f.wrapData(map[string]any{"k": "v"}, time.Minute)
	for _, tc := range []struct {
		op   logical.Operation
		path string
	}{
		{logical.ReadOperation, "cubbyhole/response"},
		{logical.ListOperation, "cubbyhole/"},
		{logical.ReadOperation, "auth/token/lookup-self"},
		{logical.UpdateOperation, "sys/wrapping/wrap"},
		{logical.ReadOperation, "sys/policies/acl/default"},
		{logical.UpdateOperation, "sys/capabilities-self"},
	} {
		_, err := f.req(wi.Token, tc.op, tc.path, map[string]any{"paths": "x"}, 0)
		if !errors.Is(err, logical.ErrPermissionDenied) {
			t.Fatalf("wrapping token %s %s: %v, want permission denied", tc.op, tc.path, err)
		}
	}
	// No policy can be stored under the wrapping tokens' policy name.
	if _, err := f.req(f.root, logical.UpdateOperation, "sys/policies/acl/"+core.ResponseWrappingPolicy, map[string]any{"policy": `path "*" { capabilities = ["read", "list", "update"] }`}, 0); !errors.Is(err, logical.ErrInvalidRequest) {
		t.Fatalf("storing a %q policy: %v, want invalid request", core.ResponseWrappingPolicy, err)
	}
	// It may look itself up (without being consumed), then unwrap itself.
	lr := f.must(wi.Token, logical.UpdateOperation, "sys/wrapping/lookup", nil, 0)
	if lr.Data["creation_path"] != "sys/wrapping/wrap" {
		t.Fatalf("self lookup = %#v", lr.Data)
	}
	out := f.must(wi.Token, logical.UpdateOperation, "sys/wrapping/unwrap", nil, 0)
	if out.Data["k"] != "v" {
		t.Fatalf("self unwrap = %#v", out.Data)
	}
	if _, err := f.req(wi.Token, logical.UpdateOperation, "sys/wrapping/unwrap", nil, 0); err == nil {
		t.Fatal("second self unwrap succeeded")
	}
}

// cubbyBackend returns the mounted cubbyhole engine.
func cubbyBackend(t *testing.T, c *core.Core) *cubbyhole.Backend {
	t.Helper()
	route, _, ok := c.Mounts().Route("cubbyhole/")
	if !ok {
		t.Fatal("cubbyhole is not mounted")
	}
	b, ok := route.Backend.(*cubbyhole.Backend)
	if !ok {
		t.Fatalf("cubbyhole backend is %T", route.Backend)
	}
	return b
}

func TestCubbyholeDestroyedOnRevoke(t *testing.T) {
	f := newWrapFixture(t)
	ctx := context.Background()
	login := f.must("", logical.UpdateOperation, "auth/login/login", nil, 0)
	tok, acc := login.Auth.ClientToken, login.Auth.Accessor
	f.must(tok, logical.UpdateOperation, "cubbyhole/a/b", map[string]any{"x": "y"}, 0)
	cub := cubbyBackend(t, f.c)
	if v, err := cub.Get(ctx, acc, "a/b"); err != nil || v == nil {
		t.Fatalf("before revoke: %v %v", v, err)
	}
	f.must(tok, logical.UpdateOperation, "auth/token/revoke-self", nil, 0)
	if v, err := cub.Get(ctx, acc, "a/b"); err != nil || v != nil {
		t.Fatalf("after revoke the cubbyhole still holds %v (err %v)", v, err)
	}
}

func TestWrapUnderPolicyLimits(t *testing.T) {
	f := newWrapFixture(t)
	f.must(f.root, logical.UpdateOperation, "sys/policies/acl/wrapped", map[string]any{"policy": `
path "sys/wrapping/wrap" {
  capabilities = ["update"]
  min_wrapping_ttl = "1m"
  max_wrapping_ttl = "10m"
}`}, 0)
	tr := f.must(f.root, logical.UpdateOperation, "auth/token/create", map[string]any{"policies": []any{"wrapped"}}, 0)
	tok := tr.Auth.ClientToken
	for _, ttl := range []time.Duration{30 * time.Second, 11 * time.Minute} {
		if _, err := f.req(tok, logical.UpdateOperation, "sys/wrapping/wrap", map[string]any{"a": "b"}, ttl); !errors.Is(err, logical.ErrInvalidRequest) {
			t.Fatalf("wrap TTL %s: %v, want refusal", ttl, err)
		}
	}
	if resp := f.must(tok, logical.UpdateOperation, "sys/wrapping/wrap", map[string]any{"a": "b"}, 5*time.Minute); resp.WrapInfo == nil {
		t.Fatalf("wrap within limits = %+v", resp)
	}
}

func TestRevokeWithoutCubbyhole(t *testing.T) {
	ctx := context.Background()
	c, err := core.New(core.Config{
		Physical:      inmem.New(),
		AuthFactories: map[string]logical.Factory{"login": loginBackend},
		Defaults:      mount.Defaults{DefaultLeaseTTL: time.Hour, MaxLeaseTTL: time.Hour},
	})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Init(ctx, unseal.InitRequest{SecretShares: 1, SecretThreshold: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Unseal(ctx, res.Keys[0]); err != nil {
		t.Fatal(err)
	}
	defer c.Seal(ctx)
	if err := c.Mounts().Enable(ctx, &mount.Entry{Table: mount.TableAuth, Path: "login/", Type: "login"}); err != nil {
		t.Fatal(err)
	}
	login, err := c.HandleRequest(ctx, &logical.Request{Operation: logical.UpdateOperation, Path: "auth/login/login"})
	if err != nil {
		t.Fatal(err)
	}
	tok := login.Auth.ClientToken
	if _, err := c.HandleRequest(ctx, &logical.Request{Operation: logical.UpdateOperation, Path: "auth/token/revoke-self", ClientToken: tok}); err != nil {
		t.Fatalf("revoke on a server without cubbyhole: %v", err)
	}
	if _, err := c.Tokens().Lookup(ctx, tok); err == nil {
		t.Fatal("token survives revocation")
	}
	// Wrapping needs the cubbyhole: it fails rather than answering unwrapped.
	if _, err := c.HandleRequest(ctx, &logical.Request{Operation: logical.UpdateOperation, Path: "sys/wrapping/wrap", ClientToken: res.RootToken, Data: map[string]any{"a": "b"}, WrapTTL: time.Minute}); err == nil {
		t.Fatal("wrapping without a cubbyhole succeeded")
	}
}
