package lease

import (
	"context"
	"fmt"
	"maps"
	"time"

	"github.com/cofre-io/cofre/server/logical"
)

// RenewResult is the outcome of a renewal.
type RenewResult struct {
	// Entry is the lease after the renewal.
	Entry *Entry
	// TTL is the TTL granted from now.
	TTL time.Duration
	// Data and Warnings are the backend's answer, if it gave one.
	Data     map[string]any
	Warnings []string
}

// Renew extends lease id by increment (<= 0: the TTL it was issued with),
// never past its max TTL nor the mount's current max TTL counted from
// issue. The backend is asked first (RenewOperation) and may shorten the
// TTL or refuse. Errors: ErrNotFound, ErrExpired (expired or revocation
// queued), ErrNotRenewable, ErrPastMaxTTL, ErrMountGone, or the backend's.
// Who may renew is the caller's business.
func (m *Manager) Renew(ctx context.Context, id string, increment time.Duration) (*RenewResult, error) {
	if err := ValidateID(id); err != nil {
		return nil, err
	}
	sc, err := m.scheduler()
	if err != nil {
		return nil, err
	}
	unlock := m.locks.lock(id)
	defer unlock()
	e, err := m.read(ctx, id)
	if err != nil {
		return nil, err
	}
	if e == nil {
		return nil, ErrNotFound
	}
	now := m.now()
	switch {
	case !now.Before(e.ExpireTime):
		return nil, ErrExpired
	case !e.Renewable:
		return nil, ErrNotRenewable
	}
	mt, err := m.mountOf(e)
	if err != nil {
		return nil, err
	}
	limit := renewLimit(e, mt)
	want := increment
	if want <= 0 {
		want = e.TTL
	}
	ttl, err := RenewTTL(now, want, limit)
	if err != nil {
		return nil, err
	}
	s := e.secret(ttl)
	if !limit.IsZero() {
		s.MaxTTL = limit.Sub(e.IssueTime)
	}
	resp, err := m.callBackend(ctx, mt, e, logical.RenewOperation, s)
	if err != nil {
		return nil, err
	}
	res := &RenewResult{}
	if resp != nil {
		res.Data, res.Warnings = resp.Data, resp.Warnings
		if rs := resp.Secret; rs != nil {
			if rs.TTL > 0 && rs.TTL < ttl {
				ttl = rs.TTL
			}
			e.Renewable = rs.Renewable
			if rs.InternalData != nil {
				e.InternalData = maps.Clone(rs.InternalData)
			}
		}
	}
	e.ExpireTime = now.Add(ttl)
	e.LastRenewal = now
	if err := m.writeAndSchedule(ctx, sc, e, e.ExpireTime); err != nil {
		return nil, fmt.Errorf("lease: renew: %w", err)
	}
	if ttl < want {
		res.Warnings = append(res.Warnings, fmt.Sprintf("TTL of %s was asked for; the lease's max TTL and its backend allow %s", want, ttl))
	}
	res.Entry, res.TTL = e, ttl
	return res, nil
}
