package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cofre-io/cofre/server/engines/database/dbplugin"
	"github.com/cofre-io/cofre/server/engines/database/dbtest"
)

func TestRenderURL(t *testing.T) {
	got := renderURL("postgres://{{username}}:{{password}}@h/db", "u@x", "p:/@ %'")
	if want := "postgres://u%40x:p%3A%2F%40%20%25%27@h/db"; got != want {
		t.Fatalf("URI form = %q, want %q", got, want)
	}
	got = renderURL("host=h user={{username}} password='{{password}}'", "u", `a b'c\d`)
	if want := `host=h user=u password='a\ b\'c\\d'`; got != want {
		t.Fatalf("keyword/value form = %q, want %q", got, want)
	}
}

// TestAgainstPostgres runs the plugin against a real server: awkward root
// passwords in both URL forms, a creation with a DO block, the default
// renewal, revocation and password change, and failures while it is down.
func TestAgainstPostgres(t *testing.T) {
	ctx := context.Background()
	pg := dbtest.StartPostgres(t)
	admin := pg.Admin()
	rootPass := `r@@t:/ pass'"\w0rd`
	if _, err := admin.ExecContext(ctx, "CREATE ROLE vault_root WITH LOGIN SUPERUSER PASSWORD "+literal(rootPass)); err != nil {
		t.Fatal(err)
	}
	kv := fmt.Sprintf("host=127.0.0.1 port=%d dbname=postgres sslmode=disable user={{username}} password={{password}}", pg.Port)
	for _, u := range []string{pg.URLTemplate, kv} {
		db, err := Plugin{}.Open(ctx, dbplugin.ConnectionConfig{URL: u, Username: "vault_root", Password: rootPass})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Ping(ctx); err != nil {
			t.Fatalf("ping with %q: %v", u, err)
		}
		db.Close()
	}
	db, err := Plugin{}.Open(ctx, dbplugin.ConnectionConfig{URL: pg.URLTemplate, Username: "vault_root", Password: rootPass, MaxOpen: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	creation := []string{`CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'app_readers') THEN
    CREATE ROLE app_readers; -- a semicolon inside the body
  END IF;
END
$$;
GRANT app_readers TO "{{name}}";`}
	exp := time.Now().Add(time.Hour)
	if err := db.CreateUser(ctx, dbplugin.CreateUserRequest{Username: "v-dyn-1", Password: "Passw0rdOne", Expiration: exp, Creation: creation}); err != nil {
		t.Fatal(err)
	}
	if err := pg.Login(ctx, "v-dyn-1", "Passw0rdOne"); err != nil {
		t.Fatal(err)
	}
	var member bool
	if err := admin.QueryRowContext(ctx, "SELECT pg_has_role('v-dyn-1', 'app_readers', 'MEMBER')").Scan(&member); err != nil || !member {
		t.Fatalf("DO block and grant did not run: %v %v", member, err)
	}

	// A failing creation leaves nothing.
	bad := []string{`CREATE ROLE "{{name}}" LOGIN PASSWORD '{{password}}'`, `GRANT no_such_role TO "{{name}}"`}
	err = db.CreateUser(ctx, dbplugin.CreateUserRequest{Username: "v-dyn-bad", Password: "Passw0rdTwo", Creation: bad})
	var se *dbplugin.StatementError
	if !errors.As(err, &se) || se.Index != 2 {
		t.Fatalf("failing creation: %v", err)
	}
	if ok, _ := pg.RoleExists(ctx, "v-dyn-bad"); ok {
		t.Fatal("failed creation left the role")
	}

	later := time.Now().Add(48 * time.Hour).Truncate(time.Second)
	if err := db.RenewUser(ctx, dbplugin.RenewUserRequest{Username: "v-dyn-1", Expiration: later}); err != nil {
		t.Fatal(err)
	}
	var until time.Time
	if err := admin.QueryRowContext(ctx, "SELECT rolvaliduntil FROM pg_roles WHERE rolname = 'v-dyn-1'").Scan(&until); err != nil || !until.Equal(later) {
		t.Fatalf("VALID UNTIL = %v (%v), want %v", until, err, later)
	}

	if err := db.ChangePassword(ctx, dbplugin.ChangePasswordRequest{Username: "v-dyn-1", Password: "NewPassw0rd"}); err != nil {
		t.Fatal(err)
	}
	if err := pg.Login(ctx, "v-dyn-1", "NewPassw0rd"); err != nil {
		t.Fatal(err)
	}
	// The role owns a table: the default revocation hands it over and drops
	// the role.
	if _, err := admin.ExecContext(ctx, `CREATE TABLE owned (x int); ALTER TABLE owned OWNER TO "v-dyn-1"`); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if err := db.RevokeUser(ctx, dbplugin.RevokeUserRequest{Username: "v-dyn-1"}); err != nil {
			t.Fatalf("revoke %d: %v", i, err)
		}
	}
	if ok, _ := pg.RoleExists(ctx, "v-dyn-1"); ok {
		t.Fatal("revoked role exists")
	}
	if err := db.RevokeUser(ctx, dbplugin.RevokeUserRequest{Username: `x"; DROP TABLE owned; --`}); !errors.Is(err, dbplugin.ErrUnsafeName) {
		t.Fatalf("unsafe name: %v", err)
	}

	if err := db.ChangePassword(ctx, dbplugin.ChangePasswordRequest{Username: "vault_root", Password: "RotatedR00t", Self: true}); err != nil {
		t.Fatal(err)
	}
	if err := pg.Login(ctx, "vault_root", rootPass); err == nil || !strings.Contains(err.Error(), "password") {
		t.Fatalf("old root password: %v", err)
	}

	pg.Stop()
	if err := db.RevokeUser(ctx, dbplugin.RevokeUserRequest{Username: "anyone"}); err == nil {
		t.Fatal("revoke succeeded while the server was down")
	}
}
