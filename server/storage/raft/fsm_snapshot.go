package raft

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/hashicorp/raft"
	"go.etcd.io/bbolt"

	"github.com/cofre-io/cofre/server/storage"
)

// A snapshot stream is
//
//	magic | size:uint64 big-endian | bbolt file (size bytes) | crc32c(bbolt file):uint32 big-endian
//
// The length and checksum are verified before bbolt opens the copy: bbolt
// trusts its file and panics on a truncated one.
const snapshotMagic = "cofre-fsm-bbolt-v1\n"

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// ErrBadSnapshot is returned by Restore for a stream that is not a state
// machine snapshot.
var ErrBadSnapshot = errors.New("malformed raft storage snapshot")

func restorePath(path string) string { return path + ".restore" }

// Snapshot captures the state with a bbolt read transaction, which is a
// consistent point-in-time view that later applies do not disturb. The copy
// itself happens in Persist, concurrently with further applies.
//
// While the read transaction is open bbolt cannot remap a growing file, so
// a write that grows the file waits for Persist to finish.
func (f *fsm) Snapshot() (raft.FSMSnapshot, error) {
	if err := f.failure(); err != nil {
		return nil, err
	}
	f.mu.RLock()
	defer f.mu.RUnlock()
	if f.db == nil {
		return nil, storage.ErrClosed
	}
	tx, err := f.db.Begin(false)
	if err != nil {
		return nil, fmt.Errorf("begin snapshot: %w", err)
	}
	return &fsmSnapshot{tx: tx}, nil
}

// fsmSnapshot is one point-in-time copy of the state file.
type fsmSnapshot struct {
	tx   *bbolt.Tx
	once sync.Once
}

// Persist writes the snapshot stream to sink.
func (s *fsmSnapshot) Persist(sink raft.SnapshotSink) error {
	size := s.tx.Size()
	hdr := binary.BigEndian.AppendUint64([]byte(snapshotMagic), uint64(size))
	_, err := sink.Write(hdr)
	if err == nil {
		h := crc32.New(crcTable)
		var n int64
		n, err = s.tx.WriteTo(io.MultiWriter(sink, h))
		if err == nil && n != size {
			err = fmt.Errorf("wrote %d of %d bytes", n, size)
		}
		if err == nil {
			_, err = sink.Write(h.Sum(nil)) // big-endian, 4 bytes
		}
	}
	if err != nil {
		_ = sink.Cancel()
		return fmt.Errorf("persist snapshot: %w", err)
	}
	return sink.Close()
}

// Release ends the read transaction. Raft calls it exactly once, but it is
// safe to call again.
func (s *fsmSnapshot) Release() {
	s.once.Do(func() { _ = s.tx.Rollback() })
}

// Restore replaces the whole state with a snapshot stream: it writes the
// bbolt copy to a temporary file, syncs and validates it, then swaps it in
// with a rename. Readers block only for the swap. A failure before the
// rename leaves the old state untouched.
func (f *fsm) Restore(rc io.ReadCloser) error {
	defer rc.Close()
	tmp := restorePath(f.path)
	if err := writeRestoreFile(tmp, rc); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	// Validate before touching the live file.
	db, _, _, err := openStateDB(tmp)
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("%w: %w", ErrBadSnapshot, err)
	}
	err = db.View(func(tx *bbolt.Tx) error {
		var first error
		for err := range tx.Check() { // drain: Check's goroutine sends every problem
			if first == nil {
				first = err
			}
		}
		return first
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("%w: %w", ErrBadSnapshot, err)
	}

	f.mu.Lock()
	defer f.mu.Unlock()
	if f.db == nil {
		_ = os.Remove(tmp)
		return storage.ErrClosed
	}
	if err := f.db.Close(); err != nil {
		f.logger.Warn("closing state file before restore", "error", err)
	}
	f.db = nil
	if err := os.Rename(tmp, f.path); err != nil {
		err = fmt.Errorf("%w: restore rename: %w", ErrFSMFailed, err)
		f.setFailure(err)
		return err
	}
	if err := syncDir(filepath.Dir(f.path)); err != nil {
		f.logger.Warn("syncing data directory after restore", "error", err)
	}
	db, index, term, err := openStateDB(f.path)
	if err != nil {
		err = fmt.Errorf("%w: reopen after restore: %w", ErrFSMFailed, err)
		f.setFailure(err)
		return err
	}
	f.db = db
	f.appliedIndex.Store(index)
	f.appliedTerm.Store(term)
	f.setFailure(nil) // the restored state replaces whatever failed before
	f.logger.Info("restored state from snapshot", "applied_index", index)
	return nil
}

// writeRestoreFile checks the stream's header, length and checksum while
// copying the bbolt file to path, synced to disk.
func writeRestoreFile(path string, r io.Reader) error {
	hdr := make([]byte, len(snapshotMagic)+8)
	if _, err := io.ReadFull(r, hdr); err != nil || string(hdr[:len(snapshotMagic)]) != snapshotMagic {
		return fmt.Errorf("%w: missing header", ErrBadSnapshot)
	}
	size := int64(binary.BigEndian.Uint64(hdr[len(snapshotMagic):]))
	if size <= 0 {
		return fmt.Errorf("%w: bad size", ErrBadSnapshot)
	}
	file, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	h := crc32.New(crcTable)
	if _, err := io.CopyN(io.MultiWriter(file, h), r, size); err != nil {
		file.Close()
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%w: truncated", ErrBadSnapshot)
		}
		return fmt.Errorf("restore: copy: %w", err)
	}
	var trailer [5]byte // 4 checksum bytes, then nothing
	if n, _ := io.ReadFull(r, trailer[:]); n != 4 || !bytes.Equal(trailer[:4], h.Sum(nil)) {
		file.Close()
		return fmt.Errorf("%w: checksum mismatch or trailing data", ErrBadSnapshot)
	}
	if err := file.Sync(); err != nil {
		file.Close()
		return fmt.Errorf("restore: sync: %w", err)
	}
	if err := file.Close(); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	return nil
}

// syncDir fsyncs a directory so a rename or file creation in it is durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
