package approle_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	vault "github.com/hashicorp/vault/api"

	"github.com/cofre-io/cofre/server/servertest"
)

// setup starts a dev server with AppRole at auth/approle and a role "web";
// it returns the server and the role's role ID.
func setup(t testing.TB, role map[string]any) (*servertest.Server, string) {
	t.Helper()
	srv := servertest.StartDev(t)
	if err := srv.Client.Sys().EnableAuthWithOptions("approle", &vault.EnableAuthOptions{Type: "approle"}); err != nil {
		t.Fatalf("enable approle: %v", err)
	}
	if _, err := srv.Client.Logical().Write("auth/approle/role/web", role); err != nil {
		t.Fatalf("write role: %v", err)
	}
	sec, err := srv.Client.Logical().Read("auth/approle/role/web/role-id")
	if err != nil {
		t.Fatalf("read role-id: %v", err)
	}
	return srv, sec.Data["role_id"].(string)
}

func newSecretID(t testing.TB, c *vault.Client, data map[string]any) string {
	t.Helper()
	sec, err := c.Logical().Write("auth/approle/role/web/secret-id", data)
	if err != nil {
		t.Fatalf("secret-id: %v", err)
	}
	return sec.Data["secret_id"].(string)
}

// wantStatus checks that err is a Vault API error with that status whose
// messages include msg.
func wantStatus(t *testing.T, err error, status int, msg string) {
	t.Helper()
	var re *vault.ResponseError
	if !errors.As(err, &re) {
		t.Fatalf("error %v is not an API error", err)
	}
	if re.StatusCode != status || !strings.Contains(strings.Join(re.Errors, "; "), msg) {
		t.Fatalf("got %d %v, want %d %q", re.StatusCode, re.Errors, status, msg)
	}
}

func TestAppRoleLoginThroughServer(t *testing.T) {
	srv, roleID := setup(t, map[string]any{"token_policies": "default", "token_ttl": "20m", "token_max_ttl": "30m"})
	secretID := newSecretID(t, srv.Client, map[string]any{"metadata": `{"team":"payments"}`})

	roles, err := srv.Client.Logical().List("auth/approle/role")
	if err != nil || roles == nil || len(roles.Data["keys"].([]any)) != 1 {
		t.Fatalf("list roles: %v %v", roles, err)
	}
	accs, err := srv.Client.Logical().List("auth/approle/role/web/secret-id")
	if err != nil || accs == nil || len(accs.Data["keys"].([]any)) != 1 {
		t.Fatalf("list secret id accessors: %v %v", accs, err)
	}

	anon := srv.NewClient(t, "")
	anon.ClearToken()
	login, err := anon.Logical().Write("auth/approle/login", map[string]any{"role_id": roleID, "secret_id": secretID})
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	a := login.Auth
	if a == nil || a.ClientToken == "" || a.Accessor == "" {
		t.Fatalf("login auth %+v", a)
	}
	if a.Metadata["role_name"] != "web" || a.Metadata["team"] != "payments" || a.LeaseDuration != 1200 || !a.Renewable {
		t.Fatalf("login auth %+v", a)
	}

	self, err := srv.NewClient(t, a.ClientToken).Auth().Token().LookupSelf()
	if err != nil {
		t.Fatalf("lookup-self with the login token: %v", err)
	}
	if self.Data["accessor"] != a.Accessor || !strings.HasSuffix(self.Data["display_name"].(string), "web") {
		t.Fatalf("lookup-self: %v", self.Data)
	}
	if meta, _ := self.Data["meta"].(map[string]any); meta["role_name"] != "web" {
		t.Fatalf("token meta: %v", self.Data["meta"])
	}
}

func TestAppRoleSingleUseSecretIDThroughServer(t *testing.T) {
	srv, roleID := setup(t, map[string]any{})
	secretID := newSecretID(t, srv.Client, map[string]any{"num_uses": 1})
	anon := srv.NewClient(t, "")
	anon.ClearToken()
	body := map[string]any{"role_id": roleID, "secret_id": secretID}
	if _, err := anon.Logical().Write("auth/approle/login", body); err != nil {
		t.Fatalf("first login: %v", err)
	}
	_, err := anon.Logical().Write("auth/approle/login", body)
	wantStatus(t, err, http.StatusBadRequest, "invalid role or secret ID")
}

func TestAppRoleWrongCredentialsThroughServer(t *testing.T) {
	srv, roleID := setup(t, map[string]any{})
	secretID := newSecretID(t, srv.Client, map[string]any{})
	anon := srv.NewClient(t, "")
	anon.ClearToken()
	for _, body := range []map[string]any{
		{"role_id": roleID, "secret_id": "wrong"},
		{"role_id": "wrong", "secret_id": secretID},
	} {
		_, err := anon.Logical().Write("auth/approle/login", body)
		wantStatus(t, err, http.StatusBadRequest, "invalid role or secret ID")
	}
	_, err := anon.Logical().Write("auth/approle/login", map[string]any{"role_id": roleID})
	wantStatus(t, err, http.StatusBadRequest, "missing secret_id")
	// Management endpoints still need a token.
	_, err = anon.Logical().Write("auth/approle/role/web/secret-id", map[string]any{})
	wantStatus(t, err, http.StatusForbidden, "permission denied")
}

// BenchmarkAppRoleLoginHTTP measures whole logins (HTTP, core, token
// issuance) against a dev server from parallel clients.
func BenchmarkAppRoleLoginHTTP(b *testing.B) {
	srv, roleID := setup(b, map[string]any{"token_policies": "default"})
	secretID := newSecretID(b, srv.Client, map[string]any{})
	anon := srv.NewClient(b, "")
	anon.ClearToken()
	body := map[string]any{"role_id": roleID, "secret_id": secretID}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := anon.Logical().Write("auth/approle/login", body); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
