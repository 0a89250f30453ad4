package lease_test

import (
	"errors"
	"testing"
	"time"

	"github.com/cofre-io/cofre/server/lease"
	"github.com/cofre-io/cofre/server/logical"
)

func TestIssueTTL(t *testing.T) {
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	h := time.Hour
	cases := []struct {
		name      string
		secret    logical.Secret
		limits    lease.Limits
		notAfter  time.Duration // from now; 0 = none
		wantTTL   time.Duration
		wantMaxIn time.Duration // maxExpire - now; -1 = zero time
	}{
		{"secret ttl", logical.Secret{TTL: h}, lease.Limits{DefaultTTL: 2 * h, MaxTTL: 4 * h}, 0, h, 4 * h},
		{"mount default", logical.Secret{}, lease.Limits{DefaultTTL: 2 * h, MaxTTL: 4 * h}, 0, 2 * h, 4 * h},
		{"capped by mount max", logical.Secret{TTL: 9 * h}, lease.Limits{DefaultTTL: 2 * h, MaxTTL: 4 * h}, 0, 4 * h, 4 * h},
		{"secret max below mount max", logical.Secret{TTL: 3 * h, MaxTTL: h}, lease.Limits{DefaultTTL: 2 * h, MaxTTL: 4 * h}, 0, h, h},
		{"secret max above mount max", logical.Secret{MaxTTL: 9 * h}, lease.Limits{DefaultTTL: 2 * h, MaxTTL: 4 * h}, 0, 2 * h, 4 * h},
		{"no mount max", logical.Secret{TTL: 9 * h}, lease.Limits{DefaultTTL: 2 * h}, 0, 9 * h, -1},
		{"no mount max, secret max", logical.Secret{TTL: 9 * h, MaxTTL: 5 * h}, lease.Limits{DefaultTTL: 2 * h}, 0, 5 * h, 5 * h},
		{"batch token ends first", logical.Secret{TTL: h}, lease.Limits{DefaultTTL: 2 * h, MaxTTL: 4 * h}, 30 * time.Minute, 30 * time.Minute, 30 * time.Minute},
		{"batch token ends later", logical.Secret{TTL: h}, lease.Limits{DefaultTTL: 2 * h, MaxTTL: 4 * h}, 8 * h, h, 4 * h},
		{"batch token already gone", logical.Secret{TTL: h}, lease.Limits{DefaultTTL: 2 * h, MaxTTL: 4 * h}, -time.Minute, 0, -time.Minute},
		{"no ttl anywhere", logical.Secret{}, lease.Limits{}, 0, 0, -1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var na time.Time
			if c.notAfter != 0 {
				na = now.Add(c.notAfter)
			}
			ttl, maxExp := lease.IssueTTL(now, &c.secret, c.limits, na)
			if ttl != c.wantTTL {
				t.Errorf("ttl = %s, want %s", ttl, c.wantTTL)
			}
			switch {
			case c.wantMaxIn == -1 && !maxExp.IsZero():
				t.Errorf("max expire = %s, want none", maxExp)
			case c.wantMaxIn != -1 && !maxExp.Equal(now.Add(c.wantMaxIn)):
				t.Errorf("max expire = now%+v, want now+%s", maxExp.Sub(now), c.wantMaxIn)
			}
		})
	}
}

func TestRenewTTL(t *testing.T) {
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		want    time.Duration
		maxIn   time.Duration // 0 = unbounded
		got     time.Duration
		pastMax bool
	}{
		{time.Hour, 0, time.Hour, false},
		{time.Hour, 2 * time.Hour, time.Hour, false},
		{time.Hour, 30 * time.Minute, 30 * time.Minute, false},
		{time.Hour, -time.Second, 0, true},
		{time.Hour, time.Nanosecond, time.Nanosecond, false},
	}
	for _, c := range cases {
		var maxExp time.Time
		if c.maxIn != 0 {
			maxExp = now.Add(c.maxIn)
		}
		got, err := lease.RenewTTL(now, c.want, maxExp)
		if c.pastMax != errors.Is(err, lease.ErrPastMaxTTL) || got != c.got {
			t.Errorf("RenewTTL(%s, max in %s) = %s, %v; want %s, past max %t", c.want, c.maxIn, got, err, c.got, c.pastMax)
		}
	}
}

// Property: whatever the inputs, a lease never outlives its max expire
// time, and the TTL never exceeds what was asked (or the default).
func TestIssueTTLNeverExceedsBounds(t *testing.T) {
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	vals := []time.Duration{0, time.Second, time.Minute, time.Hour, 30 * time.Hour, -time.Minute}
	for _, ttl := range vals {
		for _, smax := range vals {
			for _, def := range vals {
				for _, mmax := range vals {
					for _, na := range vals {
						var notAfter time.Time
						if na != 0 {
							notAfter = now.Add(na)
						}
						s := &logical.Secret{TTL: ttl, MaxTTL: smax}
						got, maxExp := lease.IssueTTL(now, s, lease.Limits{DefaultTTL: def, MaxTTL: mmax}, notAfter)
						if got < 0 {
							t.Fatalf("negative ttl %s", got)
						}
						if got > 0 && !maxExp.IsZero() && now.Add(got).After(maxExp) {
							t.Fatalf("ttl %s outlives max expire %s (inputs %s %s %s %s %s)", got, maxExp.Sub(now), ttl, smax, def, mmax, na)
						}
						asked := ttl
						if asked <= 0 {
							asked = def
						}
						if got > max(asked, 0) {
							t.Fatalf("ttl %s exceeds what was asked %s", got, asked)
						}
						if mmax > 0 && got > mmax || smax > 0 && got > smax {
							t.Fatalf("ttl %s exceeds a max (mount %s, secret %s)", got, mmax, smax)
						}
					}
				}
			}
		}
	}
}
