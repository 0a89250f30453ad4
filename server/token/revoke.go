package token

import (
	"context"
	"fmt"
)

// Revoke revokes e and every descendant, children before parents. Each
// token is tainted first (it stops working at once), then the OnRevoke
// hooks run, then its records are deleted. Revoking a token that is
// already gone is not an error. When a hook fails the tokens not yet
// revoked stay tainted and the expiry scheduler retries. Batch tokens:
// ErrBatchRevoke.
func (s *Store) Revoke(ctx context.Context, e *Entry) error {
	if e.Type == TypeBatch {
		return ErrBatchRevoke
	}
	if err := s.revokeTree(ctx, e.HashedID); err != nil {
		s.retryLater(ctx, e.HashedID)
		return err
	}
	return nil
}

// RevokeOrphan revokes e alone; its children become orphans.
func (s *Store) RevokeOrphan(ctx context.Context, e *Entry) error {
	if e.Type == TypeBatch {
		return ErrBatchRevoke
	}
	if err := s.revokeOne(ctx, e.HashedID, true); err != nil {
		s.retryLater(ctx, e.HashedID)
		return err
	}
	return nil
}

// retryLater hands a failed revocation to the expiry scheduler, which
// revokes tainted tokens (with backoff) when it fires.
func (s *Store) retryLater(ctx context.Context, hashed string) {
	if sc := s.scheduler(); sc != nil {
		if err := sc.Schedule(ctx, hashed, s.cfg.Now().Add(s.cfg.UsedUpGrace)); err != nil {
			s.cfg.Logger.Warn("scheduling revocation retry failed", "err", err)
		}
	}
}

func (s *Store) revokeTree(ctx context.Context, root string) error {
	// Taint the root before walking: batch children die with it at once.
	if err := s.taint(ctx, root); err != nil {
		return err
	}
	var order []string
	stack := []string{root}
	seen := map[string]bool{}
	for len(stack) > 0 {
		h := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[h] {
			continue
		}
		seen[h] = true
		order = append(order, h)
		kids, err := s.Children(ctx, h)
		if err != nil {
			return err
		}
		stack = append(stack, kids...)
	}
	for i := len(order) - 1; i >= 0; i-- {
		if err := s.revokeOne(ctx, order[i], false); err != nil {
			return err
		}
	}
	return nil
}

// taint marks a token revocation-pending; it returns the entry (nil when
// the token is gone).
func (s *Store) taint(ctx context.Context, hashed string) error {
	_, err := s.taintEntry(ctx, hashed)
	return err
}

func (s *Store) taintEntry(ctx context.Context, hashed string) (*Entry, error) {
	l := s.lockFor(hashed)
	l.Lock()
	defer l.Unlock()
	e, err := s.raw(ctx, hashed)
	if err != nil || e == nil {
		return nil, err
	}
	if !e.RevocationPending() {
		e.NumUses = usesPending
		if err := s.put(ctx, e); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// revokeOne revokes a single token: taint, hooks, then its children are
// orphaned (orphan) or revoked (children that appeared while its tree was
// being revoked), then its records are deleted.
func (s *Store) revokeOne(ctx context.Context, hashed string, orphan bool) error {
	e, err := s.taintEntry(ctx, hashed)
	if err != nil {
		return err
	}
	if e == nil {
		if sc := s.scheduler(); sc != nil {
			_ = sc.Cancel(ctx, hashed)
		}
		return nil
	}
	if err := s.runHooks(ctx, e); err != nil {
		return err
	}
	kids, err := s.Children(ctx, hashed)
	if err != nil {
		return err
	}
	for _, k := range kids {
		if orphan {
			if err := s.orphan(ctx, hashed, k); err != nil {
				return err
			}
			continue
		}
		if err := s.revokeTree(ctx, k); err != nil {
			return err
		}
		_ = s.view.Delete(ctx, parentPrefix+hashed+"/"+k)
	}
	return s.deleteRecords(ctx, e)
}

func (s *Store) runHooks(ctx context.Context, e *Entry) error {
	s.hooksMu.RLock()
	hooks := append([]RevokeHook(nil), s.hooks...)
	s.hooksMu.RUnlock()
	for _, h := range hooks {
		if err := h(ctx, e.Clone()); err != nil {
			return fmt.Errorf("token: revoke hook: %w", err)
		}
	}
	return nil
}

// orphan detaches child from parent.
func (s *Store) orphan(ctx context.Context, parent, child string) error {
	l := s.lockFor(child)
	l.Lock()
	c, err := s.raw(ctx, child)
	if err == nil && c != nil && c.Parent == parent {
		c.Parent, c.Orphan = "", true
		err = s.put(ctx, c)
	}
	l.Unlock()
	if err != nil {
		return err
	}
	if err := s.view.Delete(ctx, parentPrefix+parent+"/"+child); err != nil {
		return fmt.Errorf("token: delete parent index: %w", err)
	}
	return nil
}

func (s *Store) deleteRecords(ctx context.Context, e *Entry) error {
	l := s.lockFor(e.HashedID)
	l.Lock()
	defer l.Unlock()
	if e.Accessor != "" {
		ah, err := s.Hash(e.Accessor)
		if err != nil {
			return err
		}
		if err := s.view.Delete(ctx, accessorPrefix+ah); err != nil {
			return fmt.Errorf("token: delete accessor: %w", err)
		}
	}
	if e.Parent != "" {
		if err := s.view.Delete(ctx, parentPrefix+e.Parent+"/"+e.HashedID); err != nil {
			return fmt.Errorf("token: delete parent index: %w", err)
		}
	}
	if err := s.view.Delete(ctx, idPrefix+e.HashedID); err != nil {
		return fmt.Errorf("token: delete: %w", err)
	}
	if sc := s.scheduler(); sc != nil {
		if err := sc.Cancel(ctx, e.HashedID); err != nil {
			// The scheduler will fire for a token that is gone: harmless.
			s.cfg.Logger.Warn("cancelling revoked token's expiry failed", "err", err)
		}
	}
	return nil
}

// onExpire is the expiry scheduler's callback: revoke the token's tree if it
// has expired or is revocation-pending; re-arm it if it was renewed.
func (s *Store) onExpire(ctx context.Context, hashed string) error {
	e, err := s.raw(ctx, hashed)
	if err != nil {
		return err
	}
	if e == nil {
		return nil
	}
	if !e.RevocationPending() {
		if e.ExpireTime.IsZero() {
			return nil
		}
		if !e.Expired(s.cfg.Now()) {
			if sc := s.scheduler(); sc != nil {
				return sc.Schedule(ctx, hashed, e.ExpireTime)
			}
			return nil
		}
	}
	return s.revokeTree(ctx, hashed)
}
