package token

import (
	"context"
	"time"
)

// Renew extends a service token's life. The new TTL follows CalculateTTL
// with the token's own period and explicit max, counted from its creation,
// under limits (the mount that issued it). It returns the updated entry and
// any capping warnings. Batch tokens: ErrBatchRenew; tokens that are not
// renewable or never expire: ErrNotRenewable; past the max: ErrPastMaxTTL.
func (s *Store) Renew(ctx context.Context, e *Entry, increment time.Duration, limits Limits) (*Entry, []string, error) {
	if e.Type == TypeBatch {
		return nil, nil, ErrBatchRenew
	}
	l := s.lockFor(e.HashedID)
	l.Lock()
	defer l.Unlock()
	cur, err := s.raw(ctx, e.HashedID)
	if err != nil {
		return nil, nil, err
	}
	now := s.cfg.Now()
	if cur == nil || cur.RevocationPending() || cur.Expired(now) {
		return nil, nil, ErrNotFound
	}
	if !cur.Renewable || cur.ExpireTime.IsZero() {
		return nil, nil, ErrNotRenewable
	}
	ttl, warnings, err := CalculateTTL(TTLRequest{
		Now: now, Start: cur.CreationTime, Increment: increment, TTL: cur.TTL,
		Period: cur.Period, ExplicitMaxTTL: cur.ExplicitMaxTTL, Limits: limits,
	})
	if err != nil {
		return nil, nil, err
	}
	cur.ExpireTime = now.Truncate(time.Second).Add(ttl).UTC()
	cur.LastRenewal = now.UTC()
	if err := s.put(ctx, cur); err != nil {
		return nil, nil, err
	}
	// Should this fail, the old expiry still fires, sees the later
	// ExpireTime and re-arms itself.
	if sc := s.scheduler(); sc != nil {
		if err := sc.Schedule(ctx, cur.HashedID, cur.ExpireTime); err != nil {
			s.cfg.Logger.Warn("rescheduling renewed token's expiry failed", "accessor", cur.Accessor, "err", err)
		}
	}
	cur.ID = e.ID
	return cur, warnings, nil
}
