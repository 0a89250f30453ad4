package sysbackend_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	vault "github.com/hashicorp/vault/api"

	"github.com/cofre-io/cofre/server/engines/cubbyhole"
	"github.com/cofre-io/cofre/server/servertest"
)

const invalidWrapping = "wrapping token is not valid or does not exist"

// wrapping returns a root client that asks for every response wrapped
// with ttl.
func wrapping(t *testing.T, srv *servertest.Server, ttl string) *vault.Client {
	t.Helper()
	c := srv.NewClient(t, srv.Client.Token())
	c.SetWrappingLookupFunc(func(string, string) string { return ttl })
	return c
}

// wantRefused checks a request was refused with 400 or 403: a used-up
// wrapping token sent as X-Vault-Token no longer authenticates (Vault
// answers 400 there, the pipeline here 403).
func wantRefused(t *testing.T, err error) {
	t.Helper()
	re, ok := err.(*vault.ResponseError)
	if !ok || (re.StatusCode != http.StatusBadRequest && re.StatusCode != http.StatusForbidden) {
		t.Fatalf("err = %v, want a 400 or 403", err)
	}
}

func wantStatus(t *testing.T, err error, status int, msg string) {
	t.Helper()
	re, ok := err.(*vault.ResponseError)
	if !ok || re.StatusCode != status || !strings.Contains(err.Error(), msg) {
		t.Fatalf("err = %v, want %d containing %q", err, status, msg)
	}
}

func TestHTTPWrapKVReadRoundTrip(t *testing.T) {
	srv := servertest.StartDev(t)
	if _, err := srv.Client.KVv2("secret").Put(context.Background(), "app", map[string]any{"password": "hunter2"}); err != nil {
		t.Fatal(err)
	}
	sec, err := wrapping(t, srv, "5m").Logical().Read("secret/data/app")
	if err != nil {
		t.Fatal(err)
	}
	wi := sec.WrapInfo
	if wi == nil || sec.Data != nil || wi.TTL != 300 || wi.CreationPath != "secret/data/app" || wi.Accessor == "" || time.Since(wi.CreationTime) > time.Minute {
		t.Fatalf("wrapped read = %+v, wrap info %+v", sec, wi)
	}
	// The wrapping token reads nothing but its own response.
	holder := srv.NewClient(t, wi.Token)
	if _, err := holder.Logical().Read("secret/data/app"); err == nil {
		t.Fatal("wrapping token read the secret directly")
	}
	out, err := holder.Logical().Unwrap("")
	if err != nil {
		t.Fatal(err)
	}
	inner, _ := out.Data["data"].(map[string]any)
	if inner["password"] != "hunter2" || out.Data["metadata"] == nil {
		t.Fatalf("unwrapped = %#v", out.Data)
	}
	// Single use, whoever tries next.
	_, err = holder.Logical().Unwrap("")
	wantRefused(t, err)
	_, err = srv.Client.Logical().Unwrap(wi.Token)
	wantStatus(t, err, http.StatusBadRequest, invalidWrapping)
}

func TestHTTPWrapLookupRewrapExpiry(t *testing.T) {
	srv := servertest.StartDev(t)
	sec, err := wrapping(t, srv, "300").Logical().Write("sys/wrapping/wrap", map[string]any{"foo": "bar", "n": 3})
	if err != nil {
		t.Fatal(err)
	}
	old := sec.WrapInfo
	anon := srv.NewClient(t, "")
	lr, err := anon.Logical().Write("sys/wrapping/lookup", map[string]any{"token": old.Token})
	if err != nil {
		t.Fatal(err)
	}
	if ttl, _ := lr.Data["creation_ttl"].(interface{ String() string }); ttl == nil || ttl.String() != "300" || lr.Data["creation_path"] != "sys/wrapping/wrap" || lr.Data["creation_time"] == nil {
		t.Fatalf("lookup = %#v", lr.Data)
	}
	rr, err := srv.Client.Logical().Write("sys/wrapping/rewrap", map[string]any{"token": old.Token})
	if err != nil {
		t.Fatal(err)
	}
	nw := rr.WrapInfo
	if nw == nil || nw.Token == old.Token || nw.TTL != 300 || nw.CreationPath != "sys/wrapping/wrap" {
		t.Fatalf("rewrap = %+v", nw)
	}
	_, err = anon.Logical().Write("sys/wrapping/lookup", map[string]any{"token": old.Token})
	wantStatus(t, err, http.StatusBadRequest, invalidWrapping)
	out, err := srv.Client.Logical().Unwrap(nw.Token)
	if err != nil {
		t.Fatal(err)
	}
	if out.Data["foo"] != "bar" || out.Data["n"] == nil {
		t.Fatalf("unwrapped after rewrap = %#v", out.Data)
	}
	// sys/wrapping/wrap needs a TTL (the client asks for 5m by default
	// on that path unless told otherwise).
	plain := wrapping(t, srv, "")
	_, err = plain.Logical().Write("sys/wrapping/wrap", map[string]any{"foo": "bar"})
	wantStatus(t, err, http.StatusBadRequest, "wrapping TTL")
}

func TestHTTPWrapExpires(t *testing.T) {
	srv := servertest.StartDev(t)
	ctx := context.Background()
	sec, err := wrapping(t, srv, "1s").Logical().Write("sys/wrapping/wrap", map[string]any{"foo": "bar"})
	if err != nil {
		t.Fatal(err)
	}
	wi := sec.WrapInfo
	route, _, _ := srv.Core.Mounts().Route("cubbyhole/")
	cub := route.Backend.(*cubbyhole.Backend)
	anon := srv.NewClient(t, "")
	deadline := time.Now().Add(15 * time.Second)
	for {
		_, lerr := anon.Logical().Write("sys/wrapping/lookup", map[string]any{"token": wi.Token})
		v, gerr := cub.Get(ctx, wi.Accessor, "response")
		if gerr != nil {
			t.Fatal(gerr)
		}
		if lerr != nil && v == nil {
			wantStatus(t, lerr, http.StatusBadRequest, invalidWrapping)
			break // expired, and the expiry revoked it and destroyed the cubbyhole
		}
		if time.Now().After(deadline) {
			t.Fatalf("1s wrapping token: lookup err %v, response still stored: %v", lerr, v != nil)
		}
		time.Sleep(50 * time.Millisecond) // polling interval, not a wait for an event
	}
	_, err = srv.Client.Logical().Unwrap(wi.Token)
	wantStatus(t, err, http.StatusBadRequest, invalidWrapping)
}

func TestHTTPWrappedTokenCreate(t *testing.T) {
	srv := servertest.StartDev(t)
	sec, err := wrapping(t, srv, "2m").Auth().Token().Create(&vault.TokenCreateRequest{Policies: []string{"default"}, TTL: "1h"})
	if err != nil {
		t.Fatal(err)
	}
	wi := sec.WrapInfo
	if wi == nil || sec.Auth != nil || wi.WrappedAccessor == "" || wi.CreationPath != "auth/token/create" {
		t.Fatalf("wrapped create = %+v, wrap info %+v", sec, wi)
	}
	out, err := srv.NewClient(t, wi.Token).Logical().Unwrap("")
	if err != nil {
		t.Fatal(err)
	}
	if out.Auth == nil || out.Auth.ClientToken == "" || out.Auth.Accessor != wi.WrappedAccessor {
		t.Fatalf("unwrapped auth = %+v", out.Auth)
	}
	self, err := srv.NewClient(t, out.Auth.ClientToken).Auth().Token().LookupSelf()
	if err != nil {
		t.Fatal(err)
	}
	if self.Data["accessor"] != wi.WrappedAccessor {
		t.Fatalf("lookup-self = %#v", self.Data)
	}
}

func TestHTTPWrappedUserpassLogin(t *testing.T) {
	srv := servertest.StartDev(t)
	if err := srv.Client.Sys().EnableAuthWithOptions("userpass", &vault.EnableAuthOptions{Type: "userpass"}); err != nil {
		t.Skipf("userpass not available: %v", err)
	}
	if _, err := srv.Client.Logical().Write("auth/userpass/users/ann", map[string]any{"password": "pw-123456", "token_policies": "default"}); err != nil {
		t.Fatal(err)
	}
	anon := srv.NewClient(t, "")
	anon.SetWrappingLookupFunc(func(string, string) string { return "1m" })
	sec, err := anon.Logical().Write("auth/userpass/login/ann", map[string]any{"password": "pw-123456"})
	if err != nil {
		t.Fatal(err)
	}
	wi := sec.WrapInfo
	if wi == nil || sec.Auth != nil || wi.WrappedAccessor == "" || wi.CreationPath != "auth/userpass/login/ann" {
		t.Fatalf("wrapped login = %+v", sec)
	}
	out, err := srv.NewClient(t, wi.Token).Logical().Unwrap("")
	if err != nil {
		t.Fatal(err)
	}
	if out.Auth == nil || out.Auth.Accessor != wi.WrappedAccessor {
		t.Fatalf("unwrapped login = %+v", out.Auth)
	}
	if _, err := srv.NewClient(t, out.Auth.ClientToken).Auth().Token().LookupSelf(); err != nil {
		t.Fatalf("unwrapped login token: %v", err)
	}
}

// TestHTTPAppRoleWrappedSecretID is the trusted-orchestrator flow: a
// trusted process fetches a wrapped secret ID and hands only the wrapping
// token to a pipeline, which unwraps it and logs in.
func TestHTTPAppRoleWrappedSecretID(t *testing.T) {
	srv := servertest.StartDev(t)
	root := srv.Client
	if err := root.Sys().EnableAuthWithOptions("approle", &vault.EnableAuthOptions{Type: "approle"}); err != nil {
		t.Skipf("approle not available: %v", err)
	}
	if _, err := root.Logical().Write("auth/approle/role/ci", map[string]any{"token_policies": "default", "secret_id_ttl": "10m"}); err != nil {
		t.Fatal(err)
	}
	rid, err := root.Logical().Read("auth/approle/role/ci/role-id")
	if err != nil {
		t.Fatal(err)
	}
	roleID, _ := rid.Data["role_id"].(string)
	sec, err := wrapping(t, srv, "120s").Logical().Write("auth/approle/role/ci/secret-id", nil)
	if err != nil {
		t.Fatal(err)
	}
	wi := sec.WrapInfo
	if wi == nil || sec.Data != nil || wi.WrappedAccessor == "" || wi.CreationPath != "auth/approle/role/ci/secret-id" {
		t.Fatalf("wrapped secret-id = %+v", sec)
	}
	// The pipeline holds only the wrapping token.
	pipeline := srv.NewClient(t, wi.Token)
	out, err := pipeline.Logical().Unwrap("")
	if err != nil {
		t.Fatal(err)
	}
	secretID, _ := out.Data["secret_id"].(string)
	if secretID == "" || out.Data["secret_id_accessor"] != wi.WrappedAccessor {
		t.Fatalf("unwrapped secret-id = %#v (wrapped accessor %q)", out.Data, wi.WrappedAccessor)
	}
	login, err := srv.NewClient(t, "").Logical().Write("auth/approle/login", map[string]any{"role_id": roleID, "secret_id": secretID})
	if err != nil {
		t.Fatal(err)
	}
	if login.Auth == nil || login.Auth.ClientToken == "" {
		t.Fatalf("login = %+v", login)
	}
	// Anyone who intercepted the wrapping token afterwards gets nothing.
	_, err = pipeline.Logical().Unwrap("")
	wantRefused(t, err)
}

func TestHTTPWrapTTLPolicyLimits(t *testing.T) {
	srv := servertest.StartDev(t)
	root := srv.Client
	if err := root.Sys().PutPolicy("must-wrap", `path "cubbyhole/*" {
  capabilities = ["read", "create", "update"]
  min_wrapping_ttl = "1m"
  max_wrapping_ttl = "1h"
}`); err != nil {
		t.Fatal(err)
	}
	tok, err := root.Auth().Token().Create(&vault.TokenCreateRequest{Policies: []string{"must-wrap"}})
	if err != nil {
		t.Fatal(err)
	}
	c := srv.NewClient(t, tok.Auth.ClientToken)
	_, err = c.Logical().Write("cubbyhole/k", map[string]any{"a": "b"})
	wantStatus(t, err, http.StatusBadRequest, "wrapping")
	c.SetWrappingLookupFunc(func(string, string) string { return "2h" })
	_, err = c.Logical().Read("cubbyhole/k")
	wantStatus(t, err, http.StatusBadRequest, "wrapping TTL")
	c.SetWrappingLookupFunc(func(string, string) string { return "5m" })
	if _, err := c.Logical().Write("cubbyhole/k", map[string]any{"a": "b"}); err != nil {
		t.Fatal(err)
	}
	sec, err := c.Logical().Read("cubbyhole/k")
	if err != nil || sec.WrapInfo == nil {
		t.Fatalf("wrapped read within limits: %+v %v", sec, err)
	}
	// Unwrapping with a wrap TTL set wraps the unwrapped response again.
	rewrapped, err := c.Logical().Unwrap(sec.WrapInfo.Token)
	if err != nil || rewrapped.WrapInfo == nil || rewrapped.WrapInfo.CreationPath != "sys/wrapping/unwrap" {
		t.Fatalf("unwrap with a wrap TTL: %+v %v", rewrapped, err)
	}
	c.SetWrappingLookupFunc(func(string, string) string { return "" })
	out, err := c.Logical().Unwrap(rewrapped.WrapInfo.Token)
	if err != nil || out.Data["a"] != "b" {
		t.Fatalf("unwrap: %+v %v", out, err)
	}
}
