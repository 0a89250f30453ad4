package rotation

import (
	"fmt"
	"time"
)

// Defaults of Policy.
const (
	DefaultInterval   = 2 * time.Minute
	DefaultMinBackoff = 5 * time.Second
	DefaultMaxBackoff = 5 * time.Minute
	// DefaultMinGap is the least time between two refreshes of a volume,
	// whatever a hint says.
	DefaultMinGap = time.Second
)

// Policy computes when a volume's next refresh is due. Its methods are
// pure.
type Policy struct {
	// Interval is the rotation interval when a class sets none.
	Interval time.Duration
	// MinBackoff is the delay before the first retry of a failed refresh;
	// it doubles with every further failure up to MaxBackoff (and never
	// beyond the volume's interval).
	MinBackoff, MaxBackoff time.Duration
	// MinGap is the least delay before any refresh.
	MinGap time.Duration
}

// Validate fills in defaults and rejects negative or inconsistent values.
func (p *Policy) Validate() error {
	for _, d := range []*struct {
		v   *time.Duration
		def time.Duration
	}{{&p.Interval, DefaultInterval}, {&p.MinBackoff, DefaultMinBackoff}, {&p.MaxBackoff, DefaultMaxBackoff}, {&p.MinGap, DefaultMinGap}} {
		if *d.v < 0 {
			return fmt.Errorf("rotation: negative duration %v", *d.v)
		}
		if *d.v == 0 {
			*d.v = d.def
		}
	}
	if p.MaxBackoff < p.MinBackoff {
		return fmt.Errorf("rotation: max backoff %v below min backoff %v", p.MaxBackoff, p.MinBackoff)
	}
	return nil
}

// AfterSuccess is when the next refresh is due after one that succeeded at
// now: now+interval (the policy's Interval when interval is 0), or the
// provider's hint when one was given (non-zero) and is earlier; never
// sooner than now+MinGap.
func (p Policy) AfterSuccess(now time.Time, interval time.Duration, hint time.Time) time.Time {
	if interval <= 0 {
		interval = p.Interval
	}
	next := now.Add(interval)
	if !hint.IsZero() && hint.Before(next) {
		next = hint
	}
	if floor := now.Add(p.MinGap); next.Before(floor) {
		next = floor
	}
	return next
}

// AfterFailure is when a refresh that failed at now, the failures-th
// failure in a row (1 for the first), is retried: MinBackoff doubled per
// earlier failure, capped at MaxBackoff and at the interval.
func (p Policy) AfterFailure(now time.Time, failures int, interval time.Duration) time.Time {
	if interval <= 0 {
		interval = p.Interval
	}
	limit := min(p.MaxBackoff, interval)
	d := p.MinBackoff
	for i := 1; i < failures && d < limit; i++ {
		d *= 2
	}
	d = max(min(d, limit), p.MinGap)
	return now.Add(d)
}
