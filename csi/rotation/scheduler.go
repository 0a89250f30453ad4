package rotation

import (
	"container/heap"
	"context"
	"sync"
	"time"
)

// DefaultWorkers bounds concurrent refreshes unless configured.
const DefaultWorkers = 4

// Scheduler calls Run for each key when it is due; see the package doc.
type Scheduler struct {
	clock   Clock
	fn      func(ctx context.Context, key string)
	workers int

	mu       sync.Mutex
	items    map[string]*item
	heap     dueHeap
	inFlight map[string]bool
	wake     chan struct{} // buffered 1: something changed
}

// NewScheduler returns a Scheduler calling fn(ctx, key) for due keys, with
// at most workers (default DefaultWorkers) calls at once. fn is expected to
// Schedule the key again (or not) before it returns. clock nil means
// RealClock.
func NewScheduler(clock Clock, workers int, fn func(ctx context.Context, key string)) *Scheduler {
	if clock == nil {
		clock = RealClock{}
	}
	if workers <= 0 {
		workers = DefaultWorkers
	}
	return &Scheduler{
		clock: clock, fn: fn, workers: workers,
		items: map[string]*item{}, inFlight: map[string]bool{}, wake: make(chan struct{}, 1),
	}
}

// Schedule makes key due at at, replacing any earlier schedule of it.
func (s *Scheduler) Schedule(key string, at time.Time) {
	s.mu.Lock()
	if it, ok := s.items[key]; ok {
		it.due = at
		heap.Fix(&s.heap, it.index)
	} else {
		it := &item{key: key, due: at}
		s.items[key] = it
		heap.Push(&s.heap, it)
	}
	s.mu.Unlock()
	s.poke()
}

// Cancel forgets key's schedule. A call already running is not stopped.
func (s *Scheduler) Cancel(key string) {
	s.mu.Lock()
	if it, ok := s.items[key]; ok {
		heap.Remove(&s.heap, it.index)
		delete(s.items, key)
	}
	s.mu.Unlock()
	s.poke()
}

// Due returns when key is next due, and whether it is scheduled.
func (s *Scheduler) Due(key string) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	it, ok := s.items[key]
	if !ok {
		return time.Time{}, false
	}
	return it.due, true
}

func (s *Scheduler) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run calls due keys until ctx ends, then waits for the calls it started
// (which see ctx cancelled) and returns.
func (s *Scheduler) Run(ctx context.Context) {
	var wg sync.WaitGroup
	defer wg.Wait()
	sem := make(chan struct{}, s.workers)
	for {
		key, wait := s.next()
		if key != "" {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				s.release(key)
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				defer s.release(key)
				s.fn(ctx, key)
			}()
			continue
		}
		if !s.sleep(ctx, wait) {
			return
		}
	}
}

// sleep waits for wait (forever when negative), a change, or the end of
// ctx; it reports false when ctx ended.
func (s *Scheduler) sleep(ctx context.Context, wait time.Duration) bool {
	var timerC <-chan time.Time
	if wait >= 0 {
		t := s.clock.NewTimer(wait)
		defer t.Stop()
		timerC = t.C()
	}
	select {
	case <-ctx.Done():
		return false
	case <-s.wake:
	case <-timerC:
	}
	return true
}

// next pops a due key that is not running (marking it running), or
// returns how long to wait for the earliest one (-1: nothing scheduled).
// A due key that is still running stays scheduled until it finishes.
func (s *Scheduler) next() (string, time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	var deferred []*item
	defer func() {
		for _, it := range deferred {
			heap.Push(&s.heap, it)
		}
	}()
	for s.heap.Len() > 0 {
		it := s.heap[0]
		if wait := it.due.Sub(now); wait > 0 {
			return "", wait
		}
		heap.Pop(&s.heap)
		if s.inFlight[it.key] {
			deferred = append(deferred, it) // release wakes us
			continue
		}
		delete(s.items, it.key)
		s.inFlight[it.key] = true
		return it.key, 0
	}
	return "", -1
}

func (s *Scheduler) release(key string) {
	s.mu.Lock()
	delete(s.inFlight, key)
	s.mu.Unlock()
	s.poke()
}
