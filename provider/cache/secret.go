package cache

import "time"

// Action is what to do with a kept secret before a Mount uses it.
type Action int

// The actions, from cheapest.
const (
	// Use the kept secret as it is.
	Use Action = iota
	// Renew its lease, then use it (or Issue if renewal fails or grants
	// too little: see Renewed).
	Renew
	// Issue it anew: read or write again.
	Issue
)

func (a Action) String() string {
	switch a {
	case Use:
		return "use"
	case Renew:
		return "renew"
	default:
		return "issue"
	}
}

// Owner is the state of the login token a secret was issued under: its
// leases die with it.
type Owner struct {
	// Expiry is when the token expires; zero means never.
	Expiry time.Time
	// Dead means the token is known revoked or expired.
	Dead bool
}

// Secret is one server answer kept for reuse. It is a plain value: the
// caller serialises access.
type Secret struct {
	// Data is the answer's data.
	Data map[string]any
	// LeaseID is the lease, "" when none.
	LeaseID   string
	Renewable bool
	// TTL is the lease duration granted at issue or at the last renewal;
	// Refreshed is when that happened.
	TTL       time.Duration
	Refreshed time.Time
	// OriginalTTL is the lease duration granted at issue: the increment
	// asked at renewal, and the yardstick of "max TTL near".
	OriginalTTL time.Duration
	// Issued is when the secret was issued.
	Issued time.Time
	// NotAfter is the end of a lease-less issued secret's validity (a
	// certificate's expiration); zero when unknown.
	NotAfter time.Time
	// Write says the secret came from a write (PUT/POST): it may have
	// issued something new and is not repeated needlessly.
	Write bool
}

// Leased reports whether the secret holds a lease.
func (s *Secret) Leased() bool { return s.LeaseID != "" }

// cached reports whether the secret is reused at all between Mounts.
func (s *Secret) cached() bool { return s.Leased() || s.Write }

// leaseEnd is when the current lease expires.
func (s *Secret) leaseEnd() time.Time { return s.Refreshed.Add(s.TTL) }

// twoThirds is the point two thirds of the way from start over d.
func twoThirds(start time.Time, d time.Duration) time.Time { return start.Add(d * 2 / 3) }

// ownerDeadline is when the secret must have been re-issued under a newer
// token because its owner's expiry would revoke it: a third of its
// original TTL before that expiry. Zero means no deadline.
func (s *Secret) ownerDeadline(o Owner) time.Time {
	if o.Expiry.IsZero() {
		return time.Time{}
	}
	return o.Expiry.Add(-s.OriginalTTL / 3)
}

// Plan decides what to do with the kept secret at now, given its owner.
func (s *Secret) Plan(now time.Time, o Owner) Action {
	if !s.cached() {
		return Issue
	}
	if !s.Leased() {
		if due := s.validityPoint(); !due.IsZero() && !now.Before(due) {
			return Issue
		}
		return Use
	}
	if o.Dead || !now.Before(s.leaseEnd()) {
		return Issue
	}
	if d := s.ownerDeadline(o); !d.IsZero() && !now.Before(d) {
		return Issue
	}
	if now.Before(twoThirds(s.Refreshed, s.TTL)) {
		return Use
	}
	if !s.Renewable {
		return Issue
	}
	return Renew
}

// validityPoint is when a lease-less issued secret is re-issued: two
// thirds of its validity; zero when it has none.
func (s *Secret) validityPoint() time.Time {
	switch {
	case !s.NotAfter.IsZero():
		return twoThirds(s.Issued, s.NotAfter.Sub(s.Issued))
	case s.TTL > 0:
		return twoThirds(s.Issued, s.TTL)
	}
	return time.Time{}
}

// Renewed records a successful renewal at now granting ttl. It returns
// false when the grant is under a third of the original TTL (max TTL
// near): the secret should then be issued anew. The kept lease is updated
// either way (it stays valid until replaced).
func (s *Secret) Renewed(now time.Time, ttl time.Duration) bool {
	s.Refreshed, s.TTL = now, ttl
	return ttl*3 >= s.OriginalTTL
}

// Next is when the secret next needs the provider's attention (renewal or
// re-issue); zero when only the driver's own polling matters (reads).
func (s *Secret) Next(o Owner) time.Time {
	if !s.cached() {
		return time.Time{}
	}
	if !s.Leased() {
		return s.validityPoint()
	}
	next := twoThirds(s.Refreshed, s.TTL)
	if d := s.ownerDeadline(o); !d.IsZero() && d.Before(next) {
		next = d
	}
	return next
}

// KeepUntil is how long a kept secret is worth keeping even when no Mount
// uses it: until its lease ends (it can be renewed until then), or until
// a lease-less one is due for re-issue. Zero for reads.
func (s *Secret) KeepUntil() time.Time {
	if s.Leased() {
		return s.leaseEnd()
	}
	if s.Write {
		return s.validityPoint()
	}
	return time.Time{}
}
