package token

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/cofre-io/cofre/server/storage"
)

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// randomString returns n characters drawn uniformly from base62: random
// bytes of 248 or more are rejected so that byte%62 is unbiased.
func (s *Store) randomString(n int) (string, error) {
	out := make([]byte, 0, n)
	buf := make([]byte, n+n/4+8)
	for len(out) < n {
		if _, err := io.ReadFull(s.cfg.Rand, buf); err != nil {
			return "", err
		}
		for _, b := range buf {
			if b >= 248 {
				continue
			}
			out = append(out, base62[b%62])
			if len(out) == n {
				break
			}
		}
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
	if done, err := s.createAtomically(ctx, e, ah); done || err != nil {
		if err != nil {
			return nil, err
		}
		return e, nil
	}
	// Indexes first, entry last: a crash leaves at most dangling indexes
	// (which Tidy removes and the scheduler ignores), never a live token
	// that cannot expire, be found by accessor or be revoked with its
	// parent.
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

// writeIndexes writes the expiry, accessor and parent index entries
// concurrently: with Raft each write is a round of consensus, and they are
// independent of each other.
func (s *Store) writeIndexes(ctx context.Context, e *Entry, ah string) error {
	var writes []func() error
	if !e.ExpireTime.IsZero() {
		sc := s.scheduler()
		if sc == nil {
			return ErrNoSalt
		}
		writes = append(writes, func() error {
			if err := sc.Schedule(ctx, e.HashedID, e.ExpireTime); err != nil {
				return fmt.Errorf("token: schedule expiry: %w", err)
			}
			return nil
		})
	}
	rec, err := json.Marshal(accessorRecord{HashedID: e.HashedID, Accessor: e.Accessor})
	if err != nil {
		return fmt.Errorf("token: encode accessor: %w", err)
	}
	writes = append(writes, func() error {
		if err := s.view.Put(ctx, &storage.Entry{Key: accessorPrefix + ah, Value: rec}); err != nil {
			return fmt.Errorf("token: write accessor: %w", err)
		}
		return nil
	})
	if e.Parent != "" {
		writes = append(writes, func() error {
			if err := s.view.Put(ctx, &storage.Entry{Key: parentPrefix + e.Parent + "/" + e.HashedID, Value: []byte{}}); err != nil {
				return fmt.Errorf("token: write parent index: %w", err)
			}
			return nil
		})
	}
	return runConcurrently(writes)
}

// runConcurrently runs fns, the first in the calling goroutine, and returns
// the first error.
func runConcurrently(fns []func() error) error {
	if len(fns) == 1 {
		return fns[0]()
	}
	errs := make([]error, len(fns))
	var wg sync.WaitGroup
	for i := 1; i < len(fns); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = fns[i]()
		}()
	}
	errs[0] = fns[0]()
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
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

// createAtomically writes the entry and all its indexes in one storage
// transaction when the storage supports them (one Raft round instead of
// two). done is false when it does not, and the caller writes them in
// order instead.
func (s *Store) createAtomically(ctx context.Context, e *Entry, ah string) (done bool, err error) {
	if s.noTxn.Load() {
		return false, nil
	}
	txn, ok := s.view.(storage.Transactional)
	if !ok {
		s.noTxn.Store(true)
		return false, nil
	}
	sc := s.scheduler()
	if sc == nil {
		return false, ErrNoSalt
	}
	entry, err := json.Marshal(e)
	if err != nil {
		return false, fmt.Errorf("token: encode: %w", err)
	}
	rec, err := json.Marshal(accessorRecord{HashedID: e.HashedID, Accessor: e.Accessor})
	if err != nil {
		return false, fmt.Errorf("token: encode accessor: %w", err)
	}
	ops := []storage.TxnOp{
		{Entry: storage.Entry{Key: accessorPrefix + ah, Value: rec}},
		{Entry: storage.Entry{Key: idPrefix + e.HashedID, Value: entry}},
	}
	if e.Parent != "" {
		ops = append(ops, storage.TxnOp{Entry: storage.Entry{Key: parentPrefix + e.Parent + "/" + e.HashedID, Value: []byte{}}})
	}
	if !e.ExpireTime.IsZero() {
		ie, err := sc.IndexEntry(e.HashedID, e.ExpireTime)
		if err != nil {
			return false, err
		}
		ie.Key = expirePrefix + ie.Key
		ops = append(ops, storage.TxnOp{Entry: ie})
	}
	if err := txn.Transaction(ctx, ops); err != nil {
		if errors.Is(err, storage.ErrNotTransactional) {
			s.noTxn.Store(true)
			return false, nil
		}
		return false, fmt.Errorf("token: write: %w", err)
	}
	if !e.ExpireTime.IsZero() {
		sc.Arm(e.HashedID, e.ExpireTime)
	}
	return true, nil
}
