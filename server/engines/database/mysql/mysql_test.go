package mysql

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cofre-io/cofre/server/engines/database/dbplugin"
	"github.com/cofre-io/cofre/server/engines/database/dbtest"
)

func TestUsernameRules(t *testing.T) {
	if r := (Plugin{}).Usernames(); r.MaxLength != 32 {
		t.Fatalf("max length = %d", r.MaxLength)
	}
	if r := (Plugin{Legacy: true}).Usernames(); r.MaxLength != 16 {
		t.Fatalf("legacy max length = %d", r.MaxLength)
	}
}

// TestAgainstMariaDB runs the plugin against a real server: an awkward
// root password in the DSN, creation with rollback by default revocation,
// accounts on several hosts, password changes including the root's own.
func TestAgainstMariaDB(t *testing.T) {
	ctx := context.Background()
	m := dbtest.StartMySQL(t)
	admin := m.Admin()
	rootPass := `r@@t:/pass'w0rd`
	for _, q := range []string{
		"CREATE USER 'vault_root'@'%' IDENTIFIED BY " + literal(rootPass),
		"GRANT ALL PRIVILEGES ON *.* TO 'vault_root'@'%' WITH GRANT OPTION",
	} {
		if _, err := admin.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	db, err := Plugin{}.Open(ctx, dbplugin.ConnectionConfig{URL: m.URLTemplate, Username: "vault_root", Password: rootPass})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Ping(ctx); err != nil {
		t.Fatal(err)
	}

	creation := []string{"CREATE USER '{{name}}'@'%' IDENTIFIED BY '{{password}}'; CREATE USER '{{name}}'@'localhost' IDENTIFIED BY '{{password}}'", "GRANT SELECT ON app.* TO '{{name}}'@'%'"}
	if err := db.CreateUser(ctx, dbplugin.CreateUserRequest{Username: "v-dyn-1", Password: "Passw0rdOne", Expiration: time.Now().Add(time.Hour), Creation: creation}); err != nil {
		t.Fatal(err)
	}
	if err := m.Login(ctx, "v-dyn-1", "Passw0rdOne"); err != nil {
		t.Fatal(err)
	}
	// A creation failing after CREATE USER (committed implicitly) is undone.
	bad := []string{"CREATE USER '{{name}}'@'%' IDENTIFIED BY '{{password}}'", "GRANT SELECT ON no_such_db.* TO nobody_here"}
	err = db.CreateUser(ctx, dbplugin.CreateUserRequest{Username: "v-dyn-bad", Password: "Passw0rdTwo", Creation: bad})
	var se *dbplugin.StatementError
	if !errors.As(err, &se) || se.Index != 2 {
		t.Fatalf("failing creation: %v", err)
	}
	if ok, _ := m.UserExists(ctx, "v-dyn-bad"); ok {
		t.Fatal("failed creation left the user")
	}

	if err := db.ChangePassword(ctx, dbplugin.ChangePasswordRequest{Username: "v-dyn-1", Password: "NewPassw0rd"}); err != nil {
		t.Fatal(err)
	}
	if err := m.Login(ctx, "v-dyn-1", "NewPassw0rd"); err != nil {
		t.Fatal(err)
	}
	if err := db.ChangePassword(ctx, dbplugin.ChangePasswordRequest{Username: "nobody", Password: "x"}); !errors.Is(err, ErrNoSuchUser) {
		t.Fatalf("change of a missing user: %v", err)
	}
	// The default revocation drops the accounts on every host; again is a
	// no-op.
	for i := 0; i < 2; i++ {
		if err := db.RevokeUser(ctx, dbplugin.RevokeUserRequest{Username: "v-dyn-1"}); err != nil {
			t.Fatalf("revoke %d: %v", i, err)
		}
	}
	if ok, _ := m.UserExists(ctx, "v-dyn-1"); ok {
		t.Fatal("revoked user exists")
	}

	if err := db.ChangePassword(ctx, dbplugin.ChangePasswordRequest{Username: "vault_root", Password: "RotatedR00t", Self: true}); err != nil {
		t.Fatal(err)
	}
	if err := m.Login(ctx, "vault_root", rootPass); err == nil {
		t.Fatal("old root password still works")
	}
	if err := m.Login(ctx, "vault_root", "RotatedR00t"); err != nil {
		t.Fatal(err)
	}
	m.Stop()
	if err := db.RevokeUser(ctx, dbplugin.RevokeUserRequest{Username: "anyone"}); err == nil {
		t.Fatal("revoke succeeded while the server was down")
	}
}
