package integration

import (
	"testing"

	vault "github.com/hashicorp/vault/api"

	"github.com/cofre-io/cofre/server/servertest"
)

// TestRenewalAsksTheAuthMethod: a token from userpass renews while its user
// exists and is refused once the user is deleted.
func TestRenewalAsksTheAuthMethod(t *testing.T) {
	s := servertest.StartDev(t)
	c := s.Client
	must(t, c.Sys().EnableAuthWithOptions("userpass", &vault.EnableAuthOptions{Type: "userpass"}))
	_, err := c.Logical().Write("auth/userpass/users/ann", map[string]any{"password": "pw-of-ann", "token_policies": "default", "token_ttl": "1h"})
	must(t, err)
	login, err := s.NewClient(t, "").Logical().Write("auth/userpass/login/ann", map[string]any{"password": "pw-of-ann"})
	must(t, err)
	ann := s.NewClient(t, login.Auth.ClientToken)
	if _, err := ann.Auth().Token().RenewSelf(3600); err != nil {
		t.Fatalf("renew while the user exists: %v", err)
	}
	_, err = c.Logical().Delete("auth/userpass/users/ann")
	must(t, err)
	if _, err := ann.Auth().Token().RenewSelf(3600); err == nil {
		t.Fatal("a token of a deleted user was renewed")
	}
	// Tokens of the token store itself renew without any method's say.
	tok, err := c.Auth().Token().Create(&vault.TokenCreateRequest{Policies: []string{"default"}, TTL: "1h"})
	must(t, err)
	if _, err := s.NewClient(t, tok.Auth.ClientToken).Auth().Token().RenewSelf(600); err != nil {
		t.Fatalf("renew a token-store token: %v", err)
	}
}

// TestRenewalCappedByRoleMaxTTL: a login token renews no further than its
// role's token_max_ttl, counted from its creation.
func TestRenewalCappedByRoleMaxTTL(t *testing.T) {
	s := servertest.StartDev(t)
	c := s.Client
	must(t, c.Sys().EnableAuthWithOptions("userpass", &vault.EnableAuthOptions{Type: "userpass"}))
	_, err := c.Logical().Write("auth/userpass/users/bo", map[string]any{"password": "pw-of-bo", "token_ttl": "10m", "token_max_ttl": "15m"})
	must(t, err)
	login, err := s.NewClient(t, "").Logical().Write("auth/userpass/login/bo", map[string]any{"password": "pw-of-bo"})
	must(t, err)
	sec, err := s.NewClient(t, login.Auth.ClientToken).Auth().Token().RenewSelf(3600)
	must(t, err)
	if d := sec.Auth.LeaseDuration; d > 15*60 || d < 14*60 {
		t.Fatalf("renewed for %d s; the role's max TTL is 900 s", d)
	}
}
