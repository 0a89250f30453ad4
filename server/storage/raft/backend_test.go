package raft

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/raft"

	"github.com/cofre-io/cofre/server/storage"
	"github.com/cofre-io/cofre/server/storage/storagetest"
)

func TestConformance(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Backend {
		return openBackend(t, testConfig(t, t.TempDir()))
	})
}

func TestLeaderAfterNew(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig(t, dir)

	start := time.Now()
	b, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	fresh := time.Since(start)
	if !b.IsLeader() {
		t.Fatal("not leader after New on a fresh directory")
	}
	if b.LeaderAddr() == "" || b.LeaderAddr() != string(b.transport.LocalAddr()) {
		t.Fatalf("LeaderAddr = %q, transport at %q", b.LeaderAddr(), b.transport.LocalAddr())
	}
	if got := b.Stats()["state"]; got != "Leader" {
		t.Fatalf("Stats state = %q", got)
	}
	if err := b.Put(context.Background(), &storage.Entry{Key: "k", Value: []byte("v")}); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}

	start = time.Now()
	b = openBackend(t, cfg)
	restart := time.Since(start)
	if !b.IsLeader() {
		t.Fatal("not leader after New on restart")
	}
	t.Logf("New until leader: fresh %v, restart %v", fresh, restart)
}

func TestReopenKeepsData(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig(t, dir)
	ctx := context.Background()
	b := openBackend(t, cfg)
	id := b.NodeID()
	for i := range 20 {
		if err := b.Put(ctx, &storage.Entry{Key: fmt.Sprintf("d/%02d", i), Value: []byte{byte(i)}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Delete(ctx, "d/05"); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}

	b = openBackend(t, cfg)
	if b.NodeID() != id {
		t.Fatalf("node ID changed across restart: %q -> %q", id, b.NodeID())
	}
	for i := range 20 {
		e, err := b.Get(ctx, fmt.Sprintf("d/%02d", i))
		if err != nil {
			t.Fatal(err)
		}
		if i == 5 {
			if e != nil {
				t.Fatal("deleted key came back")
			}
			continue
		}
		if e == nil || !bytes.Equal(e.Value, []byte{byte(i)}) {
			t.Fatalf("d/%02d = %v after reopen", i, e)
		}
	}
	// The replay after restart must not re-apply entries the state file has.
	index, _ := b.fsm.applied()
	if index == 0 {
		t.Fatal("applied index not restored")
	}
	if err := b.Put(ctx, &storage.Entry{Key: "after", Value: []byte("x")}); err != nil {
		t.Fatal(err)
	}
}

func TestClose(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	b, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	ctx := context.Background()
	if _, err := b.Get(ctx, "k"); !errors.Is(err, storage.ErrClosed) {
		t.Fatalf("Get after Close = %v", err)
	}
	if _, err := b.List(ctx, ""); !errors.Is(err, storage.ErrClosed) {
		t.Fatalf("List after Close = %v", err)
	}
	if err := b.Put(ctx, &storage.Entry{Key: "k", Value: []byte("v")}); !errors.Is(err, storage.ErrClosed) {
		t.Fatalf("Put after Close = %v", err)
	}
	if b.IsLeader() {
		t.Fatal("IsLeader after Close")
	}
	// The directory can be opened again: every file lock was released.
	openBackend(t, cfg)
}

func TestNewRespectsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	cfg := testConfig(t, t.TempDir())
	cfg.HeartbeatTimeout, cfg.ElectionTimeout, cfg.LeaderLeaseTimeout = time.Second, time.Second, time.Second
	if _, err := New(ctx, cfg); !errors.Is(err, context.Canceled) {
		t.Fatalf("New with canceled ctx = %v", err)
	}
	// The failed New released the directory.
	openBackend(t, testConfig(t, cfg.Path))
}

func TestInvalidWrites(t *testing.T) {
	b := openBackend(t, testConfig(t, t.TempDir()))
	ctx := context.Background()
	tests := []struct {
		name string
		err  error
		fn   func() error
	}{
		{"nil entry", ErrInvalidEntry, func() error { return b.Put(ctx, nil) }},
		{"empty key", ErrInvalidEntry, func() error { return b.Put(ctx, &storage.Entry{Value: []byte("x")}) }},
		{"empty delete", ErrInvalidEntry, func() error { return b.Delete(ctx, "") }},
		{"long key", ErrInvalidEntry, func() error {
			return b.Put(ctx, &storage.Entry{Key: strings.Repeat("k", maxKeySize+1), Value: []byte("x")})
		}},
		{"too large", ErrEntryTooLarge, func() error {
			return b.Put(ctx, &storage.Entry{Key: "big", Value: make([]byte, DefaultMaxEntrySize)})
		}},
		{"canceled", context.Canceled, func() error {
			c, cancel := context.WithCancel(ctx)
			cancel()
			return b.Put(c, &storage.Entry{Key: "c", Value: []byte("x")})
		}},
	}
	for _, tc := range tests {
		if err := tc.fn(); !errors.Is(err, tc.err) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.err)
		}
	}
	if names, _ := b.List(ctx, ""); len(names) != 0 {
		t.Fatalf("rejected writes left %q", names)
	}
	// A key of exactly the limit is fine.
	if err := b.Put(ctx, &storage.Entry{Key: strings.Repeat("k", maxKeySize), Value: []byte("x")}); err != nil {
		t.Fatal(err)
	}
}

func TestRaftErrorsMapToContract(t *testing.T) {
	b := &Backend{}
	for _, err := range []error{raft.ErrNotLeader, raft.ErrLeadershipLost, raft.ErrLeadershipTransferInProgress} {
		if got := b.mapRaftError(err); !errors.Is(got, storage.ErrReadOnly) || !errors.Is(got, err) {
			t.Errorf("%v maps to %v, want ErrReadOnly wrapping it", err, got)
		}
	}
	if got := b.mapRaftError(raft.ErrRaftShutdown); !errors.Is(got, storage.ErrClosed) {
		t.Errorf("ErrRaftShutdown maps to %v", got)
	}
}

func TestNodeID(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig(t, dir)
	cfg.NodeID = "node-a"
	b := openBackend(t, cfg)
	if b.NodeID() != "node-a" {
		t.Fatalf("NodeID = %q", b.NodeID())
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	cfg.NodeID = "node-b"
	if _, err := New(context.Background(), cfg); !errors.Is(err, ErrNodeIDMismatch) {
		t.Fatalf("New with another node ID = %v", err)
	}
}

func TestStateMismatch(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig(t, dir)
	b := openBackend(t, cfg)
	if err := b.Put(context.Background(), &storage.Entry{Key: "k", Value: []byte("v")}); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, logFile)); err != nil {
		t.Fatal(err)
	}
	if _, err := New(context.Background(), cfg); !errors.Is(err, ErrStateMismatch) {
		t.Fatalf("New with the log gone = %v, want ErrStateMismatch", err)
	}
}

func TestDataDirMode(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	openBackend(t, testConfig(t, dir))
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o700 {
		t.Fatalf("data dir mode = %v, want 0700", fi.Mode().Perm())
	}
}
