package pki

import (
	"strings"
	"testing"
	"time"

	"github.com/cofre-io/cofre/server/logical"
)

func TestComputeValidity(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	h := time.Hour
	base := validityInput{now: now, sysTTL: 768 * h, sysMax: 8760 * h, notBeforeDuration: 30 * time.Second,
		issuerNotAfter: now.Add(1000 * h), behavior: notAfterErr}
	tests := []struct {
		name    string
		mod     func(*validityInput)
		life    time.Duration // NotAfter - now; 0 with wantErr
		warn    string
		wantErr string
	}{
		{name: "mount default", mod: func(in *validityInput) {}, life: 768 * h},
		{name: "role ttl", mod: func(in *validityInput) { in.roleTTL = 24 * h }, life: 24 * h},
		{name: "request ttl wins", mod: func(in *validityInput) { in.roleTTL, in.ttl = 24*h, 2*h }, life: 2 * h},
		{name: "role max_ttl truncates", mod: func(in *validityInput) { in.roleMax, in.ttl = 72*h, 100*h }, life: 72 * h, warn: "is longer than permitted maxTTL"},
		{name: "mount max truncates", mod: func(in *validityInput) { in.sysMax, in.ttl = 10*h, 100*h }, life: 10 * h, warn: "so was truncated"},
		{name: "role max above mount max", mod: func(in *validityInput) { in.sysMax, in.roleMax, in.ttl = 10*h, 100*h, 50*h }, life: 10 * h, warn: "truncated"},
		{name: "default above role max", mod: func(in *validityInput) { in.roleMax = 24 * h }, life: 24 * h, warn: "truncated"},
		{name: "issuer expiry errs", mod: func(in *validityInput) { in.ttl = 2000 * h }, wantErr: "beyond the expiration of the CA certificate"},
		{name: "issuer expiry truncates", mod: func(in *validityInput) { in.ttl, in.behavior = 2000*h, notAfterTruncate }, life: 1000 * h},
		{name: "issuer expiry permitted", mod: func(in *validityInput) { in.ttl, in.behavior = 2000*h, notAfterPermit }, life: 2000 * h},
		{name: "not_after", mod: func(in *validityInput) { in.notAfter = now.Add(5 * h) }, life: 5 * h},
		{name: "not_after past max", mod: func(in *validityInput) { in.roleMax, in.notAfter = 5*h, now.Add(50*h) }, life: 5 * h, warn: "truncated"},
		{name: "not_after and ttl", mod: func(in *validityInput) { in.ttl, in.notAfter = h, now.Add(5*h) }, wantErr: "not both"},
		{name: "not_after in the past", mod: func(in *validityInput) { in.notAfter = now.Add(-h) }, wantErr: "not in the future"},
		{name: "self-signed has no issuer cap", mod: func(in *validityInput) { in.issuerNotAfter, in.ttl = time.Time{}, 5000*h }, life: 5000 * h},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := base
			tc.mod(&in)
			v, err := computeValidity(in)
			if tc.wantErr != "" {
				badRequestContaining(t, err, tc.wantErr)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := v.notAfter.Sub(now); got != tc.life {
				t.Fatalf("lifetime %v, want %v", got, tc.life)
			}
			if got := now.Sub(v.notBefore); got != 30*time.Second {
				t.Fatalf("backdating %v", got)
			}
			joined := strings.Join(v.warnings, "; ")
			if (tc.warn == "") != (joined == "") || !strings.Contains(joined, tc.warn) {
				t.Fatalf("warnings %q, want one containing %q", joined, tc.warn)
			}
		})
	}
}

// TestIssueTTLCaps checks the caps end to end: role max_ttl, the mount's
// maximum, and the issuer's NotAfter under each leaf_not_after_behavior.
func TestIssueTTLCaps(t *testing.T) {
	h := newHierarchy(t, "ec")
	now := h.inter.clock.Now().Truncate(time.Second) // certificates hold whole seconds
	life := func(resp map[string]any) time.Duration {
		return time.Unix(resp["expiration"].(int64), 0).Sub(now)
	}
	resp := h.inter.write("issue/web", map[string]any{"common_name": "a.example.com", "ttl": "10000h"})
	if got := life(resp); got != 720*time.Hour {
		t.Fatalf("role max_ttl not applied: %v", got)
	}
	// A role without max_ttl is capped by the issuer's NotAfter (43800h)
	// before the mount's maximum (87600h).
	h.inter.write("roles/long", map[string]any{"allowed_domains": "example.com", "allow_subdomains": true, "key_type": "ec"})
	_, err := h.inter.do(logical.UpdateOperation, "issue/long", map[string]any{"common_name": "a.example.com", "ttl": "50000h"})
	badRequestContaining(t, err, "beyond the expiration of the CA certificate")
	h.inter.write("issuer/default", map[string]any{"leaf_not_after_behavior": "truncate"})
	resp = h.inter.write("issue/long", map[string]any{"common_name": "a.example.com", "ttl": "50000h"})
	if got := time.Unix(resp["expiration"].(int64), 0); !got.Equal(h.interCert.NotAfter) {
		t.Fatalf("truncate: NotAfter %v, issuer's %v", got, h.interCert.NotAfter)
	}
	h.inter.write("issuer/default", map[string]any{"leaf_not_after_behavior": "permit"})
	resp = h.inter.write("issue/long", map[string]any{"common_name": "a.example.com", "ttl": "50000h"})
	if got := life(resp); got != 50000*time.Hour {
		t.Fatalf("permit: %v", got)
	}
	resp = h.inter.write("issue/long", map[string]any{"common_name": "a.example.com", "ttl": "90000h"})
	if got := life(resp); got != fixtureMaxTTL {
		t.Fatalf("mount max not applied: %v", got)
	}
}
