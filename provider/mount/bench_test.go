package mount_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	vault "github.com/hashicorp/vault/api"
)

// kvObjects returns n objects, each reading its own KV secret (n server
// reads per Mount: the worst case for a volume of n objects).
func nObjects(b testing.TB, f *fixture, n int) string {
	var sb strings.Builder
	for i := range n {
		f.srv.PutKV(b, fmt.Sprintf("app/s%d", i), map[string]any{"value": fmt.Sprintf("v%d", i)})
		fmt.Fprintf(&sb, "- {objectName: o%d, secretPath: secret/data/app/s%d, secretKey: value}\n", i, i)
	}
	return sb.String()
}

// BenchmarkMount measures a steady-state Mount (the driver's rotation
// poll: login token kept, every object read again) of 1, 10 and 50
// objects through the real HTTP API on loopback.
func BenchmarkMount(b *testing.B) {
	for _, n := range []int{1, 10, 50} {
		b.Run(fmt.Sprintf("objects=%d", n), func(b *testing.B) {
			f := newFixture(b)
			attrs := f.attrs(appPod, map[string]string{"roleName": "app", "objects": nObjects(b, f, n)})
			if _, err := f.p.Mount(context.Background(), attrs, "", "", ""); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				if _, err := f.p.Mount(context.Background(), attrs, "", "", ""); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFirstMount includes the login (TokenReview against the fake
// API server) and the first reads: a new pod's volume.
func BenchmarkFirstMount(b *testing.B) {
	f := newFixture(b)
	objs := nObjects(b, f, 10)
	i := 0
	for b.Loop() {
		p := appPod
		i++
		p.uid = fmt.Sprintf("5a4e2c1b-0000-4000-8000-%012d", i)
		p.name = fmt.Sprintf("app-%d", i)
		if _, err := f.p.Mount(context.Background(), f.attrs(p, map[string]string{"roleName": "app", "objects": objs}), "", "", ""); err != nil {
			b.Fatal(err)
		}
	}
}

// TestPollRequestCount counts the server requests of 30 driver polls (2
// minutes apart: one hour) of an unchanged volume holding KV secrets,
// leased database-style credentials and a certificate bundle. The goal:
// no new login and no new lease or certificate, only the cheap KV reads
// plus the renewals that keep the lease and the login token alive.
func TestPollRequestCount(t *testing.T) {
	f := newFixture(t)
	f.srv.Leases.SetLeases(time.Hour, 0, true)
	if err := f.srv.Root.Sys().Mount("pki", &vault.MountInput{Type: "pki", Config: vault.MountConfigInput{MaxLeaseTTL: "87600h"}}); err != nil {
		t.Fatal(err)
	}
	f.srv.Write(t, "pki/root/generate/internal", map[string]any{"common_name": "Test Root", "ttl": "87600h"})
	f.srv.Write(t, "pki/roles/web", map[string]any{"allowed_domains": "example.com", "allow_subdomains": true, "max_ttl": "72h"})
	f.srv.PutKV(t, "app/api", map[string]any{"key": "k"})
	class := map[string]string{"roleName": "app", "objects": kvObjects + credsObjects + `
- {objectName: api-key, secretPath: secret/data/app/api, secretKey: key}
- {objectName: tls.crt, secretPath: pki/issue/web, method: PUT, secretArgs: {common_name: app.example.com, ttl: 24h}, secretKey: certificate}
- {objectName: tls.key, secretPath: pki/issue/web, method: PUT, secretArgs: {common_name: app.example.com, ttl: 24h}, secretKey: private_key}
`}
	f.srv.ResetRequests()
	first := f.mount(appPod, class)
	firstReqs := f.srv.Requests()
	f.srv.ResetRequests()
	v := versions(first)
	for range 30 {
		f.clock.Advance(2 * time.Minute)
		if !equal(versions(f.mount(appPod, class)), v) {
			t.Fatal("an unchanged volume changed")
		}
	}
	reqs := f.srv.Requests()
	total := 0
	for _, n := range reqs {
		total += n
	}
	t.Logf("first mount: %v", firstReqs)
	t.Logf("30 polls over 60 minutes: %d requests: %v", total, reqs)
	if logins(reqs) != 0 || reqs["GET /v1/creds/creds/app"] != 0 || reqs["PUT /v1/pki/issue/web"] != 0 {
		t.Fatalf("polls logged in or issued: %v", reqs)
	}
	// Two KV secrets read on each poll, one lease renewal and one token
	// renewal (both at 40 minutes), nothing else.
	if reqs["GET /v1/secret/data/app/db"] != 30 || reqs["GET /v1/secret/data/app/api"] != 30 ||
		reqs["PUT /v1/sys/leases/renew"] != 1 || reqs["PUT /v1/auth/token/renew-self"] != 1 || total != 62 {
		t.Fatalf("requests %v", reqs)
	}
}
