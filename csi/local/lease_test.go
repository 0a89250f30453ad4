package local

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	vault "github.com/hashicorp/vault/api"

	"github.com/cofre-io/cofre/server/engines/database/dbtest"
)

const dbClass = `apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata:
  name: pg
spec:
  provider: cofre
  parameters:
    objects: |
      - objectName: username
        secretPath: database/creds/app
        secretKey: username
      - objectName: password
        secretPath: database/creds/app
        secretKey: password
`

// TestDatabaseLeaseLocally: in local mode too a dynamic credential is
// kept and renewed (the refresh interval is a minute: only the lease's
// hints drive refreshes) and replaced before its max TTL.
func TestDatabaseLeaseLocally(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL")
	}
	w := newWorld(t)
	pg := dbtest.StartPostgres(t)
	c := w.srv.Client
	if err := c.Sys().Mount("database", &vault.MountInput{Type: "database"}); err != nil {
		t.Fatal(err)
	}
	for path, data := range map[string]map[string]any{
		"database/config/db": {"plugin_name": "postgresql-database-plugin", "connection_url": pg.URLTemplate, "allowed_roles": "app",
			"username": pg.AdminUser, "password": pg.AdminPassword},
		"database/roles/app": {"db_name": "db", "default_ttl": "6s", "max_ttl": "17s",
			"creation_statements": `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';`},
	} {
		if _, err := c.Logical().Write(path, data); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
	if err := c.Sys().PutPolicy("demo", `
path "database/creds/app" { capabilities = ["read"] }
path "sys/leases/renew" { capabilities = ["update"] }`); err != nil {
		t.Fatal(err)
	}
	w.writeClass(t, dbClass)
	target := filepath.Join(w.dir, "out")
	cfg := w.config(target)
	cfg.Token = w.token(t)
	start := time.Now()
	logs := running(t, cfg)
	waitFor(t, "credentials", func() bool { return read(t, target, "username") != "" })
	user1 := read(t, target, "username")
	if err := pg.Login(t.Context(), user1, read(t, target, "password")); err != nil {
		t.Fatalf("credentials do not log in: %v", err)
	}
	waitFor(t, "a new credential", func() bool { u := read(t, target, "username"); return u != "" && u != user1 })
	replaced := time.Since(start)
	if replaced < 7*time.Second || replaced > 17*time.Second {
		t.Errorf("replaced after %v: want after the first TTL (renewed, 6s) and before the max TTL (17s)", replaced)
	}
	if n := logs.count("lease near its max TTL"); n != 1 {
		t.Errorf("%d replacements for max TTL in the log, want 1", n)
	}
	if strings.Contains(logs.String(), "renewal failed") {
		t.Errorf("a renewal failed:\n%s", logs.String())
	}
	if err := pg.Login(t.Context(), read(t, target, "username"), read(t, target, "password")); err != nil {
		t.Errorf("new credentials do not log in: %v", err)
	}
}
