package lease_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cofre-io/cofre/server/lease"
	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/storage"
	"github.com/cofre-io/cofre/server/storage/inmem"
)

var errDown = errors.New("backend is down")

// fakeBackend records the renewals and revocations it receives and can be
// told to fail them.
type fakeBackend struct {
	mu       sync.Mutex
	down     bool
	renewCap time.Duration
	calls    []string
	inflight atomic.Int32
}

func (b *fakeBackend) HandleRequest(_ context.Context, req *logical.Request) (*logical.Response, error) {
	b.inflight.Add(1)
	defer b.inflight.Add(-1)
	b.mu.Lock()
	defer b.mu.Unlock()
	id := req.Secret.LeaseID
	switch req.Operation {
	case logical.RenewOperation:
		if b.down {
			b.calls = append(b.calls, "renew "+id+" failed")
			return nil, errDown
		}
		ttl := req.Secret.TTL
		if b.renewCap > 0 && ttl > b.renewCap {
			ttl = b.renewCap
		}
		b.calls = append(b.calls, fmt.Sprintf("renew %s ttl=%s", id, req.Secret.TTL))
		return &logical.Response{Secret: &logical.Secret{TTL: ttl, Renewable: true, InternalData: req.Secret.InternalData}}, nil
	case logical.RevokeOperation:
		if b.down {
			b.calls = append(b.calls, "revoke "+id+" failed")
			return nil, errDown
		}
		b.calls = append(b.calls, "revoke "+id)
		return nil, nil
	}
	return nil, logical.ErrUnsupportedOperation
}

func (b *fakeBackend) SpecialPaths() *logical.Paths { return &logical.Paths{} }
func (b *fakeBackend) Type() logical.BackendType    { return logical.TypeSecrets }
func (b *fakeBackend) Cleanup(context.Context)      {}

func (b *fakeBackend) setDown(down bool) {
	b.mu.Lock()
	b.down = down
	b.mu.Unlock()
}

// takeCalls returns and forgets the calls recorded so far.
func (b *fakeBackend) takeCalls() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := b.calls
	b.calls = nil
	return out
}

// fakeMount is one entry of fakeMounts.
type fakeMount struct {
	accessor   string
	defaultTTL time.Duration
	maxTTL     time.Duration
	backend    *fakeBackend
}

// fakeMounts is a mount table for the manager.
type fakeMounts struct {
	mu sync.Mutex
	m  map[string]*fakeMount
}

func (f *fakeMounts) Mount(path, accessor string) (*lease.Mount, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	mt, ok := f.m[path]
	if !ok || mt.accessor != accessor {
		return nil, lease.ErrMountGone
	}
	return &lease.Mount{Backend: mt.backend, Storage: inmem.New(), Type: "fake", MaxTTL: mt.maxTTL}, nil
}

func (f *fakeMounts) get(path string) *fakeMount {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.m[path]
}

func (f *fakeMounts) set(path string, mt *fakeMount) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if mt == nil {
		delete(f.m, path)
		return
	}
	f.m[path] = mt
}

// fakeTokens says which token hashes exist.
type fakeTokens struct {
	mu   sync.Mutex
	gone map[string]bool
}

func (f *fakeTokens) TokenExists(_ context.Context, h string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return !f.gone[h], nil
}

// fixture is a manager over in-memory storage with a fake clock.
type fixture struct {
	t      testing.TB
	start  time.Time
	clock  *fakeClock
	store  storage.Backend
	mounts *fakeMounts
	tokens *fakeTokens
	m      *lease.Manager
	cfg    lease.Config
}

func newFixture(t testing.TB, store storage.Backend) *fixture {
	t.Helper()
	start := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	f := &fixture{
		t:      t,
		start:  start,
		clock:  newFakeClock(start),
		store:  store,
		mounts: &fakeMounts{m: map[string]*fakeMount{}},
		tokens: &fakeTokens{gone: map[string]bool{}},
	}
	f.cfg = lease.Config{
		Storage:          f.store,
		Mounts:           f.mounts,
		Tokens:           f.tokens,
		Clock:            f.clock,
		Rand:             rand.NewChaCha8([32]byte{1}),
		MinBackoff:       time.Second,
		MaxBackoff:       8 * time.Second,
		IrrevocableAfter: 3,
		SyncRevokeLimit:  3,
	}
	f.load()
	t.Cleanup(func() { f.m.Unload() })
	return f
}

// load starts a new manager over the fixture's storage and waits until
// it has restored its index.
func (f *fixture) load() {
	f.t.Helper()
	m, err := lease.New(f.cfg)
	if err != nil {
		f.t.Fatal(err)
	}
	if err := m.Load(context.Background()); err != nil {
		f.t.Fatal(err)
	}
	f.m = m
	waitFor(f.t, "index restored", m.Restored)
}

// settle waits until the scheduler holds nothing due and no backend call
// is running: everything the clock made due has been handled.
func (f *fixture) settle(ids []string) {
	f.t.Helper()
	polls := 0
	waitFor(f.t, "the scheduler to settle", func() bool {
		if polls++; polls%20 == 0 {
			f.clock.Nudge() // a timer armed late, see fakeClock
		}
		now := f.clock.Now()
		for _, id := range ids {
			if at, ok := f.m.DueAt(id); ok && !at.After(now) {
				return false
			}
		}
		f.mounts.mu.Lock()
		defer f.mounts.mu.Unlock()
		for _, mt := range f.mounts.m {
			if mt.backend.inflight.Load() > 0 {
				return false
			}
		}
		return true
	})
}

func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// rel formats t relative to the fixture's start.
func (f *fixture) rel(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return "+" + t.Sub(f.start).String()
}

// issue registers a secret on mount path with the mount's limits.
func (f *fixture) issue(mountPath, path string, s *logical.Secret, tok string) (*lease.Entry, error) {
	mt := f.mounts.get(mountPath)
	reg := lease.Registration{
		MountPath: mountPath, MountType: "fake", Path: path, Secret: s,
		RequestData: map[string]any{"role": path}, Token: tok, IndexToken: tok,
	}
	if mt != nil {
		reg.MountAccessor = mt.accessor
		reg.Limits = lease.Limits{DefaultTTL: mt.defaultTTL, MaxTTL: mt.maxTTL}
	}
	return f.m.Register(context.Background(), reg)
}

func sortedCopy(in []string) []string {
	out := append([]string(nil), in...)
	sort.Strings(out)
	return out
}

func join(lines []string) string { return strings.Join(lines, "\n") }
