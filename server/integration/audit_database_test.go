package integration

import (
	"path/filepath"
	"strings"
	"testing"

	vault "github.com/hashicorp/vault/api"

	"github.com/cofre-io/cofre/server/engines/database/dbtest"
	"github.com/cofre-io/cofre/server/servertest"
)

// TestAuditedDatabaseFlowKeepsCredentialsOutOfTheLog runs the database
// engine against a real PostgreSQL with a file audit device: neither the
// connection's password nor a generated user's credentials may be in the
// log in clear.
func TestAuditedDatabaseFlowKeepsCredentialsOutOfTheLog(t *testing.T) {
	pg := dbtest.StartPostgres(t)
	s := servertest.StartDev(t)
	c := s.Client
	log := filepath.Join(t.TempDir(), "audit.log")
	must(t, c.Sys().EnableAuditWithOptions("file", &vault.EnableAuditOptions{Type: "file", Options: map[string]string{"file_path": log}}))
	must(t, c.Sys().Mount("database", &vault.MountInput{Type: "database"}))
	_, err := c.Logical().Write("database/config/pg", map[string]any{
		"plugin_name": "postgresql-database-plugin", "connection_url": pg.URLTemplate, "allowed_roles": "app",
		"username": pg.AdminUser, "password": pg.AdminPassword,
	})
	must(t, err)
	_, err = c.Logical().Write("database/roles/app", map[string]any{
		"db_name":               "pg",
		"creation_statements":   `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';`,
		"revocation_statements": `DROP ROLE IF EXISTS "{{name}}";`,
		"default_ttl":           "1h", "max_ttl": "2h",
	})
	must(t, err)
	creds, err := c.Logical().Read("database/creds/app")
	must(t, err)
	user, _ := creds.Data["username"].(string)
	pass, _ := creds.Data["password"].(string)
	if err := pg.Login(t.Context(), user, pass); err != nil {
		t.Fatalf("generated credentials do not log in: %v", err)
	}
	_, err = c.Sys().Renew(creds.LeaseID, 600)
	must(t, err)
	must(t, c.Sys().Revoke(creds.LeaseID))

	raw := checkNoPlaintext(t, log, 6, map[string]string{
		"root token": c.Token(), "connection password": pg.AdminPassword,
		"generated password": pass, "generated username": user,
	})
	h, err := c.Sys().AuditHash("file", pass)
	must(t, err)
	if !strings.Contains(raw, h) {
		t.Fatal("the generated password's HMAC is not in the log")
	}
}
