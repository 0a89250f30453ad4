package cache

import "time"

// Token is the state of a login token, for deciding when to renew it.
type Token struct {
	// TTL is the duration granted at login or at the last renewal (0:
	// never expires); Refreshed is when.
	TTL       time.Duration
	Refreshed time.Time
	// OriginalTTL is the duration granted at login.
	OriginalTTL time.Duration
	Renewable   bool
}

// Expiry is when the token expires; zero means never.
func (t *Token) Expiry() time.Time {
	if t.TTL <= 0 {
		return time.Time{}
	}
	return t.Refreshed.Add(t.TTL)
}

// Plan decides what to do with the token at now: Use it, Renew it
// (renew-self), or Issue a new one (log in again).
func (t *Token) Plan(now time.Time) Action {
	if t.TTL <= 0 {
		return Use
	}
	if !now.Before(t.Expiry()) {
		return Issue
	}
	if now.Before(twoThirds(t.Refreshed, t.TTL)) {
		return Use
	}
	if !t.Renewable {
		return Issue
	}
	return Renew
}

// Renewed records a renewal at now granting ttl, and reports whether the
// token is still worth keeping (the grant is at least a third of the
// original TTL).
func (t *Token) Renewed(now time.Time, ttl time.Duration) bool {
	t.Refreshed, t.TTL = now, ttl
	return ttl*3 >= t.OriginalTTL
}
