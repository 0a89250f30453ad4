package lease

import (
	"context"
	"fmt"
	"maps"
	"time"

	"github.com/cofre-io/cofre/server/logical"
)

// mountOf finds the backend of e's mount.
func (m *Manager) mountOf(e *Entry) (*Mount, error) {
	mt, err := m.cfg.Mounts.Mount(e.MountPath, e.MountAccessor)
	if err != nil {
		return nil, fmt.Errorf("lease %s: %w", e.ID, err)
	}
	return mt, nil
}

// callBackend sends a renew or revoke for e to its backend, bounded by
// Config.BackendTimeout. A panicking backend is an error, not a crash of
// the scheduler's worker.
func (m *Manager) callBackend(ctx context.Context, mt *Mount, e *Entry, op logical.Operation, s *logical.Secret) (resp *logical.Response, err error) {
	ctx, cancel := context.WithTimeout(ctx, m.cfg.BackendTimeout)
	defer cancel()
	req := &logical.Request{
		ID:            "lease-" + string(op),
		Operation:     op,
		Path:          e.Path,
		MountPoint:    e.MountPath,
		MountType:     mt.Type,
		MountAccessor: e.MountAccessor,
		Data:          maps.Clone(e.RequestData),
		Storage:       mt.Storage,
		Secret:        s,
	}
	defer func() {
		if r := recover(); r != nil {
			resp, err = nil, fmt.Errorf("backend panicked during %s", op)
		}
	}()
	return mt.Backend.HandleRequest(ctx, req)
}

// callBackendRevoke asks e's backend to revoke its secret.
func (m *Manager) callBackendRevoke(ctx context.Context, e *Entry) error {
	mt, err := m.mountOf(e)
	if err != nil {
		return err
	}
	if _, err := m.callBackend(ctx, mt, e, logical.RevokeOperation, e.secret(e.Remaining(m.now()))); err != nil {
		return err
	}
	return nil
}

// renewLimit is the latest e may be renewed to under mt's current tuning.
func renewLimit(e *Entry, mt *Mount) time.Time {
	limit := e.MaxExpire
	if mt.MaxTTL > 0 {
		if byMount := e.IssueTime.Add(mt.MaxTTL); limit.IsZero() || byMount.Before(limit) {
			limit = byMount
		}
	}
	return limit
}
