package integration

import (
	"testing"

	vault "github.com/hashicorp/vault/api"

	"github.com/cofre-io/cofre/server/servertest"
)

// TestTokenUseLimitAndBoundCIDRs checks the pipeline's enforcement of
// num_uses and bound CIDRs through the official client.
func TestTokenUseLimitAndBoundCIDRs(t *testing.T) {
	s := servertest.StartDev(t)
	sec, err := s.Client.Auth().Token().Create(&vault.TokenCreateRequest{Policies: []string{"default"}, NumUses: 2})
	must(t, err)
	c := s.NewClient(t, sec.Auth.ClientToken)
	for i := 0; i < 2; i++ {
		if _, err := c.Auth().Token().LookupSelf(); err != nil {
			t.Fatalf("use %d: %v", i+1, err)
		}
	}
	_, err = c.Auth().Token().LookupSelf()
	wantStatus(t, "third use of a two-use token", err, 403)
	_, err = s.Client.Auth().Token().Lookup(sec.Auth.ClientToken)
	if err == nil {
		t.Fatal("a used-up token still exists")
	}

	_, err = s.Client.Logical().Write("auth/token/roles/far", map[string]any{"token_bound_cidrs": "10.1.0.0/16", "allowed_policies": "default"})
	must(t, err)
	far, err := s.Client.Auth().Token().CreateWithRole(&vault.TokenCreateRequest{}, "far")
	must(t, err)
	_, err = s.NewClient(t, far.Auth.ClientToken).Auth().Token().LookupSelf()
	wantStatus(t, "token bound to 10.1.0.0/16 used from 127.0.0.1", err, 403)
}
