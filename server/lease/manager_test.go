package lease_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/cofre-io/cofre/server/lease"
	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/storage"
	"github.com/cofre-io/cofre/server/storage/inmem"
)

func mountDB(f *fixture) *fakeBackend {
	b := &fakeBackend{}
	f.mounts.set("db/", &fakeMount{accessor: "db1", defaultTTL: time.Hour, maxTTL: 2 * time.Hour, backend: b})
	return b
}

func TestNotLoaded(t *testing.T) {
	f := newFixture(t, inmem.New())
	mountDB(f)
	f.m.Unload()
	ctx := context.Background()
	if _, err := f.issue("db/", "creds/a", &logical.Secret{TTL: time.Minute}, ""); !errors.Is(err, lease.ErrNotLoaded) {
		t.Fatalf("Register: %v", err)
	}
	if _, err := f.m.Renew(ctx, "db/creds/a/x", 0); !errors.Is(err, lease.ErrNotLoaded) {
		t.Fatalf("Renew: %v", err)
	}
	if err := f.m.Revoke(ctx, "db/creds/a/x", true); !errors.Is(err, lease.ErrNotLoaded) {
		t.Fatalf("Revoke: %v", err)
	}
	if err := f.m.RevokeByToken(ctx, "t"); !errors.Is(err, lease.ErrNotLoaded) {
		t.Fatalf("RevokeByToken: %v (the token store must retry)", err)
	}
	if _, err := f.m.Lookup(ctx, "db/creds/a/x"); !errors.Is(err, lease.ErrNotLoaded) {
		t.Fatalf("Lookup: %v", err)
	}
	if err := f.m.StartTidy(); !errors.Is(err, lease.ErrNotLoaded) {
		t.Fatalf("StartTidy: %v", err)
	}
	f.load()
}

// failingPuts fails every write under sys... after armed.
type failingPuts struct {
	storage.Backend
	mu   sync.Mutex
	fail bool
}

var errDisk = errors.New("disk on fire")

func (s *failingPuts) failing() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fail
}

func (s *failingPuts) Put(ctx context.Context, e *storage.Entry) error {
	if s.failing() {
		return errDisk
	}
	return s.Backend.Put(ctx, e)
}

func (s *failingPuts) Transaction(ctx context.Context, ops []storage.TxnOp) error {
	if s.failing() {
		return errDisk
	}
	return s.Backend.(storage.Transactional).Transaction(ctx, ops)
}

// A secret whose lease cannot be stored is revoked at once: nobody could
// revoke it later.
func TestRegisterFailureRevokesSecret(t *testing.T) {
	for _, txn := range []bool{true, false} {
		t.Run(fmt.Sprintf("transactional=%t", txn), func(t *testing.T) {
			var store storage.Backend = &failingPuts{Backend: inmem.New()}
			if !txn {
				store = plainStorage{store}
			}
			f := newFixture(t, store)
			b := mountDB(f)
			fp := unwrapFailing(store)
			fp.mu.Lock()
			fp.fail = true
			fp.mu.Unlock()
			_, err := f.issue("db/", "creds/a", &logical.Secret{TTL: time.Minute, InternalData: map[string]any{"user": "u1"}}, "tok")
			if !errors.Is(err, errDisk) {
				t.Fatalf("Register: %v, want the storage error", err)
			}
			calls := b.takeCalls()
			if len(calls) != 1 || calls[0][:len("revoke db/creds/a/")] != "revoke db/creds/a/" {
				t.Fatalf("backend calls = %v, want one revoke", calls)
			}
			if n := f.m.Pending(); n != 0 {
				t.Fatalf("%d leases armed after a failed registration", n)
			}
			keys, _ := f.store.List(context.Background(), "token/")
			if len(keys) != 0 {
				t.Fatalf("token index left behind: %v", keys)
			}
		})
	}
}

// plainStorage hides Transactional.
type plainStorage struct{ storage.Backend }

func unwrapFailing(s storage.Backend) *failingPuts {
	if p, ok := s.(plainStorage); ok {
		return p.Backend.(*failingPuts)
	}
	return s.(*failingPuts)
}

// Values a backend put in InternalData come back from storage as JSON
// types, with numbers exact.
func TestInternalDataRoundTrip(t *testing.T) {
	f := newFixture(t, inmem.New())
	mountDB(f)
	e, err := f.issue("db/", "creds/a", &logical.Secret{TTL: time.Minute, Renewable: true,
		InternalData: map[string]any{"secret_type": "x", "n": 9007199254740993, "list": []string{"a"}}}, "")
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.m.Lookup(context.Background(), e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n, ok := got.InternalData["n"].(json.Number); !ok || n.String() != "9007199254740993" {
		t.Fatalf("n = %#v", got.InternalData["n"])
	}
	if l, ok := got.InternalData["list"].([]any); !ok || len(l) != 1 || l[0] != "a" {
		t.Fatalf("list = %#v", got.InternalData["list"])
	}
	if got.RequestData["role"] != "creds/a" {
		t.Fatalf("request data = %#v", got.RequestData)
	}
}

// Index entries without their lease (left by a crash) are removed by the
// token hook and by Tidy, and never block them.
func TestDanglingTokenIndex(t *testing.T) {
	store := inmem.New()
	f := newFixture(t, store)
	mountDB(f)
	ctx := context.Background()
	dangling := "token/tok/" + base64.RawURLEncoding.EncodeToString([]byte("db/creds/a/gone"))
	garbage := "token/tok/!!notbase64"
	for _, k := range []string{dangling, garbage} {
		if err := store.Put(ctx, &storage.Entry{Key: k, Value: []byte{}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.m.RevokeByToken(ctx, "tok"); err != nil {
		t.Fatal(err)
	}
	if keys, _ := store.List(ctx, "token/tok/"); len(keys) != 0 {
		t.Fatalf("left %v", keys)
	}
	if err := store.Put(ctx, &storage.Entry{Key: "token/other/" + base64.RawURLEncoding.EncodeToString([]byte("db/x/y")), Value: []byte{}}); err != nil {
		t.Fatal(err)
	}
	res, err := f.m.Tidy(ctx)
	if err != nil || res.DanglingIndexes != 1 {
		t.Fatalf("Tidy = %+v, %v", res, err)
	}
}

// panicky is a backend that panics on every call.
type panicky struct{ fakeBackend }

func (*panicky) HandleRequest(context.Context, *logical.Request) (*logical.Response, error) {
	panic("boom")
}

func TestBackendPanicIsAFailure(t *testing.T) {
	f := newFixture(t, inmem.New())
	f.mounts.set("db/", &fakeMount{accessor: "db1", defaultTTL: time.Hour, maxTTL: 2 * time.Hour, backend: &fakeBackend{}})
	e, err := f.issue("db/", "creds/a", &logical.Secret{TTL: time.Minute, Renewable: true}, "")
	if err != nil {
		t.Fatal(err)
	}
	mounts := &panicMounts{f.mounts}
	f.cfg.Mounts = mounts
	f.m.Unload()
	f.load()
	ctx := context.Background()
	if _, err := f.m.Renew(ctx, e.ID, 0); err == nil {
		t.Fatal("renewal through a panicking backend succeeded")
	}
	if err := f.m.Revoke(ctx, e.ID, true); !errors.Is(err, lease.ErrRevokeFailed) {
		t.Fatalf("Revoke: %v", err)
	}
	got, err := f.m.Lookup(ctx, e.ID)
	if err != nil || got.RevokeAttempts != 1 {
		t.Fatalf("after a panic: %+v, %v", got, err)
	}
}

type panicMounts struct{ *fakeMounts }

func (p *panicMounts) Mount(path, accessor string) (*lease.Mount, error) {
	mt, err := p.fakeMounts.Mount(path, accessor)
	if err != nil {
		return nil, err
	}
	mt.Backend = &panicky{}
	return mt, nil
}

// Renewals, revocations and expiries of the same leases from many
// goroutines: every lease ends revoked exactly once at its backend, and
// nothing is left behind. Run with -race.
func TestConcurrentOperations(t *testing.T) {
	f := newFixture(t, inmem.New())
	b := mountDB(f)
	ctx := context.Background()
	const n = 200
	ids := make([]string, n)
	for i := range ids {
		e, err := f.issue("db/", fmt.Sprintf("creds/r%d", i%7), &logical.Secret{TTL: time.Duration(1+i%5) * time.Second, Renewable: true}, fmt.Sprintf("t%d", i%3))
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = e.ID
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := g; i < n; i += 4 {
				switch i % 4 {
				case 0:
					_, _ = f.m.Renew(ctx, ids[i], time.Second)
				case 1:
					_ = f.m.Revoke(ctx, ids[i], i%8 == 1)
				case 2:
					_ = f.m.RevokeByToken(ctx, "t2")
				}
			}
		}(g)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 10; i++ {
			f.clock.Advance(time.Second)
		}
	}()
	wg.Wait()
	f.clock.Advance(3 * time.Hour)
	f.settle(ids)
	waitFor(t, "every lease revoked", func() bool { return f.m.Pending() == 0 })
	revoked := map[string]int{}
	for _, c := range b.takeCalls() {
		var id string
		if _, err := fmt.Sscanf(c, "revoke %s", &id); err == nil && len(c) == len("revoke ")+len(id) {
			revoked[id]++
		}
	}
	for _, id := range ids {
		if revoked[id] != 1 {
			t.Errorf("%s revoked %d times", id, revoked[id])
		}
	}
	if keys, _ := f.m.List(ctx, ""); len(keys) != 0 {
		t.Fatalf("leases left: %v", keys)
	}
	if keys, _ := f.store.List(ctx, "token/"); len(keys) != 0 {
		t.Fatalf("token index left: %v", keys)
	}
}
