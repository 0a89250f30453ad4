package csie2e

import (
	"strings"
	"testing"
	"time"

	vault "github.com/hashicorp/vault/api"

	"github.com/cofre-io/cofre/server/engines/database/dbtest"
)

const dbObjects = `
- objectName: db-username
  secretPath: database/creds/app
  secretKey: username
- objectName: db-password
  secretPath: database/creds/app
  secretKey: password
`

// Lease times of the database role: short, so that the test sees
// several renewals and the replacement before max TTL.
const (
	dbTTL    = 9 * time.Second
	dbMaxTTL = 30 * time.Second
)

// TestDatabaseLease: a dynamic PostgreSQL credential is renewed (same
// username, lease extended, no file churn) at the provider's refresh
// hints, with no rotation interval in play, and replaced by a new one
// before the lease's max TTL.
func TestDatabaseLease(t *testing.T) {
	e := newEnv(t, "csi-db")
	ctx := t.Context()
	pg := dbtest.StartPostgres(t)
	if err := e.srv.Client.Sys().Mount("database", &vault.MountInput{Type: "database"}); err != nil {
		t.Fatal(err)
	}
	e.write("database/config/db", map[string]any{
		"plugin_name": "postgresql-database-plugin", "connection_url": pg.URLTemplate, "allowed_roles": "app",
		"username": pg.AdminUser, "password": pg.AdminPassword,
	})
	e.write("database/roles/app", map[string]any{
		"db_name":               "db",
		"creation_statements":   `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';`,
		"revocation_statements": `DROP ROLE IF EXISTS "{{name}}";`,
		"default_ttl":           dbTTL.String(), "max_ttl": dbMaxTTL.String(),
	})
	e.createClass("pg", nil, map[string]string{"roleName": "app", "audience": audience, "objects": dbObjects}, nil)
	v := e.newVolume("app-0", "pg", 0)
	published := time.Now()
	v.mustPublish()
	user1, pass1 := v.read("db-username"), v.read("db-password")
	if user1 == "" || pass1 == "" {
		t.Fatalf("no credentials in the volume: %q", user1)
	}
	if err := pg.Login(ctx, user1, pass1); err != nil {
		t.Fatalf("mounted credentials do not log in: %v", err)
	}
	leases := e.leases()
	if len(leases) != 1 {
		t.Fatalf("%d leases after the mount, want 1", len(leases))
	}
	first := leases[0]
	issued, expire0 := e.leaseTimes(first)

	// Renewed at the provider's hints: the lease outlives its first TTL
	// while the volume keeps the same credential and generation.
	waitFor(t, "a renewal of the lease", func() bool {
		_, exp := e.leaseTimes(first)
		return exp.After(expire0.Add(time.Second))
	})
	waitFor(t, "the credential to outlive its first TTL", func() bool {
		return time.Since(published) > dbTTL+time.Second
	})
	if got := v.read("db-username"); got != user1 {
		t.Fatalf("credential replaced at %v, before the first TTL had run out twice: renewal expected", time.Since(published))
	}
	if n := len(e.leases()); n != 1 {
		t.Errorf("%d leases while renewing, want 1 (no re-issue)", n)
	}
	if got := v.read("..version"); got != "1\n" {
		t.Errorf("..version = %q after renewals, want no change", got)
	}
	if err := pg.Login(ctx, user1, pass1); err != nil {
		t.Errorf("renewed credentials do not log in: %v", err)
	}

	// Replaced before the max TTL of the first lease.
	deadline := issued.Add(dbMaxTTL)
	waitFor(t, "a new credential", func() bool { u := v.read("db-username"); return u != "" && u != user1 })
	replaced := time.Now()
	if !replaced.Before(deadline) {
		t.Errorf("credential replaced at %v, after the first lease's max TTL (%v)", replaced.Sub(issued), dbMaxTTL)
	}
	user2, pass2 := v.read("db-username"), v.read("db-password")
	if pass2 == pass1 || !strings.HasPrefix(v.read("..version"), "2") {
		t.Errorf("replacement: password changed %v, ..version %q", pass2 != pass1, v.read("..version"))
	}
	if err := pg.Login(ctx, user2, pass2); err != nil {
		t.Errorf("new credentials do not log in: %v", err)
	}
	t.Logf("issued at +0, renewed until replaced at +%v (max TTL %v)", replaced.Sub(issued).Round(100*time.Millisecond), dbMaxTTL)
}

// leases lists the lease IDs of database/creds/app.
func (e *env) leases() []string {
	e.t.Helper()
	s, err := e.srv.Client.Logical().List("sys/leases/lookup/database/creds/app/")
	if err != nil {
		e.t.Fatalf("list leases: %v", err)
	}
	if s == nil {
		return nil
	}
	keys, _ := s.Data["keys"].([]any)
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		out = append(out, "database/creds/app/"+k.(string))
	}
	return out
}

// leaseTimes returns a lease's issue and expire times.
func (e *env) leaseTimes(id string) (issued, expires time.Time) {
	e.t.Helper()
	s, err := e.srv.Client.Logical().Write("sys/leases/lookup", map[string]any{"lease_id": id})
	if err != nil {
		e.t.Fatalf("lookup %s: %v", id, err)
	}
	parse := func(k string) time.Time {
		str, _ := s.Data[k].(string)
		t, err := time.Parse(time.RFC3339Nano, str)
		if err != nil {
			e.t.Fatalf("lease %s %s %q: %v", id, k, str, err)
		}
		return t
	}
	return parse("issue_time"), parse("expire_time")
}
