package cache

import (
	"sync"
	"time"
)

// Store maps keys to values and forgets those not used for Idle, unless
// they were given a later time to be kept until (a lease that a Mount
// following the refresh hint, rather than polling, will come back to
// renew). It is safe for concurrent use; values themselves are not
// protected.
type Store[K comparable, V any] struct {
	// Idle is how long an unused entry is kept.
	Idle time.Duration

	mu        sync.Mutex
	entries   map[K]*entry[V]
	lastSweep time.Time
}

type entry[V any] struct {
	val  V
	used time.Time
	keep time.Time
}

// NewStore returns an empty store forgetting entries idle for idle.
func NewStore[K comparable, V any](idle time.Duration) *Store[K, V] {
	return &Store[K, V]{Idle: idle, entries: map[K]*entry[V]{}}
}

// Get returns the value under k and marks it used at now.
func (s *Store[K, V]) Get(k K, now time.Time) (V, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.entries[k]
	if !ok {
		var zero V
		return zero, false
	}
	e.used = now
	return e.val, true
}

// GetOrCreate returns the value under k, storing mk() there first when
// there is none; either way it is marked used at now. mk runs under the
// store's lock and must be quick.
func (s *Store[K, V]) GetOrCreate(k K, now time.Time, mk func() V) V {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.entries[k]
	if !ok {
		e = &entry[V]{val: mk()}
		s.entries[k] = e
	}
	e.used = now
	return e.val
}

// Put stores v under k, used at now, to be kept at least until keep
// (zero: no such promise).
func (s *Store[K, V]) Put(k K, v V, now, keep time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.entries[k] = &entry[V]{val: v, used: now, keep: keep}
}

// Keep sets how long the entry under k is kept at least, if it exists.
func (s *Store[K, V]) Keep(k K, keep time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.entries[k]; ok {
		e.keep = keep
	}
}

// Delete forgets k.
func (s *Store[K, V]) Delete(k K) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.entries, k)
}

// Len is the number of entries.
func (s *Store[K, V]) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.entries)
}

// Sweep forgets entries unused since now-Idle whose keep time has passed,
// and returns how many. It
// walks the map at most once per Idle/4, so calling it on every Mount is
// cheap.
func (s *Store[K, V]) Sweep(now time.Time) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if now.Sub(s.lastSweep) < s.Idle/4 {
		return 0
	}
	s.lastSweep = now
	n := 0
	for k, e := range s.entries {
		if now.Sub(e.used) >= s.Idle && !now.Before(e.keep) {
			delete(s.entries, k)
			n++
		}
	}
	return n
}
