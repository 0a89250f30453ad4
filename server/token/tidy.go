package token

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// TidyResult counts what Tidy repaired.
type TidyResult struct {
	// DanglingParents: parent index folders whose parent token is gone.
	DanglingParents int
	// OrphanedChildren: live children of such parents made orphans.
	OrphanedChildren int
	// DanglingAccessors: accessor index entries without a token.
	DanglingAccessors int
	// RevokedInvalid: stored tokens that had expired or were pending
	// revocation, revoked now.
	RevokedInvalid int
}

// Tidy removes dangling index entries: parent folders of missing tokens
// (their surviving children become orphans) and accessors without tokens;
// tokens that linger past their expiry are revoked.
func (s *Store) Tidy(ctx context.Context) (TidyResult, error) {
	var res TidyResult
	parents, err := s.view.List(ctx, parentPrefix)
	if err != nil {
		return res, fmt.Errorf("token: tidy: %w", err)
	}
	for _, p := range parents {
		ph := strings.TrimSuffix(p, "/")
		pe, err := s.raw(ctx, ph)
		if err != nil {
			return res, err
		}
		if pe != nil {
			continue
		}
		res.DanglingParents++
		kids, err := s.Children(ctx, ph)
		if err != nil {
			return res, err
		}
		for _, k := range kids {
			if c, err := s.raw(ctx, k); err == nil && c != nil {
				res.OrphanedChildren++
			}
			if err := s.orphan(ctx, ph, k); err != nil {
				return res, err
			}
		}
	}
	accs, err := s.view.List(ctx, accessorPrefix)
	if err != nil {
		return res, fmt.Errorf("token: tidy: %w", err)
	}
	now := s.cfg.Now()
	for _, k := range accs {
		r, err := s.view.Get(ctx, accessorPrefix+k)
		if err != nil {
			return res, err
		}
		var rec accessorRecord
		if r == nil || json.Unmarshal(r.Value, &rec) != nil {
			continue
		}
		e, err := s.raw(ctx, rec.HashedID)
		if err != nil {
			return res, err
		}
		switch {
		case e == nil:
			if err := s.view.Delete(ctx, accessorPrefix+k); err != nil {
				return res, err
			}
			res.DanglingAccessors++
		case e.Expired(now) || e.RevocationPending():
			if err := s.revokeTree(ctx, e.HashedID); err != nil {
				return res, err
			}
			res.RevokedInvalid++
		}
	}
	return res, nil
}
