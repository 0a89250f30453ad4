package cache

import (
	"testing"
	"time"
)

var t0 = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

func at(d time.Duration) time.Time { return t0.Add(d) }

// step is one line of a transcript: at time t, with owner o, Plan says
// want; for Renew, grant is what the server grants (0: renewal refused,
// then the secret is issued anew).
type step struct {
	t     time.Duration
	o     Owner
	want  Action
	grant time.Duration
	// keep is whether Renewed should report the grant worth keeping.
	keep bool
	// next is the expected Next after the step (0: not checked).
	next time.Duration
}

// run plays a transcript on a secret issued at t0 with ttl, issuing anew
// (at the step's time, with the original TTL) whenever the script says so.
func run(t *testing.T, s *Secret, steps []step) {
	t.Helper()
	for i, st := range steps {
		now := at(st.t)
		got := s.Plan(now, st.o)
		if got != st.want {
			t.Fatalf("step %d at %v: %v, want %v", i, st.t, got, st.want)
		}
		switch got {
		case Renew:
			if st.grant == 0 {
				*s = reissue(s, now)
				break
			}
			if keep := s.Renewed(now, st.grant); keep != st.keep {
				t.Fatalf("step %d: Renewed kept=%v, want %v", i, keep, st.keep)
			} else if !keep {
				*s = reissue(s, now)
			}
		case Issue:
			*s = reissue(s, now)
		}
		if st.next != 0 {
			if n := s.Next(st.o); !n.Equal(at(st.next)) {
				t.Fatalf("step %d: next %v, want %v", i, n.Sub(t0), st.next)
			}
		}
	}
}

func reissue(old *Secret, now time.Time) Secret {
	s := *old
	s.Issued, s.Refreshed, s.TTL = now, now, s.OriginalTTL
	return s
}

func leased(ttl time.Duration, renewable bool) *Secret {
	return &Secret{LeaseID: "db/creds/app/x", Renewable: renewable, TTL: ttl, OriginalTTL: ttl, Refreshed: t0, Issued: t0}
}

func TestLeaseTranscript(t *testing.T) {
	h := time.Hour
	m := time.Minute
	live := Owner{Expiry: at(100 * h)}
	run(t, leased(h, true), []step{
		{t: 0, o: live, want: Use, next: 40 * m},
		{t: 2 * m, o: live, want: Use},
		{t: 39 * m, o: live, want: Use},
		// Two thirds: renew; the full TTL is granted again.
		{t: 40 * m, o: live, want: Renew, grant: h, keep: true, next: 80 * m},
		{t: 79 * m, o: live, want: Use},
		// Max TTL near: the grant shrinks but is still worth keeping...
		{t: 80 * m, o: live, want: Renew, grant: 30 * m, keep: true, next: 100 * m},
		// ...then too small: issue anew (the old lease lives on until it ends).
		{t: 100 * m, o: live, want: Renew, grant: 10 * m, keep: false, next: 140 * m},
		// Renewal refused: issue anew.
		{t: 140 * m, o: live, want: Renew, grant: 0, next: 180 * m},
		// The driver was away past the lease's end: issue anew.
		{t: 300 * m, o: live, want: Issue, next: 340 * m},
		// The owner token was revoked: its leases are gone.
		{t: 301 * m, o: Owner{Dead: true}, want: Issue},
	})
}

func TestLeaseOwnerExpiry(t *testing.T) {
	h := time.Hour
	m := time.Minute
	owner := Owner{Expiry: at(90 * m)}
	run(t, leased(h, true), []step{
		// The owner expires at 90m: re-issue a third of the TTL before (70m),
		// which is after the renewal point (40m).
		{t: 0, o: owner, want: Use, next: 40 * m},
		{t: 40 * m, o: owner, want: Renew, grant: h, keep: true, next: 70 * m},
		{t: 69 * m, o: owner, want: Use},
		{t: 70 * m, o: owner, want: Issue},
		// Under a new owner the lease is kept as usual.
		{t: 71 * m, o: Owner{}, want: Use, next: 110 * m},
	})
}

func TestNonRenewableLease(t *testing.T) {
	m := time.Minute
	run(t, leased(30*m, false), []step{
		{t: 19 * m, o: Owner{}, want: Use, next: 20 * m},
		{t: 20 * m, o: Owner{}, want: Issue, next: 40 * m},
	})
}

func TestIssuedWithoutLease(t *testing.T) {
	h := time.Hour
	cert := &Secret{Write: true, Issued: t0, NotAfter: at(24 * h)}
	if cert.Plan(at(15*h), Owner{Dead: true}) != Use || cert.Plan(at(16*h), Owner{}) != Issue || !cert.Next(Owner{}).Equal(at(16*h)) {
		t.Fatalf("certificate: %v %v %v", cert.Plan(at(15*h), Owner{}), cert.Plan(at(16*h), Owner{}), cert.Next(Owner{}))
	}
	withTTL := &Secret{Write: true, Issued: t0, TTL: 3 * h}
	if withTTL.Plan(at(119*time.Minute), Owner{}) != Use || withTTL.Plan(at(2*h), Owner{}) != Issue {
		t.Fatal("lease-less TTL")
	}
	forever := &Secret{Write: true, Issued: t0}
	if forever.Plan(at(1000*h), Owner{}) != Use || !forever.Next(Owner{}).IsZero() {
		t.Fatal("no validity: kept")
	}
	read := &Secret{Issued: t0, TTL: 768 * h}
	if read.Plan(t0, Owner{}) != Issue || !read.Next(Owner{}).IsZero() {
		t.Fatal("a lease-less read is read again every time")
	}
}

func TestTokenPlan(t *testing.T) {
	h := time.Hour
	tok := &Token{TTL: h, OriginalTTL: h, Refreshed: t0, Renewable: true}
	for _, c := range []struct {
		t    time.Duration
		want Action
	}{{0, Use}, {39 * time.Minute, Use}, {40 * time.Minute, Renew}, {h, Issue}} {
		if got := tok.Plan(at(c.t)); got != c.want {
			t.Fatalf("at %v: %v, want %v", c.t, got, c.want)
		}
	}
	if !tok.Renewed(at(40*time.Minute), h) || !tok.Expiry().Equal(at(100*time.Minute)) {
		t.Fatal("renewal")
	}
	if tok.Renewed(at(80*time.Minute), 19*time.Minute) {
		t.Fatal("a small grant is not worth keeping")
	}
	fixed := &Token{TTL: h, OriginalTTL: h, Refreshed: t0}
	if fixed.Plan(at(40*time.Minute)) != Issue {
		t.Fatal("non-renewable token past two thirds: log in again")
	}
	root := &Token{}
	if root.Plan(at(1000*h)) != Use || !root.Expiry().IsZero() {
		t.Fatal("a token without TTL never expires")
	}
}

func TestStore(t *testing.T) {
	s := NewStore[string, int](time.Minute)
	s.Put("a", 1, t0, time.Time{})
	s.Put("b", 2, t0, time.Time{})
	s.Put("kept", 9, t0, at(10*time.Minute))
	if v, ok := s.Get("a", at(50*time.Second)); !ok || v != 1 {
		t.Fatal("get")
	}
	if n := s.Sweep(at(70 * time.Second)); n != 1 || s.Len() != 2 {
		t.Fatalf("sweep removed %d, %d left", n, s.Len())
	}
	// Sweeps are rate-limited to one per Idle/4.
	if n := s.Sweep(at(75 * time.Second)); n != 0 {
		t.Fatal("second sweep ran")
	}
	if n := s.Sweep(at(200 * time.Second)); n != 1 || s.Len() != 1 {
		t.Fatalf("later sweep removed %d", n)
	}
	if n := s.Sweep(at(10 * time.Minute)); n != 1 || s.Len() != 0 {
		t.Fatalf("sweep after the keep time removed %d", n)
	}
	if v := s.GetOrCreate("d", t0, func() int { return 4 }); v != 4 {
		t.Fatal("created")
	}
	if v := s.GetOrCreate("d", t0, func() int { return 5 }); v != 4 {
		t.Fatal("kept")
	}
	s.Put("c", 3, t0, time.Time{})
	s.Delete("c")
	if _, ok := s.Get("c", t0); ok {
		t.Fatal("deleted")
	}
}
