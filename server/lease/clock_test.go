package lease_test

import (
	"sync"
	"time"

	"github.com/cofre-io/cofre/server/expire"
)

// fakeClock is an expire.Clock whose time moves only when told. Unlike
// expiretest.FakeClock it can also fire every timer early (Nudge): a
// scheduler that read the time just before an Advance and armed its timer
// just after would otherwise wait a whole extra interval. An early timer
// only makes the scheduler look again, which is harmless.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers map[*fakeTimer]struct{}
}

var _ expire.Clock = (*fakeClock)(nil)

func newFakeClock(start time.Time) *fakeClock {
	return &fakeClock{now: start, timers: map[*fakeTimer]struct{}{}}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) NewTimer(d time.Duration) expire.Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{c: c, at: c.now.Add(d), ch: make(chan time.Time, 1)}
	if d <= 0 {
		t.ch <- c.now
		return t
	}
	c.timers[t] = struct{}{}
	return t
}

// Advance moves the clock by d and fires the timers due.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.fire(false)
}

// Nudge fires every armed timer, due or not.
func (c *fakeClock) Nudge() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fire(true)
}

func (c *fakeClock) fire(all bool) {
	for t := range c.timers {
		if all || !t.at.After(c.now) {
			delete(c.timers, t)
			select {
			case t.ch <- c.now:
			default:
			}
		}
	}
}

type fakeTimer struct {
	c  *fakeClock
	at time.Time
	ch chan time.Time
}

func (t *fakeTimer) C() <-chan time.Time { return t.ch }

func (t *fakeTimer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	_, armed := t.c.timers[t]
	delete(t.c.timers, t)
	return armed
}
