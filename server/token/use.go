package token

import "context"

// Use counts one use of a limited-use token (NumUses > 0) and returns the
// updated entry; unlimited and batch tokens are returned unchanged. When
// the use is the last one the returned entry has RevocationPending() true:
// the token no longer authenticates new requests, the request in flight
// may finish, and the caller should then Revoke it (should it not, the
// expiry scheduler does after Config.UsedUpGrace).
func (s *Store) Use(ctx context.Context, e *Entry) (*Entry, error) {
	if e.NumUses == 0 || e.Type == TypeBatch {
		return e, nil
	}
	l := s.lockFor(e.HashedID)
	l.Lock()
	defer l.Unlock()
	cur, err := s.raw(ctx, e.HashedID)
	if err != nil {
		return nil, err
	}
	if cur == nil || cur.RevocationPending() || cur.Expired(s.cfg.Now()) {
		return nil, ErrNotFound
	}
	last := cur.NumUses == 1
	if last {
		cur.NumUses = usesPending
		if sc := s.scheduler(); sc != nil {
			if err := sc.Schedule(ctx, cur.HashedID, s.cfg.Now().Add(s.cfg.UsedUpGrace)); err != nil {
				return nil, err
			}
		}
	} else {
		cur.NumUses--
	}
	if err := s.put(ctx, cur); err != nil {
		return nil, err
	}
	cur.ID = e.ID
	return cur, nil
}
