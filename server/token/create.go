package token

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"math/big"

	"github.com/cofre-io/cofre/server/storage"
)

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// randomString returns n characters drawn uniformly from base62.
func (s *Store) randomString(n int) (string, error) {
	out := make([]byte, n)
	max := big.NewInt(int64(len(base62)))
	for i := range out {
		v, err := rand.Int(s.cfg.Rand, max)
		if err != nil {
			return "", err
		}
		out[i] = base62[v.Int64()]
	}
	return string(out), nil
}

// NewTokenValue returns a fresh service token value ("hvs." and 24 base62
// characters, about 143 bits).
func (s *Store) NewTokenValue() (string, error) {
	r, err := s.randomString(24)
	if err != nil {
		return "", fmt.Errorf("token: generate: %w", err)
	}
	return PrefixService + r, nil
}

// accessorRecord is the value of an accessor index entry.
type accessorRecord struct {
	HashedID string `json:"h"`
	Accessor string `json:"a"`
}

// Create issues e. A service token is persisted: its value is generated
// unless e.ID is set (dev root tokens, custom ids checked by the caller),
// an accessor is generated unless set, and its expiry is scheduled. A
// batch token (e.Type == TypeBatch) is only encoded into its value. Create
// fills ID, HashedID, Accessor, CreationTime, Orphan and Type and returns
// e. e.Parent must be the parent's HashedID (or empty).
func (s *Store) Create(ctx context.Context, e *Entry) (*Entry, error) {
	if e.Type == "" {
		e.Type = TypeService
	}
	if e.CreationTime.IsZero() {
		e.CreationTime = s.cfg.Now().UTC()
	}
	e.Orphan = e.Parent == ""
	switch e.Type {
	case TypeBatch:
		return s.createBatch(e)
	case TypeService:
		return s.createService(ctx, e)
	}
	return nil, fmt.Errorf("token: %w %q", ErrInvalidType, e.Type)
}

func (s *Store) createService(ctx context.Context, e *Entry) (*Entry, error) {
	custom := e.ID != ""
	if !custom {
		id, err := s.NewTokenValue()
		if err != nil {
			return nil, err
		}
		e.ID = id
	}
	if e.Accessor == "" {
		acc, err := s.randomString(24)
		if err != nil {
			return nil, fmt.Errorf("token: accessor: %w", err)
		}
		e.Accessor = acc
	}
	h, err := s.Hash(e.ID)
	if err != nil {
		return nil, err
	}
	e.HashedID = h
	ah, err := s.Hash(e.Accessor)
	if err != nil {
		return nil, err
	}
	if custom {
		existing, err := s.raw(ctx, h)
		if err != nil {
			return nil, err
		}
		if existing != nil {
			return nil, ErrDuplicateID
		}
	}
	// Indexes first, entry last: a crash leaves at most dangling indexes
	// (which Tidy removes and the scheduler ignores), never a live token
	// that cannot expire or be found by accessor.
	if err := s.writeIndexes(ctx, e, ah); err != nil {
		s.cleanupIndexes(ctx, e, ah)
		return nil, err
	}
	if err := s.put(ctx, e); err != nil {
		s.cleanupIndexes(ctx, e, ah)
		return nil, err
	}
	return e, nil
}

func (s *Store) writeIndexes(ctx context.Context, e *Entry, ah string) error {
	if !e.ExpireTime.IsZero() {
		sc := s.scheduler()
		if sc == nil {
			return ErrNoSalt
		}
		if err := sc.Schedule(ctx, e.HashedID, e.ExpireTime); err != nil {
			return fmt.Errorf("token: schedule expiry: %w", err)
		}
	}
	rec, err := json.Marshal(accessorRecord{HashedID: e.HashedID, Accessor: e.Accessor})
	if err != nil {
		return fmt.Errorf("token: encode accessor: %w", err)
	}
	if err := s.view.Put(ctx, &storage.Entry{Key: accessorPrefix + ah, Value: rec}); err != nil {
		return fmt.Errorf("token: write accessor: %w", err)
	}
	if e.Parent != "" {
		if err := s.view.Put(ctx, &storage.Entry{Key: parentPrefix + e.Parent + "/" + e.HashedID, Value: []byte{}}); err != nil {
			return fmt.Errorf("token: write parent index: %w", err)
		}
	}
	return nil
}

// cleanupIndexes undoes writeIndexes as far as it can after a failure.
func (s *Store) cleanupIndexes(ctx context.Context, e *Entry, ah string) {
	if sc := s.scheduler(); sc != nil && !e.ExpireTime.IsZero() {
		_ = sc.Cancel(ctx, e.HashedID)
	}
	_ = s.view.Delete(ctx, accessorPrefix+ah)
	if e.Parent != "" {
		_ = s.view.Delete(ctx, parentPrefix+e.Parent+"/"+e.HashedID)
	}
}
