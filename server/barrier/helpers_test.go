package barrier

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/cofre-io/cofre/server/storage"
)

// mapBackend is a minimal storage.Backend over a map, for tests.
type mapBackend struct {
	mu sync.Mutex
	m  map[string][]byte
	// failPut, when set, makes Put fail for keys it returns an error for.
	failPut func(key string) error
}

func newMapBackend() *mapBackend { return &mapBackend{m: make(map[string][]byte)} }

func (s *mapBackend) Get(_ context.Context, key string) (*storage.Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[key]
	if !ok {
		return nil, nil
	}
	return &storage.Entry{Key: key, Value: bytes.Clone(v)}, nil
}

func (s *mapBackend) Put(_ context.Context, e *storage.Entry) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failPut != nil {
		if err := s.failPut(e.Key); err != nil {
			return err
		}
	}
	s.m[e.Key] = bytes.Clone(e.Value)
	return nil
}

func (s *mapBackend) Delete(_ context.Context, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, key)
	return nil
}

func (s *mapBackend) List(_ context.Context, prefix string) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return storage.ChildrenOf(slices.Collect(maps.Keys(s.m)), prefix), nil
}

// raw returns the stored bytes at key, for inspecting ciphertext.
func (s *mapBackend) raw(key string) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.m[key])
}

func (s *mapBackend) setRaw(key string, v []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[key] = bytes.Clone(v)
}

// snapshot returns a copy of everything stored.
func (s *mapBackend) snapshot() map[string][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string][]byte, len(s.m))
	for k, v := range s.m {
		out[k] = bytes.Clone(v)
	}
	return out
}

// txnMapBackend adds storage.Transactional to mapBackend.
type txnMapBackend struct{ *mapBackend }

func (s txnMapBackend) Transaction(_ context.Context, ops []storage.TxnOp) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, op := range ops {
		if op.Delete || op.Entry.Value == nil {
			delete(s.m, op.Entry.Key)
		} else {
			s.m[op.Entry.Key] = bytes.Clone(op.Entry.Value)
		}
	}
	return nil
}

// fakeClock is a settable clock.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func newRootKey(t testing.TB) []byte {
	t.Helper()
	k, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// newUnsealed returns an initialized, unsealed barrier over phys.
func newUnsealed(t testing.TB, phys storage.Backend, opts Options) (*Barrier, []byte) {
	t.Helper()
	ctx := context.Background()
	b, err := New(phys, opts)
	if err != nil {
		t.Fatal(err)
	}
	root := newRootKey(t)
	if err := b.Initialize(ctx, root); err != nil {
		t.Fatal(err)
	}
	if err := b.Unseal(ctx, root); err != nil {
		t.Fatal(err)
	}
	return b, root
}

func mustPut(t testing.TB, b storage.Backend, key, value string) {
	t.Helper()
	if err := b.Put(context.Background(), &storage.Entry{Key: key, Value: []byte(value)}); err != nil {
		t.Fatalf("Put %q: %v", key, err)
	}
}

func mustGet(t testing.TB, b storage.Backend, key, want string) {
	t.Helper()
	e, err := b.Get(context.Background(), key)
	if err != nil {
		t.Fatalf("Get %q: %v", key, err)
	}
	if e == nil {
		t.Fatalf("Get %q: not found", key)
	}
	if e.Key != key || string(e.Value) != want {
		t.Fatalf("Get %q = %q at %q, want %q", key, e.Value, e.Key, want)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("no entropy") }
