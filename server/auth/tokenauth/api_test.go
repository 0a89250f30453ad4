package tokenauth_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	vault "github.com/hashicorp/vault/api"

	"github.com/cofre-io/cofre/server/servertest"
)

func statusOf(err error) int {
	var re *vault.ResponseError
	if errors.As(err, &re) {
		return re.StatusCode
	}
	return 0
}

// rawAuth creates a token with a raw request and returns the envelope's
// auth object as JSON decoded it (fields the client library drops).
func rawAuth(t *testing.T, c *vault.Client, body map[string]any) map[string]any {
	t.Helper()
	r := c.NewRequest(http.MethodPost, "/v1/auth/token/create")
	if err := r.SetJSONBody(body); err != nil {
		t.Fatal(err)
	}
	resp, err := c.RawRequest(r)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	defer resp.Body.Close()
	var env struct {
		Auth map[string]any `json:"auth"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		t.Fatal(err)
	}
	return env.Auth
}

func mustCreate(t *testing.T, c *vault.Client, req *vault.TokenCreateRequest) *vault.SecretAuth {
	t.Helper()
	s, err := c.Auth().Token().Create(req)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if s.Auth == nil || s.Auth.ClientToken == "" {
		t.Fatalf("create returned no auth: %+v", s)
	}
	return s.Auth
}

func TestCreateAndLookup(t *testing.T) {
	srv := servertest.StartDev(t)
	root := srv.Client
	f := false
	a := mustCreate(t, root, &vault.TokenCreateRequest{
		Policies:    []string{"web", "db"},
		Metadata:    map[string]string{"user": "armon"},
		TTL:         "1h",
		DisplayName: "my app!",
		NumUses:     0,
		Renewable:   &f,
	})
	if !strings.HasPrefix(a.ClientToken, "hvs.") || a.Accessor == "" || a.LeaseDuration != 3600 || a.Renewable ||
		a.Orphan || a.Metadata["user"] != "armon" {
		t.Fatalf("auth = %+v", a)
	}
	if want := []string{"db", "default", "web"}; strings.Join(a.Policies, ",") != strings.Join(want, ",") || strings.Join(a.TokenPolicies, ",") != strings.Join(want, ",") {
		t.Fatalf("policies = %v / %v", a.Policies, a.TokenPolicies)
	}
	// lookup by value (root), lookup-self (the token), lookup-accessor.
	s, err := root.Auth().Token().Lookup(a.ClientToken)
	if err != nil {
		t.Fatal(err)
	}
	d := s.Data
	if d["id"] != a.ClientToken || d["accessor"] != a.Accessor || d["display_name"] != "token-my-app" ||
		d["path"] != "auth/token/create" || d["type"] != "service" || d["orphan"] != false || d["renewable"] != false {
		t.Fatalf("lookup data = %v", d)
	}
	for _, k := range []string{"creation_time", "creation_ttl", "expire_time", "explicit_max_ttl", "issue_time", "ttl", "num_uses", "policies", "meta", "entity_id"} {
		if _, ok := d[k]; !ok {
			t.Fatalf("lookup lacks %q: %v", k, d)
		}
	}
	self, err := srv.NewClient(t, a.ClientToken).Auth().Token().LookupSelf()
	if err != nil {
		t.Fatalf("lookup-self: %v", err)
	}
	if self.Data["id"] != a.ClientToken {
		t.Fatalf("lookup-self id = %v", self.Data["id"])
	}
	acc, err := root.Auth().Token().LookupAccessor(a.Accessor)
	if err != nil {
		t.Fatal(err)
	}
	if acc.Data["id"] != "" || acc.Data["accessor"] != a.Accessor {
		t.Fatalf("lookup-accessor reveals or misses: %v", acc.Data)
	}
	if _, err := root.Auth().Token().Lookup("hvs.doesnotexist000000000000"); statusOf(err) != http.StatusForbidden {
		t.Fatalf("lookup of unknown token: %v", err)
	}
	if _, err := root.Auth().Token().LookupAccessor("nope"); statusOf(err) != http.StatusBadRequest {
		t.Fatalf("lookup of unknown accessor: %v", err)
	}
}

func TestTreeRevocation(t *testing.T) {
	srv := servertest.StartDev(t)
	root := srv.Client
	parent := mustCreate(t, root, &vault.TokenCreateRequest{TTL: "1h"}) // a root child
	pc := srv.NewClient(t, parent.ClientToken)
	child := mustCreate(t, pc, &vault.TokenCreateRequest{TTL: "1h"})
	grandchild := mustCreate(t, srv.NewClient(t, child.ClientToken), &vault.TokenCreateRequest{TTL: "1h"})
	orphan := mustCreate(t, pc, &vault.TokenCreateRequest{TTL: "1h", NoParent: true})
	orphan2, err := pc.Auth().Token().CreateOrphan(&vault.TokenCreateRequest{TTL: "1h"})
	if err != nil || !orphan2.Auth.Orphan {
		t.Fatalf("create-orphan: %+v %v", orphan2, err)
	}
	if !orphan.Orphan || child.Orphan {
		t.Fatalf("orphan flags: %v %v", orphan.Orphan, child.Orphan)
	}
	if err := root.Auth().Token().RevokeTree(parent.ClientToken); err != nil {
		t.Fatal(err)
	}
	for name, tok := range map[string]string{"parent": parent.ClientToken, "child": child.ClientToken, "grandchild": grandchild.ClientToken} {
		if _, err := root.Auth().Token().Lookup(tok); statusOf(err) != http.StatusForbidden {
			t.Fatalf("%s survived its parent's revocation: %v", name, err)
		}
	}
	for _, tok := range []string{orphan.ClientToken, orphan2.Auth.ClientToken} {
		if _, err := root.Auth().Token().Lookup(tok); err != nil {
			t.Fatalf("orphan revoked with the tree: %v", err)
		}
	}
	// revoke-orphan keeps the children, as orphans.
	p2 := mustCreate(t, root, &vault.TokenCreateRequest{TTL: "1h"})
	c2 := mustCreate(t, srv.NewClient(t, p2.ClientToken), &vault.TokenCreateRequest{TTL: "1h"})
	if err := root.Auth().Token().RevokeOrphan(p2.ClientToken); err != nil {
		t.Fatal(err)
	}
	s, err := root.Auth().Token().Lookup(c2.ClientToken)
	if err != nil || s.Data["orphan"] != true {
		t.Fatalf("child after revoke-orphan: %v %v", s, err)
	}
	// revoke-accessor and revoke-self.
	if err := root.Auth().Token().RevokeAccessor(c2.Accessor); err != nil {
		t.Fatal(err)
	}
	if _, err := root.Auth().Token().Lookup(c2.ClientToken); statusOf(err) != http.StatusForbidden {
		t.Fatalf("revoke-accessor: %v", err)
	}
	oc := srv.NewClient(t, orphan.ClientToken)
	if err := oc.Auth().Token().RevokeSelf(""); err != nil {
		t.Fatal(err)
	}
	if _, err := oc.Auth().Token().LookupSelf(); statusOf(err) != http.StatusForbidden {
		t.Fatalf("revoke-self: %v", err)
	}
	// Revoking an unknown token is quietly fine, as in Vault.
	if err := root.Auth().Token().RevokeTree("hvs.unknown00000000000000000"); err != nil {
		t.Fatalf("revoke unknown: %v", err)
	}
}

func TestRenewal(t *testing.T) {
	srv := servertest.StartDev(t)
	root := srv.Client
	a := mustCreate(t, root, &vault.TokenCreateRequest{TTL: "1h", ExplicitMaxTTL: "2h"})
	s, err := root.Auth().Token().Renew(a.ClientToken, 5400)
	if err != nil {
		t.Fatal(err)
	}
	if s.Auth.ClientToken != a.ClientToken || s.Auth.LeaseDuration < 5390 || s.Auth.LeaseDuration > 5400 || !s.Auth.Renewable {
		t.Fatalf("renew auth = %+v", s.Auth)
	}
	// Capped by explicit_max_ttl (2h from creation), with a warning.
	s, err = srv.NewClient(t, a.ClientToken).Auth().Token().RenewSelf(3 * 3600)
	if err != nil {
		t.Fatal(err)
	}
	if s.Auth.LeaseDuration > 7200 || s.Auth.LeaseDuration < 7190 || len(s.Warnings) == 0 {
		t.Fatalf("capped renew = %d %v", s.Auth.LeaseDuration, s.Warnings)
	}
	s, err = root.Auth().Token().RenewAccessor(a.Accessor, 60)
	if err != nil || s.Auth.ClientToken != "" || s.Auth.LeaseDuration != 60 {
		t.Fatalf("renew-accessor = %+v %v", s, err)
	}
	f := false
	fixed := mustCreate(t, root, &vault.TokenCreateRequest{TTL: "1h", Renewable: &f})
	if _, err := root.Auth().Token().Renew(fixed.ClientToken, 60); statusOf(err) != http.StatusBadRequest || !strings.Contains(err.Error(), "lease is not renewable") {
		t.Fatalf("renew non-renewable: %v", err)
	}
	// The root token never expires and is not renewable.
	if _, err := root.Auth().Token().RenewSelf(60); statusOf(err) != http.StatusBadRequest {
		t.Fatalf("renew root: %v", err)
	}
	periodic := mustCreate(t, root, &vault.TokenCreateRequest{Period: "30m", TTL: "5m"})
	if periodic.LeaseDuration != 1800 {
		t.Fatalf("periodic lease = %d", periodic.LeaseDuration)
	}
	s, err = root.Auth().Token().Renew(periodic.ClientToken, 24*3600)
	if err != nil || s.Auth.LeaseDuration != 1800 {
		t.Fatalf("periodic renew = %+v %v", s, err)
	}
	look, _ := root.Auth().Token().Lookup(periodic.ClientToken)
	if p, _ := look.Data["period"].(interface{ String() string }); p == nil || p.String() != "1800" {
		t.Fatalf("lookup period = %v", look.Data["period"])
	}
	if _, ok := look.Data["last_renewal_time"]; !ok {
		t.Fatalf("lookup after renewal lacks last_renewal_time: %v", look.Data)
	}
}

func TestUseLimitedTokens(t *testing.T) {
	srv := servertest.StartDev(t)
	raw := rawAuth(t, srv.Client, map[string]any{"num_uses": 2, "ttl": "1h"})
	if raw["num_uses"] != float64(2) || raw["token_type"] != "service" || raw["orphan"] != false || raw["mfa_requirement"] != nil {
		t.Fatalf("raw auth = %v", raw)
	}
	a := &vault.SecretAuth{ClientToken: raw["client_token"].(string)}
	c := srv.NewClient(t, a.ClientToken)
	for i := 0; i < 2; i++ {
		if _, err := c.Auth().Token().LookupSelf(); err != nil {
			t.Fatalf("use %d: %v", i+1, err)
		}
	}
	if _, err := c.Auth().Token().LookupSelf(); statusOf(err) != http.StatusForbidden {
		t.Fatalf("third use: %v", err)
	}
	// A limited-use token cannot create tokens.
	b := mustCreate(t, srv.Client, &vault.TokenCreateRequest{NumUses: 5})
	if _, err := srv.NewClient(t, b.ClientToken).Auth().Token().Create(&vault.TokenCreateRequest{}); statusOf(err) != http.StatusBadRequest {
		t.Fatalf("child of limited-use token: %v", err)
	}
}

func TestBatchTokensOverHTTP(t *testing.T) {
	srv := servertest.StartDev(t)
	root := srv.Client
	if err := root.Sys().PutPolicy("creator", `path "auth/token/create" { capabilities = ["update"] }`); err != nil {
		t.Fatal(err)
	}
	parent := mustCreate(t, root, &vault.TokenCreateRequest{TTL: "1h", Policies: []string{"creator"}})
	pc := srv.NewClient(t, parent.ClientToken)
	b := mustCreate(t, pc, &vault.TokenCreateRequest{Type: "batch", TTL: "10m"})
	if !strings.HasPrefix(b.ClientToken, "hvb.") || b.Accessor != "" || b.Renewable {
		t.Fatalf("batch auth = %+v", b)
	}
	bc := srv.NewClient(t, b.ClientToken)
	self, err := bc.Auth().Token().LookupSelf()
	if err != nil || self.Data["type"] != "batch" || self.Data["orphan"] != false {
		t.Fatalf("batch lookup-self = %v %v", self, err)
	}
	if _, err := bc.Auth().Token().RenewSelf(60); statusOf(err) != http.StatusBadRequest {
		t.Fatalf("batch renew: %v", err)
	}
	if _, err := bc.Auth().Token().Create(&vault.TokenCreateRequest{}); statusOf(err) != http.StatusBadRequest {
		t.Fatalf("batch creating a child: %v", err)
	}
	if err := root.Auth().Token().RevokeTree(b.ClientToken); statusOf(err) != http.StatusBadRequest {
		t.Fatalf("revoking a batch token: %v", err)
	}
	if _, err := root.Auth().Token().Create(&vault.TokenCreateRequest{Type: "batch", NumUses: 3, Policies: []string{"x"}}); statusOf(err) != http.StatusBadRequest {
		t.Fatalf("batch with num_uses: %v", err)
	}
	// Tampered value: 403.
	tampered := b.ClientToken[:len(b.ClientToken)-2] + "AA"
	if tampered == b.ClientToken {
		tampered = b.ClientToken[:len(b.ClientToken)-2] + "BB"
	}
	if _, err := srv.NewClient(t, tampered).Auth().Token().LookupSelf(); statusOf(err) != http.StatusForbidden {
		t.Fatalf("tampered batch token: %v", err)
	}
	// Dies with its parent.
	if err := root.Auth().Token().RevokeTree(parent.ClientToken); err != nil {
		t.Fatal(err)
	}
	if _, err := bc.Auth().Token().LookupSelf(); statusOf(err) != http.StatusForbidden {
		t.Fatalf("batch child outlived its parent: %v", err)
	}
}

func TestPermissionsAndRoles(t *testing.T) {
	srv := servertest.StartDev(t)
	root := srv.Client
	if err := root.Sys().PutPolicy("creator", `
path "auth/token/create" { capabilities = ["update"] }
path "auth/token/create/*" { capabilities = ["update"] }
path "auth/token/revoke-orphan" { capabilities = ["update"] }
`); err != nil {
		t.Fatal(err)
	}
	creator := mustCreate(t, root, &vault.TokenCreateRequest{Policies: []string{"creator", "web"}, TTL: "1h"})
	cc := srv.NewClient(t, creator.ClientToken)
	// Subset of the parent's policies: fine; anything else: 400.
	sub := mustCreate(t, cc, &vault.TokenCreateRequest{Policies: []string{"web"}})
	if strings.Join(sub.Policies, ",") != "default,web" {
		t.Fatalf("child policies = %v", sub.Policies)
	}
	if _, err := cc.Auth().Token().Create(&vault.TokenCreateRequest{Policies: []string{"admin"}}); statusOf(err) != http.StatusBadRequest {
		t.Fatalf("escalation: %v", err)
	}
	for name, req := range map[string]*vault.TokenCreateRequest{
		"orphan":   {NoParent: true},
		"periodic": {Period: "1h"},
		"id":       {ID: "mytoken"},
		"root":     {Policies: []string{"root"}},
	} {
		if _, err := cc.Auth().Token().Create(req); statusOf(err) != http.StatusBadRequest {
			t.Fatalf("%s without sudo: %v", name, err)
		}
	}
	if err := cc.Auth().Token().RevokeOrphan(sub.ClientToken); statusOf(err) != http.StatusBadRequest {
		t.Fatalf("revoke-orphan without sudo: %v", err)
	}
	// Root may choose the id.
	custom := mustCreate(t, root, &vault.TokenCreateRequest{ID: "my-custom-token", TTL: "1h"})
	if custom.ClientToken != "my-custom-token" {
		t.Fatalf("custom id = %q", custom.ClientToken)
	}
	if _, err := root.Auth().Token().Create(&vault.TokenCreateRequest{ID: "my-custom-token"}); statusOf(err) != http.StatusBadRequest {
		t.Fatalf("duplicate id: %v", err)
	}
	// A role lets the creator hand out policies it does not hold.
	if _, err := root.Logical().Write("auth/token/roles/deployer", map[string]any{
		"allowed_policies": "deploy,metrics", "orphan": true, "path_suffix": "v2", "token_explicit_max_ttl": "2h",
	}); err != nil {
		t.Fatal(err)
	}
	r, err := root.Logical().Read("auth/token/roles/deployer")
	if err != nil || r.Data["name"] != "deployer" || r.Data["orphan"] != true || r.Data["token_type"] != "default-service" {
		t.Fatalf("role read = %v %v", r, err)
	}
	list, err := root.Logical().List("auth/token/roles")
	if err != nil || len(list.Data["keys"].([]any)) != 1 {
		t.Fatalf("role list = %v %v", list, err)
	}
	s, err := cc.Auth().Token().CreateWithRole(&vault.TokenCreateRequest{Policies: []string{"deploy"}}, "deployer")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(s.Auth.Policies, ",") != "default,deploy" || !s.Auth.Orphan || s.Auth.LeaseDuration != 7200 {
		t.Fatalf("role token = %+v", s.Auth)
	}
	look, _ := root.Auth().Token().Lookup(s.Auth.ClientToken)
	if look.Data["path"] != "auth/token/create/deployer/v2" || look.Data["role"] != "deployer" {
		t.Fatalf("role token lookup = %v", look.Data)
	}
	if _, err := cc.Auth().Token().CreateWithRole(&vault.TokenCreateRequest{Policies: []string{"admin"}}, "deployer"); statusOf(err) != http.StatusBadRequest {
		t.Fatalf("policy outside the role: %v", err)
	}
	if _, err := root.Logical().Write("auth/token/roles/bad", map[string]any{"token_type": "batch"}); statusOf(err) != http.StatusBadRequest {
		t.Fatalf("batch role that is not orphan: %v", err)
	}
	if _, err := root.Logical().Delete("auth/token/roles/deployer"); err != nil {
		t.Fatal(err)
	}
	if _, err := cc.Auth().Token().CreateWithRole(&vault.TokenCreateRequest{}, "deployer"); statusOf(err) != http.StatusBadRequest {
		t.Fatalf("deleted role: %v", err)
	}
}

func TestAccessorsAndTidy(t *testing.T) {
	srv := servertest.StartDev(t)
	root := srv.Client
	a := mustCreate(t, root, &vault.TokenCreateRequest{TTL: "1h"})
	s, err := root.Logical().List("auth/token/accessors")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, k := range s.Data["keys"].([]any) {
		found = found || k == a.Accessor
	}
	if !found {
		t.Fatalf("accessor %s not listed: %v", a.Accessor, s.Data)
	}
	if _, err := root.Logical().Write("auth/token/tidy", nil); err != nil {
		t.Fatal(err)
	}
}

// TestExpiryAcrossRestart creates a short-lived token on Raft, restarts the
// server before it expires and checks the restarted server revokes it (its
// accessor disappears) on time.
func TestExpiryAcrossRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("real-time expiry")
	}
	dir := t.TempDir()
	srv := servertest.Start(t, servertest.Options{RaftDir: dir, Dev: true})
	a := mustCreate(t, srv.Client, &vault.TokenCreateRequest{TTL: "3s"})
	long := mustCreate(t, srv.Client, &vault.TokenCreateRequest{TTL: "1h"})
	key, rootToken := srv.UnsealKey, srv.RootToken
	srv.Stop()

	srv2 := servertest.Start(t, servertest.Options{RaftDir: dir})
	if _, err := srv2.Client.Sys().Unseal(key); err != nil {
		t.Fatal(err)
	}
	c := srv2.NewClient(t, rootToken)
	listed := func(acc string) bool {
		s, err := c.Logical().List("auth/token/accessors")
		if err != nil || s == nil {
			return false
		}
		for _, k := range s.Data["keys"].([]any) {
			if k == acc {
				return true
			}
		}
		return false
	}
	deadline := time.Now().Add(20 * time.Second)
	for listed(a.Accessor) {
		if time.Now().After(deadline) {
			t.Fatal("expired token was not revoked after the restart")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !listed(long.Accessor) {
		t.Fatal("the long-lived token was revoked too")
	}
	_ = context.Background()
}
