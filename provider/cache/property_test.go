package cache

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestPlanProperties checks, over random secrets, owners and times, what
// the renewal rules promise: a kept lease is never used once it ended or
// its owner is dead or expired; while it is used, its next attention point
// lies ahead and before the lease's end; Plan agrees with a naive reading
// of the rules.
func TestPlanProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	dur := func(max time.Duration) time.Duration { return time.Duration(r.Int64N(int64(max))) }
	for i := range 100000 {
		ttl := time.Second + dur(48*time.Hour)
		s := &Secret{LeaseID: "l", Renewable: r.IntN(2) == 0, OriginalTTL: ttl, TTL: time.Second + dur(ttl),
			Issued: t0, Refreshed: t0.Add(dur(time.Hour))}
		o := Owner{Dead: r.IntN(10) == 0}
		if r.IntN(3) > 0 {
			o.Expiry = t0.Add(dur(72 * time.Hour))
		}
		now := t0.Add(dur(96 * time.Hour))
		got := s.Plan(now, o)

		end := s.Refreshed.Add(s.TTL)
		ownerGone := o.Dead || (!o.Expiry.IsZero() && !now.Before(o.Expiry.Add(-s.OriginalTTL/3)))
		var want Action
		switch {
		case ownerGone || !now.Before(end):
			want = Issue
		case now.Sub(s.Refreshed) < s.TTL*2/3:
			want = Use
		case s.Renewable:
			want = Renew
		default:
			want = Issue
		}
		if got != want {
			t.Fatalf("case %d: %+v owner %+v at %v: %v, naive %v", i, s, o, now.Sub(t0), got, want)
		}
		if got == Use {
			if next := s.Next(o); !now.Before(next) || next.After(end) {
				t.Fatalf("case %d: used at %v with next %v, end %v", i, now.Sub(t0), next.Sub(t0), end.Sub(t0))
			}
		}
	}
}
