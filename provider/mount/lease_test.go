package mount_test

import (
	"crypto/tls"
	"strings"
	"testing"
	"time"

	vault "github.com/hashicorp/vault/api"
)

const credsObjects = `
- {objectName: db-user, secretPath: creds/creds/app, secretKey: username}
- {objectName: db-pass, secretPath: creds/creds/app, secretKey: password}
`

// TestLeaseTranscript plays the driver's 2-minute polls over a leased
// secret: no login and no new credentials while the lease is young,
// one renewal past two thirds of its TTL, new credentials only when
// renewal grants too little, and a refresh hint at each renewal point.
func TestLeaseTranscript(t *testing.T) {
	f := newFixture(t)
	f.srv.Leases.SetLeases(30*time.Minute, 0, true)
	class := map[string]string{"roleName": "app", "objects": credsObjects}
	start := f.clock.Now()

	res := f.mount(appPod, class)
	user := file(t, res, "db-user")
	v1 := versions(res)
	if !strings.HasPrefix(user, "app-") || file(t, res, "db-pass") != "pw-"+user {
		t.Fatalf("files %v", res.Files)
	}
	if want := start.Add(20 * time.Minute); !res.RefreshAfter.Equal(want) {
		t.Fatalf("refresh after %v, want %v", res.RefreshAfter, want)
	}
	reqs := f.srv.Requests()
	if logins(reqs) != 1 || reqs["GET /v1/creds/creds/app"] != 1 {
		t.Fatalf("first mount: %v", reqs)
	}

	// Nine polls inside the first two thirds: not one request.
	f.srv.ResetRequests()
	for range 9 {
		f.clock.Advance(2 * time.Minute)
		res = f.mount(appPod, class)
		if !equal(versions(res), v1) {
			t.Fatal("version changed while cached")
		}
	}
	if reqs := f.srv.Requests(); len(reqs) != 0 {
		t.Fatalf("polls inside the TTL made requests: %v", reqs)
	}

	// 20 minutes: renew. Same credentials, same versions.
	f.clock.Advance(2 * time.Minute)
	res = f.mount(appPod, class)
	reqs = f.srv.Requests()
	if reqs["PUT /v1/sys/leases/renew"] != 1 || reqs["GET /v1/creds/creds/app"] != 0 || logins(reqs) != 0 {
		t.Fatalf("renewal poll: %v", reqs)
	}
	if !equal(versions(res), v1) || file(t, res, "db-user") != user {
		t.Fatal("renewal changed the files")
	}
	if want := f.clock.Now().Add(20 * time.Minute); !res.RefreshAfter.Equal(want) {
		t.Fatalf("refresh after renewal %v, want %v", res.RefreshAfter, want)
	}
	if n := len(f.srv.Leases.Renewals()); n != 1 {
		t.Fatalf("%d renewals reached the engine", n)
	}

	// Max TTL near: the engine grants only 5 of the 30 minutes asked.
	f.srv.Leases.SetRenewCap(5 * time.Minute)
	f.srv.ResetRequests()
	f.clock.Advance(20 * time.Minute)
	res = f.mount(appPod, class)
	reqs = f.srv.Requests()
	if reqs["PUT /v1/sys/leases/renew"] != 1 || reqs["GET /v1/creds/creds/app"] != 1 {
		t.Fatalf("capped renewal: %v", reqs)
	}
	if file(t, res, "db-user") == user || equal(versions(res), v1) {
		t.Fatal("new credentials were not issued")
	}

	// Renewal refused (the engine forgot the user): issued anew.
	f.srv.Leases.SetRenewCap(0)
	user2 := file(t, res, "db-user")
	f.clock.Advance(20 * time.Minute)
	f.srv.Leases.SetDown(true) // renewals fail, issuing still works
	f.srv.ResetRequests()
	res = f.mount(appPod, class)
	f.srv.Leases.SetDown(false)
	reqs = f.srv.Requests()
	if file(t, res, "db-user") == user2 || reqs["PUT /v1/sys/leases/renew"] < 1 || reqs["GET /v1/creds/creds/app"] != 1 {
		t.Fatalf("refused renewal: %v", reqs)
	}
}

// TestTokenRenewalAndOwnerExpiry: the login token is renewed rather than
// replaced, and a token that can no longer be renewed is replaced by a
// login in time for its leases to be re-issued under the new token.
func TestTokenRenewalAndOwnerExpiry(t *testing.T) {
	f := newFixture(t)
	f.srv.Write(t, "auth/kubernetes/role/app", map[string]any{
		"bound_service_account_names": "app", "bound_service_account_namespaces": "shop",
		// The server caps renewals by the token's explicit max TTL (the
		// role's token_max_ttl is not applied at renew-self).
		"policies": "app", "token_ttl": "1h", "token_explicit_max_ttl": "90m",
	})
	f.srv.Leases.SetLeases(time.Hour, 0, true)
	class := map[string]string{"roleName": "app", "objects": credsObjects}
	user := file(t, f.mount(appPod, class), "db-user")

	// 40 minutes: past two thirds of the token's hour: renew-self (capped
	// at 90 minutes, 50 left: worth keeping). The lease is renewed too.
	f.srv.ResetRequests()
	f.clock.Advance(40 * time.Minute)
	res := f.mount(appPod, class)
	reqs := f.srv.Requests()
	if reqs["PUT /v1/auth/token/renew-self"] != 1 || logins(reqs) != 0 || reqs["PUT /v1/sys/leases/renew"] != 1 {
		t.Fatalf("at 40m: %v", reqs)
	}
	if file(t, res, "db-user") != user {
		t.Fatal("credentials changed at 40m")
	}

	// 74 minutes: the token has 16 minutes left (under a third of its hour,
	// and renewal can only grant what its max TTL leaves): log in again.
	// The lease owned by the old token would die with it at 90m, so it is
	// re-issued under the new token.
	f.srv.ResetRequests()
	f.clock.Advance(34 * time.Minute)
	res = f.mount(appPod, class)
	reqs = f.srv.Requests()
	if logins(reqs) != 1 || reqs["GET /v1/creds/creds/app"] != 1 {
		t.Fatalf("at 74m: %v", reqs)
	}
	if file(t, res, "db-user") == user {
		t.Fatal("lease of the expiring token kept")
	}
}

// TestReloginAfterRevocation: a token revoked on the server is noticed at
// the next request (403, lookup-self refused), replaced by a login, and
// the leases that died with it are issued anew.
func TestReloginAfterRevocation(t *testing.T) {
	f := newFixture(t)
	class := map[string]string{"roleName": "app", "objects": credsObjects + "- {objectName: kv, secretPath: secret/data/app/db, secretKey: username}\n"}
	user := file(t, f.mount(appPod, class), "db-user")
	// Revoke every token but root.
	revokeAllTokens(t, f)
	f.srv.ResetRequests()
	f.clock.Advance(time.Minute)
	res := f.mount(appPod, class)
	reqs := f.srv.Requests()
	if logins(reqs) != 1 || reqs["GET /v1/auth/token/lookup-self"] != 1 {
		t.Fatalf("requests %v", reqs)
	}
	if file(t, res, "kv") != "appuser" {
		t.Fatal("kv")
	}
	if file(t, res, "db-user") == user {
		t.Fatal("a lease revoked with its token was kept")
	}
}

// TestSharedIssue: certificate, key and CA come from one pki/issue call
// and match; later polls reuse them until two thirds of their validity.
func TestSharedIssue(t *testing.T) {
	f := newFixture(t)
	root := f.srv.Root
	if err := root.Sys().Mount("pki", &vault.MountInput{Type: "pki", Config: vault.MountConfigInput{MaxLeaseTTL: "87600h"}}); err != nil {
		t.Fatal(err)
	}
	f.srv.Write(t, "pki/root/generate/internal", map[string]any{"common_name": "Test Root", "ttl": "87600h"})
	f.srv.Write(t, "pki/roles/web", map[string]any{"allowed_domains": "example.com", "allow_subdomains": true, "max_ttl": "72h"})
	class := map[string]string{"roleName": "app", "objects": `
- {objectName: tls.crt, secretPath: pki/issue/web, method: POST, secretArgs: {common_name: app.example.com, ttl: 24h}, secretKey: certificate}
- {objectName: tls.key, secretPath: pki/issue/web, method: POST, secretArgs: {ttl: 24h, common_name: app.example.com}, secretKey: private_key, filePermission: 0600}
- {objectName: ca.crt, secretPath: pki/issue/web, method: PUT, secretArgs: {common_name: app.example.com, ttl: 24h}, secretKey: issuing_ca}
`}
	issued := f.clock.Now()
	res := f.mount(appPod, class)
	if n := f.srv.Requests()["PUT /v1/pki/issue/web"]; n != 1 {
		t.Fatalf("%d issue calls", n)
	}
	if _, err := tls.X509KeyPair([]byte(file(t, res, "tls.crt")), []byte(file(t, res, "tls.key"))); err != nil {
		t.Fatalf("certificate and key do not match: %v", err)
	}
	if !strings.Contains(file(t, res, "ca.crt"), "BEGIN CERTIFICATE") {
		t.Fatal("ca")
	}
	// The certificate's validity runs from issue (minus the server's
	// backdating) to 24h: re-issue at two thirds, about 16h.
	if d := res.RefreshAfter.Sub(issued); d < 15*time.Hour || d > 17*time.Hour {
		t.Fatalf("refresh after %v", d)
	}
	v1 := versions(res)
	f.srv.ResetRequests()
	for range 30 {
		f.clock.Advance(2 * time.Minute)
		if !equal(versions(f.mount(appPod, class)), v1) {
			t.Fatal("certificate changed while valid")
		}
	}
	// The login token is renewed once (at 40 minutes); nothing else.
	if reqs := f.srv.Requests(); len(reqs) != 1 || reqs["PUT /v1/auth/token/renew-self"] != 1 {
		t.Fatalf("polls re-issued: %v", reqs)
	}
	f.clock.Advance(res.RefreshAfter.Sub(f.clock.Now()))
	if equal(versions(f.mount(appPod, class)), v1) {
		t.Fatal("certificate not re-issued at two thirds")
	}
}

// revokeAllTokens revokes every token except the root client's.
func revokeAllTokens(t *testing.T, f *fixture) {
	t.Helper()
	list, err := f.srv.Root.Logical().List("auth/token/accessors")
	if err != nil || list == nil {
		t.Fatalf("list accessors: %v", err)
	}
	self, err := f.srv.Root.Auth().Token().LookupSelf()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, a := range list.Data["keys"].([]any) {
		if a.(string) == self.Data["accessor"] {
			continue
		}
		f.srv.Write(t, "auth/token/revoke-accessor", map[string]any{"accessor": a})
		n++
	}
	if n == 0 {
		t.Fatal("no token to revoke")
	}
}
