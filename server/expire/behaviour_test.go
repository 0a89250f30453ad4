package expire_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cofre-io/cofre/server/expire"
	"github.com/cofre-io/cofre/server/expire/expiretest"
	"github.com/cofre-io/cofre/server/storage"
	"github.com/cofre-io/cofre/server/storage/inmem"
)

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// Many items, several workers, concurrent Schedule calls: each id fires
// exactly once and never more than Workers callbacks run at once.
func TestSchedulerManyItemsBoundedWorkers(t *testing.T) {
	clock := expiretest.NewFakeClock(time.Unix(0, 0))
	var mu sync.Mutex
	seen := map[string]int{}
	var running, maxRunning atomic.Int32
	s, err := expire.New(expire.Config{
		Storage: inmem.New(),
		Clock:   clock,
		Workers: 3,
		OnExpire: func(ctx context.Context, id string) error {
			n := running.Add(1)
			for {
				m := maxRunning.Load()
				if n <= m || maxRunning.CompareAndSwap(m, n) {
					break
				}
			}
			mu.Lock()
			seen[id]++
			mu.Unlock()
			running.Add(-1)
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	const n = 2000
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := g; i < n; i += 4 {
				at := clock.Now().Add(time.Duration(i%50) * time.Second)
				if err := s.Schedule(context.Background(), fmt.Sprintf("id/%d", i), at); err != nil {
					t.Error(err)
				}
			}
		}(g)
	}
	wg.Wait()
	clock.Advance(time.Minute)
	waitFor(t, "all callbacks", func() bool { return s.Pending() == 0 })
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != n {
		t.Fatalf("%d ids fired, want %d", len(seen), n)
	}
	for id, c := range seen {
		if c != 1 {
			t.Fatalf("%s fired %d times", id, c)
		}
	}
	if m := maxRunning.Load(); m > 3 {
		t.Fatalf("%d callbacks ran at once, Workers is 3", m)
	}
}

func TestSchedulerStopWaitsForCallbacks(t *testing.T) {
	clock := expiretest.NewFakeClock(time.Unix(0, 0))
	entered := make(chan struct{})
	var finished atomic.Bool
	s, err := expire.New(expire.Config{
		Storage: inmem.New(),
		Clock:   clock,
		OnExpire: func(ctx context.Context, id string) error {
			close(entered)
			<-ctx.Done() // Stop cancels the callback's context
			finished.Store(true)
			return ctx.Err()
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Schedule(context.Background(), "a", clock.Now()); err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	<-entered
	s.Stop()
	if !finished.Load() {
		t.Fatal("Stop returned before the running callback finished")
	}
	s.Stop() // idempotent
	if err := s.Start(context.Background()); !errors.Is(err, expire.ErrStarted) {
		t.Fatalf("second Start: %v, want ErrStarted", err)
	}
}

func TestSchedulerPanicIsRetried(t *testing.T) {
	clock := expiretest.NewFakeClock(time.Unix(0, 0))
	var calls atomic.Int32
	s, err := expire.New(expire.Config{
		Storage:    inmem.New(),
		Clock:      clock,
		MinBackoff: time.Second,
		OnExpire: func(ctx context.Context, id string) error {
			if calls.Add(1) == 1 {
				panic("boom")
			}
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	if err := s.Schedule(context.Background(), "a", clock.Now()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "first call", func() bool { return calls.Load() == 1 })
	waitFor(t, "retry armed", func() bool { at, ok := s.DueAt("a"); return ok && at.After(clock.Now()) })
	clock.Advance(time.Second)
	waitFor(t, "retry", func() bool { return s.Pending() == 0 })
	if c := calls.Load(); c != 2 {
		t.Fatalf("calls = %d, want 2", c)
	}
}

// failingStorage fails every Put and Delete.
type failingStorage struct{ storage.Backend }

var errDisk = errors.New("disk on fire")

func (failingStorage) Put(context.Context, *storage.Entry) error { return errDisk }
func (failingStorage) Delete(context.Context, string) error      { return errDisk }

func TestSchedulerStorageErrors(t *testing.T) {
	s, err := expire.New(expire.Config{
		Storage:  failingStorage{inmem.New()},
		OnExpire: func(context.Context, string) error { return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Schedule(context.Background(), "a", time.Now()); !errors.Is(err, errDisk) {
		t.Fatalf("Schedule: %v, want the storage error", err)
	}
	if s.Pending() != 0 {
		t.Fatal("an item that could not be persisted was armed")
	}
	if err := s.Cancel(context.Background(), "a"); !errors.Is(err, errDisk) {
		t.Fatalf("Cancel: %v, want the storage error", err)
	}
	if err := s.Schedule(context.Background(), "", time.Now()); !errors.Is(err, expire.ErrEmptyID) {
		t.Fatalf("empty id: %v", err)
	}
}

func TestConfigValidation(t *testing.T) {
	if _, err := expire.New(expire.Config{OnExpire: func(context.Context, string) error { return nil }}); err == nil {
		t.Fatal("missing storage accepted")
	}
	if _, err := expire.New(expire.Config{Storage: inmem.New()}); err == nil {
		t.Fatal("missing OnExpire accepted")
	}
	if _, err := expire.New(expire.Config{Storage: inmem.New(), OnExpire: func(context.Context, string) error { return nil }, MinBackoff: time.Minute, MaxBackoff: time.Second}); err == nil {
		t.Fatal("MaxBackoff below MinBackoff accepted")
	}
}

// Ids may hold any character, including the storage separator.
func TestSchedulerOddIDsRoundTrip(t *testing.T) {
	store := inmem.New()
	clock := expiretest.NewFakeClock(time.Unix(0, 0))
	ids := []string{"auth/token/create/abc", "../x", "with space", "ü/ñ//", "a"}
	got := make(chan string, len(ids))
	cfg := expire.Config{Storage: store, Clock: clock, OverdueInterval: -1,
		OnExpire: func(_ context.Context, id string) error { got <- id; return nil }}
	s1, _ := expire.New(cfg)
	for _, id := range ids {
		if err := s1.Schedule(context.Background(), id, clock.Now().Add(time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	s2, _ := expire.New(cfg) // a second scheduler over the same index
	if err := s2.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer s2.Stop()
	waitFor(t, "load", s2.Loaded)
	if s2.Pending() != len(ids) {
		t.Fatalf("restored %d items, want %d", s2.Pending(), len(ids))
	}
	clock.Advance(time.Second)
	seen := map[string]bool{}
	for range ids {
		select {
		case id := <-got:
			seen[id] = true
		case <-time.After(5 * time.Second):
			t.Fatalf("only %v fired", seen)
		}
	}
	for _, id := range ids {
		if !seen[id] {
			t.Fatalf("%q did not fire", id)
		}
	}
}
