package rotation_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/cofre-io/cofre/csi/rotation"
	"github.com/cofre-io/cofre/csi/rotation/rotationtest"
)

var t0 = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)

// harness runs a Scheduler whose callback reports keys on calls and, when
// block is set, waits for a value on release before returning.
type harness struct {
	clock   *rotationtest.FakeClock
	s       *rotation.Scheduler
	calls   chan string
	release chan struct{}
	block   bool
	stop    func()
}

func start(t *testing.T, workers int, block bool) *harness {
	t.Helper()
	h := &harness{clock: rotationtest.NewFakeClock(t0), calls: make(chan string, 16), release: make(chan struct{}), block: block}
	h.s = rotation.NewScheduler(h.clock, workers, func(ctx context.Context, key string) {
		h.calls <- key
		if h.block {
			select {
			case <-h.release:
			case <-ctx.Done():
			}
		}
	})
	ctx, cancel := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		h.s.Run(ctx)
	}()
	h.stop = func() { cancel(); wg.Wait() }
	t.Cleanup(h.stop)
	return h
}

// asleep waits until the scheduler sleeps on n timers.
func (h *harness) asleep(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for h.clock.Timers() != n {
		if time.Now().After(deadline) {
			t.Fatalf("scheduler has %d timers, want %d", h.clock.Timers(), n)
		}
		time.Sleep(time.Millisecond) // polling with a deadline, not waiting for a result
	}
}

func (h *harness) expect(t *testing.T, key string) {
	t.Helper()
	select {
	case got := <-h.calls:
		if got != key {
			t.Fatalf("called %q, want %q", got, key)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("%q not called", key)
	}
}

func (h *harness) expectNone(t *testing.T) {
	t.Helper()
	select {
	case got := <-h.calls:
		t.Fatalf("unexpected call of %q", got)
	default:
	}
}

func TestSchedulerOrder(t *testing.T) {
	h := start(t, 2, false)
	h.s.Schedule("a", t0.Add(10*time.Second))
	h.s.Schedule("b", t0.Add(5*time.Second))
	h.s.Schedule("c", t0.Add(7*time.Second))
	h.s.Cancel("c")
	if due, ok := h.s.Due("a"); !ok || !due.Equal(t0.Add(10*time.Second)) {
		t.Errorf("Due(a) = %v, %v", due, ok)
	}
	h.asleep(t, 1)
	h.clock.Advance(5 * time.Second)
	h.expect(t, "b")
	h.asleep(t, 1)
	h.clock.Advance(4 * time.Second)
	h.asleep(t, 1)
	h.expectNone(t)
	h.clock.Advance(time.Second)
	h.expect(t, "a")
	h.asleep(t, 0) // nothing left: waits without a timer
	h.expectNone(t)
	if _, ok := h.s.Due("a"); ok {
		t.Error("a still scheduled after its call")
	}
	// Rescheduling earlier takes effect at once.
	h.s.Schedule("d", t0.Add(time.Hour))
	h.asleep(t, 1)
	h.s.Schedule("d", t0)
	h.expect(t, "d")
}

func TestSchedulerOneCallPerKey(t *testing.T) {
	h := start(t, 4, true)
	h.s.Schedule("a", t0)
	h.expect(t, "a")
	// Due again while its first call runs: waits for it.
	h.s.Schedule("a", t0)
	h.s.Schedule("b", t0)
	h.expect(t, "b")
	h.expectNone(t)
	h.release <- struct{}{} // one of a, b returns
	h.release <- struct{}{} // the other
	h.expect(t, "a")
	h.release <- struct{}{}
}

func TestSchedulerWorkers(t *testing.T) {
	h := start(t, 1, true)
	h.s.Schedule("a", t0)
	h.s.Schedule("b", t0.Add(time.Nanosecond))
	h.expect(t, "a")
	h.clock.Advance(time.Second)
	h.expectNone(t)
	h.release <- struct{}{}
	h.expect(t, "b")
	// Stopping ends the running call (its context) and returns.
	h.stop()
}
