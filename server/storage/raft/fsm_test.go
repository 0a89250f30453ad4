package raft

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/raft"

	"github.com/cofre-io/cofre/server/storage"
)

func newTestFSM(t *testing.T) *fsm {
	t.Helper()
	f, err := openFSM(filepath.Join(t.TempDir(), fsmFile), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.close() })
	return f
}

// cmdLog returns a command log entry at index with ops.
func cmdLog(t *testing.T, index uint64, ops ...storage.TxnOp) *raft.Log {
	t.Helper()
	data, err := encodeCommand(ops)
	if err != nil {
		t.Fatal(err)
	}
	return &raft.Log{Index: index, Term: 1, Type: raft.LogCommand, Data: data}
}

func putOp(k, v string) storage.TxnOp {
	return storage.TxnOp{Entry: storage.Entry{Key: k, Value: []byte(v)}}
}

func wantFSM(t *testing.T, f *fsm, key, want string) {
	t.Helper()
	v, ok, err := f.get(key)
	if err != nil || !ok || string(v) != want {
		t.Fatalf("get(%q) = %q, %v, %v; want %q", key, v, ok, err, want)
	}
}

func TestFSMSkipsAppliedEntries(t *testing.T) {
	f := newTestFSM(t)
	resp := f.ApplyBatch([]*raft.Log{cmdLog(t, 1, putOp("a", "1")), cmdLog(t, 2, putOp("b", "2"))})
	if resp[0] != nil || resp[1] != nil {
		t.Fatalf("responses %v", resp)
	}
	// A replay of index 2 with other contents (as after a restart) is ignored.
	f.ApplyBatch([]*raft.Log{cmdLog(t, 2, putOp("b", "replayed")), cmdLog(t, 3, putOp("c", "3"))})
	wantFSM(t, f, "b", "2")
	wantFSM(t, f, "c", "3")
	if idx, term := f.applied(); idx != 3 || term != 1 {
		t.Fatalf("applied = %d/%d, want 3/1", idx, term)
	}
}

func TestFSMAppliedIndexSurvivesReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), fsmFile)
	f, err := openFSM(path, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	f.Apply(cmdLog(t, 7, putOp("a", "1")))
	f.Apply(&raft.Log{Index: 8, Term: 2, Type: raft.LogConfiguration})
	if err := f.close(); err != nil {
		t.Fatal(err)
	}
	f, err = openFSM(path, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer f.close()
	if idx, term := f.applied(); idx != 8 || term != 2 {
		t.Fatalf("applied after reopen = %d/%d, want 8/2", idx, term)
	}
	wantFSM(t, f, "a", "1")
}

func TestFSMBadCommand(t *testing.T) {
	f := newTestFSM(t)
	resp := f.ApplyBatch([]*raft.Log{
		{Index: 1, Term: 1, Type: raft.LogCommand, Data: []byte{9, 9}},
		cmdLog(t, 2, putOp("ok", "1")),
	})
	if err, _ := resp[0].(error); !errors.Is(err, ErrBadCommand) {
		t.Fatalf("bad command response = %v", resp[0])
	}
	if resp[1] != nil {
		t.Fatalf("good command response = %v", resp[1])
	}
	wantFSM(t, f, "ok", "1")
	if idx, _ := f.applied(); idx != 2 {
		t.Fatalf("applied = %d, want 2", idx)
	}
}

func TestFSMFailureIsSticky(t *testing.T) {
	f := newTestFSM(t)
	f.Apply(cmdLog(t, 1, putOp("a", "1")))
	// Simulate a storage failure: the bbolt handle stops working.
	if err := f.db.Close(); err != nil {
		t.Fatal(err)
	}
	resp := f.Apply(cmdLog(t, 2, putOp("b", "2")))
	if err, _ := resp.(error); !errors.Is(err, ErrFSMFailed) {
		t.Fatalf("response = %v, want ErrFSMFailed", resp)
	}
	if idx, _ := f.applied(); idx != 1 {
		t.Fatalf("applied advanced to %d past a failed entry", idx)
	}
	resp = f.Apply(cmdLog(t, 3, putOp("c", "3")))
	if err, _ := resp.(error); !errors.Is(err, ErrFSMFailed) {
		t.Fatalf("later response = %v, want ErrFSMFailed", resp)
	}
	if _, err := f.Snapshot(); !errors.Is(err, ErrFSMFailed) {
		t.Fatalf("Snapshot after failure = %v", err)
	}
}

// memSink is a raft.SnapshotSink in memory.
type memSink struct {
	bytes.Buffer
	canceled, closed bool
}

func (s *memSink) ID() string    { return "mem" }
func (s *memSink) Cancel() error { s.canceled = true; return nil }
func (s *memSink) Close() error  { s.closed = true; return nil }

func TestFSMSnapshotRestore(t *testing.T) {
	src := newTestFSM(t)
	src.ApplyBatch([]*raft.Log{
		cmdLog(t, 1, putOp("a/1", "x"), putOp("a/2", "y"), putOp("b", "")),
		cmdLog(t, 2, storage.TxnOp{Delete: true, Entry: storage.Entry{Key: "a/2"}}),
	})
	snap, err := src.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	// Writes after Snapshot are not part of it.
	src.Apply(cmdLog(t, 3, putOp("later", "z")))
	var sink memSink
	if err := snap.Persist(&sink); err != nil {
		t.Fatal(err)
	}
	snap.Release()
	snap.Release() // harmless
	if !sink.closed || sink.canceled {
		t.Fatalf("sink closed=%v canceled=%v", sink.closed, sink.canceled)
	}

	dst := newTestFSM(t)
	dst.Apply(cmdLog(t, 1, putOp("stale", "gone after restore")))
	if err := dst.Restore(io.NopCloser(bytes.NewReader(sink.Bytes()))); err != nil {
		t.Fatal(err)
	}
	wantFSM(t, dst, "a/1", "x")
	wantFSM(t, dst, "b", "")
	for _, k := range []string{"a/2", "later", "stale"} {
		if _, ok, _ := dst.get(k); ok {
			t.Fatalf("%q present after restore", k)
		}
	}
	if names, _ := dst.list(""); !slices.Equal(names, []string{"a/", "b"}) {
		t.Fatalf("list after restore = %q", names)
	}
	if idx, _ := dst.applied(); idx != 2 {
		t.Fatalf("applied after restore = %d, want 2", idx)
	}
	// The restored state keeps working.
	dst.Apply(cmdLog(t, 3, putOp("c", "3")))
	wantFSM(t, dst, "c", "3")
}

func TestFSMRestoreRejectsGarbage(t *testing.T) {
	f := newTestFSM(t)
	f.Apply(cmdLog(t, 1, putOp("keep", "1")))
	for name, data := range map[string][]byte{
		"empty":     nil,
		"no header": []byte("not a snapshot at all"),
		"not bbolt": append([]byte(snapshotMagic), bytes.Repeat([]byte{0xAB}, 8192)...),
		"truncated": []byte(snapshotMagic[:5]),
		"checksummed garbage": func() []byte {
			junk := bytes.Repeat([]byte{0xAB}, 8192)
			b := binary.BigEndian.AppendUint64([]byte(snapshotMagic), uint64(len(junk)))
			b = append(b, junk...)
			return binary.BigEndian.AppendUint32(b, crc32.Checksum(junk, crcTable))
		}(),
	} {
		if err := f.Restore(io.NopCloser(bytes.NewReader(data))); !errors.Is(err, ErrBadSnapshot) {
			t.Errorf("%s: Restore = %v, want ErrBadSnapshot", name, err)
		}
		wantFSM(t, f, "keep", "1")
	}
}

func TestFSMRestoreRejectsTruncatedCopy(t *testing.T) {
	src := newTestFSM(t)
	var batch []*raft.Log
	for i := range 200 {
		batch = append(batch, cmdLog(t, uint64(i+1), putOp(fmt.Sprintf("k/%03d", i), strings.Repeat("v", 300))))
	}
	src.ApplyBatch(batch)
	snap, err := src.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	var sink memSink
	if err := snap.Persist(&sink); err != nil {
		t.Fatal(err)
	}
	snap.Release()
	full := sink.Bytes()

	f := newTestFSM(t)
	f.Apply(cmdLog(t, 1, putOp("keep", "1")))
	for _, n := range []int{len(snapshotMagic) + 100, len(full) / 2, len(full) - 4096} {
		if err := f.Restore(io.NopCloser(bytes.NewReader(full[:n]))); !errors.Is(err, ErrBadSnapshot) {
			t.Errorf("restore of %d/%d bytes = %v, want ErrBadSnapshot", n, len(full), err)
		}
		wantFSM(t, f, "keep", "1")
	}
}
