package storage

import (
	"context"
	"errors"
	"sort"
	"strings"
)

// Entry is one key and its value. Backends must not retain Value after Put
// returns, and callers must not modify a Value returned by Get.
type Entry struct {
	Key   string
	Value []byte
}

// ErrReadOnly is returned by a backend that cannot accept writes right now,
// for example a Raft node that is not the leader.
var ErrReadOnly = errors.New("storage is read-only on this node")

// ErrClosed is returned by a backend after Close.
var ErrClosed = errors.New("storage is closed")

// Backend is the physical storage contract.
//
//   - Get returns (nil, nil) when the key does not exist.
//   - Put creates or replaces the entry. When Put returns nil the write is
//     durable: a crash or restart of the process does not lose it.
//   - Delete of a missing key is not an error.
//   - List returns the immediate children of prefix, sorted: keys directly
//     under it by their remaining name, and deeper keys as their first
//     segment followed by "/", each once. prefix is either "" or ends in "/".
//
// Implementations are safe for concurrent use by multiple goroutines.
type Backend interface {
	Get(ctx context.Context, key string) (*Entry, error)
	Put(ctx context.Context, entry *Entry) error
	Delete(ctx context.Context, key string) error
	List(ctx context.Context, prefix string) ([]string, error)
}

// Transactional is an optional capability: a backend that can apply several
// writes atomically. Found by type assertion.
type Transactional interface {
	// Transaction applies every operation or none.
	Transaction(ctx context.Context, ops []TxnOp) error
}

// TxnOp is one operation of a transaction: a Put when Entry.Value is non-nil
// and Delete is false, a Delete otherwise.
type TxnOp struct {
	Delete bool
	Entry  Entry
}

// Closer is an optional capability for backends holding resources.
type Closer interface {
	Close() error
}

// ChildrenOf is the reference implementation of List's contract over a sorted
// or unsorted set of full keys: it returns the immediate children of prefix.
// Backends may use it; tests use it as the naive model.
func ChildrenOf(keys []string, prefix string) []string {
	seen := make(map[string]struct{})
	var out []string
	for _, k := range keys {
		if !strings.HasPrefix(k, prefix) {
			continue
		}
		rest := k[len(prefix):]
		if rest == "" {
			continue
		}
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			rest = rest[:i+1]
		}
		if _, ok := seen[rest]; ok {
			continue
		}
		seen[rest] = struct{}{}
		out = append(out, rest)
	}
	sort.Strings(out)
	return out
}
