package raft

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/raft"

	"github.com/cofre-io/cofre/server/storage"
)

var (
	// ErrInvalidEntry is returned for a nil entry, an empty key or a key
	// longer than 32 KiB.
	ErrInvalidEntry = errors.New("invalid storage entry")

	// ErrEntryTooLarge is returned for a write whose encoded size exceeds
	// Config.MaxEntrySize.
	ErrEntryTooLarge = errors.New("storage entry too large")
)

// Get returns the entry for key from the local state machine, or (nil, nil)
// when it does not exist. The returned Value is a copy.
func (b *Backend) Get(ctx context.Context, key string) (*storage.Entry, error) {
	if err := b.readable(ctx); err != nil {
		return nil, err
	}
	v, ok, err := b.fsm.get(key)
	if err != nil || !ok {
		return nil, err
	}
	return &storage.Entry{Key: key, Value: v}, nil
}

// List returns the immediate children of prefix from the local state
// machine; see storage.Backend.
func (b *Backend) List(ctx context.Context, prefix string) ([]string, error) {
	if err := b.readable(ctx); err != nil {
		return nil, err
	}
	return b.fsm.list(prefix)
}

// Put stores entry through the Raft log; it returns nil once the write is
// committed and applied. A nil Value is stored as an empty value.
func (b *Backend) Put(ctx context.Context, entry *storage.Entry) error {
	if entry == nil {
		return fmt.Errorf("put: nil entry: %w", ErrInvalidEntry)
	}
	v := entry.Value
	if v == nil {
		v = []byte{}
	}
	return b.Transaction(ctx, []storage.TxnOp{{Entry: storage.Entry{Key: entry.Key, Value: v}}})
}

// Delete removes key through the Raft log. Deleting a missing key is not an
// error.
func (b *Backend) Delete(ctx context.Context, key string) error {
	return b.Transaction(ctx, []storage.TxnOp{{Delete: true, Entry: storage.Entry{Key: key}}})
}

// Transaction applies ops in order as one Raft log entry: all of them or
// none. It returns once the entry is committed and applied. Errors:
// ErrInvalidEntry or ErrEntryTooLarge before anything is proposed,
// storage.ErrReadOnly (wrapping raft's reason) on a node that is not the
// leader, storage.ErrClosed after Close, ErrFSMFailed if the state machine
// could not persist the entry.
//
// ctx is checked before proposing and bounds, with Config.ApplyTimeout, the
// wait to hand the entry to Raft. Once handed over the call waits for the
// outcome, which Raft always delivers: commit, loss of leadership or
// shutdown.
func (b *Backend) Transaction(ctx context.Context, ops []storage.TxnOp) error {
	cmd, err := encodeCommand(ops)
	if err != nil {
		return err
	}
	if len(cmd) > b.cfg.MaxEntrySize {
		return fmt.Errorf("%d bytes, limit %d: %w", len(cmd), b.cfg.MaxEntrySize, ErrEntryTooLarge)
	}
	if b.closed.Load() {
		return storage.ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	f := b.raft.Apply(cmd, timeoutFrom(ctx, b.cfg.ApplyTimeout))
	if err := f.Error(); err != nil {
		return b.mapRaftError(err)
	}
	if err, ok := f.Response().(error); ok {
		return err
	}
	return nil
}

// readable checks ctx and that the backend is open.
func (b *Backend) readable(ctx context.Context) error {
	if b.closed.Load() {
		return storage.ErrClosed
	}
	return ctx.Err()
}

// mapRaftError turns raft's errors into the storage contract's.
func (b *Backend) mapRaftError(err error) error {
	switch {
	case errors.Is(err, raft.ErrRaftShutdown):
		return fmt.Errorf("%w: %w", storage.ErrClosed, err)
	case errors.Is(err, raft.ErrNotLeader),
		errors.Is(err, raft.ErrLeadershipLost),
		errors.Is(err, raft.ErrLeadershipTransferInProgress):
		return fmt.Errorf("%w: %w", storage.ErrReadOnly, err)
	default:
		return fmt.Errorf("raft apply: %w", err)
	}
}
