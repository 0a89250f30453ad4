package sysbackend_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	vault "github.com/hashicorp/vault/api"

	"github.com/cofre-io/cofre/server/lease/leasetest"
	"github.com/cofre-io/cofre/server/logical"
)

func issue(t *testing.T, c *vault.Client, path string) *vault.Secret {
	t.Helper()
	s, err := c.Logical().Read(path)
	if err != nil || s == nil || s.LeaseID == "" {
		t.Fatalf("read %s: %+v, %v", path, s, err)
	}
	return s
}

func user(s *vault.Secret) string { u, _ := s.Data["username"].(string); return u }

func wantCode(t *testing.T, err error, status int, msg string) {
	t.Helper()
	var re *vault.ResponseError
	if !errors.As(err, &re) || re.StatusCode != status || !strings.Contains(err.Error(), msg) {
		t.Fatalf("err = %v, want %d containing %q", err, status, msg)
	}
}

func TestLeaseLookupRenewRevoke(t *testing.T) {
	srv := leasetest.Start(t, leasetest.Options{})
	srv.Mount(t, "db", &vault.MountConfigInput{DefaultLeaseTTL: "10m", MaxLeaseTTL: "30m"})
	srv.Engine.SetLeases(0, 0, true) // the mount's default TTL
	sys := srv.Client.Sys()
	s := issue(t, srv.Client, "db/creds/app")

	l, err := sys.Lookup(s.LeaseID)
	if err != nil {
		t.Fatal(err)
	}
	ttl, _ := l.Data["ttl"].(jsonNumber)
	if l.Data["id"] != s.LeaseID || l.Data["renewable"] != true || l.Data["last_renewal"] != nil || l.Data["issue_time"] == nil || l.Data["expire_time"] == nil {
		t.Fatalf("lookup = %v", l.Data)
	}
	if n, _ := ttl.Int64(); n < 590 || n > 600 {
		t.Fatalf("lookup ttl = %v", l.Data["ttl"])
	}

	r, err := sys.Renew(s.LeaseID, 120)
	if err != nil {
		t.Fatal(err)
	}
	if r.LeaseID != s.LeaseID || r.LeaseDuration != 120 || !r.Renewable {
		t.Fatalf("renew = %+v", r)
	}
	// Past what is left of the max TTL: capped.
	r, err = sys.Renew(s.LeaseID, 3600)
	if err != nil || r.LeaseDuration > 1800 || r.LeaseDuration < 1790 {
		t.Fatalf("renew past max = %+v, %v", r, err)
	}
	if l, _ := sys.Lookup(s.LeaseID); l.Data["last_renewal"] == nil {
		t.Fatalf("last_renewal not set: %v", l.Data)
	}
	// The legacy endpoint.
	if _, err := srv.Client.Logical().Write("sys/renew/"+s.LeaseID, map[string]any{"increment": 60}); err != nil {
		t.Fatal(err)
	}
	if calls := srv.Engine.Renewals(); len(calls) != 3 || calls[0].TTL != 120*time.Second {
		t.Fatalf("backend renewals = %+v", calls)
	}

	if err := sys.Revoke(s.LeaseID); err != nil {
		t.Fatal(err)
	}
	if srv.Engine.IsLive(user(s)) {
		t.Fatal("revoke returned before the backend revoked the secret")
	}
	_, err = sys.Lookup(s.LeaseID)
	wantCode(t, err, http.StatusBadRequest, "invalid lease")
	_, err = sys.Renew(s.LeaseID, 0)
	wantCode(t, err, http.StatusBadRequest, "lease not found")
	if err := sys.Revoke(s.LeaseID); err != nil {
		t.Fatalf("revoking a revoked lease: %v", err)
	}
	_, err = srv.Client.Logical().Write("sys/leases/revoke", map[string]any{})
	wantCode(t, err, http.StatusBadRequest, "lease_id must be specified")

	// The legacy revoke endpoint, and sync=false (queued).
	s2 := issue(t, srv.Client, "db/creds/app")
	if _, err := srv.Client.Logical().Write("sys/revoke/"+s2.LeaseID, nil); err != nil {
		t.Fatal(err)
	}
	s3 := issue(t, srv.Client, "db/creds/app")
	if err := sys.RevokeWithOptions(&vault.RevokeOptions{LeaseID: s3.LeaseID, Sync: false}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the queued revocation", func() bool { return !srv.Engine.IsLive(user(s2)) && !srv.Engine.IsLive(user(s3)) })
}

// jsonNumber is what the Vault client decodes numbers into.
type jsonNumber = interface{ Int64() (int64, error) }

func TestLeaseRenewRefusals(t *testing.T) {
	srv := leasetest.Start(t, leasetest.Options{})
	srv.Mount(t, "db", &vault.MountConfigInput{DefaultLeaseTTL: "10m", MaxLeaseTTL: "30m"})
	srv.Engine.SetLeases(time.Hour, 0, false)
	s := issue(t, srv.Client, "db/creds/app")
	if s.Renewable || s.LeaseDuration != 1800 {
		t.Fatalf("secret = %+v", s)
	}
	_, err := srv.Client.Sys().Renew(s.LeaseID, 60)
	wantCode(t, err, http.StatusBadRequest, "lease is not renewable")

	// A backend error reaches the client with its own status and message.
	srv.Engine.SetLeases(2*time.Second, 2*time.Second, true)
	s = issue(t, srv.Client, "db/creds/app")
	srv.Engine.SetDown(true)
	_, err = srv.Client.Sys().Renew(s.LeaseID, 60)
	wantCode(t, err, http.StatusInternalServerError, "")
	srv.Engine.SetDown(false)
	waitFor(t, "the lease to expire", func() bool { return !srv.Engine.IsLive(user(s)) })
	_, err = srv.Client.Sys().Renew(s.LeaseID, 60)
	wantCode(t, err, http.StatusBadRequest, "lease not found")

	_, err = srv.Client.Sys().Renew("../../core/mounts", 60)
	wantCode(t, err, http.StatusBadRequest, "invalid lease id")
}

// The token that got a lease may renew and look it up with the default
// policy; another token needs a grant on the lease's own path.
func TestLeaseOwnership(t *testing.T) {
	srv := leasetest.Start(t, leasetest.Options{})
	srv.Mount(t, "db", nil)
	if err := srv.Client.Sys().PutPolicy("db", `path "db/creds/*" { capabilities = ["read"] }`); err != nil {
		t.Fatal(err)
	}
	if err := srv.Client.Sys().PutPolicy("ops", `path "sys/leases/renew/db/*" { capabilities = ["update"] }
path "sys/leases/lookup/db/*" { capabilities = ["update"] }`); err != nil {
		t.Fatal(err)
	}
	token := func(policies ...string) *vault.Client {
		sec, err := srv.Client.Auth().Token().Create(&vault.TokenCreateRequest{Policies: policies})
		if err != nil {
			t.Fatal(err)
		}
		return srv.NewClient(t, sec.Auth.ClientToken)
	}
	owner, stranger, ops := token("db"), token("db"), token("ops")
	s := issue(t, owner, "db/creds/app")
	if _, err := owner.Sys().Renew(s.LeaseID, 60); err != nil {
		t.Fatalf("owner renew: %v", err)
	}
	if _, err := owner.Sys().Lookup(s.LeaseID); err != nil {
		t.Fatalf("owner lookup: %v", err)
	}
	_, err := stranger.Sys().Renew(s.LeaseID, 60)
	wantCode(t, err, http.StatusForbidden, "permission denied")
	_, err = stranger.Sys().Lookup(s.LeaseID)
	wantCode(t, err, http.StatusForbidden, "permission denied")
	if _, err := ops.Sys().Renew(s.LeaseID, 60); err != nil {
		t.Fatalf("renew with a grant on the lease path: %v", err)
	}
	if _, err := ops.Sys().Lookup(s.LeaseID); err != nil {
		t.Fatalf("lookup with a grant on the lease path: %v", err)
	}
	// Revocation is the ACL's business only (sys/leases/revoke is not in
	// the default policy).
	wantCode(t, owner.Sys().Revoke(s.LeaseID), http.StatusForbidden, "permission denied")
}

func TestLeasePrefixForceAndList(t *testing.T) {
	srv := leasetest.Start(t, leasetest.Options{})
	srv.Mount(t, "db", nil)
	sys := srv.Client.Sys()
	a1, a2 := issue(t, srv.Client, "db/creds/a"), issue(t, srv.Client, "db/creds/a")
	b1 := issue(t, srv.Client, "db/creds/b")

	list, err := srv.Client.Logical().List("sys/leases/lookup/db/creds/")
	if err != nil || list == nil {
		t.Fatalf("list: %v, %v", list, err)
	}
	if keys, _ := list.Data["keys"].([]any); len(keys) != 2 || keys[0] != "a/" || keys[1] != "b/" {
		t.Fatalf("keys = %v", list.Data["keys"])
	}
	// Listing needs sudo.
	if err := srv.Client.Sys().PutPolicy("lister", `path "sys/leases/lookup/*" { capabilities = ["list"] }`); err != nil {
		t.Fatal(err)
	}
	sec, err := srv.Client.Auth().Token().Create(&vault.TokenCreateRequest{Policies: []string{"lister"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = srv.NewClient(t, sec.Auth.ClientToken).Logical().List("sys/leases/lookup/db/creds/")
	wantCode(t, err, http.StatusForbidden, "permission denied")

	if err := sys.RevokePrefix("db/creds/a"); err != nil {
		t.Fatal(err)
	}
	if srv.Engine.IsLive(user(a1)) || srv.Engine.IsLive(user(a2)) || !srv.Engine.IsLive(user(b1)) {
		t.Fatalf("live after revoke-prefix db/creds/a: %v", srv.Engine.Live())
	}
	// revoke-force deletes the lease and leaves the secret alone.
	srv.Engine.SetDown(true)
	if err := sys.RevokeForce("db/creds/b"); err != nil {
		t.Fatal(err)
	}
	srv.Engine.SetDown(false)
	if !srv.Engine.IsLive(user(b1)) {
		t.Fatal("revoke-force called the backend")
	}
	_, err = sys.Lookup(b1.LeaseID)
	wantCode(t, err, http.StatusBadRequest, "invalid lease")
	if l, err := srv.Client.Logical().List("sys/leases/lookup/db/"); l != nil || err != nil {
		t.Fatalf("list after revoking everything = %+v, %v (want a 404)", l, err)
	}

	for _, p := range []string{"sys/leases/revoke-prefix/", "sys/leases/revoke-force//", "sys/revoke-prefix/"} {
		_, err := srv.Core.HandleRequest(context.Background(), &logical.Request{Operation: logical.UpdateOperation, Path: p, ClientToken: srv.Root})
		if !errors.Is(err, logical.ErrInvalidRequest) || !strings.Contains(err.Error(), "non-empty prefix") {
			t.Fatalf("%s: %v", p, err)
		}
	}

	// The legacy prefix endpoints.
	c1 := issue(t, srv.Client, "db/creds/c")
	if _, err := srv.Client.Logical().Write("sys/revoke-prefix/db/creds/c", nil); err != nil {
		t.Fatal(err)
	}
	if srv.Engine.IsLive(user(c1)) {
		t.Fatal("sys/revoke-prefix did not revoke")
	}
	issue(t, srv.Client, "db/creds/d")
	if _, err := srv.Client.Logical().Write("sys/revoke-force/db/creds/d", nil); err != nil {
		t.Fatal(err)
	}
	if keys, _ := srv.Core.Leases().List(context.Background(), "db/creds/"); len(keys) != 0 {
		t.Fatalf("left: %v", keys)
	}
}

// A lease whose revocation keeps failing is counted and listed as
// irrevocable with its error, and still revoked once the backend is back.
func TestIrrevocableLeases(t *testing.T) {
	srv := leasetest.Start(t, leasetest.Options{})
	srv.Mount(t, "db", nil)
	s := issue(t, srv.Client, "db/creds/app")
	srv.Engine.SetDown(true)
	for i := 0; i < 6; i++ { // six failed attempts make it irrevocable
		wantCode(t, srv.Client.Sys().Revoke(s.LeaseID), http.StatusInternalServerError, "credential service is down")
	}
	count, err := srv.Client.Logical().ReadWithData("sys/leases/count", map[string][]string{"type": {"irrevocable"}})
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := count.Data["lease_count"].(jsonNumber).Int64(); n != 1 {
		t.Fatalf("count = %v", count.Data)
	}
	list, err := srv.Client.Logical().ReadWithData("sys/leases", map[string][]string{"type": {"irrevocable"}})
	if err != nil {
		t.Fatal(err)
	}
	leases, _ := list.Data["leases"].([]any)
	first, _ := leases[0].(map[string]any)
	if len(leases) != 1 || first["lease_id"] != s.LeaseID || !strings.Contains(first["error"].(string), "down") || first["mount_path"] != "db/" {
		t.Fatalf("irrevocable = %v", list.Data)
	}
	_, err = srv.Client.Logical().ReadWithData("sys/leases/count", map[string][]string{"type": {"expiring"}})
	wantCode(t, err, http.StatusBadRequest, "unsupported lease type")
	srv.Engine.SetDown(false)
	if err := srv.Client.Sys().Revoke(s.LeaseID); err != nil {
		t.Fatal(err)
	}
	count, err = srv.Client.Logical().ReadWithData("sys/leases/count", map[string][]string{"type": {"irrevocable"}})
	if n, _ := count.Data["lease_count"].(jsonNumber).Int64(); err != nil || n != 0 {
		t.Fatalf("count after recovery = %v, %v", count, err)
	}
}

func TestLeaseTidy(t *testing.T) {
	srv := leasetest.Start(t, leasetest.Options{})
	srv.Mount(t, "db", nil)
	s, err := srv.Client.Logical().Write("sys/leases/tidy", nil)
	if err != nil || s == nil || len(s.Warnings) != 1 {
		t.Fatalf("tidy = %+v, %v", s, err)
	}
	waitFor(t, "tidy to finish", func() bool { return !srv.Core.Leases().TidyRunning() })
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
