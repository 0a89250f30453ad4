package kv

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/cofre-io/cofre/server/storage"
)

// Storage key prefixes; see the package documentation.
const (
	prefixV1   = "v1/"
	prefixMeta = "meta/"
	prefixVer  = "ver/"
	keyConfig  = "config"
	keyUpgrade = "upgraded"
)

// versionKey is ver/<path>@<n>. The number after the last '@' is all digits,
// so different (path, n) pairs never share a key.
func versionKey(path string, n uint64) string {
	var buf [20]byte
	num := strconv.AppendUint(buf[:0], n, 10)
	return prefixVer + path + "@" + string(num)
}

func metaKey(path string) string { return prefixMeta + path }

// store is the mount's storage view with the engine's write discipline.
type store struct {
	view storage.Backend
	txn  storage.Transactional // nil when the view has no Transaction method
	// noTxn is set once Transaction answered ErrNotTransactional: a View
	// has the method whatever its underlying backend can do.
	noTxn atomic.Bool
}

func newStore(view storage.Backend) *store {
	s := &store{view: view}
	if t, ok := view.(storage.Transactional); ok {
		s.txn = t
	}
	return s
}

func (s *store) meta(ctx context.Context, path string) (*keyMeta, error) {
	e, err := s.view.Get(ctx, metaKey(path))
	if err != nil {
		return nil, fmt.Errorf("kv: read metadata: %w", err)
	}
	if e == nil {
		return nil, nil
	}
	return decodeMeta(e.Value)
}

// apply writes puts (in order) and then deletes. Without transactions the
// order is what keeps a crash harmless: callers put version data before the
// metadata that references it, and list as deletes only entries the new
// metadata no longer references.
func (s *store) apply(ctx context.Context, puts []storage.Entry, deletes []string) error {
	if s.txn != nil && !s.noTxn.Load() {
		ops := make([]storage.TxnOp, 0, len(puts)+len(deletes))
		for _, p := range puts {
			ops = append(ops, storage.TxnOp{Entry: p})
		}
		for _, k := range deletes {
			ops = append(ops, storage.TxnOp{Delete: true, Entry: storage.Entry{Key: k}})
		}
		err := s.txn.Transaction(ctx, ops)
		if err == nil {
			return nil
		}
		if !errors.Is(err, storage.ErrNotTransactional) {
			return fmt.Errorf("kv: write: %w", err)
		}
		s.noTxn.Store(true) // nothing was written; the capability does not change
	}
	for i := range puts {
		if err := s.view.Put(ctx, &puts[i]); err != nil {
			return fmt.Errorf("kv: write: %w", err)
		}
	}
	for _, k := range deletes {
		if err := s.view.Delete(ctx, k); err != nil {
			return fmt.Errorf("kv: delete: %w", err)
		}
	}
	return nil
}

// keyLocks serialises changes to one key. Striping bounds memory; two keys
// that share a stripe merely wait for each other.
type keyLocks struct {
	seed  maphash.Seed
	locks [256]sync.Mutex
}

func newKeyLocks() *keyLocks { return &keyLocks{seed: maphash.MakeSeed()} }

// lock locks path's stripe and returns it for Unlock.
func (l *keyLocks) lock(path string) *sync.Mutex {
	m := &l.locks[maphash.String(l.seed, path)%uint64(len(l.locks))]
	m.Lock()
	return m
}
