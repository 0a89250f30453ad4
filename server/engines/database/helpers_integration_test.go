package database_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	vault "github.com/hashicorp/vault/api"

	"github.com/cofre-io/cofre/server/engines/database/dbtest"
	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/servertest"
)

// target is a real database server under test, PostgreSQL or MariaDB.
type target struct {
	plugin string
	// url is the engine's connection_url template.
	url string
	// admin runs setup statements as the harness's administrator.
	admin *sql.DB
	// login connects as a user with a password and runs SELECT 1.
	login func(ctx context.Context, user, password string) error
	// exists reports whether a database user of that name exists.
	exists func(ctx context.Context, user string) (bool, error)
	stop   func()
	start  func()
	// creation and revocation are the role's statements.
	creation, revocation string
	// countLike counts users whose names match a LIKE pattern ($1 / ?).
	countLike string
	// superuser is a statement template making a privileged user for the
	// engine (%[1]s name, %[2]s password).
	superuser string
}

func startPostgres(t *testing.T) *target {
	p := dbtest.StartPostgres(t)
	return &target{
		plugin: "postgresql-database-plugin",
		url:    p.URLTemplate,
		admin:  p.Admin(),
		login:  p.Login,
		exists: p.RoleExists,
		stop:   p.Stop,
		start:  p.Start,
		creation: `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';
			GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{{name}}";`,
		revocation: `REVOKE ALL PRIVILEGES ON ALL TABLES IN SCHEMA public FROM "{{name}}";
			DROP ROLE IF EXISTS "{{name}}";`,
		superuser: `CREATE ROLE %[1]s WITH LOGIN SUPERUSER PASSWORD '%[2]s'`,
		countLike: "SELECT count(*) FROM pg_roles WHERE rolname LIKE $1",
	}
}

func startMySQL(t *testing.T) *target {
	m := dbtest.StartMySQL(t)
	return &target{
		plugin: "mysql-database-plugin",
		url:    m.URLTemplate,
		admin:  m.Admin(),
		login:  m.Login,
		exists: m.UserExists,
		stop:   m.Stop,
		start:  m.Start,
		creation: `CREATE USER '{{name}}'@'%' IDENTIFIED BY '{{password}}';
			GRANT SELECT ON app.* TO '{{name}}'@'%';`,
		revocation: `DROP USER IF EXISTS '{{name}}'@'%'`,
		superuser:  `CREATE USER '%[1]s'@'%%' IDENTIFIED BY '%[2]s'; GRANT ALL PRIVILEGES ON *.* TO '%[1]s'@'%%' WITH GRANT OPTION`,
		countLike:  "SELECT COUNT(*) FROM mysql.user WHERE User LIKE ?",
	}
}

// exec runs setup statements as the administrator.
func (tg *target) exec(t *testing.T, stmts ...string) {
	t.Helper()
	for _, q := range stmts {
		if _, err := tg.admin.ExecContext(context.Background(), q); err != nil {
			t.Fatalf("setup %q: %v", q, err)
		}
	}
}

// makeSuperuser creates a privileged user for the engine to connect as.
func (tg *target) makeSuperuser(t *testing.T, name, password string) {
	t.Helper()
	q := fmt.Sprintf(tg.superuser, name, password)
	for _, s := range splitSetup(q) {
		tg.exec(t, s)
	}
}

func splitSetup(q string) []string {
	var out []string
	start := 0
	for i := 0; i < len(q); i++ {
		if q[i] == ';' {
			out = append(out, q[start:i])
			start = i + 1
		}
	}
	return append(out, q[start:])
}

func (tg *target) mustExist(t *testing.T, user string, want bool) {
	t.Helper()
	got, err := tg.exists(context.Background(), user)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("user %s exists = %v, want %v", user, got, want)
	}
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		<-tick.C
	}
}

// devWithDatabase starts a dev server with the engine at database/.
func devWithDatabase(t *testing.T) *servertest.Server {
	t.Helper()
	s := servertest.StartDev(t)
	if err := s.Client.Sys().Mount("database", &vault.MountInput{Type: "database"}); err != nil {
		t.Fatal(err)
	}
	return s
}

// write writes data at path and fails the test on error.
func write(t *testing.T, c *vault.Client, path string, data map[string]any) *vault.Secret {
	t.Helper()
	s, err := c.Logical().Write(path, data)
	if err != nil {
		t.Fatalf("write %s: %v", path, err)
	}
	return s
}

func read(t *testing.T, c *vault.Client, path string) *vault.Secret {
	t.Helper()
	s, err := c.Logical().Read(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	if s == nil {
		t.Fatalf("read %s: nothing there", path)
	}
	return s
}

// statusOf returns the HTTP status of a Vault client error (0 if none).
func statusOf(err error) int {
	var re *vault.ResponseError
	if errors.As(err, &re) {
		return re.StatusCode
	}
	return 0
}

// creds is a dynamic credential as a client sees it.
type creds struct {
	Username, Password, LeaseID string
	TTL                         int
}

func readCreds(t *testing.T, c *vault.Client, path string) creds {
	t.Helper()
	s := read(t, c, path)
	u, _ := s.Data["username"].(string)
	p, _ := s.Data["password"].(string)
	if u == "" || p == "" {
		t.Fatalf("creds %s = %v", path, s.Data)
	}
	return creds{Username: u, Password: p, LeaseID: s.LeaseID, TTL: s.LeaseDuration}
}

// backendCall sends a lease operation straight to the engine mounted at
// mount, as the lease manager does.
func backendCall(t *testing.T, s *servertest.Server, mount string, op logical.Operation, secret *logical.Secret) (*logical.Response, error) {
	t.Helper()
	route, _, ok := s.Core.Mounts().Route(mount + "/")
	if !ok {
		t.Fatalf("no mount at %s", mount)
	}
	return route.Backend.HandleRequest(context.Background(), &logical.Request{
		Operation:  op,
		Path:       "creds/x",
		MountPoint: mount + "/",
		Storage:    route.View,
		Secret:     secret,
	})
}

// credsSecret rebuilds the lease data of a credential of role on db.
func credsSecret(user, role, db string) *logical.Secret {
	return &logical.Secret{InternalData: map[string]any{"secret_type": "creds", "username": user, "role": role, "db_name": db}}
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// usersLike counts database users whose names match a LIKE pattern.
func (tg *target) usersLike(t *testing.T, pattern string) int {
	t.Helper()
	var n int
	if err := tg.admin.QueryRowContext(context.Background(), tg.countLike, pattern).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
