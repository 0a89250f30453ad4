package inmem

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/cofre-io/cofre/server/storage"
)

// ErrInvalidEntry is returned for a nil entry or an empty key.
var ErrInvalidEntry = errors.New("invalid storage entry")

var (
	_ storage.Backend       = (*Backend)(nil)
	_ storage.Transactional = (*Backend)(nil)
)

// Backend is an in-memory storage.Backend. It also implements
// storage.Transactional.
//
// Listing uses a directory index rather than one sorted key list, so a write
// costs O(depth) however many keys there are (a sorted list made 100,000
// writes take minutes).
type Backend struct {
	mu   sync.RWMutex
	data map[string][]byte
	// dirs maps a directory ("" or ending in "/") to its children ("name"
	// for a key, "name/" for a subdirectory) and how many keys each covers.
	dirs map[string]map[string]int
}

// New returns an empty in-memory backend.
func New() *Backend {
	return &Backend{data: make(map[string][]byte), dirs: make(map[string]map[string]int)}
}

// Get returns a copy of the entry for key, or (nil, nil) when it is absent.
func (b *Backend) Get(ctx context.Context, key string) (*storage.Entry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b.mu.RLock()
	v, ok := b.data[key]
	b.mu.RUnlock()
	if !ok {
		return nil, nil
	}
	return &storage.Entry{Key: key, Value: slices.Clone(v)}, nil
}

// Put stores a copy of entry.Value under entry.Key. A nil Value is stored as
// an empty value.
func (b *Backend) Put(ctx context.Context, entry *storage.Entry) error {
	if entry == nil {
		return fmt.Errorf("put: nil entry: %w", ErrInvalidEntry)
	}
	return b.Transaction(ctx, []storage.TxnOp{{Entry: storage.Entry{Key: entry.Key, Value: nonNil(entry.Value)}}})
}

// Delete removes key. Deleting a missing key is not an error.
func (b *Backend) Delete(ctx context.Context, key string) error {
	return b.Transaction(ctx, []storage.TxnOp{{Delete: true, Entry: storage.Entry{Key: key}}})
}

// Transaction validates every operation, then applies them in order under
// one lock: all of them or, when one is invalid, none.
func (b *Backend) Transaction(ctx context.Context, ops []storage.TxnOp) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	for i := range ops {
		if ops[i].Entry.Key == "" {
			return fmt.Errorf("operation %d: empty key: %w", i, ErrInvalidEntry)
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, op := range ops {
		if op.Delete || op.Entry.Value == nil {
			b.remove(op.Entry.Key)
			continue
		}
		b.set(op.Entry.Key, slices.Clone(op.Entry.Value))
	}
	return nil
}

// List returns the immediate children of prefix, sorted (see storage.Backend).
func (b *Backend) List(ctx context.Context, prefix string) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		// Outside the contract; answer correctly, if slowly.
		keys := make([]string, 0, len(b.data))
		for k := range b.data {
			keys = append(keys, k)
		}
		return storage.ChildrenOf(keys, prefix), nil
	}
	children := b.dirs[prefix]
	if len(children) == 0 {
		return nil, nil
	}
	out := make([]string, 0, len(children))
	for c := range children {
		out = append(out, c)
	}
	sort.Strings(out)
	return out, nil
}

// index adds delta to the count of every directory entry on key's path.
// b.mu must be held for writing.
func (b *Backend) index(key string, delta int) {
	dir := ""
	rest := key
	for rest != "" {
		child := rest
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			child = rest[:i+1]
		}
		m := b.dirs[dir]
		if m == nil {
			m = make(map[string]int)
			b.dirs[dir] = m
		}
		m[child] += delta
		if m[child] <= 0 {
			delete(m, child)
			if len(m) == 0 {
				delete(b.dirs, dir)
			}
		}
		dir += child
		rest = rest[len(child):]
	}
}

// set stores v under key. b.mu must be held for writing.
func (b *Backend) set(key string, v []byte) {
	if _, ok := b.data[key]; !ok {
		b.index(key, 1)
	}
	b.data[key] = v
}

// remove deletes key if present. b.mu must be held for writing.
func (b *Backend) remove(key string) {
	if _, ok := b.data[key]; !ok {
		return
	}
	delete(b.data, key)
	b.index(key, -1)
}

func nonNil(v []byte) []byte {
	if v == nil {
		return []byte{}
	}
	return v
}
