package barrier

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/cofre-io/cofre/server/storage"
)

// reserved reports whether key is in the core's reserved space.
func reserved(key string) bool {
	return key == KeyringKey || strings.HasPrefix(key, SealPrefix)
}

// Get implements storage.Backend: it reads key from the physical backend and
// decrypts it. A missing key gives (nil, nil); a value that does not decrypt
// gives an error wrapping ErrDecrypt.
func (b *Barrier) Get(ctx context.Context, key string) (*storage.Entry, error) {
	if reserved(key) {
		return nil, ErrReservedKey
	}
	r, err := b.keyring()
	if err != nil {
		return nil, err
	}
	e, err := b.phys.Get(ctx, key)
	if err != nil || e == nil {
		return nil, err
	}
	plain, err := r.decrypt(key, e.Value)
	if err != nil {
		return nil, err
	}
	return &storage.Entry{Key: key, Value: plain}, nil
}

// Put implements storage.Backend: it encrypts entry.Value under the active
// term, bound to entry.Key, and writes it to the physical backend. A nil
// Value is stored as an empty one.
func (b *Barrier) Put(ctx context.Context, entry *storage.Entry) error {
	if entry == nil {
		return ErrInvalidEntry
	}
	if reserved(entry.Key) {
		return ErrReservedKey
	}
	r, err := b.keyring()
	if err != nil {
		return err
	}
	ct, err := r.active.encrypt(b.rand, entry.Key, entry.Value)
	if err != nil {
		return err
	}
	return b.phys.Put(ctx, &storage.Entry{Key: entry.Key, Value: ct})
}

// Delete implements storage.Backend.
func (b *Barrier) Delete(ctx context.Context, key string) error {
	if reserved(key) {
		return ErrReservedKey
	}
	if _, err := b.keyring(); err != nil {
		return err
	}
	return b.phys.Delete(ctx, key)
}

// List implements storage.Backend. Listing under SealPrefix is refused, and
// the reserved entries are left out of the listing of "core/".
func (b *Barrier) List(ctx context.Context, prefix string) ([]string, error) {
	if strings.HasPrefix(prefix, SealPrefix) || strings.HasPrefix(prefix, KeyringKey+"/") {
		return nil, ErrReservedKey
	}
	if _, err := b.keyring(); err != nil {
		return nil, err
	}
	keys, err := b.phys.List(ctx, prefix)
	if err != nil {
		return nil, err
	}
	if prefix == "core/" {
		keys = slices.DeleteFunc(keys, func(k string) bool {
			return reserved(prefix + k)
		})
	}
	return keys, nil
}

// Backend returns the barrier as a storage.Backend that also implements
// storage.Transactional exactly when the physical backend does, so callers
// detect the capability with the usual type assertion on the result. The
// *Barrier itself never implements storage.Transactional.
func (b *Barrier) Backend() storage.Backend {
	if _, ok := b.phys.(storage.Transactional); ok {
		return txnBarrier{b}
	}
	return b
}

// txnBarrier is a Barrier over a transactional physical backend.
type txnBarrier struct{ *Barrier }

var _ storage.Transactional = txnBarrier{}

// Transaction encrypts every Put op as Put does, checks every key as the
// single operations do, and hands the batch to the physical backend, which
// applies all or none.
func (t txnBarrier) Transaction(ctx context.Context, ops []storage.TxnOp) error {
	for _, op := range ops {
		if reserved(op.Entry.Key) {
			return ErrReservedKey
		}
	}
	r, err := t.keyring()
	if err != nil {
		return err
	}
	enc := make([]storage.TxnOp, len(ops))
	for i, op := range ops {
		if op.Delete || op.Entry.Value == nil {
			enc[i] = storage.TxnOp{Delete: true, Entry: storage.Entry{Key: op.Entry.Key}}
			continue
		}
		ct, err := r.active.encrypt(t.rand, op.Entry.Key, op.Entry.Value)
		if err != nil {
			return fmt.Errorf("barrier: transaction: %w", err)
		}
		enc[i] = storage.TxnOp{Entry: storage.Entry{Key: op.Entry.Key, Value: ct}}
	}
	return t.phys.(storage.Transactional).Transaction(ctx, enc)
}
