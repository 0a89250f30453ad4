package raft

import (
	"context"
	"log/slog"
	"testing"
	"time"
)

// testConfig returns a Config for dir on a free loopback port. Raft logs at
// error level and above go to the test output.
func testConfig(t testing.TB, dir string) Config {
	return Config{
		Path:        dir,
		ClusterAddr: "127.0.0.1:0",
		Logger:      slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelError})),
	}
}

// openBackend starts a backend for cfg and closes it when the test ends.
func openBackend(t testing.TB, cfg Config) *Backend {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	b, err := New(ctx, cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return b
}
