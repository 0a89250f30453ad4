package expire_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cofre-io/cofre/server/expire"
	"github.com/cofre-io/cofre/server/expire/expiretest"
	"github.com/cofre-io/cofre/server/storage"
	"github.com/cofre-io/cofre/server/storage/inmem"
)

const syncID = "~sync"

var errInjected = errors.New("injected failure")

// harness drives a Scheduler with a fake clock and records callbacks.
type harness struct {
	t     *testing.T
	clock *expiretest.FakeClock
	store storage.Backend
	s     *expire.Scheduler
	calls chan string

	mu   sync.Mutex
	fail map[string]int // remaining injected failures per id
}

func newHarness(t *testing.T) *harness {
	h := &harness{
		t:     t,
		clock: expiretest.NewFakeClock(time.Unix(1_700_000_000, 0)),
		store: storage.NewView(inmem.New(), "expire/"),
		calls: make(chan string, 1024),
		fail:  map[string]int{},
	}
	h.start()
	t.Cleanup(func() { h.s.Stop() })
	return h
}

func (h *harness) onExpire(_ context.Context, id string) error {
	h.calls <- id
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.fail[id] > 0 {
		h.fail[id]--
		return errInjected
	}
	return nil
}

func (h *harness) start() {
	s, err := expire.New(expire.Config{
		Storage:         h.store,
		OnExpire:        h.onExpire,
		Clock:           h.clock,
		Workers:         1, // callbacks run in due order, one at a time
		MinBackoff:      time.Second,
		MaxBackoff:      4 * time.Second,
		OverdueInterval: time.Second,
	})
	if err != nil {
		h.t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		h.t.Fatal(err)
	}
	h.s = s
	h.poll("index loaded", s.Loaded)
}

func (h *harness) poll(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// drain waits until every callback due now has run: with one worker, a
// sentinel due now runs after all of them. It returns the ids called
// before the sentinel.
func (h *harness) drain() []string {
	h.t.Helper()
	if err := h.s.Schedule(context.Background(), syncID, h.clock.Now()); err != nil {
		h.t.Fatal(err)
	}
	var got []string
	timeout := time.After(5 * time.Second)
	for {
		select {
		case id := <-h.calls:
			if id == syncID {
				h.poll("sentinel finished", func() bool { _, ok := h.s.DueAt(syncID); return !ok })
				return got
			}
			got = append(got, id)
		case <-timeout:
			h.t.Fatalf("timed out draining callbacks (got %v)", got)
		}
	}
}

func (h *harness) step(line string) {
	h.t.Helper()
	f := strings.Fields(line)
	ctx := context.Background()
	switch f[0] {
	case "schedule": // schedule ID DURATION-FROM-NOW
		if err := h.s.Schedule(ctx, f[1], h.clock.Now().Add(dur(h.t, f[2]))); err != nil {
			h.t.Fatal(err)
		}
	case "cancel":
		if err := h.s.Cancel(ctx, f[1]); err != nil {
			h.t.Fatal(err)
		}
	case "advance":
		h.clock.Advance(dur(h.t, f[1]))
	case "fail": // fail ID N: the next N callbacks for ID fail
		n, _ := strconv.Atoi(f[2])
		h.mu.Lock()
		h.fail[f[1]] = n
		h.mu.Unlock()
	case "expect": // expect [IDS...]: exactly these ran since the last check (any order)
		got := h.drain()
		want := append([]string{}, f[1:]...)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			h.t.Fatalf("callbacks = %v, want %v", got, want)
		}
	case "fired": // fired N: exactly N callbacks, whatever their ids
		n, _ := strconv.Atoi(f[1])
		if got := h.drain(); len(got) != n {
			h.t.Fatalf("callbacks = %v, want %d of them", got, n)
		}
	case "pending":
		n, _ := strconv.Atoi(f[1])
		if got := h.s.Pending(); got != n {
			h.t.Fatalf("pending = %d, want %d", got, n)
		}
	case "stop":
		h.s.Stop()
	case "start":
		h.start()
	case "restart":
		h.s.Stop()
		h.start()
	default:
		h.t.Fatalf("unknown step %q", line)
	}
}

func dur(t *testing.T, s string) time.Duration {
	d, err := time.ParseDuration(s)
	if err != nil {
		t.Fatalf("bad duration %q", s)
	}
	return d
}

var transcripts = map[string]string{
	"fires in order at due time": `
		schedule a 10s
		schedule b 5s
		schedule c 5s
		pending 3
		advance 4s
		expect
		advance 1s
		expect b c
		advance 5s
		expect a
		pending 0`,
	"replace and cancel": `
		schedule a 10s
		schedule a 20s
		schedule b 10s
		cancel b
		cancel never-scheduled
		advance 10s
		expect
		advance 10s
		expect a
		pending 0`,
	"failures retried with capped exponential backoff": `
		fail a 4
		schedule a 1s
		advance 1s
		expect a
		pending 1
		advance 999ms
		expect
		advance 1ms
		expect a
		advance 1s
		expect
		advance 1s
		expect a
		advance 4s
		expect a
		advance 3s
		expect
		advance 1s
		expect a
		pending 0
		advance 1h
		expect`,
	"restart restores timers, cancels and replacements": `
		schedule a 10s
		schedule b 10s
		schedule c 10s
		cancel a
		schedule b 30s
		restart
		pending 2
		advance 10s
		expect c
		advance 20s
		expect b
		restart
		pending 0
		advance 1h
		expect`,
	"overdue items after restart are spread out": `
		schedule a 10s
		schedule b 20s
		schedule c 30s
		stop
		advance 1h
		start
		fired 1
		advance 1s
		fired 1
		advance 1s
		fired 1
		pending 0`,
	"failed item survives restart": `
		fail a 1
		schedule a 1s
		advance 1s
		expect a
		restart
		expect a
		pending 0`,
	"schedule while callback retries": `
		fail a 1
		schedule a 1s
		advance 1s
		expect a
		schedule a 1m
		advance 1s
		expect
		advance 59s
		expect a`,
}

func TestSchedulerTranscripts(t *testing.T) {
	for name, script := range transcripts {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			for i, line := range strings.Split(script, "\n") {
				line = strings.TrimSpace(line)
				if line == "" {
					continue
				}
				t.Run(fmt.Sprintf("%02d %s", i, line), func(t *testing.T) {
					h.t = t
					h.step(line)
				})
				if t.Failed() {
					return
				}
			}
		})
	}
}
