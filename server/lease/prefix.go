package lease

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// BulkResult counts what a bulk revocation did.
type BulkResult struct {
	// Revoked leases were revoked at their backend and deleted.
	Revoked int
	// Queued leases were handed to the scheduler (past the synchronous
	// limit, after a failure, or not synchronous at all).
	Queued int
}

// RevokePrefix revokes every lease whose id lies under prefix (a prefix
// without a trailing "/" that names a lease exactly revokes that lease,
// otherwise "/" is added). With sync, up to Config.SyncRevokeLimit leases
// are revoked before it returns and the rest are queued (each queued
// lease costs one storage write, no backend call); without, all are
// queued. The first backend failure stops the synchronous part and is
// returned (wrapping ErrRevokeFailed) once everything is queued.
func (m *Manager) RevokePrefix(ctx context.Context, prefix string, sync bool) (BulkResult, error) {
	ids, err := m.match(ctx, prefix)
	if err != nil {
		return BulkResult{}, err
	}
	return m.revokeIDs(ctx, ids, sync, "")
}

// RevokeMount revokes the leases issued by the mount at path with
// accessor, as RevokePrefix with sync does. Leases under path that another
// (gone) mount issued are left alone: they cannot be revoked and are
// listed as irrevocable. It is meant for disabling a mount, which should
// go ahead only when Queued is zero and no error is returned.
func (m *Manager) RevokeMount(ctx context.Context, path, accessor string) (BulkResult, error) {
	if !strings.HasSuffix(path, "/") {
		path += "/"
	}
	ids, err := m.collect(ctx, path)
	if err != nil {
		return BulkResult{}, err
	}
	return m.revokeIDs(ctx, ids, true, accessor)
}

// RevokeForce deletes every lease under prefix (matched as in
// RevokePrefix) without calling any backend: the secrets may live on. It
// is for backends that can no longer revoke. It returns how many leases
// were deleted.
func (m *Manager) RevokeForce(ctx context.Context, prefix string) (int, error) {
	ids, err := m.match(ctx, prefix)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		deleted, err := m.forceOne(ctx, id)
		if err != nil {
			return n, err
		}
		if deleted {
			n++
		}
	}
	if n > 0 {
		m.cfg.Logger.Warn("leases force-revoked: their secrets were not revoked by their backends", "prefix", prefix, "count", n)
	}
	return n, nil
}

func (m *Manager) forceOne(ctx context.Context, id string) (bool, error) {
	if _, err := m.scheduler(); err != nil {
		return false, err
	}
	unlock := m.locks.lock(id)
	defer unlock()
	e, err := m.read(ctx, id)
	if err != nil || e == nil {
		return false, err
	}
	return true, m.deleteLease(ctx, e, true)
}

// RevokeByToken revokes the leases whose IndexToken is hashed, as
// RevokePrefix with sync does, except that backend failures are not
// returned: those leases stay queued for retries. It is the token store's
// revocation hook: idempotent, and it fails only when storage does (or the
// manager is not loaded), so the token's revocation is retried.
func (m *Manager) RevokeByToken(ctx context.Context, hashed string) error {
	if _, err := m.scheduler(); err != nil {
		return err
	}
	if hashed == "" || strings.Contains(hashed, "/") {
		return nil
	}
	dir := tokenPrefix + hashed + "/"
	keys, err := m.view.List(ctx, dir)
	if err != nil {
		return fmt.Errorf("lease: list token index: %w", err)
	}
	ids := make([]string, 0, len(keys))
	for _, k := range keys {
		id, ok := parseFlatKey(k)
		if ok {
			e, err := m.read(ctx, id)
			if err != nil && !errors.Is(err, ErrInvalidID) {
				return err
			}
			if e != nil && e.IndexToken == hashed {
				ids = append(ids, id)
				continue
			}
		}
		// An index entry without its lease (a crash, a force-revoke).
		if err := m.view.Delete(ctx, dir+k); err != nil {
			return fmt.Errorf("lease: delete token index: %w", err)
		}
	}
	res, err := m.revokeIDs(ctx, ids, true, "")
	if errors.Is(err, ErrRevokeFailed) {
		m.cfg.Logger.Warn("some leases of a revoked token could not be revoked yet; they are queued", "revoked", res.Revoked, "queued", res.Queued)
		return nil
	}
	return err
}

// queueWorkers is how many leases a bulk revocation queues at once: with
// Raft, concurrent writes share a commit.
const queueWorkers = 8

// revokeIDs revokes ids synchronously up to the limit (unless !sync or a
// failure happened) and queues the rest.
func (m *Manager) revokeIDs(ctx context.Context, ids []string, sync bool, only string) (BulkResult, error) {
	var res BulkResult
	var failed error
	i := 0
	for ; sync && failed == nil && res.Revoked < m.cfg.SyncRevokeLimit && i < len(ids); i++ {
		found, err := m.revokeOne(ctx, ids[i], only)
		switch {
		case err == nil:
			if found {
				res.Revoked++
			}
		case errors.Is(err, ErrRevokeFailed):
			failed = err
			res.Queued++ // revokeOne queued its retry
		default:
			return res, err
		}
	}
	queued, err := m.queueAll(ctx, ids[i:], only)
	res.Queued += queued
	if err != nil {
		return res, err
	}
	return res, failed
}

// queueAll queues the revocation of ids (of accessor only, when set) a
// few at a time and returns how many it queued.
func (m *Manager) queueAll(ctx context.Context, ids []string, only string) (int, error) {
	var (
		mu       sync.Mutex
		queued   int
		firstErr error
		wg       sync.WaitGroup
	)
	work := make(chan string)
	for w := 0; w < min(queueWorkers, len(ids)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range work {
				ok, err := m.queueOf(ctx, id, only)
				mu.Lock()
				if ok {
					queued++
				}
				if err != nil && firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		}()
	}
	for _, id := range ids {
		mu.Lock()
		stop := firstErr != nil
		mu.Unlock()
		if stop || ctx.Err() != nil {
			break
		}
		work <- id
	}
	close(work)
	wg.Wait()
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	return queued, firstErr
}

// match lists the leases a prefix names: the exact lease when prefix has
// no trailing "/" and names one, else every lease under prefix+"/".
func (m *Manager) match(ctx context.Context, prefix string) ([]string, error) {
	if err := ValidatePrefix(prefix); err != nil {
		return nil, err
	}
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		e, err := m.read(ctx, prefix)
		if err != nil {
			return nil, err
		}
		if e != nil {
			return []string{prefix}, nil
		}
		prefix += "/"
	}
	return m.collect(ctx, prefix)
}

// collect returns every lease id under prefix ("" or ending in "/"),
// sorted.
func (m *Manager) collect(ctx context.Context, prefix string) ([]string, error) {
	var out []string
	stack := []string{prefix}
	for len(stack) > 0 {
		dir := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		keys, err := m.view.List(ctx, idPrefix+dir)
		if err != nil {
			return nil, fmt.Errorf("lease: list %q: %w", dir, err)
		}
		for _, k := range keys {
			if strings.HasSuffix(k, "/") {
				stack = append(stack, dir+k)
				continue
			}
			out = append(out, dir+k)
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	sort.Strings(out)
	return out, nil
}
