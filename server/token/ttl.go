package token

import (
	"fmt"
	"time"
)

// Limits are the TTL bounds of the mount a token came from (its system
// view): the TTL used when none is asked for, and the ceiling.
type Limits struct {
	DefaultTTL time.Duration
	MaxTTL     time.Duration
}

// TTLRequest is the input of CalculateTTL.
type TTLRequest struct {
	// Now is the time of the calculation; Start the token's issue time, from
	// which max TTLs are counted (zero: Now).
	Now   time.Time
	Start time.Time
	// Increment is what a renewal asks for (0: none); TTL the TTL the token
	// or backend asks for (0: the mount default).
	Increment time.Duration
	TTL       time.Duration
	// Period makes the token periodic: each issue or renewal gets Period,
	// with no max TTL beyond ExplicitMaxTTL.
	Period time.Duration
	// BackendMaxTTL (a role's max) and ExplicitMaxTTL lower the mount's
	// max when set.
	BackendMaxTTL  time.Duration
	ExplicitMaxTTL time.Duration
	Limits         Limits
}

// CalculateTTL returns the TTL a token gets at issue or renewal, with the
// warnings Vault gives when a value was capped:
//
//   - the effective max is the mount's MaxTTL, lowered by BackendMaxTTL and
//     ExplicitMaxTTL when set;
//   - a periodic token gets Period (capped at the effective max) and is
//     bounded in time only by ExplicitMaxTTL;
//   - otherwise the TTL is Increment, else TTL, else the mount default, and
//     the token may not outlive Start plus the effective max.
//
// Times are truncated to whole seconds. ErrPastMaxTTL means Start plus the
// max is already past.
func CalculateTTL(r TTLRequest) (time.Duration, []string, error) {
	now := r.Now.Truncate(time.Second)
	start := now
	if !r.Start.IsZero() {
		start = r.Start.Truncate(time.Second)
	}
	maxTTL := r.Limits.MaxTTL
	if r.BackendMaxTTL > 0 && (maxTTL <= 0 || r.BackendMaxTTL < maxTTL) {
		maxTTL = r.BackendMaxTTL
	}
	if r.ExplicitMaxTTL > 0 && (maxTTL <= 0 || r.ExplicitMaxTTL < maxTTL) {
		maxTTL = r.ExplicitMaxTTL
	}
	if maxTTL <= 0 {
		return 0, nil, fmt.Errorf("token: max TTL must be greater than zero")
	}
	var warnings []string
	var ttl time.Duration
	var limit time.Time
	if r.Period > 0 {
		ttl = r.Period
		if ttl > maxTTL {
			warnings = append(warnings, fmt.Sprintf("period of %q exceeded the effective max_ttl of %q; period value is capped accordingly", r.Period.String(), maxTTL.String()))
			ttl = maxTTL
		}
		if r.ExplicitMaxTTL > 0 {
			limit = start.Add(r.ExplicitMaxTTL)
		}
	} else {
		switch {
		case r.Increment > 0:
			ttl = r.Increment
		case r.TTL > 0:
			ttl = r.TTL
		default:
			ttl = r.Limits.DefaultTTL
		}
		limit = start.Add(maxTTL)
	}
	if !limit.IsZero() {
		left := limit.Sub(now)
		if left < 0 {
			return 0, nil, ErrPastMaxTTL
		}
		if ttl > left {
			warnings = append(warnings, fmt.Sprintf("TTL of %q exceeded the effective max_ttl of %q; TTL value is capped accordingly", ttl.String(), left.String()))
			ttl = left
		}
	}
	return ttl.Truncate(time.Second), warnings, nil
}
