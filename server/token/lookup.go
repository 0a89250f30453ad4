package token

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// Lookup returns the live entry of a token value: ErrNotFound when it does
// not exist, has expired, was used up or is being revoked.
func (s *Store) Lookup(ctx context.Context, id string) (*Entry, error) {
	return s.lookup(ctx, id, false)
}

// LookupTainted is Lookup that also returns a token whose revocation is
// pending because its last use is the request in flight (lookup-self on a
// single-use token). Expired tokens are still ErrNotFound.
func (s *Store) LookupTainted(ctx context.Context, id string) (*Entry, error) {
	return s.lookup(ctx, id, true)
}

func (s *Store) lookup(ctx context.Context, id string, tainted bool) (*Entry, error) {
	if id == "" {
		return nil, ErrNotFound
	}
	if strings.HasPrefix(id, PrefixBatch) {
		return s.lookupBatch(ctx, id)
	}
	h, err := s.Hash(id)
	if err != nil {
		return nil, err
	}
	e, err := s.raw(ctx, h)
	if err != nil {
		return nil, err
	}
	if e == nil || e.Expired(s.cfg.Now()) || (e.RevocationPending() && !tainted) {
		return nil, ErrNotFound
	}
	e.ID = id
	return e, nil
}

// LookupHashed returns the live entry stored under a HashedID (its ID is
// empty: the store cannot recover token values).
func (s *Store) LookupHashed(ctx context.Context, hashed string) (*Entry, error) {
	e, err := s.raw(ctx, hashed)
	if err != nil {
		return nil, err
	}
	if e == nil || e.Expired(s.cfg.Now()) || e.RevocationPending() {
		return nil, ErrNotFound
	}
	return e, nil
}

// LookupAccessor returns the live entry whose accessor is acc.
func (s *Store) LookupAccessor(ctx context.Context, acc string) (*Entry, error) {
	if acc == "" {
		return nil, ErrNotFound
	}
	ah, err := s.Hash(acc)
	if err != nil {
		return nil, err
	}
	r, err := s.view.Get(ctx, accessorPrefix+ah)
	if err != nil {
		return nil, fmt.Errorf("token: read accessor: %w", err)
	}
	if r == nil {
		return nil, ErrNotFound
	}
	var rec accessorRecord
	if err := json.Unmarshal(r.Value, &rec); err != nil {
		return nil, fmt.Errorf("token: decode accessor: %w", err)
	}
	return s.LookupHashed(ctx, rec.HashedID)
}

// ListAccessors returns the accessors of every stored token (dangling
// index entries included; Tidy removes those).
func (s *Store) ListAccessors(ctx context.Context) ([]string, error) {
	keys, err := s.view.List(ctx, accessorPrefix)
	if err != nil {
		return nil, fmt.Errorf("token: list accessors: %w", err)
	}
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		r, err := s.view.Get(ctx, accessorPrefix+k)
		if err != nil {
			return nil, fmt.Errorf("token: read accessor: %w", err)
		}
		if r == nil {
			continue
		}
		var rec accessorRecord
		if err := json.Unmarshal(r.Value, &rec); err != nil {
			continue
		}
		out = append(out, rec.Accessor)
	}
	return out, nil
}

// Children returns the HashedIDs of a token's direct children.
func (s *Store) Children(ctx context.Context, hashed string) ([]string, error) {
	keys, err := s.view.List(ctx, parentPrefix+hashed+"/")
	if err != nil {
		return nil, fmt.Errorf("token: list children: %w", err)
	}
	return keys, nil
}
