package database_test

import (
	"context"
	"testing"
	"time"

	vault "github.com/hashicorp/vault/api"

	"github.com/cofre-io/cofre/server/servertest"
)

// The seed's lease scenarios, through the lease manager and the Vault
// client, against real databases.

func TestPostgresLeases(t *testing.T) {
	t.Parallel()
	testLeases(t, startPostgres(t))
}

func TestMySQLLeases(t *testing.T) {
	t.Parallel()
	testLeases(t, startMySQL(t))
}

// configure writes connection "db" (allowing every role) and roles "app"
// (TTL 1h, max 2h) and "short" (TTL ttl) on the server behind c.
func configure(t *testing.T, c *vault.Client, tg *target, short string) {
	t.Helper()
	tg.makeSuperuser(t, "cofre_vault", "Vau1tPassword")
	write(t, c, "database/config/db", map[string]any{
		"plugin_name": tg.plugin, "connection_url": tg.url, "allowed_roles": "*",
		"username": "cofre_vault", "password": "Vau1tPassword",
	})
	write(t, c, "database/roles/app", map[string]any{"db_name": "db", "creation_statements": tg.creation, "default_ttl": "1h", "max_ttl": "2h"})
	write(t, c, "database/roles/short", map[string]any{"db_name": "db", "creation_statements": tg.creation, "default_ttl": short, "max_ttl": "1h"})
}

// gone waits until none of the users exist.
func (tg *target) gone(t *testing.T, d time.Duration, users ...creds) {
	t.Helper()
	for _, u := range users {
		eventually(t, d, "user "+u.Username+" to be dropped", func() bool {
			ok, err := tg.exists(context.Background(), u.Username)
			return err == nil && !ok
		})
	}
}

// leasesUnder lists the lease ids under a prefix.
func leasesUnder(t *testing.T, c *vault.Client, prefix string) []any {
	t.Helper()
	s, err := c.Logical().List("sys/leases/lookup/" + prefix)
	if err != nil {
		t.Fatalf("list leases under %s: %v", prefix, err)
	}
	if s == nil {
		return nil
	}
	keys, _ := s.Data["keys"].([]any)
	return keys
}

func testLeases(t *testing.T, tg *target) {
	ctx := context.Background()
	s := devWithDatabase(t)
	c := s.Client
	configure(t, c, tg, "4s")

	// A lease, renewable, and revoking it drops the user.
	a := readCreds(t, c, "database/creds/app")
	if a.LeaseID == "" || a.TTL != 3600 {
		t.Fatalf("creds lease = %+v", a)
	}
	tg.mustExist(t, a.Username, true)
	ren, err := c.Sys().Renew(a.LeaseID, 7200)
	if err != nil || ren.LeaseDuration > 7200 || ren.LeaseDuration < 7100 {
		t.Fatalf("renew = %+v %v", ren, err)
	}
	if err := c.Sys().Revoke(a.LeaseID); err != nil {
		t.Fatal(err)
	}
	tg.mustExist(t, a.Username, false)
	if err := tg.login(ctx, a.Username, a.Password); err == nil {
		t.Fatal("revoked user can log in")
	}

	// At its TTL the user is dropped.
	short := readCreds(t, c, "database/creds/short")
	if err := tg.login(ctx, short.Username, short.Password); err != nil {
		t.Fatal(err)
	}
	tg.gone(t, 20*time.Second, short)
	eventually(t, 10*time.Second, "the expired lease to go", func() bool { return len(leasesUnder(t, c, "database/creds/short/")) == 0 })

	// revoke-prefix drops them all.
	var batch []creds
	for i := 0; i < 3; i++ {
		batch = append(batch, readCreds(t, c, "database/creds/app"))
	}
	if err := c.Sys().RevokePrefix("database/creds/app"); err != nil {
		t.Fatal(err)
	}
	for _, u := range batch {
		tg.mustExist(t, u.Username, false)
	}

	// Revoking the token that read them drops them too.
	if err := c.Sys().PutPolicy("dbread", `path "database/creds/app" { capabilities = ["read"] }`); err != nil {
		t.Fatal(err)
	}
	child, err := c.Auth().Token().Create(&vault.TokenCreateRequest{Policies: []string{"dbread"}, TTL: "1h"})
	if err != nil {
		t.Fatal(err)
	}
	cc := s.NewClient(t, child.Auth.ClientToken)
	mine := []creds{readCreds(t, cc, "database/creds/app"), readCreds(t, cc, "database/creds/app")}
	other := readCreds(t, c, "database/creds/app")
	if err := c.Auth().Token().RevokeTree(child.Auth.ClientToken); err != nil {
		t.Fatal(err)
	}
	tg.gone(t, 20*time.Second, mine...)
	tg.mustExist(t, other.Username, true)

	// With the database down a revocation fails and the lease stays
	// visible; once the database is back it succeeds.
	tg.stop()
	if err := c.Sys().Revoke(other.LeaseID); err == nil {
		t.Fatal("revoke succeeded while the database was down")
	}
	if l, err := c.Sys().Lookup(other.LeaseID); err != nil || l == nil {
		t.Fatalf("lease not visible after a failed revocation: %v", err)
	}
	tg.start()
	eventually(t, 30*time.Second, "the revocation to succeed once the database is back", func() bool {
		return c.Sys().Revoke(other.LeaseID) == nil
	})
	tg.mustExist(t, other.Username, false)
}

// TestPostgresExpiryWhileDown: leases expire while PostgreSQL is down; they
// stay listed while their revocation fails, and once it is back every user
// is dropped.
func TestPostgresExpiryWhileDown(t *testing.T) {
	t.Parallel()
	tg := startPostgres(t)
	s := devWithDatabase(t)
	c := s.Client
	configure(t, c, tg, "4s")
	var users []creds
	for i := 0; i < 3; i++ {
		users = append(users, readCreds(t, c, "database/creds/short"))
	}
	tg.stop()
	// Well past their expiry the leases are still there: revocation keeps
	// failing and is retried.
	expired := time.Now().Add(7 * time.Second)
	eventually(t, 10*time.Second, "the leases to be past their expiry", func() bool { return time.Now().After(expired) })
	if n := len(leasesUnder(t, c, "database/creds/short/")); n != 3 {
		t.Fatalf("%d leases listed while the database is down, want 3", n)
	}
	tg.start()
	tg.gone(t, 60*time.Second, users...)
	eventually(t, 30*time.Second, "the leases to go", func() bool { return len(leasesUnder(t, c, "database/creds/short/")) == 0 })
}

// TestPostgresExpiryAcrossRestart issues a short lease on Raft storage,
// restarts the server before it expires, and checks the restarted server
// drops the user on time.
func TestPostgresExpiryAcrossRestart(t *testing.T) {
	t.Parallel()
	tg := startPostgres(t)
	dir := t.TempDir()
	s := servertest.Start(t, servertest.Options{RaftDir: dir, Dev: true})
	if err := s.Client.Sys().Mount("database", &vault.MountInput{Type: "database"}); err != nil {
		t.Fatal(err)
	}
	configure(t, s.Client, tg, "6s")
	issued := time.Now()
	u := readCreds(t, s.Client, "database/creds/short")
	long := readCreds(t, s.Client, "database/creds/app")
	key, root := s.UnsealKey, s.RootToken
	s.Stop()
	tg.mustExist(t, u.Username, true)

	s2 := servertest.Start(t, servertest.Options{RaftDir: dir})
	if _, err := s2.Client.Sys().Unseal(key); err != nil {
		t.Fatal(err)
	}
	tg.gone(t, 30*time.Second, u)
	if time.Since(issued) < 6*time.Second {
		t.Fatal("user dropped before its lease expired")
	}
	tg.mustExist(t, long.Username, true)
	c := s2.NewClient(t, root)
	if err := c.Sys().Revoke(long.LeaseID); err != nil {
		t.Fatal(err)
	}
	tg.mustExist(t, long.Username, false)
}
