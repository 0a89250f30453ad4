package raft

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/cofre-io/cofre/server/storage"
)

// TestSnapshotCompactionAndRestart forces a Raft snapshot, checks the log was
// compacted, and restarts twice: once with the state file (no restore needed)
// and once without it (Raft restores the snapshot, then replays the tail).
func TestSnapshotCompactionAndRestart(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig(t, dir)
	cfg.SnapshotThreshold = 16
	cfg.TrailingLogs = 4
	ctx := context.Background()
	want := make(map[string][]byte)
	put := func(b *Backend, k string, v []byte) {
		t.Helper()
		if err := b.Put(ctx, &storage.Entry{Key: k, Value: v}); err != nil {
			t.Fatal(err)
		}
		want[k] = v
	}
	check := func(b *Backend) {
		t.Helper()
		for k, v := range want {
			e, err := b.Get(ctx, k)
			if err != nil {
				t.Fatal(err)
			}
			if v == nil {
				if e != nil {
					t.Fatalf("%q present, want deleted", k)
				}
				continue
			}
			if e == nil || !bytes.Equal(e.Value, v) {
				t.Fatalf("%q = %v, want %q", k, e, v)
			}
		}
	}

	b := openBackend(t, cfg)
	for i := range 60 {
		put(b, fmt.Sprintf("s/%02d", i), []byte(fmt.Sprint(i)))
	}
	if err := b.raft.Snapshot().Error(); err != nil {
		t.Fatalf("snapshot: %v", err)
	}
	first, err := b.logStore.FirstIndex()
	if err != nil {
		t.Fatal(err)
	}
	if first <= 1 {
		t.Fatalf("log not compacted: first index %d", first)
	}
	// Entries after the snapshot live only in the log.
	for i := range 10 {
		put(b, fmt.Sprintf("t/%02d", i), []byte("after"))
	}
	if err := b.Delete(ctx, "s/00"); err != nil {
		t.Fatal(err)
	}
	want["s/00"] = nil
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}

	b = openBackend(t, cfg)
	check(b)
	put(b, "u/1", []byte("third run"))
	if err := b.raft.Snapshot().Error(); err != nil {
		t.Fatalf("second snapshot: %v", err)
	}
	put(b, "u/2", []byte("tail"))
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}

	// Lose the state file: only the snapshot and the log tail remain.
	if err := os.Remove(filepath.Join(dir, fsmFile)); err != nil {
		t.Fatal(err)
	}
	b = openBackend(t, cfg)
	check(b)
	if idx, _ := b.fsm.applied(); idx <= first {
		t.Fatalf("applied index %d after restore, want past %d", idx, first)
	}
}
