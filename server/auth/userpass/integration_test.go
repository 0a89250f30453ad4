package userpass_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	vault "github.com/hashicorp/vault/api"

	"github.com/cofre-io/cofre/server/servertest"
)

func TestUserpassLoginThroughServer(t *testing.T) {
	srv := servertest.StartDev(t)
	if err := srv.Client.Sys().EnableAuthWithOptions("userpass", &vault.EnableAuthOptions{Type: "userpass"}); err != nil {
		t.Fatalf("enable userpass: %v", err)
	}
	if _, err := srv.Client.Logical().Write("auth/userpass/users/Alice", map[string]any{
		"password": "correct horse", "token_policies": "default", "token_ttl": "1h",
	}); err != nil {
		t.Fatalf("create user: %v", err)
	}
	anon := srv.NewClient(t, "")
	anon.ClearToken()
	login, err := anon.Logical().Write("auth/userpass/login/alice", map[string]any{"password": "correct horse"})
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	a := login.Auth
	if a == nil || a.ClientToken == "" || a.Metadata["username"] != "alice" || a.LeaseDuration != 3600 {
		t.Fatalf("login auth %+v", a)
	}
	self, err := srv.NewClient(t, a.ClientToken).Auth().Token().LookupSelf()
	if err != nil {
		t.Fatalf("lookup-self: %v", err)
	}
	if self.Data["accessor"] != a.Accessor || !strings.HasSuffix(self.Data["display_name"].(string), "alice") {
		t.Fatalf("lookup-self: %v", self.Data)
	}

	for _, c := range []struct{ user, pw string }{{"alice", "wrong"}, {"nobody", "correct horse"}} {
		_, err := anon.Logical().Write("auth/userpass/login/"+c.user, map[string]any{"password": c.pw})
		var re *vault.ResponseError
		if !errors.As(err, &re) || re.StatusCode != http.StatusBadRequest ||
			!strings.Contains(strings.Join(re.Errors, ";"), "invalid username or password") {
			t.Fatalf("login %s/%s: %v", c.user, c.pw, err)
		}
	}
	// Reading a user shows no password material.
	sec, err := srv.Client.Logical().Read("auth/userpass/users/alice")
	if err != nil {
		t.Fatal(err)
	}
	for k := range sec.Data {
		if strings.Contains(k, "password") {
			t.Fatalf("read shows %q", k)
		}
	}
}
