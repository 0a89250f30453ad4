package database

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cofre-io/cofre/server/logical"
)

func TestConfigRefusedWhenVerificationFails(t *testing.T) {
	f := newFixture(t)
	_, err := f.do(logical.UpdateOperation, "config/db", map[string]any{
		"plugin_name": "fake-database-plugin", "connection_url": "x", "username": "root", "password": "badpw-secret",
	})
	if !errors.Is(err, logical.ErrInvalidRequest) || !strings.Contains(err.Error(), "password authentication failed") {
		t.Fatalf("err = %v", err)
	}
	if e, _ := f.view.Get(context.Background(), "config/db"); e != nil {
		t.Fatal("refused configuration stored")
	}
	// Without verification the same configuration is stored.
	f.must(logical.UpdateOperation, "config/db", map[string]any{
		"plugin_name": "fake-database-plugin", "connection_url": "x", "username": "root", "password": "badpw-secret", "verify_connection": false,
	})
	for _, bad := range []map[string]any{
		{"connection_url": "x"},
		{"plugin_name": "nope-database-plugin", "connection_url": "x"},
		{"plugin_name": "fake-database-plugin"},
		{"plugin_name": "fake-database-plugin", "connection_url": "x", "username_template": "{{range 5}}x{{end}}"},
		{"plugin_name": "fake-database-plugin", "connection_url": "x", "username_template": "{{ printf \"%999999d\" 1 }}"},
	} {
		if _, err := f.do(logical.UpdateOperation, "config/other", bad); !errors.Is(err, logical.ErrInvalidRequest) {
			t.Errorf("config %v: err = %v", bad, err)
		}
	}
}

func TestConfigReadHidesPassword(t *testing.T) {
	f := newFixture(t)
	f.setup()
	resp := f.must(logical.ReadOperation, "config/db", nil)
	if strings.Contains(strings.ToLower(toJSONString(resp.Data)), "rootpw") {
		t.Fatalf("config read shows the password: %v", resp.Data)
	}
	if resp.Data["plugin_name"] != "fake-database-plugin" || resp.Data["verify_connection"] != true {
		t.Fatalf("config = %v", resp.Data)
	}
	// An update that leaves the password out keeps it.
	f.must(logical.UpdateOperation, "config/db", map[string]any{"allowed_roles": "app"})
	if c, _ := f.b.loadConfig(context.Background(), "db"); c.Password != "rootpw" || len(c.AllowedRoles) != 1 {
		t.Fatalf("stored after update = %+v", c)
	}
}

func TestCredsLifecycle(t *testing.T) {
	f := newFixture(t)
	f.setup()
	resp := f.must(logical.ReadOperation, "creds/app", nil)
	user, pw := resp.Data["username"].(string), resp.Data["password"].(string)
	u, ok := f.fake.user(user)
	if !ok || u.password != pw {
		t.Fatalf("user %q not created with the returned password", user)
	}
	if want := f.clock.Now().Add(30 * time.Minute); !u.expires.Equal(want) {
		t.Fatalf("expiration = %v, want %v", u.expires, want)
	}
	s := resp.Secret
	if s == nil || s.TTL != 30*time.Minute || s.MaxTTL != 2*time.Hour || !s.Renewable {
		t.Fatalf("secret = %+v", s)
	}
	if s.InternalData["secret_type"] != "creds" || s.InternalData["username"] != user || s.InternalData["role"] != "app" || s.InternalData["db_name"] != "db" {
		t.Fatalf("internal data = %v", s.InternalData)
	}

	// Renew: the new expiry is now + the TTL asked, capped at issue + max.
	f.clock.Advance(20 * time.Minute)
	renewSecret := *s
	renewSecret.TTL = time.Hour
	r, err := f.b.HandleRequest(context.Background(), &logical.Request{Operation: logical.RenewOperation, Storage: f.view, Secret: &renewSecret})
	if err != nil || r.Secret.TTL != time.Hour {
		t.Fatalf("renew = %+v %v", r, err)
	}
	if u, _ := f.fake.user(user); !u.expires.Equal(f.clock.Now().Add(time.Hour)) {
		t.Fatalf("renewed expiry = %v", u.expires)
	}
	f.clock.Advance(90 * time.Minute)
	renewSecret.TTL = time.Hour
	r, err = f.b.HandleRequest(context.Background(), &logical.Request{Operation: logical.RenewOperation, Storage: f.view, Secret: &renewSecret})
	if err != nil || r.Secret.TTL != 10*time.Minute {
		t.Fatalf("renew near max = %+v %v", r, err)
	}

	// Revoke fails while the database is down, then succeeds, then is a
	// no-op.
	revoke := &logical.Request{Operation: logical.RevokeOperation, Storage: f.view, Secret: s}
	f.fake.setDown(true)
	if _, err := f.b.HandleRequest(context.Background(), revoke); err == nil {
		t.Fatal("revoke succeeded while the database was down")
	}
	f.fake.setDown(false)
	for i := 0; i < 2; i++ {
		if _, err := f.b.HandleRequest(context.Background(), revoke); err != nil {
			t.Fatalf("revoke %d: %v", i, err)
		}
	}
	if _, ok := f.fake.user(user); ok {
		t.Fatal("user survived revocation")
	}
}

func TestCredsChecks(t *testing.T) {
	f := newFixture(t)
	f.setup()
	if _, err := f.do(logical.ReadOperation, "creds/nope", nil); !errors.Is(err, logical.ErrInvalidRequest) {
		t.Fatalf("unknown role: %v", err)
	}
	f.must(logical.UpdateOperation, "config/db", map[string]any{"allowed_roles": "dev-*"})
	if _, err := f.do(logical.ReadOperation, "creds/app", nil); !errors.Is(err, logical.ErrInvalidRequest) {
		t.Fatalf("role not allowed: %v", err)
	}
	f.must(logical.UpdateOperation, "roles/dev-x", map[string]any{"db_name": "db", "creation_statements": "CREATE ROLE x"})
	f.must(logical.ReadOperation, "creds/dev-x", nil)

	// A failed creation returns an error without the password and leaves
	// no user.
	f.fake.failAt = 1
	before := len(f.fake.users)
	_, err := f.do(logical.ReadOperation, "creds/dev-x", nil)
	if !errors.Is(err, logical.ErrInternal) || strings.Contains(err.Error(), "near [redacted]") == false {
		t.Fatalf("failed creation: %v", err)
	}
	if len(f.fake.users) != before {
		t.Fatal("failed creation left a user")
	}
	for _, bad := range []map[string]any{
		{"creation_statements": "x"},
		{"db_name": "db"},
		{"db_name": "db", "creation_statements": "x", "default_ttl": "2h", "max_ttl": "1h"},
		{"db_name": "db", "creation_statements": "x", "credential_type": "rsa_private_key"},
	} {
		if _, err := f.do(logical.UpdateOperation, "roles/bad", bad); !errors.Is(err, logical.ErrInvalidRequest) {
			t.Errorf("role %v: err = %v", bad, err)
		}
	}
}

func TestRoleReadAndStatementForms(t *testing.T) {
	f := newFixture(t)
	f.setup()
	f.must(logical.UpdateOperation, "roles/forms", map[string]any{
		"db_name":               "db",
		"creation_statements":   `["CREATE ROLE a", "GRANT b TO a"]`,
		"revocation_statements": "RFJPUCBST0xFIGE7", // base64 of "DROP ROLE a;"
	})
	resp := f.must(logical.ReadOperation, "roles/forms", nil)
	if got := resp.Data["creation_statements"].([]string); len(got) != 2 || got[1] != "GRANT b TO a" {
		t.Fatalf("creation = %q", got)
	}
	if got := resp.Data["revocation_statements"].([]string); len(got) != 1 || got[0] != "DROP ROLE a;" {
		t.Fatalf("revocation = %q", got)
	}
	if resp.Data["default_ttl"] != int64(0) || resp.Data["credential_type"] != "password" {
		t.Fatalf("role = %v", resp.Data)
	}
	list := f.must(logical.ListOperation, "roles/", nil)
	if keys := list.Data["keys"].([]string); len(keys) != 2 {
		t.Fatalf("roles = %v", keys)
	}
}

func TestRotateRoot(t *testing.T) {
	f := newFixture(t)
	f.setup()
	f.must(logical.ReadOperation, "creds/app", nil)
	f.must(logical.UpdateOperation, "rotate-root/db", nil)
	c, _ := f.b.loadConfig(context.Background(), "db")
	if c.Password == "rootpw" || c.Password != f.fake.password || len(c.Password) != passwordLength {
		t.Fatalf("stored %q, database has %q", c.Password, f.fake.password)
	}
	// The pool was reopened with the new password: the engine still works.
	f.must(logical.ReadOperation, "creds/app", nil)

	f.must(logical.UpdateOperation, "config/nopw", map[string]any{
		"plugin_name": "fake-database-plugin", "connection_url": "fake://fixed", "verify_connection": false, "username": "root",
	})
	if _, err := f.do(logical.UpdateOperation, "rotate-root/nopw", nil); !errors.Is(err, logical.ErrInvalidRequest) {
		t.Fatalf("rotate-root without {{password}}: %v", err)
	}
}

func TestStaticRoleRotation(t *testing.T) {
	f := newFixture(t)
	f.setup()
	if _, err := f.do(logical.UpdateOperation, "static-roles/s", map[string]any{"db_name": "db", "username": "static_user", "rotation_period": "4s"}); !errors.Is(err, logical.ErrInvalidRequest) {
		t.Fatalf("short period: %v", err)
	}
	f.must(logical.UpdateOperation, "static-roles/s", map[string]any{"db_name": "db", "username": "static_user", "rotation_period": "1h"})
	creds := func() map[string]any { return f.must(logical.ReadOperation, "static-creds/s", nil).Data }
	c1 := creds()
	if u, _ := f.fake.user("static_user"); u.password != c1["password"] || u.password == "initial" {
		t.Fatalf("creation did not rotate: db %q, creds %v", u.password, c1)
	}
	if c1["ttl"] != int64(3600) || c1["rotation_period"] != int64(3600) {
		t.Fatalf("creds = %v", c1)
	}

	// Not due yet: nothing happens.
	f.clock.Advance(59 * time.Minute)
	f.b.RotateDue(context.Background())
	if c := creds(); c["password"] != c1["password"] || c["ttl"] != int64(60) {
		t.Fatalf("rotated early: %v", c)
	}
	// Due: rotated. While the database is down the rotation is retried.
	f.clock.Advance(time.Minute)
	f.fake.setDown(true)
	f.b.RotateDue(context.Background())
	if c := creds(); c["password"] != c1["password"] {
		t.Fatal("password changed while the database was down")
	}
	f.fake.setDown(false)
	f.b.RotateDue(context.Background()) // not yet: retry after retryAfter
	if c := creds(); c["password"] != c1["password"] {
		t.Fatal("retried before the retry delay")
	}
	f.clock.Advance(retryAfter)
	f.b.RotateDue(context.Background())
	c2 := creds()
	if c2["password"] == c1["password"] {
		t.Fatal("not rotated when due")
	}
	if u, _ := f.fake.user("static_user"); u.password != c2["password"] {
		t.Fatal("database and engine disagree")
	}

	// rotate-role rotates now.
	f.must(logical.UpdateOperation, "rotate-role/s", nil)
	if c3 := creds(); c3["password"] == c2["password"] {
		t.Fatal("rotate-role kept the password")
	}

	// A restart rebuilds the schedule from storage.
	b2 := f.newBackend()
	f.clock.Advance(time.Hour)
	before, _ := f.fake.user("static_user")
	b2.RotateDue(context.Background())
	if after, _ := f.fake.user("static_user"); after.password == before.password {
		t.Fatal("restarted backend did not rotate when due")
	}
}

func TestStaticRoleInterruptedRotationIsRedone(t *testing.T) {
	f := newFixture(t)
	f.setup()
	f.must(logical.UpdateOperation, "static-roles/s", map[string]any{"db_name": "db", "username": "static_user", "rotation_period": "1h"})
	r, _ := f.b.loadStaticRole(context.Background(), "s")
	r.PendingPassword = "cut-short"
	if err := putJSON(context.Background(), f.view, prefixStaticRole+"s", r); err != nil {
		t.Fatal(err)
	}
	b2 := f.newBackend()
	b2.RotateDue(context.Background())
	r2, _ := b2.loadStaticRole(context.Background(), "s")
	if r2.PendingPassword != "" || r2.Password == r.Password {
		t.Fatalf("interrupted rotation not redone: %+v", r2)
	}
	if u, _ := f.fake.user("static_user"); u.password != r2.Password {
		t.Fatal("database and engine disagree")
	}
}

func TestStaticRoleRefusals(t *testing.T) {
	f := newFixture(t)
	f.setup()
	if _, err := f.do(logical.UpdateOperation, "static-roles/x", map[string]any{"db_name": "db", "username": "nobody", "rotation_period": "1h"}); err == nil {
		t.Fatal("static role for a missing user accepted")
	}
	if e, _ := f.view.Get(context.Background(), prefixStaticRole+"x"); e != nil {
		t.Fatal("refused static role stored")
	}
	f.must(logical.UpdateOperation, "static-roles/s", map[string]any{"db_name": "db", "username": "static_user", "rotation_period": "1h"})
	if _, err := f.do(logical.UpdateOperation, "static-roles/s", map[string]any{"username": "other"}); !errors.Is(err, logical.ErrInvalidRequest) {
		t.Fatalf("username change: %v", err)
	}
	f.must(logical.UpdateOperation, "static-roles/s", map[string]any{"rotation_period": "2h"})
	if r := f.must(logical.ReadOperation, "static-roles/s", nil); r.Data["rotation_period"] != int64(7200) {
		t.Fatalf("read = %v", r.Data)
	}
	f.must(logical.DeleteOperation, "static-roles/s", nil)
	if _, ok := f.fake.user("static_user"); !ok {
		t.Fatal("deleting a static role dropped its user")
	}
}

func TestCleanupClosesPools(t *testing.T) {
	f := newFixture(t)
	f.setup()
	f.must(logical.ReadOperation, "creds/app", nil)
	f.b.Cleanup(context.Background())
	if _, err := f.do(logical.ReadOperation, "creds/app", nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("creds after cleanup: %v", err)
	}
}
