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
type Backend struct {
	mu   sync.RWMutex
	data map[string][]byte
	keys []string // sorted; exactly the keys of data
}

// New returns an empty in-memory backend.
func New() *Backend {
	return &Backend{data: make(map[string][]byte)}
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
	var out []string
	i := sort.SearchStrings(b.keys, prefix)
	for i < len(b.keys) && strings.HasPrefix(b.keys[i], prefix) {
		rest := b.keys[i][len(prefix):]
		slash := strings.IndexByte(rest, '/')
		if rest == "" {
			i++
			continue
		}
		if slash < 0 {
			out = append(out, rest)
			i++
			continue
		}
		out = append(out, rest[:slash+1])
		// Skip every key below this child: they all sort before
		// prefix+segment+"0", '0' being the byte after '/'.
		i += sort.SearchStrings(b.keys[i:], prefix+rest[:slash]+"0")
	}
	return out, nil
}

// set stores v under key, keeping keys sorted. b.mu must be held for writing.
func (b *Backend) set(key string, v []byte) {
	if _, ok := b.data[key]; !ok {
		i := sort.SearchStrings(b.keys, key)
		b.keys = slices.Insert(b.keys, i, key)
	}
	b.data[key] = v
}

// remove deletes key if present. b.mu must be held for writing.
func (b *Backend) remove(key string) {
	if _, ok := b.data[key]; !ok {
		return
	}
	delete(b.data, key)
	i := sort.SearchStrings(b.keys, key)
	b.keys = slices.Delete(b.keys, i, i+1)
}

func nonNil(v []byte) []byte {
	if v == nil {
		return []byte{}
	}
	return v
}
