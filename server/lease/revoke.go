package lease

import (
	"context"
	"errors"
	"fmt"

	"github.com/cofre-io/cofre/server/logical"
)

// Revoke revokes lease id: with sync, the backend is called now and the
// lease deleted once it confirms; without, the revocation is queued for
// the scheduler. Revoking a lease that does not exist is not an error. A
// failed revocation returns an error wrapping ErrRevokeFailed and the
// lease stays, queued for retries.
func (m *Manager) Revoke(ctx context.Context, id string, sync bool) error {
	if err := ValidateID(id); err != nil {
		return err
	}
	if sync {
		_, err := m.revokeOne(ctx, id, "")
		return err
	}
	return m.queue(ctx, id)
}

// revokeOne revokes id now. When only is set, a lease of another mount
// accessor is left alone. On a backend failure the lease is queued for a
// retry and the error wraps ErrRevokeFailed. found reports whether the
// lease existed (and belonged to only).
func (m *Manager) revokeOne(ctx context.Context, id, only string) (found bool, err error) {
	sc, err := m.scheduler()
	if err != nil {
		return false, err
	}
	unlock := m.locks.lock(id)
	defer unlock()
	e, err := m.read(ctx, id)
	if err != nil || e == nil {
		return false, err
	}
	if only != "" && e.MountAccessor != only {
		return false, nil
	}
	cause := m.callBackendRevoke(ctx, e)
	if cause == nil {
		return true, m.deleteLease(ctx, e, true)
	}
	m.noteFailure(e, cause)
	now := m.now()
	if e.ExpireTime.After(now) {
		e.ExpireTime = now
	}
	if err := m.writeAndSchedule(ctx, sc, e, now.Add(m.cfg.MinBackoff)); err != nil {
		return true, errors.Join(fmt.Errorf("%w %s: %s", ErrRevokeFailed, id, logical.CodedMessage(cause)), err)
	}
	return true, fmt.Errorf("%w %s: %s (the revocation will be retried)", ErrRevokeFailed, id, logical.CodedMessage(cause))
}

// noteFailure records a failed revocation in e (not yet persisted).
func (m *Manager) noteFailure(e *Entry, cause error) {
	e.RevokeAttempts++
	e.LastError = logical.CodedMessage(cause)
	e.LastAttempt = m.now()
	if e.RevokeAttempts >= m.cfg.IrrevocableAfter && !e.Irrevocable {
		e.Irrevocable = true
		m.cfg.Logger.Error("lease is irrevocable: its revocation keeps failing; it will still be retried", "lease_id", e.ID, "attempts", e.RevokeAttempts, "err", cause)
		return
	}
	m.cfg.Logger.Warn("lease revocation failed; will retry", "lease_id", e.ID, "attempts", e.RevokeAttempts, "err", cause)
}

// queue makes the scheduler revoke id as soon as it can: the lease's
// expire time becomes now. A missing lease is not an error.
func (m *Manager) queue(ctx context.Context, id string) error {
	_, err := m.queueOf(ctx, id, "")
	return err
}

// queueOf is queue for a lease of accessor only (any when empty); queued
// reports whether there was such a lease.
func (m *Manager) queueOf(ctx context.Context, id, only string) (queued bool, err error) {
	sc, err := m.scheduler()
	if err != nil {
		return false, err
	}
	unlock := m.locks.lock(id)
	defer unlock()
	e, err := m.read(ctx, id)
	if err != nil || e == nil || only != "" && e.MountAccessor != only {
		return false, err
	}
	now := m.now()
	if e.ExpireTime.After(now) {
		e.ExpireTime = now
	}
	return true, m.writeAndSchedule(ctx, sc, e, now)
}

// onExpire is the scheduler's callback: revoke the lease if its time has
// come, re-arm it if it was renewed meanwhile. A failure is recorded in
// the lease and returned, so the scheduler retries with backoff.
func (m *Manager) onExpire(ctx context.Context, id string) error {
	unlock := m.locks.lock(id)
	defer unlock()
	e, err := m.read(ctx, id)
	if err != nil || e == nil {
		return err
	}
	if m.now().Before(e.ExpireTime) {
		sc, err := m.scheduler()
		if err != nil {
			return err
		}
		return sc.Schedule(ctx, id, e.ExpireTime)
	}
	cause := m.callBackendRevoke(ctx, e)
	if cause == nil {
		return m.deleteLease(ctx, e, false)
	}
	if ctx.Err() != nil {
		return cause // stopping: not the backend's failure
	}
	m.noteFailure(e, cause)
	if err := m.put(ctx, e); err != nil {
		m.cfg.Logger.Warn("recording a failed revocation failed", "lease_id", id, "err", err)
	}
	return cause
}
