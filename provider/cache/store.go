package cache

import (
	"sync"
	"time"
)

// Store maps keys to values and forgets those not used for Idle. It is
// safe for concurrent use; values themselves are not protected.
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

// Put stores v under k, used at now.
func (s *Store[K, V]) Put(k K, v V, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.entries[k] = &entry[V]{val: v, used: now}
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

// Sweep forgets entries unused since now-Idle and returns how many. It
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
		if now.Sub(e.used) >= s.Idle {
			delete(s.entries, k)
			n++
		}
	}
	return n
}
