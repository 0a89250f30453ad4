package token_test

import (
	"errors"
	"testing"
	"time"

	"github.com/cofre-io/cofre/server/token"
)

func TestCalculateTTL(t *testing.T) {
	h := time.Hour
	lim := token.Limits{DefaultTTL: 2 * h, MaxTTL: 10 * h}
	now := t0.Add(500 * time.Millisecond) // truncated to the second
	cases := []struct {
		name     string
		req      token.TTLRequest
		want     time.Duration
		warnings int
		err      error
	}{
		{"mount default", token.TTLRequest{}, 2 * h, 0, nil},
		{"asked ttl", token.TTLRequest{TTL: 3 * h}, 3 * h, 0, nil},
		{"ttl capped by mount max", token.TTLRequest{TTL: 20 * h}, 10 * h, 1, nil},
		{"increment wins over ttl", token.TTLRequest{TTL: 3 * h, Increment: 5 * h}, 5 * h, 0, nil},
		{"explicit max lowers the cap", token.TTLRequest{TTL: 3 * h, ExplicitMaxTTL: h}, h, 1, nil},
		{"backend max lowers the cap", token.TTLRequest{TTL: 3 * h, BackendMaxTTL: 2 * h}, 2 * h, 1, nil},
		{"cap counts from start", token.TTLRequest{Start: t0.Add(-9 * h), TTL: 3 * h}, h, 1, nil},
		{"renewal exactly at the max", token.TTLRequest{Start: t0.Add(-10 * h), Increment: h}, 0, 1, nil},
		{"past the max", token.TTLRequest{Start: t0.Add(-11 * h), Increment: h}, 0, 0, token.ErrPastMaxTTL},
		{"periodic gets the period", token.TTLRequest{Period: 4 * h, TTL: h}, 4 * h, 0, nil},
		{"periodic ignores the age", token.TTLRequest{Start: t0.Add(-100 * h), Period: 4 * h}, 4 * h, 0, nil},
		{"period capped by mount max", token.TTLRequest{Period: 20 * h}, 10 * h, 1, nil},
		{"periodic bounded by explicit max", token.TTLRequest{Start: t0.Add(-3 * h), Period: 4 * h, ExplicitMaxTTL: 5 * h}, 2 * h, 1, nil},
		{"periodic with increment still gets period", token.TTLRequest{Period: 4 * h, Increment: 9 * h}, 4 * h, 0, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.req.Now = now
			c.req.Limits = lim
			got, warnings, err := token.CalculateTTL(c.req)
			if !errors.Is(err, c.err) {
				t.Fatalf("err = %v, want %v", err, c.err)
			}
			if got != c.want || len(warnings) != c.warnings {
				t.Fatalf("ttl = %s (%d warnings: %v), want %s (%d warnings)", got, len(warnings), warnings, c.want, c.warnings)
			}
		})
	}
	if _, _, err := token.CalculateTTL(token.TTLRequest{Now: now}); err == nil {
		t.Fatal("zero max TTL accepted")
	}
}

func TestSanitizePolicies(t *testing.T) {
	cases := []struct {
		in         []string
		addDefault bool
		want       []string
	}{
		{nil, false, []string{}},
		{nil, true, []string{"default"}},
		{[]string{" Web ", "db", "web", ""}, true, []string{"db", "default", "web"}},
		{[]string{"a", "ROOT"}, true, []string{"root"}},
		{[]string{"default", "a"}, true, []string{"a", "default"}},
	}
	for _, c := range cases {
		got := token.SanitizePolicies(c.in, c.addDefault)
		if len(got) != len(c.want) {
			t.Fatalf("%q: got %q, want %q", c.in, got, c.want)
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Fatalf("%q: got %q, want %q", c.in, got, c.want)
			}
		}
	}
}

func TestAddrAllowed(t *testing.T) {
	cases := []struct {
		remote string
		cidrs  []string
		want   bool
	}{
		{"10.1.2.3:5555", nil, true},
		{"10.1.2.3:5555", []string{"10.0.0.0/8"}, true},
		{"10.1.2.3", []string{"192.168.0.0/16", "10.1.2.3"}, true},
		{"11.1.2.3:1", []string{"10.0.0.0/8"}, false},
		{"[::1]:80", []string{"::1/128"}, true},
		{"[::ffff:10.0.0.1]:80", []string{"10.0.0.0/8"}, true},
		{"garbage", []string{"10.0.0.0/8"}, false},
		{"", []string{"10.0.0.0/8"}, false},
		{"10.1.2.3:1", []string{"not-a-cidr"}, false},
	}
	for _, c := range cases {
		if got := token.AddrAllowed(c.remote, c.cidrs); got != c.want {
			t.Errorf("AddrAllowed(%q, %q) = %v, want %v", c.remote, c.cidrs, got, c.want)
		}
	}
}
