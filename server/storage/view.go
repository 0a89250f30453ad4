package storage

import (
	"context"
	"fmt"
	"strings"
)

// View is a Backend confined to a prefix of another Backend: keys it is given
// are relative to the prefix, and nothing outside the prefix is reachable.
// Mounts get a View of the barrier so one engine never sees another's data.
type View struct {
	under  Backend
	prefix string
}

var _ Backend = (*View)(nil)

// ErrInvalidKey is returned for keys that would escape a View.
var ErrInvalidKey = fmt.Errorf("invalid storage key")

// NewView returns a View of under at prefix, which must be "" or end in "/".
func NewView(under Backend, prefix string) *View {
	return &View{under: under, prefix: prefix}
}

// Prefix returns the view's prefix in the underlying backend.
func (v *View) Prefix() string { return v.prefix }

func (v *View) key(k string) (string, error) {
	if strings.HasPrefix(k, "/") || strings.Contains(k, "..") && hasDotDotSegment(k) {
		return "", fmt.Errorf("%w: %q", ErrInvalidKey, k)
	}
	return v.prefix + k, nil
}

func hasDotDotSegment(k string) bool {
	for _, seg := range strings.Split(k, "/") {
		if seg == ".." {
			return true
		}
	}
	return false
}

// Get implements Backend.
func (v *View) Get(ctx context.Context, key string) (*Entry, error) {
	k, err := v.key(key)
	if err != nil {
		return nil, err
	}
	e, err := v.under.Get(ctx, k)
	if err != nil || e == nil {
		return nil, err
	}
	return &Entry{Key: key, Value: e.Value}, nil
}

// Put implements Backend.
func (v *View) Put(ctx context.Context, e *Entry) error {
	k, err := v.key(e.Key)
	if err != nil {
		return err
	}
	return v.under.Put(ctx, &Entry{Key: k, Value: e.Value})
}

// Delete implements Backend.
func (v *View) Delete(ctx context.Context, key string) error {
	k, err := v.key(key)
	if err != nil {
		return err
	}
	return v.under.Delete(ctx, k)
}

// List implements Backend.
func (v *View) List(ctx context.Context, prefix string) ([]string, error) {
	k, err := v.key(prefix)
	if err != nil {
		return nil, err
	}
	return v.under.List(ctx, k)
}

// Transaction implements Transactional when the underlying backend does; it
// returns an error wrapping ErrNotTransactional otherwise.
func (v *View) Transaction(ctx context.Context, ops []TxnOp) error {
	t, ok := v.under.(Transactional)
	if !ok {
		return ErrNotTransactional
	}
	moved := make([]TxnOp, len(ops))
	for i, op := range ops {
		k, err := v.key(op.Entry.Key)
		if err != nil {
			return err
		}
		moved[i] = TxnOp{Delete: op.Delete, Entry: Entry{Key: k, Value: op.Entry.Value}}
	}
	return t.Transaction(ctx, moved)
}

// ErrNotTransactional is returned by Transaction on a backend that cannot
// apply several writes atomically.
var ErrNotTransactional = fmt.Errorf("storage backend is not transactional")

// ClearPrefix deletes every key under prefix of b, depth first. Used when a
// mount is disabled.
func ClearPrefix(ctx context.Context, b Backend, prefix string) error {
	keys, err := b.List(ctx, prefix)
	if err != nil {
		return fmt.Errorf("clear %q: %w", prefix, err)
	}
	for _, k := range keys {
		full := prefix + k
		if strings.HasSuffix(k, "/") {
			if err := ClearPrefix(ctx, b, full); err != nil {
				return err
			}
			continue
		}
		if err := b.Delete(ctx, full); err != nil {
			return fmt.Errorf("clear %q: %w", full, err)
		}
	}
	return nil
}
