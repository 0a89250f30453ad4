package database_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cofre-io/cofre/server/logical"
)

func TestPostgresEngine(t *testing.T) {
	t.Parallel()
	testEngine(t, startPostgres(t))
}

func TestMySQLEngine(t *testing.T) {
	t.Parallel()
	testEngine(t, startMySQL(t))
}

// testEngine drives the engine through the Vault client against a real
// database: configuration checks, dynamic users that can log in, renewal,
// revocation (idempotent, and failing while the database is down), root
// rotation and static roles.
func testEngine(t *testing.T, tg *target) {
	ctx := context.Background()
	s := devWithDatabase(t)
	c := s.Client
	vaultPass := "Init1alPassw0rd"
	tg.makeSuperuser(t, "cofre_vault", vaultPass)

	// Wrong credentials: 400 naming the problem, nothing stored.
	_, err := c.Logical().Write("database/config/db", map[string]any{
		"plugin_name": tg.plugin, "connection_url": tg.url, "allowed_roles": "app,static*",
		"username": "cofre_vault", "password": "wrong-password",
	})
	if statusOf(err) != 400 || !strings.Contains(err.Error(), "verifying connection") {
		t.Fatalf("config with a wrong password: %v", err)
	}
	if strings.Contains(err.Error(), "wrong-password") {
		t.Fatalf("error shows the password: %v", err)
	}
	if sec, err := c.Logical().Read("database/config/db"); err != nil || sec != nil {
		t.Fatalf("refused config was stored: %v %v", sec, err)
	}
	// A malformed URL is refused too.
	if _, err := c.Logical().Write("database/config/db", map[string]any{
		"plugin_name": tg.plugin, "connection_url": "postgres://%zz{{username}}@[::1", "username": "u", "password": "p",
	}); statusOf(err) != 400 {
		t.Fatalf("config with a bad URL: %v", err)
	}

	write(t, c, "database/config/db", map[string]any{
		"plugin_name": tg.plugin, "connection_url": tg.url, "allowed_roles": "app,static*",
		"username": "cofre_vault", "password": vaultPass, "max_open_connections": 3,
	})
	cfg := read(t, c, "database/config/db")
	details, _ := cfg.Data["connection_details"].(map[string]any)
	if details["username"] != "cofre_vault" || details["connection_url"] != tg.url {
		t.Fatalf("config read = %v", cfg.Data)
	}
	if _, ok := details["password"]; ok || strings.Contains(strings.ToLower(toJSON(cfg.Data)), strings.ToLower(vaultPass)) {
		t.Fatalf("config read shows the password: %v", cfg.Data)
	}
	list, err := c.Logical().List("database/config")
	if err != nil || list == nil || len(list.Data["keys"].([]any)) != 1 {
		t.Fatalf("list config = %v %v", list, err)
	}

	write(t, c, "database/roles/app", map[string]any{
		"db_name": "db", "creation_statements": tg.creation, "revocation_statements": tg.revocation,
		"default_ttl": "1h", "max_ttl": "24h",
	})
	write(t, c, "database/roles/other", map[string]any{"db_name": "db", "creation_statements": tg.creation})
	if _, err := c.Logical().Read("database/creds/other"); statusOf(err) != 400 {
		t.Fatalf("creds of a role the connection does not allow: %v", err)
	}

	// A creation that fails part-way leaves no user behind.
	write(t, c, "database/roles/broken", map[string]any{"db_name": "db", "creation_statements": []string{tg.creation, "GRANT NOTHING TO NOBODY WITH NONSENSE"}})
	write(t, c, "database/config/db", map[string]any{"allowed_roles": "app,static*,broken"})
	if _, err := c.Logical().Read("database/creds/broken"); statusOf(err) != 500 {
		t.Fatalf("creds of a broken role: %v", err)
	}
	if n := tg.usersLike(t, "v-root-broken%"); n != 0 {
		t.Fatalf("failed creation left %d users", n)
	}

	// Each read is a distinct user that can log in.
	a := readCreds(t, c, "database/creds/app")
	b := readCreds(t, c, "database/creds/app")
	if a.Username == b.Username || a.Password == b.Password {
		t.Fatalf("two reads gave the same credentials: %+v %+v", a, b)
	}
	if !strings.HasPrefix(a.Username, "v-root-app-") {
		t.Fatalf("username %q does not follow the default template", a.Username)
	}
	for _, cr := range []creds{a, b} {
		if err := tg.login(ctx, cr.Username, cr.Password); err != nil {
			t.Fatalf("login as %s: %v", cr.Username, err)
		}
	}

	// Revoke drops the user; revoking again succeeds.
	if _, err := backendCall(t, s, "database", logical.RevokeOperation, credsSecret(a.Username, "app", "db")); err != nil {
		t.Fatalf("revoke: %v", err)
	}
	tg.mustExist(t, a.Username, false)
	if err := tg.login(ctx, a.Username, a.Password); err == nil {
		t.Fatal("revoked user can still log in")
	}
	if _, err := backendCall(t, s, "database", logical.RevokeOperation, credsSecret(a.Username, "app", "db")); err != nil {
		t.Fatalf("second revoke: %v", err)
	}

	// The database going down makes revocation fail (so it is retried);
	// once it is back, revocation succeeds.
	tg.stop()
	if _, err := backendCall(t, s, "database", logical.RevokeOperation, credsSecret(b.Username, "app", "db")); err == nil {
		t.Fatal("revoke succeeded while the database was down")
	}
	tg.start()
	tg.mustExist(t, b.Username, true)
	if _, err := backendCall(t, s, "database", logical.RevokeOperation, credsSecret(b.Username, "app", "db")); err != nil {
		t.Fatalf("revoke after restart: %v", err)
	}
	tg.mustExist(t, b.Username, false)

	// Root rotation: the old password stops working, the engine goes on.
	write(t, c, "database/rotate-root/db", nil)
	if err := tg.login(ctx, "cofre_vault", vaultPass); err == nil {
		t.Fatal("old root password still works after rotate-root")
	}
	after := readCreds(t, c, "database/creds/app")
	if err := tg.login(ctx, after.Username, after.Password); err != nil {
		t.Fatalf("login after root rotation: %v", err)
	}
	if strings.Contains(toJSON(read(t, c, "database/config/db").Data), "password\":\"") {
		t.Fatal("config read shows a password after rotation")
	}
	write(t, c, "database/reset/db", nil)
	if _, err := backendCall(t, s, "database", logical.RevokeOperation, credsSecret(after.Username, "app", "db")); err != nil {
		t.Fatalf("revoke after reset: %v", err)
	}
	tg.mustExist(t, after.Username, false)

	// A role with no revocation statements uses the plugin's defaults.
	write(t, c, "database/roles/app", map[string]any{"revocation_statements": []string{}})
	d := readCreds(t, c, "database/creds/app")
	tg.mustExist(t, d.Username, true)
	if _, err := backendCall(t, s, "database", logical.RevokeOperation, credsSecret(d.Username, "app", "db")); err != nil {
		t.Fatalf("default revoke: %v", err)
	}
	tg.mustExist(t, d.Username, false)

	// Static role: the engine takes over an existing user's password.
	tg.makeSuperuser(t, "static_app", "Sta7icInitialPw")
	write(t, c, "database/static-roles/static1", map[string]any{"db_name": "db", "username": "static_app", "rotation_period": "1h"})
	if err := tg.login(ctx, "static_app", "Sta7icInitialPw"); err == nil {
		t.Fatal("static role creation did not rotate the password")
	}
	sc1 := read(t, c, "database/static-creds/static1").Data
	pw1, _ := sc1["password"].(string)
	if sc1["username"] != "static_app" || pw1 == "" || sc1["last_vault_rotation"] == "" {
		t.Fatalf("static creds = %v", sc1)
	}
	if err := tg.login(ctx, "static_app", pw1); err != nil {
		t.Fatalf("login with static creds: %v", err)
	}
	write(t, c, "database/rotate-role/static1", nil)
	pw2, _ := read(t, c, "database/static-creds/static1").Data["password"].(string)
	if pw2 == pw1 {
		t.Fatal("rotate-role kept the password")
	}
	if err := tg.login(ctx, "static_app", pw1); err == nil {
		t.Fatal("old static password still works")
	}
	if err := tg.login(ctx, "static_app", pw2); err != nil {
		t.Fatalf("login with rotated static password: %v", err)
	}
	// A static role for a user that does not exist is refused and not kept.
	if _, err := c.Logical().Write("database/static-roles/static2", map[string]any{"db_name": "db", "username": "no_such_user", "rotation_period": "1h"}); err == nil {
		t.Fatal("static role for a missing user accepted")
	}
	if sec, _ := c.Logical().Read("database/static-roles/static2"); sec != nil {
		t.Fatalf("refused static role kept: %v", sec.Data)
	}
}

// TestPostgresRenewAndRotationSchedule checks what only PostgreSQL shows:
// renewal moves VALID UNTIL, and the rotator rotates a static role on its
// period.
func TestPostgresRenewAndRotationSchedule(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tg := startPostgres(t)
	s := devWithDatabase(t)
	c := s.Client
	tg.makeSuperuser(t, "cofre_vault", "Vau1tPassword")
	write(t, c, "database/config/pg", map[string]any{
		"plugin_name": tg.plugin, "connection_url": tg.url, "allowed_roles": "*",
		"username": "cofre_vault", "password": "Vau1tPassword",
	})
	write(t, c, "database/roles/app", map[string]any{"db_name": "pg", "creation_statements": tg.creation, "default_ttl": "10m", "max_ttl": "2h"})
	cr := readCreds(t, c, "database/creds/app")
	validUntil := func() time.Time {
		var v time.Time
		if err := tg.admin.QueryRowContext(ctx, "SELECT rolvaliduntil FROM pg_roles WHERE rolname = $1", cr.Username).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	before := validUntil()
	if d := time.Until(before); d < 9*time.Minute || d > 11*time.Minute {
		t.Fatalf("VALID UNTIL is %v away, want about 10m", d)
	}
	secret := credsSecret(cr.Username, "app", "pg")
	secret.TTL = time.Hour
	secret.IssueTime = time.Now()
	resp, err := backendCall(t, s, "database", logical.RenewOperation, secret)
	if err != nil {
		t.Fatalf("renew: %v", err)
	}
	if resp == nil || resp.Secret == nil || resp.Secret.TTL < 59*time.Minute || resp.Secret.TTL > time.Hour {
		t.Fatalf("renew answer = %+v", resp)
	}
	after := validUntil()
	if d := time.Until(after); d < 59*time.Minute || d > 61*time.Minute {
		t.Fatalf("after renew VALID UNTIL is %v away, want about 1h", d)
	}
	// Past the max TTL the expiry is capped at issue + max_ttl.
	secret.TTL = 10 * time.Hour
	if _, err := backendCall(t, s, "database", logical.RenewOperation, secret); err != nil {
		t.Fatalf("renew: %v", err)
	}
	if d := time.Until(validUntil()); d > 2*time.Hour+time.Minute || d < 2*time.Hour-time.Minute {
		t.Fatalf("capped VALID UNTIL is %v away, want about 2h", d)
	}

	tg.makeSuperuser(t, "rotating", "Rotat1ngInitial")
	write(t, c, "database/static-roles/rot", map[string]any{"db_name": "pg", "username": "rotating", "rotation_period": "5s"})
	first := read(t, c, "database/static-creds/rot").Data["password"]
	eventually(t, 30*time.Second, "the rotator to rotate the static role", func() bool {
		return read(t, c, "database/static-creds/rot").Data["password"] != first
	})
	now := read(t, c, "database/static-creds/rot").Data
	if err := tg.login(ctx, "rotating", now["password"].(string)); err != nil {
		t.Fatalf("login with the scheduled password: %v", err)
	}
}
