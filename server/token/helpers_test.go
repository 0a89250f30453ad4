package token_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/cofre-io/cofre/server/expire/expiretest"
	"github.com/cofre-io/cofre/server/storage"
	"github.com/cofre-io/cofre/server/storage/inmem"
	"github.com/cofre-io/cofre/server/token"
)

var t0 = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)

// env is a loaded Store over in-memory storage with a fake clock, recording
// the HashedIDs its revoke hook sees.
type env struct {
	t     testing.TB
	clock *expiretest.FakeClock
	view  storage.Backend
	s     *token.Store

	mu      sync.Mutex
	revoked []string
}

// plainBackend hides the Transactional capability of what it wraps.
type plainBackend struct{ storage.Backend }

func newEnv(t testing.TB) *env { return newEnvOn(t, storage.NewView(inmem.New(), "sys/token/")) }

// newPlainEnv is newEnv over storage without transactions, so the store
// writes indexes and entries in order instead of atomically.
func newPlainEnv(t testing.TB) *env { return newEnvOn(t, plainBackend{inmem.New()}) }

func newEnvOn(t testing.TB, view storage.Backend) *env {
	e := &env{t: t, clock: expiretest.NewFakeClock(t0), view: view}
	e.open()
	return e
}

// open builds and loads a fresh Store over the env's storage (a restart).
func (e *env) open() {
	s, err := token.NewStore(token.Config{
		Storage:          e.view,
		Clock:            e.clock,
		ExpiryWorkers:    2,
		ExpiryMinBackoff: time.Second,
		ExpiryMaxBackoff: 4 * time.Second,
		UsedUpGrace:      time.Minute,
	})
	if err != nil {
		e.t.Fatal(err)
	}
	s.OnRevoke(func(_ context.Context, te *token.Entry) error {
		e.mu.Lock()
		e.revoked = append(e.revoked, te.HashedID)
		e.mu.Unlock()
		return nil
	})
	if err := s.Load(context.Background()); err != nil {
		e.t.Fatal(err)
	}
	e.s = s
	e.t.Cleanup(s.Unload)
	e.poll("expiry index loaded", s.ExpiryLoaded)
}

func (e *env) poll(what string, cond func() bool) {
	e.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			e.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func (e *env) wasRevoked(hashed string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, h := range e.revoked {
		if h == hashed {
			return true
		}
	}
	return false
}

func (e *env) create(te *token.Entry) *token.Entry {
	e.t.Helper()
	if te.TTL > 0 && te.ExpireTime.IsZero() {
		te.ExpireTime = e.clock.Now().Add(te.TTL)
	}
	if te.Policies == nil {
		te.Policies = []string{"default"}
	}
	out, err := e.s.Create(context.Background(), te)
	if err != nil {
		e.t.Fatalf("create: %v", err)
	}
	return out
}
