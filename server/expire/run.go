package expire

import (
	"container/heap"
	"context"
	"sort"
	"time"
)

// noDeadline tells the loop to wait only for a poke.
const noDeadline = time.Duration(-1)

// run is the Scheduler's goroutine: it loads the index one bucket per
// iteration (firing due items in between) and then waits for the earliest
// item, a poke or Stop.
func (s *Scheduler) run(ctx context.Context) {
	defer close(s.done)
	bucket, overdue := 0, 0
	loadFailures := 0
	for ctx.Err() == nil {
		if bucket < bucketCount {
			if err := s.loadOne(ctx, bucket, &overdue); err != nil {
				if ctx.Err() != nil {
					return
				}
				loadFailures++
				wait := s.backoff(loadFailures)
				s.cfg.Logger.Warn("loading expiry index failed; retrying", "bucket", bucket, "retry_in", wait, "err", err)
				s.sleep(ctx, wait, s.cfg.Clock.Now())
				continue
			}
			loadFailures = 0
			bucket++
			if bucket == bucketCount {
				s.mu.Lock()
				s.loading = false
				s.touched = nil
				n := len(s.items)
				s.mu.Unlock()
				s.cfg.Logger.Debug("expiry index loaded", "items", n, "overdue", overdue)
			}
		}
		next, asOf := s.dispatchDue(ctx)
		if bucket < bucketCount {
			continue
		}
		s.sleep(ctx, next, asOf)
	}
}

// loadOne reads one bucket and arms its items, skipping ids already known
// or touched since loading began. Overdue items are spread out.
func (s *Scheduler) loadOne(ctx context.Context, b int, overdue *int) error {
	recs, err := s.loadBucket(ctx, b)
	if err != nil {
		return err
	}
	sort.Slice(recs, func(i, j int) bool { return recs[i].At < recs[j].At })
	now := s.cfg.Clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range recs {
		if _, ok := s.touched[r.ID]; ok {
			continue
		}
		if _, ok := s.items[r.ID]; ok {
			continue
		}
		at := time.Unix(0, r.At)
		if !at.After(now) && s.cfg.OverdueInterval > 0 {
			at = now.Add(time.Duration(*overdue) * s.cfg.OverdueInterval)
			*overdue++
		}
		s.seq++
		it := &item{id: r.ID, at: at, seq: s.seq}
		s.items[r.ID] = it
		heap.Push(&s.heap, it)
	}
	return nil
}

// dispatchDue hands due items to workers while workers are free. It returns
// how long until the next item is due (or noDeadline when there is none or
// every worker is busy: a finishing worker pokes the loop) and the time it
// measured that from.
func (s *Scheduler) dispatchDue(ctx context.Context) (time.Duration, time.Time) {
	now := s.cfg.Clock.Now()
	for {
		s.mu.Lock()
		if len(s.heap) == 0 {
			s.mu.Unlock()
			return noDeadline, now
		}
		top := s.heap[0]
		if top.at.After(now) {
			wait := top.at.Sub(now)
			s.mu.Unlock()
			return wait, now
		}
		select {
		case s.sem <- struct{}{}:
		default:
			s.mu.Unlock()
			return noDeadline, now
		}
		heap.Pop(&s.heap)
		s.mu.Unlock()
		s.workers.Add(1)
		go s.fire(ctx, top)
	}
}

// sleep waits until asOf+d (or a poke, or the end of ctx). The deadline is
// absolute: time that passed since asOf (the clock may have moved while the
// caller worked, which a fake clock in tests does at any moment) counts.
func (s *Scheduler) sleep(ctx context.Context, d time.Duration, asOf time.Time) {
	if d == noDeadline {
		select {
		case <-ctx.Done():
		case <-s.wake:
		}
		return
	}
	deadline := asOf.Add(d)
	left := deadline.Sub(s.cfg.Clock.Now())
	if left <= 0 {
		return
	}
	t := s.cfg.Clock.NewTimer(left)
	defer t.Stop()
	if !s.cfg.Clock.Now().Before(deadline) {
		return // the clock passed the deadline while the timer was made
	}
	select {
	case <-ctx.Done():
	case <-s.wake:
	case <-t.C():
	}
}

// fire runs one callback and records its outcome.
func (s *Scheduler) fire(ctx context.Context, it *item) {
	defer s.workers.Done()
	err := s.call(ctx, it.id)
	s.finish(ctx, it, err)
	<-s.sem // after finish: a retry is armed before another item runs
	s.poke()
}

func (s *Scheduler) call(ctx context.Context, id string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = errPanicked
		}
	}()
	return s.cfg.OnExpire(ctx, id)
}

func (s *Scheduler) finish(ctx context.Context, it *item, err error) {
	l := s.stripe(it.id)
	l.Lock()
	defer l.Unlock()
	s.mu.Lock()
	if s.items[it.id] != it {
		// Cancelled or rescheduled while the callback ran.
		s.mu.Unlock()
		return
	}
	if err != nil {
		it.attempt++
		wait := s.backoff(it.attempt)
		s.seq++
		it.at, it.seq = s.cfg.Clock.Now().Add(wait), s.seq
		attempt := it.attempt
		heap.Push(&s.heap, it)
		s.mu.Unlock()
		s.cfg.Logger.Warn("expiry callback failed; will retry", "id", it.id, "attempt", attempt, "retry_in", wait, "err", err)
		return
	}
	delete(s.items, it.id)
	s.mu.Unlock()
	// The callback succeeded; losing this delete only means a repeat call
	// after a restart, so it does not depend on Stop's cancellation.
	if err := s.unpersist(context.WithoutCancel(ctx), it.id); err != nil {
		s.cfg.Logger.Warn("removing expiry index entry failed", "id", it.id, "err", err)
	}
}

// backoff is MinBackoff doubled per failure after the first, capped.
func (s *Scheduler) backoff(attempt int) time.Duration {
	d := s.cfg.MinBackoff
	for i := 1; i < attempt && d < s.cfg.MaxBackoff; i++ {
		d *= 2
	}
	if d > s.cfg.MaxBackoff {
		d = s.cfg.MaxBackoff
	}
	return d
}
