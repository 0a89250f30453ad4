package core_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	vault "github.com/hashicorp/vault/api"

	"github.com/cofre-io/cofre/server/lease/leasetest"
	"github.com/cofre-io/cofre/server/logical"
)

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func read(t *testing.T, c *vault.Client, path string, data map[string][]string) *vault.Secret {
	t.Helper()
	s, err := c.Logical().ReadWithData(path, data)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	if s == nil {
		t.Fatalf("read %s: nothing", path)
	}
	return s
}

func username(s *vault.Secret) string { u, _ := s.Data["username"].(string); return u }

// A secret from a leasing engine gets a lease under its path, with the
// mount's TTLs; KV's advisory ttl gets none.
func TestRegisterLease(t *testing.T) {
	srv := leasetest.Start(t, leasetest.Options{})
	srv.Mount(t, "db", &vault.MountConfigInput{DefaultLeaseTTL: "1h", MaxLeaseTTL: "2h"})
	s := read(t, srv.Client, "db/creds/app", nil)
	if !strings.HasPrefix(s.LeaseID, "db/creds/app/") || len(s.LeaseID) != len("db/creds/app/")+24 || s.LeaseDuration != 3600 || !s.Renewable {
		t.Fatalf("secret = id %q duration %d renewable %t", s.LeaseID, s.LeaseDuration, s.Renewable)
	}
	// The secret's TTL is capped by the mount's max.
	s = read(t, srv.Client, "db/creds/app", map[string][]string{"ttl": {"10h"}})
	if s.LeaseDuration != 7200 {
		t.Fatalf("lease_duration = %d, want the 2h max", s.LeaseDuration)
	}
	e, err := srv.Core.Leases().Lookup(context.Background(), s.LeaseID)
	if err != nil || e.MountPath != "db/" || e.Path != "creds/app" || e.Token == "" || e.IndexToken != e.Token {
		t.Fatalf("lease = %+v, %v", e, err)
	}
	if e.RequestData["ttl"] != "10h" {
		t.Fatalf("request data = %v", e.RequestData)
	}

	if err := srv.Client.Sys().Mount("kv1", &vault.MountInput{Type: "kv"}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Client.Logical().Write("kv1/x", map[string]any{"a": "b", "ttl": "1h"}); err != nil {
		t.Fatal(err)
	}
	kv := read(t, srv.Client, "kv1/x", nil)
	if kv.LeaseID != "" || kv.LeaseDuration != 3600 {
		t.Fatalf("kv read: lease %q duration %d, want no lease and the advisory ttl", kv.LeaseID, kv.LeaseDuration)
	}
}

// A wrapped leased secret keeps its lease when unwrapped: nothing is
// registered twice.
func TestWrappedLeaseKeepsItsID(t *testing.T) {
	srv := leasetest.Start(t, leasetest.Options{})
	srv.Mount(t, "db", nil)
	w := srv.NewClient(t, srv.Root)
	w.SetWrappingLookupFunc(func(string, string) string { return "5m" })
	s, err := w.Logical().Read("db/creds/app")
	if err != nil || s.WrapInfo == nil {
		t.Fatalf("wrapped read: %+v, %v", s, err)
	}
	before := srv.Core.Leases().Pending()
	u, err := srv.Client.Logical().Unwrap(s.WrapInfo.Token)
	if err != nil {
		t.Fatal(err)
	}
	if u.LeaseID == "" || !strings.HasPrefix(u.LeaseID, "db/creds/app/") {
		t.Fatalf("unwrapped lease id %q", u.LeaseID)
	}
	if after := srv.Core.Leases().Pending(); after != before {
		t.Fatalf("unwrap registered another lease (%d -> %d)", before, after)
	}
	if _, err := srv.Core.Leases().Lookup(context.Background(), u.LeaseID); err != nil {
		t.Fatal(err)
	}
}

// Revoking a token revokes the leases of the token and of its children;
// a token's expiry does too.
func TestTokenRevocationCascadesToLeases(t *testing.T) {
	srv := leasetest.Start(t, leasetest.Options{})
	srv.Mount(t, "db", nil)
	mustPolicy(t, srv.Client, "db", dbPolicy)
	parent, err := srv.Client.Auth().Token().Create(&vault.TokenCreateRequest{Policies: []string{"db"}})
	if err != nil {
		t.Fatal(err)
	}
	pc := srv.NewClient(t, parent.Auth.ClientToken)
	child, err := pc.Auth().Token().Create(&vault.TokenCreateRequest{Policies: []string{"db"}})
	if err != nil {
		t.Fatal(err)
	}
	cc := srv.NewClient(t, child.Auth.ClientToken)
	p1 := username(read(t, pc, "db/creds/p", nil))
	c1 := username(read(t, cc, "db/creds/c", nil))
	c2 := username(read(t, cc, "db/creds/c", nil))
	other := username(read(t, srv.Client, "db/creds/root", nil))
	if err := srv.Client.Auth().Token().RevokeTree(parent.Auth.ClientToken); err != nil {
		t.Fatal(err)
	}
	// At most SyncRevokeLimit leases per token are revoked before the
	// token's revocation returns: these three are gone already.
	for _, u := range []string{p1, c1, c2} {
		if srv.Engine.IsLive(u) {
			t.Errorf("%s still live after its token was revoked", u)
		}
	}
	if !srv.Engine.IsLive(other) {
		t.Error("the root token's lease was revoked")
	}

	// Expiry: a token living 2s takes its lease with it.
	short, err := srv.Client.Auth().Token().Create(&vault.TokenCreateRequest{Policies: []string{"db"}, TTL: "2s"})
	if err != nil {
		t.Fatal(err)
	}
	s1 := username(read(t, srv.NewClient(t, short.Auth.ClientToken), "db/creds/s", nil))
	waitUntil(t, "the expired token's lease to be revoked", func() bool { return !srv.Engine.IsLive(s1) })
}

// A batch token's lease is tied to its parent and does not outlive it.
func TestBatchTokenLease(t *testing.T) {
	srv := leasetest.Start(t, leasetest.Options{})
	srv.Mount(t, "db", nil)
	mustPolicy(t, srv.Client, "db", dbPolicy)
	parent, err := srv.Client.Auth().Token().Create(&vault.TokenCreateRequest{Policies: []string{"db"}})
	if err != nil {
		t.Fatal(err)
	}
	batch, err := srv.NewClient(t, parent.Auth.ClientToken).Auth().Token().Create(&vault.TokenCreateRequest{Policies: []string{"db"}, Type: "batch", TTL: "10m"})
	if err != nil {
		t.Fatal(err)
	}
	s := read(t, srv.NewClient(t, batch.Auth.ClientToken), "db/creds/b", nil)
	if s.LeaseDuration > 600 || s.LeaseDuration < 590 {
		t.Fatalf("lease_duration = %d, want the batch token's 10m", s.LeaseDuration)
	}
	if err := srv.Client.Auth().Token().RevokeTree(parent.Auth.ClientToken); err != nil {
		t.Fatal(err)
	}
	if srv.Engine.IsLive(username(s)) {
		t.Fatal("the batch token's lease survived its parent")
	}
}

// Disabling a mount revokes its leases first; when that fails, the mount
// stays and so do its leases.
func TestUnmountRevokesLeases(t *testing.T) {
	srv := leasetest.Start(t, leasetest.Options{})
	srv.Mount(t, "db", nil)
	u1 := username(read(t, srv.Client, "db/creds/a", nil))
	u2 := username(read(t, srv.Client, "db/creds/b", nil))
	srv.Engine.SetDown(true)
	err := srv.Client.Sys().Unmount("db")
	var re *vault.ResponseError
	if !errors.As(err, &re) || re.StatusCode != 400 || !strings.Contains(err.Error(), "failed to revoke the leases of db/") {
		t.Fatalf("unmount with the backend down: %v", err)
	}
	if m, _ := srv.Client.Sys().ListMounts(); m["db/"] == nil {
		t.Fatal("the mount was removed although its leases were not revoked")
	}
	srv.Engine.SetDown(false)
	waitUntil(t, "the queued revocations", func() bool {
		return !srv.Engine.IsLive(u1) && !srv.Engine.IsLive(u2)
	})
	u3 := username(read(t, srv.Client, "db/creds/c", nil))
	if err := srv.Client.Sys().Unmount("db"); err != nil {
		t.Fatal(err)
	}
	if srv.Engine.IsLive(u3) {
		t.Fatal("unmount left a live secret")
	}
	if keys, _ := srv.Core.Leases().List(context.Background(), "db/"); len(keys) != 0 {
		t.Fatalf("leases left: %v", keys)
	}
}

// Leases survive a restart on Raft storage and still expire on time; a
// renewal after the restart is honoured.
func TestLeasesSurviveRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Raft twice")
	}
	srv := leasetest.Start(t, leasetest.Options{RaftDir: t.TempDir()})
	srv.Mount(t, "db", nil)
	short := read(t, srv.Client, "db/creds/short", map[string][]string{"ttl": {"3s"}})
	long := read(t, srv.Client, "db/creds/long", map[string][]string{"ttl": {"1h"}})
	srv.Restart(t)
	if _, err := srv.Core.Leases().Lookup(context.Background(), long.LeaseID); err != nil {
		t.Fatalf("lease lost in the restart: %v", err)
	}
	waitUntil(t, "the index to be restored", srv.Core.Leases().Restored)
	start := time.Now()
	waitUntil(t, "the short lease to expire", func() bool { return !srv.Engine.IsLive(username(short)) })
	if time.Since(start) > 10*time.Second {
		t.Fatalf("expired %s late", time.Since(start))
	}
	r, err := srv.Client.Sys().Renew(long.LeaseID, 60)
	if err != nil || r.LeaseDuration != 60 {
		t.Fatalf("renew after restart: %+v, %v", r, err)
	}
	if !srv.Engine.IsLive(username(long)) {
		t.Fatal("the long lease was revoked")
	}
	if calls := srv.Engine.Renewals(); len(calls) != 1 || calls[0].LeaseID != long.LeaseID || calls[0].Data["ttl"] != "1h" {
		t.Fatalf("renewals = %+v", calls)
	}
}

// dbPolicy reads credentials and creates child tokens.
const dbPolicy = `
path "db/creds/*" { capabilities = ["read"] }
path "auth/token/create" { capabilities = ["update"] }
`

func mustPolicy(t *testing.T, c *vault.Client, name, text string) {
	t.Helper()
	if err := c.Sys().PutPolicy(name, text); err != nil {
		t.Fatal(err)
	}
}

// The registration hook leaves responses that already carry a lease alone.
func TestRegisterLeaseSkipsLeasedSecrets(t *testing.T) {
	srv := leasetest.Start(t, leasetest.Options{})
	srv.Mount(t, "db", nil)
	s := read(t, srv.Client, "db/creds/app", nil)
	resp, err := srv.Core.HandleRequest(context.Background(), &logical.Request{
		Operation: logical.UpdateOperation, Path: "sys/leases/renew", ClientToken: srv.Root,
		Data: map[string]any{"lease_id": s.LeaseID, "increment": 60},
	})
	if err != nil || resp.Secret == nil || resp.Secret.LeaseID != s.LeaseID {
		t.Fatalf("renew = %+v, %v", resp, err)
	}
	keys, err := srv.Core.Leases().List(context.Background(), "db/creds/app/")
	if err != nil || len(keys) != 1 || !slices.Contains(keys, strings.TrimPrefix(s.LeaseID, "db/creds/app/")) {
		t.Fatalf("leases = %v, %v", keys, err)
	}
}
