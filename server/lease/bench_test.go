package lease_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/cofre-io/cofre/server/barrier"
	"github.com/cofre-io/cofre/server/expire"
	"github.com/cofre-io/cofre/server/lease"
	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/storage"
	"github.com/cofre-io/cofre/server/storage/inmem"
)

// encrypted returns an unsealed barrier over memory: what the manager
// writes through in a server, minus the disk.
func encrypted(b *testing.B) storage.Backend {
	b.Helper()
	ctx := context.Background()
	bar, err := barrier.New(inmem.New(), barrier.Options{})
	if err != nil {
		b.Fatal(err)
	}
	key, err := barrier.GenerateKey()
	if err != nil {
		b.Fatal(err)
	}
	if err := bar.Initialize(ctx, key); err != nil {
		b.Fatal(err)
	}
	if err := bar.Unseal(ctx, key); err != nil {
		b.Fatal(err)
	}
	return storage.NewView(bar.Backend(), "sys/expire/")
}

// benchManager is a loaded manager with the wall clock over encrypted
// memory and one fake mount at db/.
func benchManager(b *testing.B, store storage.Backend) (*lease.Manager, *fakeMounts) {
	b.Helper()
	mounts := &fakeMounts{m: map[string]*fakeMount{}}
	mounts.set("db/", &fakeMount{accessor: "db1", defaultTTL: time.Hour, maxTTL: 24 * time.Hour, backend: &fakeBackend{}})
	m, err := lease.New(lease.Config{Storage: store, Mounts: mounts, Clock: expire.RealClock{}})
	if err != nil {
		b.Fatal(err)
	}
	if err := m.Load(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(m.Unload)
	return m, mounts
}

func register(b *testing.B, m *lease.Manager, i int, ttl time.Duration) *lease.Entry {
	e, err := m.Register(context.Background(), lease.Registration{
		MountPath: "db/", MountAccessor: "db1", MountType: "fake", Path: fmt.Sprintf("creds/role%d", i%16),
		Secret:      &logical.Secret{TTL: ttl, Renewable: true, InternalData: map[string]any{"secret_type": "creds", "username": fmt.Sprintf("v-role-%d", i)}},
		RequestData: map[string]any{"role": "role"}, Token: fmt.Sprintf("tok%d", i%100), IndexToken: fmt.Sprintf("tok%d", i%100),
		Limits: lease.Limits{DefaultTTL: time.Hour, MaxTTL: 24 * time.Hour},
	})
	if err != nil {
		b.Fatal(err)
	}
	return e
}

func perSecond(b *testing.B, unit string) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), unit)
}

// BenchmarkRegister: leases issued per second (entry, token index and
// expiry index in one encrypted transaction, timer armed).
func BenchmarkRegister(b *testing.B) {
	m, _ := benchManager(b, encrypted(b))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		register(b, m, i, time.Hour)
		i++
	}
	perSecond(b, "leases/s")
}

// BenchmarkRenew: renewals per second of a pool of leases (read, backend
// call, entry and expiry index rewritten).
func BenchmarkRenew(b *testing.B) {
	m, _ := benchManager(b, encrypted(b))
	ids := make([]string, 1024)
	for i := range ids {
		ids[i] = register(b, m, i, time.Hour).ID
	}
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := m.Renew(ctx, ids[i%len(ids)], time.Hour); err != nil {
			b.Fatal(err)
		}
		i++
	}
	perSecond(b, "renewals/s")
}

// BenchmarkRevoke: synchronous revocations per second (read, backend
// call, entry and indexes deleted, expiry cancelled).
func BenchmarkRevoke(b *testing.B) {
	m, _ := benchManager(b, encrypted(b))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		id := register(b, m, b.N, time.Hour).ID
		b.StartTimer()
		if err := m.Revoke(ctx, id, true); err != nil {
			b.Fatal(err)
		}
	}
	perSecond(b, "revocations/s")
}

// BenchmarkRegisterParallel: issuance from many goroutines.
func BenchmarkRegisterParallel(b *testing.B) {
	m, _ := benchManager(b, encrypted(b))
	b.ReportAllocs()
	var mu sync.Mutex
	n := 0
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			mu.Lock()
			i := n
			n++
			mu.Unlock()
			register(b, m, i, time.Hour)
		}
	})
	perSecond(b, "leases/s")
}

// BenchmarkRestore100k: a manager loading over 100,000 stored leases.
// load-ms is how long Load (the part of unseal leases add) takes to
// return; armed-ms is how long until every lease is armed in the
// scheduler. Run with -benchtime=1x.
func BenchmarkRestore100k(b *testing.B) {
	const n = 100_000
	ctx := context.Background()
	// Writing 100,000 leases into the in-memory backend one by one is
	// quadratic (it keeps a sorted key slice); write them into a map
	// and copy them over in order.
	phys := &mapStore{m: map[string][]byte{}}
	key, err := barrier.GenerateKey()
	if err != nil {
		b.Fatal(err)
	}
	bar := unsealedBarrier(b, phys, key, true)
	m, mounts := benchManager(b, storage.NewView(bar.Backend(), "sys/expire/"))
	for i := 0; i < n; i++ {
		register(b, m, i, time.Hour)
	}
	m.Unload()
	mem := inmem.New()
	for _, k := range slices.Sorted(maps.Keys(phys.m)) {
		if err := mem.Put(ctx, &storage.Entry{Key: k, Value: phys.m[k]}); err != nil {
			b.Fatal(err)
		}
	}
	store := storage.NewView(unsealedBarrier(b, mem, key, false).Backend(), "sys/expire/")
	var load, armed time.Duration
	for b.Loop() {
		start := time.Now()
		m2, err := lease.New(lease.Config{Storage: store, Mounts: mounts, Clock: expire.RealClock{}})
		if err != nil {
			b.Fatal(err)
		}
		if err := m2.Load(ctx); err != nil {
			b.Fatal(err)
		}
		load += time.Since(start)
		for !m2.Restored() {
			time.Sleep(time.Millisecond)
		}
		armed += time.Since(start)
		if p := m2.Pending(); p != n {
			b.Fatalf("%d leases armed, want %d", p, n)
		}
		m2.Unload()
	}
	b.ReportMetric(float64(load.Microseconds())/1000/float64(b.N), "load-ms")
	b.ReportMetric(float64(armed.Microseconds())/1000/float64(b.N), "armed-ms")
}

func unsealedBarrier(b *testing.B, phys storage.Backend, key []byte, initialize bool) *barrier.Barrier {
	b.Helper()
	ctx := context.Background()
	bar, err := barrier.New(phys, barrier.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if initialize {
		if err := bar.Initialize(ctx, key); err != nil {
			b.Fatal(err)
		}
	}
	if err := bar.Unseal(ctx, key); err != nil {
		b.Fatal(err)
	}
	return bar
}

// mapStore is a write-only-fast storage for benchmark setup: List is not
// supported.
type mapStore struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (s *mapStore) Get(_ context.Context, k string) (*storage.Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[k]
	if !ok {
		return nil, nil
	}
	return &storage.Entry{Key: k, Value: v}, nil
}

func (s *mapStore) Put(_ context.Context, e *storage.Entry) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[e.Key] = slices.Clone(e.Value)
	return nil
}

func (s *mapStore) Delete(_ context.Context, k string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, k)
	return nil
}

func (s *mapStore) List(context.Context, string) ([]string, error) {
	return nil, fmt.Errorf("mapStore cannot list")
}

func (s *mapStore) Transaction(_ context.Context, ops []storage.TxnOp) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, op := range ops {
		if op.Delete || op.Entry.Value == nil {
			delete(s.m, op.Entry.Key)
			continue
		}
		s.m[op.Entry.Key] = slices.Clone(op.Entry.Value)
	}
	return nil
}

// BenchmarkRevokePrefix10k: revoke-prefix over 10,000 leases. call-ms is
// how long the request waits (SyncRevokeLimit revoked, the rest queued);
// done-ms is how long until the scheduler has revoked them all.
func BenchmarkRevokePrefix10k(b *testing.B) {
	const n = 10_000
	ctx := context.Background()
	var call, done time.Duration
	for b.Loop() {
		b.StopTimer()
		m, _ := benchManager(b, encrypted(b))
		for i := 0; i < n; i++ {
			register(b, m, i, time.Hour)
		}
		b.StartTimer()
		start := time.Now()
		res, err := m.RevokePrefix(ctx, "db/", true)
		if err != nil || res.Revoked+res.Queued != n {
			b.Fatalf("%+v, %v", res, err)
		}
		call += time.Since(start)
		for m.Pending() > 0 {
			time.Sleep(time.Millisecond)
		}
		done += time.Since(start)
		m.Unload()
	}
	b.ReportMetric(float64(call.Microseconds())/1000/float64(b.N), "call-ms")
	b.ReportMetric(float64(done.Microseconds())/1000/float64(b.N), "done-ms")
}
