package integration

import (
	"context"
	"errors"
	"slices"
	"testing"

	vault "github.com/hashicorp/vault/api"

	"github.com/cofre-io/cofre/server/servertest"
)

// The two demo policies of the seed.
const (
	appReadonly = `# Read-only access to the demo secrets
path "secret/data/demo/*" {
  capabilities = ["read", "list"]
}
`
	appAdmin = `# Full access to the demo secrets
path "secret/data/demo/*" {
  capabilities = ["create", "read", "update", "delete", "list"]
}
path "secret/metadata/demo/*" {
  capabilities = ["read", "list", "delete"]
}
`
)

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantStatus(t *testing.T, what string, err error, code int) {
	t.Helper()
	var re *vault.ResponseError
	if !errors.As(err, &re) || re.StatusCode != code {
		t.Fatalf("%s: got %v, want HTTP %d", what, err, code)
	}
	if code == 403 && !slices.Contains(re.Errors, "permission denied") {
		t.Fatalf("%s: 403 body %v lacks Vault's \"permission denied\"", what, re.Errors)
	}
}

var demoSecret = map[string]any{
	"username": "appuser",
	"password": "s3cret-passw0rd",
	"host":     "postgres.example.com",
	"port":     "5432",
}

// seedServer starts a dev server with the demo secret and both policies.
func seedServer(t *testing.T) *servertest.Server {
	t.Helper()
	s := servertest.StartDev(t)
	must(t, s.Client.Sys().PutPolicy("app-readonly", appReadonly))
	must(t, s.Client.Sys().PutPolicy("app-admin", appAdmin))
	_, err := s.Client.KVv2("secret").Put(t.Context(), "demo/database", demoSecret)
	must(t, err)
	return s
}

// TestAppRoleAndUserpassAreRefusedWherePoliciesSaySo logs in with both
// methods through the official client and checks every allowed and refused
// operation of the demo policies.
func TestAppRoleAndUserpassAreRefusedWherePoliciesSaySo(t *testing.T) {
	s := seedServer(t)
	c := s.Client
	must(t, c.Sys().EnableAuthWithOptions("approle", &vault.EnableAuthOptions{Type: "approle"}))
	must(t, c.Sys().EnableAuthWithOptions("userpass", &vault.EnableAuthOptions{Type: "userpass"}))
	_, err := c.Logical().Write("auth/approle/role/demo", map[string]any{"token_policies": "app-readonly", "token_ttl": "1h"})
	must(t, err)
	rid, err := c.Logical().Read("auth/approle/role/demo/role-id")
	must(t, err)
	sid, err := c.Logical().Write("auth/approle/role/demo/secret-id", map[string]any{})
	must(t, err)
	_, err = c.Logical().Write("auth/userpass/users/admin", map[string]any{"password": "pw-for-admin", "token_policies": "app-admin"})
	must(t, err)

	ro := s.NewClient(t, "")
	login, err := ro.Logical().Write("auth/approle/login", map[string]any{"role_id": rid.Data["role_id"], "secret_id": sid.Data["secret_id"]})
	must(t, err)
	if !slices.Contains(login.Auth.Policies, "app-readonly") {
		t.Fatalf("approle token policies = %v", login.Auth.Policies)
	}
	ro.SetToken(login.Auth.ClientToken)

	got, err := ro.KVv2("secret").Get(t.Context(), "demo/database")
	must(t, err)
	if got.Data["password"] != "s3cret-passw0rd" {
		t.Fatalf("read-only token read %v", got.Data)
	}
	list, err := ro.Logical().List("secret/data/demo/")
	must(t, err)
	if list == nil {
		t.Fatal("read-only token could not list secret/data/demo/")
	}
	_, err = ro.KVv2("secret").Put(t.Context(), "demo/database", map[string]any{"password": "changed"})
	wantStatus(t, "read-only token writing", err, 403)
	_, err = ro.KVv2("secret").GetMetadata(t.Context(), "demo/database")
	wantStatus(t, "read-only token reading metadata", err, 403)
	_, err = ro.Logical().Read("secret/data/other")
	wantStatus(t, "read-only token outside demo/", err, 403)
	_, err = ro.Logical().Read("secret/demo/database")
	wantStatus(t, "read-only token on the path without data/", err, 403)

	adm := s.NewClient(t, "")
	ul, err := adm.Auth().Login(t.Context(), userpassLogin("admin", "pw-for-admin"))
	must(t, err)
	if !slices.Contains(ul.Auth.Policies, "app-admin") {
		t.Fatalf("userpass token policies = %v", ul.Auth.Policies)
	}
	_, err = adm.KVv2("secret").Put(t.Context(), "demo/database", map[string]any{"username": "appuser", "password": "rotated"})
	must(t, err)
	md, err := adm.KVv2("secret").GetMetadata(t.Context(), "demo/database")
	must(t, err)
	if md.CurrentVersion != 2 {
		t.Fatalf("current version = %d, want 2", md.CurrentVersion)
	}
	keys, err := adm.Logical().List("secret/metadata/demo/")
	must(t, err)
	if keys == nil || !slices.Contains(toStrings(keys.Data["keys"]), "database") {
		t.Fatalf("admin list = %v", keys)
	}
	_, err = adm.Logical().Write("sys/policies/acl/mine", map[string]any{"policy": appAdmin})
	wantStatus(t, "admin token writing a policy", err, 403)
	must(t, adm.KVv2("secret").DeleteMetadata(t.Context(), "demo/database"))
	if _, err = c.KVv2("secret").Get(t.Context(), "demo/database"); !errors.Is(err, vault.ErrSecretNotFound) {
		t.Fatalf("read after metadata delete: %v, want not found", err)
	}
}

type userpassAuth struct{ user, pass string }

func userpassLogin(user, pass string) vault.AuthMethod { return &userpassAuth{user, pass} }

func (u *userpassAuth) Login(ctx context.Context, c *vault.Client) (*vault.Secret, error) {
	return c.Logical().WriteWithContext(ctx, "auth/userpass/login/"+u.user, map[string]any{"password": u.pass})
}

func toStrings(v any) []string {
	var out []string
	if l, ok := v.([]any); ok {
		for _, e := range l {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}
