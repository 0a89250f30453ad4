package raft

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/raft"
	"go.etcd.io/bbolt"

	"github.com/cofre-io/cofre/server/storage"
)

// ErrFSMFailed is returned for writes after the state machine failed to
// persist an entry (for example a full disk). The node then refuses further
// writes and snapshots, so nothing past the failure is recorded as applied;
// restarting the process replays the log from the last good entry.
var ErrFSMFailed = errors.New("raft storage state machine failed")

var (
	bucketData = []byte("data")
	bucketMeta = []byte("meta")
	keyApplied = []byte("applied")
)

// lockTimeout bounds the wait for bbolt's file lock, held by another open of
// the same data directory.
const lockTimeout = 2 * time.Second

// fsm is the Raft state machine: one bbolt file holding the key/value bucket
// and, written in the same transaction, the index and term of the last log
// entry applied. Entries at or below that index are skipped, so the replay
// Raft performs after a restart does not apply anything twice.
//
// Apply, ApplyBatch, Snapshot and Restore are called by Raft's FSM goroutine
// only; get and list are called concurrently by readers.
type fsm struct {
	path   string
	logger *slog.Logger

	mu sync.RWMutex // guards db, which Restore and close replace
	db *bbolt.DB

	appliedIndex atomic.Uint64
	appliedTerm  atomic.Uint64

	failMu sync.Mutex
	failed error
}

var _ raft.BatchingFSM = (*fsm)(nil)

// openFSM opens or creates the state machine file at path.
func openFSM(path string, logger *slog.Logger) (*fsm, error) {
	f := &fsm{path: path, logger: logger}
	if err := os.Remove(restorePath(path)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("remove leftover restore file: %w", err)
	}
	db, index, term, err := openStateDB(path)
	if err != nil {
		return nil, err
	}
	f.db = db
	f.appliedIndex.Store(index)
	f.appliedTerm.Store(term)
	return f, nil
}

// openStateDB opens a state file, creating its buckets if needed, and
// returns the applied index and term it records.
func openStateDB(path string) (db *bbolt.DB, index, term uint64, err error) {
	db, err = bbolt.Open(path, 0o600, &bbolt.Options{
		Timeout:        lockTimeout,
		NoFreelistSync: true,
		FreelistType:   bbolt.FreelistMapType,
	})
	if err != nil {
		return nil, 0, 0, fmt.Errorf("open %s: %w", path, err)
	}
	err = db.Update(func(tx *bbolt.Tx) error {
		if _, err := tx.CreateBucketIfNotExists(bucketData); err != nil {
			return err
		}
		meta, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return err
		}
		index, term, err = decodeApplied(meta.Get(keyApplied))
		return err
	})
	if err != nil {
		db.Close()
		return nil, 0, 0, fmt.Errorf("init %s: %w", path, err)
	}
	return db, index, term, nil
}

func encodeApplied(index, term uint64) []byte {
	b := make([]byte, 16)
	binary.BigEndian.PutUint64(b, index)
	binary.BigEndian.PutUint64(b[8:], term)
	return b
}

func decodeApplied(b []byte) (index, term uint64, err error) {
	switch len(b) {
	case 0:
		return 0, 0, nil
	case 16:
		return binary.BigEndian.Uint64(b), binary.BigEndian.Uint64(b[8:]), nil
	default:
		return 0, 0, fmt.Errorf("applied index record of %d bytes", len(b))
	}
}

// failure returns the sticky apply failure, if any.
func (f *fsm) failure() error {
	f.failMu.Lock()
	defer f.failMu.Unlock()
	return f.failed
}

func (f *fsm) setFailure(err error) {
	f.failMu.Lock()
	defer f.failMu.Unlock()
	f.failed = err
}

// Apply applies one log entry; see ApplyBatch.
func (f *fsm) Apply(l *raft.Log) any {
	return f.ApplyBatch([]*raft.Log{l})[0]
}

// ApplyBatch applies committed entries in one bbolt transaction (one fsync)
// and records the last entry's index and term in it. The response for each
// entry is nil or an error: ErrBadCommand for an entry that does not decode
// (deterministic, so every node agrees and the entry counts as applied), or
// ErrFSMFailed when the transaction could not be written.
func (f *fsm) ApplyBatch(logs []*raft.Log) []any {
	resp := make([]any, len(logs))
	if err := f.failure(); err != nil {
		for i := range resp {
			resp[i] = err
		}
		return resp
	}
	applied := f.appliedIndex.Load()
	var last *raft.Log
	todo := make([][]op, 0, len(logs))
	for i, l := range logs {
		if l.Index <= applied {
			continue
		}
		last = l
		if l.Type != raft.LogCommand {
			continue
		}
		ops, err := decodeCommand(l.Data)
		if err != nil {
			resp[i] = fmt.Errorf("log index %d: %w", l.Index, err)
			continue
		}
		todo = append(todo, ops)
	}
	if last == nil {
		return resp
	}

	f.mu.RLock()
	defer f.mu.RUnlock()
	if f.db == nil {
		for i := range resp {
			resp[i] = storage.ErrClosed
		}
		return resp
	}
	err := f.db.Update(func(tx *bbolt.Tx) error {
		data := tx.Bucket(bucketData)
		for _, ops := range todo {
			for _, o := range ops {
				var err error
				if o.delete {
					err = data.Delete(o.key)
				} else {
					err = data.Put(o.key, o.value)
				}
				if err != nil {
					return err
				}
			}
		}
		return tx.Bucket(bucketMeta).Put(keyApplied, encodeApplied(last.Index, last.Term))
	})
	if err != nil {
		err = fmt.Errorf("%w: applying up to index %d: %w", ErrFSMFailed, last.Index, err)
		f.setFailure(err)
		f.logger.Error("state machine apply failed; refusing further writes", "index", last.Index, "error", err)
		for i, l := range logs {
			if l.Index > applied {
				resp[i] = err
			}
		}
		return resp
	}
	f.appliedIndex.Store(last.Index)
	f.appliedTerm.Store(last.Term)
	return resp
}

// get returns a copy of key's value and whether it exists.
func (f *fsm) get(key string) ([]byte, bool, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	if f.db == nil {
		return nil, false, storage.ErrClosed
	}
	var val []byte
	var found bool
	err := f.db.View(func(tx *bbolt.Tx) error {
		k, v := tx.Bucket(bucketData).Cursor().Seek([]byte(key))
		if k != nil && bytes.Equal(k, []byte(key)) {
			found = true
			val = append([]byte{}, v...) // non-nil even when empty
		}
		return nil
	})
	return val, found, err
}

// list returns the immediate children of prefix (see storage.Backend.List)
// from one read transaction, so it reflects a single applied state.
func (f *fsm) list(prefix string) ([]string, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	if f.db == nil {
		return nil, storage.ErrClosed
	}
	var out []string
	err := f.db.View(func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketData).Cursor()
		p := []byte(prefix)
		for k, _ := c.Seek(p); k != nil && bytes.HasPrefix(k, p); {
			rest := string(k[len(p):])
			slash := strings.IndexByte(rest, '/')
			switch {
			case rest == "":
				k, _ = c.Next()
			case slash < 0:
				out = append(out, rest)
				k, _ = c.Next()
			default:
				out = append(out, rest[:slash+1])
				// Skip the child's subtree: '0' is the byte after '/'.
				k, _ = c.Seek([]byte(prefix + rest[:slash] + "0"))
			}
		}
		return nil
	})
	return out, err
}

// applied returns the index and term of the last applied entry.
func (f *fsm) applied() (index, term uint64) {
	return f.appliedIndex.Load(), f.appliedTerm.Load()
}

// close closes the bbolt file. Later reads return storage.ErrClosed.
func (f *fsm) close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.db == nil {
		return nil
	}
	err := f.db.Close()
	f.db = nil
	return err
}
