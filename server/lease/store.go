package lease

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/cofre-io/cofre/server/expire"
	"github.com/cofre-io/cofre/server/storage"
)

// read returns the stored lease id, or nil when there is none.
func (m *Manager) read(ctx context.Context, id string) (*Entry, error) {
	raw, err := m.view.Get(ctx, entryKey(id))
	if errors.Is(err, storage.ErrInvalidKey) {
		return nil, fmt.Errorf("%w: %q", ErrInvalidID, id)
	}
	if err != nil {
		return nil, fmt.Errorf("lease: read: %w", err)
	}
	if raw == nil {
		return nil, nil
	}
	e, err := decodeEntry(raw.Value)
	if err != nil {
		return nil, err
	}
	// Every key derived from the entry (its indexes, its deletion) must
	// be the one it was read under.
	e.ID = id
	return e, nil
}

// transact applies ops atomically when the storage can; done is false when
// it cannot, and the caller writes them one by one instead.
func (m *Manager) transact(ctx context.Context, ops []storage.TxnOp) (done bool, err error) {
	if m.noTxn.Load() {
		return false, nil
	}
	t, ok := m.view.(storage.Transactional)
	if !ok {
		m.noTxn.Store(true)
		return false, nil
	}
	if err := t.Transaction(ctx, ops); err != nil {
		if errors.Is(err, storage.ErrNotTransactional) {
			m.noTxn.Store(true)
			return false, nil
		}
		return false, fmt.Errorf("lease: write: %w", err)
	}
	return true, nil
}

func (m *Manager) putRaw(ctx context.Context, key string, value []byte) error {
	if err := m.view.Put(ctx, &storage.Entry{Key: key, Value: value}); err != nil {
		return fmt.Errorf("lease: write: %w", err)
	}
	return nil
}

// writeNew persists a new lease with its token index and arms its expiry:
// one transaction when the storage allows it; otherwise the indexes first
// and the entry last, so a crash leaves at most dangling indexes (ignored
// by the scheduler, removed by Tidy), never a lease that cannot expire.
func (m *Manager) writeNew(ctx context.Context, sc *expire.Scheduler, e *Entry, buf []byte) error {
	ops := []storage.TxnOp{{Entry: storage.Entry{Key: entryKey(e.ID), Value: buf}}}
	if e.IndexToken != "" {
		ops = append(ops, storage.TxnOp{Entry: storage.Entry{Key: tokenIndexKey(e.IndexToken, e.ID), Value: []byte{}}})
	}
	if !m.noTxn.Load() {
		ie, err := sc.IndexEntry(e.ID, e.ExpireTime)
		if err != nil {
			return err
		}
		ie.Key = expirePrefix + ie.Key
		done, err := m.transact(ctx, append(ops, storage.TxnOp{Entry: ie}))
		if err != nil {
			return err
		}
		if done {
			sc.Arm(e.ID, e.ExpireTime)
			return nil
		}
	}
	if err := sc.Schedule(ctx, e.ID, e.ExpireTime); err != nil {
		return fmt.Errorf("lease: schedule: %w", err)
	}
	for _, op := range ops[1:] {
		if err := m.putRaw(ctx, op.Entry.Key, op.Entry.Value); err != nil {
			m.undoNew(ctx, sc, e)
			return err
		}
	}
	if err := m.putRaw(ctx, ops[0].Entry.Key, ops[0].Entry.Value); err != nil {
		m.undoNew(ctx, sc, e)
		return err
	}
	return nil
}

// undoNew removes what a failed writeNew left behind, as far as it can.
func (m *Manager) undoNew(ctx context.Context, sc *expire.Scheduler, e *Entry) {
	_ = sc.Cancel(ctx, e.ID)
	if e.IndexToken != "" {
		_ = m.view.Delete(ctx, tokenIndexKey(e.IndexToken, e.ID))
	}
}

// writeAndSchedule persists e (and its irrevocable index when it is
// irrevocable) and arms its expiry at at.
func (m *Manager) writeAndSchedule(ctx context.Context, sc *expire.Scheduler, e *Entry, at time.Time) error {
	ops, err := m.entryOps(e)
	if err != nil {
		return err
	}
	if !m.noTxn.Load() {
		ie, err := sc.IndexEntry(e.ID, at)
		if err != nil {
			return err
		}
		ie.Key = expirePrefix + ie.Key
		done, err := m.transact(ctx, append(ops, storage.TxnOp{Entry: ie}))
		if err != nil {
			return err
		}
		if done {
			sc.Arm(e.ID, at)
			return nil
		}
	}
	// The entry first: it carries the intent (a queued revocation sets
	// ExpireTime to now), which the scheduler honours whenever it fires.
	if err := m.applyOps(ctx, ops); err != nil {
		return err
	}
	if err := sc.Schedule(ctx, e.ID, at); err != nil {
		return fmt.Errorf("lease: schedule: %w", err)
	}
	return nil
}

// put persists e and its irrevocable index.
func (m *Manager) put(ctx context.Context, e *Entry) error {
	ops, err := m.entryOps(e)
	if err != nil {
		return err
	}
	if done, err := m.transact(ctx, ops); done || err != nil {
		return err
	}
	return m.applyOps(ctx, ops)
}

// irrevocableRecord is the value of an irrevocable index entry.
type irrevocableRecord struct {
	ID            string    `json:"id"`
	MountPath     string    `json:"mount_path"`
	MountAccessor string    `json:"mount_accessor"`
	Error         string    `json:"error"`
	ExpireTime    time.Time `json:"expire_time"`
	Attempts      int       `json:"attempts"`
}

func (m *Manager) entryOps(e *Entry) ([]storage.TxnOp, error) {
	buf, err := encodeEntry(e)
	if err != nil {
		return nil, err
	}
	ops := []storage.TxnOp{{Entry: storage.Entry{Key: entryKey(e.ID), Value: buf}}}
	if e.Irrevocable {
		rec, err := json.Marshal(irrevocableRecord{
			ID: e.ID, MountPath: e.MountPath, MountAccessor: e.MountAccessor,
			Error: e.LastError, ExpireTime: e.ExpireTime, Attempts: e.RevokeAttempts,
		})
		if err != nil {
			return nil, fmt.Errorf("lease: encode: %w", err)
		}
		ops = append(ops, storage.TxnOp{Entry: storage.Entry{Key: irrevocableKey(e.ID), Value: rec}})
	}
	return ops, nil
}

func (m *Manager) applyOps(ctx context.Context, ops []storage.TxnOp) error {
	for _, op := range ops {
		var err error
		if op.Delete {
			err = m.view.Delete(ctx, op.Entry.Key)
		} else {
			err = m.view.Put(ctx, &storage.Entry{Key: op.Entry.Key, Value: op.Entry.Value})
		}
		if err != nil {
			return fmt.Errorf("lease: write: %w", err)
		}
	}
	return nil
}

// deleteLease removes e and its indexes, the entry first (a lease without
// an entry is gone; indexes left behind by a crash are ignored and tidied).
// With cancel it also forgets e's expiry; the scheduler's own callback does
// not need to.
func (m *Manager) deleteLease(ctx context.Context, e *Entry, cancel bool) error {
	ops := []storage.TxnOp{{Delete: true, Entry: storage.Entry{Key: entryKey(e.ID)}}}
	if e.IndexToken != "" {
		ops = append(ops, storage.TxnOp{Delete: true, Entry: storage.Entry{Key: tokenIndexKey(e.IndexToken, e.ID)}})
	}
	if e.Irrevocable {
		ops = append(ops, storage.TxnOp{Delete: true, Entry: storage.Entry{Key: irrevocableKey(e.ID)}})
	}
	done, err := m.transact(ctx, ops)
	if err != nil {
		return err
	}
	if !done {
		if err := m.applyOps(ctx, ops); err != nil {
			return err
		}
	}
	if cancel {
		if sc, err := m.scheduler(); err == nil {
			if err := sc.Cancel(ctx, e.ID); err != nil {
				// The scheduler will fire for a lease that is gone: harmless.
				m.cfg.Logger.Warn("cancelling a revoked lease's expiry failed", "lease_id", e.ID, "err", err)
			}
		}
	}
	return nil
}
