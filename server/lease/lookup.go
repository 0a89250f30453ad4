package lease

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/cofre-io/cofre/server/storage"
)

// Lookup returns lease id; ErrNotFound when there is none.
func (m *Manager) Lookup(ctx context.Context, id string) (*Entry, error) {
	if err := ValidateID(id); err != nil {
		return nil, err
	}
	if _, err := m.scheduler(); err != nil {
		return nil, err
	}
	e, err := m.read(ctx, id)
	if err != nil {
		return nil, err
	}
	if e == nil {
		return nil, ErrNotFound
	}
	return e, nil
}

// List returns the immediate children of prefix ("" or ending in "/") in
// the lease id tree: random suffixes of leases, and deeper path segments
// followed by "/".
func (m *Manager) List(ctx context.Context, prefix string) ([]string, error) {
	if err := ValidatePrefix(prefix); err != nil {
		return nil, err
	}
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	if _, err := m.scheduler(); err != nil {
		return nil, err
	}
	keys, err := m.view.List(ctx, idPrefix+prefix)
	if errors.Is(err, storage.ErrInvalidKey) {
		return nil, fmt.Errorf("%w: %q", ErrInvalidID, prefix)
	}
	if err != nil {
		return nil, fmt.Errorf("lease: list: %w", err)
	}
	return keys, nil
}

// IrrevocableLease is a lease whose revocation has failed
// Config.IrrevocableAfter times or more.
type IrrevocableLease struct {
	ID            string
	MountPath     string
	MountAccessor string
	// Error is the last failure's message.
	Error      string
	ExpireTime time.Time
	Attempts   int
}

// Irrevocable returns up to limit irrevocable leases (limit <= 0: all),
// sorted by id, the total number of them, and the total per mount path.
func (m *Manager) Irrevocable(ctx context.Context, limit int) (leases []IrrevocableLease, total int, perMount map[string]int, err error) {
	if _, err := m.scheduler(); err != nil {
		return nil, 0, nil, err
	}
	keys, err := m.view.List(ctx, irrevocablePrefix)
	if err != nil {
		return nil, 0, nil, fmt.Errorf("lease: list irrevocable: %w", err)
	}
	perMount = map[string]int{}
	for _, k := range keys {
		raw, err := m.view.Get(ctx, irrevocablePrefix+k)
		if err != nil {
			return nil, 0, nil, fmt.Errorf("lease: read irrevocable: %w", err)
		}
		if raw == nil {
			continue
		}
		var r irrevocableRecord
		if err := json.Unmarshal(raw.Value, &r); err != nil || r.ID == "" {
			m.cfg.Logger.Warn("skipping an unreadable irrevocable lease record", "key", k)
			continue
		}
		total++
		perMount[r.MountPath]++
		leases = append(leases, IrrevocableLease{
			ID: r.ID, MountPath: r.MountPath, MountAccessor: r.MountAccessor,
			Error: r.Error, ExpireTime: r.ExpireTime, Attempts: r.Attempts,
		})
	}
	sort.Slice(leases, func(i, j int) bool { return leases[i].ID < leases[j].ID })
	if limit > 0 && len(leases) > limit {
		leases = leases[:limit]
	}
	return leases, total, perMount, nil
}
