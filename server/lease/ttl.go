package lease

import (
	"time"

	"github.com/cofre-io/cofre/server/logical"
)

// Limits are the lease TTLs of the mount that issued a secret.
type Limits struct {
	// DefaultTTL applies when the secret names no TTL.
	DefaultTTL time.Duration
	// MaxTTL bounds a lease's whole life, renewals included; <= 0 means
	// the mount sets no bound.
	MaxTTL time.Duration
}

// IssueTTL computes a new lease's TTL and the time it may never outlive:
// the TTL is the secret's, or the mount's default; the max TTL is the
// smaller of the mount's and the secret's; notAfter (zero: none) bounds
// both further (a batch token's expiry). maxExpire is zero when nothing
// bounds the lease. A TTL <= 0 means no lease can be issued.
func IssueTTL(now time.Time, s *logical.Secret, l Limits, notAfter time.Time) (ttl time.Duration, maxExpire time.Time) {
	maxTTL := l.MaxTTL
	if s.MaxTTL > 0 && (maxTTL <= 0 || s.MaxTTL < maxTTL) {
		maxTTL = s.MaxTTL
	}
	ttl = s.TTL
	if ttl <= 0 {
		ttl = l.DefaultTTL
	}
	if maxTTL > 0 {
		maxExpire = now.Add(maxTTL)
	}
	if !notAfter.IsZero() && (maxExpire.IsZero() || notAfter.Before(maxExpire)) {
		maxExpire = notAfter
	}
	if !maxExpire.IsZero() && now.Add(ttl).After(maxExpire) {
		ttl = maxExpire.Sub(now)
	}
	if ttl < 0 {
		ttl = 0
	}
	return ttl, maxExpire
}

// RenewTTL computes the TTL a renewal at now grants when want is asked
// for: want, cut to what is left before maxExpire (zero: unbounded).
// ErrPastMaxTTL when nothing is left; want must be positive.
func RenewTTL(now time.Time, want time.Duration, maxExpire time.Time) (time.Duration, error) {
	if !maxExpire.IsZero() {
		left := maxExpire.Sub(now)
		if left <= 0 {
			return 0, ErrPastMaxTTL
		}
		if want > left {
			want = left
		}
	}
	if want <= 0 {
		return 0, ErrPastMaxTTL
	}
	return want, nil
}
