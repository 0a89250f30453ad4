package expire

import (
	"container/heap"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"sync"
	"time"

	"github.com/cofre-io/cofre/server/storage"
)

// Errors returned by the Scheduler.
var (
	ErrStarted = errors.New("expire: scheduler already started")
	ErrEmptyID = errors.New("expire: empty id")
)

// Config constructs a Scheduler.
type Config struct {
	// Storage holds the persistent index; the Scheduler owns everything
	// under it. Required.
	Storage storage.Backend
	// OnExpire is called with an item's id once it is due. A non-nil error
	// keeps the item and retries it after a backoff. Required.
	OnExpire func(ctx context.Context, id string) error
	// Clock defaults to RealClock.
	Clock  Clock
	Logger *slog.Logger
	// Workers bounds concurrent OnExpire calls (default 4).
	Workers int
	// MinBackoff is the first retry delay after a failure; it doubles per
	// further failure up to MaxBackoff (defaults 1s and 5m).
	MinBackoff time.Duration
	MaxBackoff time.Duration
	// OverdueInterval spaces the items Start finds already due: the k-th is
	// due k intervals after the load. Zero means 1ms; negative disables
	// spreading.
	OverdueInterval time.Duration
}

func (c *Config) validate() error {
	if c.Storage == nil {
		return fmt.Errorf("expire: storage is required")
	}
	if c.OnExpire == nil {
		return fmt.Errorf("expire: OnExpire is required")
	}
	if c.Clock == nil {
		c.Clock = RealClock{}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Workers <= 0 {
		c.Workers = 4
	}
	if c.MinBackoff <= 0 {
		c.MinBackoff = time.Second
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = 5 * time.Minute
	}
	if c.MaxBackoff < c.MinBackoff {
		return fmt.Errorf("expire: MaxBackoff (%s) is below MinBackoff (%s)", c.MaxBackoff, c.MinBackoff)
	}
	if c.OverdueInterval == 0 {
		c.OverdueInterval = time.Millisecond
	}
	return nil
}

// Scheduler calls OnExpire for each scheduled id when it is due.
type Scheduler struct {
	cfg Config
	// stripes serialise the storage write and the in-memory change of one
	// id, so the index and the heap agree.
	stripes [64]sync.Mutex
	sem     chan struct{} // one token per running callback
	wake    chan struct{} // pokes the loop (new earliest item, worker done)
	workers sync.WaitGroup

	mu    sync.Mutex
	items map[string]*item
	heap  itemHeap
	seq   uint64
	// loading is true until Start has read the whole index; touched records
	// the ids Schedule or Cancel changed meanwhile, which the load must not
	// overwrite with what it read.
	loading bool
	touched map[string]struct{}
	started bool
	stopped bool
	cancel  context.CancelFunc
	done    chan struct{}
}

// New returns a Scheduler; call Start to load the index and run it.
// Schedule and Cancel work before Start (their items fire once started).
func New(cfg Config) (*Scheduler, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &Scheduler{
		cfg:     cfg,
		sem:     make(chan struct{}, cfg.Workers),
		wake:    make(chan struct{}, 1),
		items:   make(map[string]*item),
		loading: true,
		touched: make(map[string]struct{}),
		done:    make(chan struct{}),
	}, nil
}

func (s *Scheduler) stripe(id string) *sync.Mutex {
	h := fnv.New32a()
	h.Write([]byte(id))
	return &s.stripes[h.Sum32()%uint32(len(s.stripes))]
}

func (s *Scheduler) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Start begins loading the index and firing due items in the Scheduler's
// goroutine; it returns at once. ctx's values are kept but its cancellation
// is not: the Scheduler runs until Stop.
func (s *Scheduler) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		return ErrStarted
	}
	s.started = true
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s.cancel = cancel
	go s.run(runCtx)
	return nil
}

// Stop ends the goroutine and waits for running callbacks (their context is
// cancelled). Items stay persisted for the next Scheduler. Safe to call
// more than once, and before Start.
func (s *Scheduler) Stop() {
	s.mu.Lock()
	if !s.started || s.stopped {
		s.stopped = true
		s.mu.Unlock()
		return
	}
	s.stopped = true
	s.mu.Unlock()
	s.cancel()
	<-s.done
	s.workers.Wait()
}

// Pending returns the number of items held in memory: scheduled, retrying
// or running. While Start is still loading, items not yet read are not
// counted.
func (s *Scheduler) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.items)
}

// Loaded reports whether Start has read the whole index.
func (s *Scheduler) Loaded() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return !s.loading
}

// Schedule persists that id is due at at and arms it, replacing any
// earlier due time. When it returns nil the item survives a restart.
func (s *Scheduler) Schedule(ctx context.Context, id string, at time.Time) error {
	if id == "" {
		return ErrEmptyID
	}
	l := s.stripe(id)
	l.Lock()
	defer l.Unlock()
	s.markTouched(id)
	if err := s.persist(ctx, id, at); err != nil {
		s.restore(ctx, id)
		return err
	}
	// A running callback for id no longer owns it once re-armed: its
	// completion sees that and leaves the new item alone.
	s.Arm(id, at)
	return nil
}

// Cancel forgets id and its index entry. Cancelling an unknown id is not an
// error. A callback already running for id is not interrupted.
func (s *Scheduler) Cancel(ctx context.Context, id string) error {
	if id == "" {
		return ErrEmptyID
	}
	l := s.stripe(id)
	l.Lock()
	defer l.Unlock()
	s.markTouched(id)
	if err := s.unpersist(ctx, id); err != nil {
		s.restore(ctx, id)
		return err
	}
	s.mu.Lock()
	if it, ok := s.items[id]; ok {
		if it.index >= 0 {
			heap.Remove(&s.heap, it.index)
		}
		delete(s.items, id)
	}
	s.mu.Unlock()
	return nil
}

// DueAt returns the due time of id, if it is held in memory.
func (s *Scheduler) DueAt(id string) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	it, ok := s.items[id]
	if !ok {
		return time.Time{}, false
	}
	return it.at, true
}

// errPanicked replaces a panic in OnExpire: the item is retried.
var errPanicked = errors.New("expire: OnExpire panicked")

// markTouched tells a load in progress to leave id alone: the caller is
// about to change its index entry and will update memory itself. It must
// be called before the storage write, or the load could read the new entry
// and arm it a second time.
func (s *Scheduler) markTouched(id string) {
	s.mu.Lock()
	if s.loading {
		s.touched[id] = struct{}{}
	}
	s.mu.Unlock()
}

// restore re-arms id from its stored entry after a failed Schedule or
// Cancel, in case markTouched made the load skip it.
func (s *Scheduler) restore(ctx context.Context, id string) {
	e, err := s.cfg.Storage.Get(ctx, indexKey(id))
	if err != nil || e == nil {
		return
	}
	var r record
	if json.Unmarshal(e.Value, &r) != nil || r.ID != id {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.items[id]; ok {
		return
	}
	s.seq++
	it := &item{id: id, at: time.Unix(0, r.At), seq: s.seq}
	s.items[id] = it
	heap.Push(&s.heap, it)
}

// IndexEntry returns the index entry Schedule would write for id (its key
// relative to Config.Storage) so that a caller can write it in its own
// storage transaction together with its own records; once that commits,
// the caller calls Arm. The caller must not Schedule or Cancel the same id
// meanwhile.
func (s *Scheduler) IndexEntry(id string, at time.Time) (storage.Entry, error) {
	if id == "" {
		return storage.Entry{}, ErrEmptyID
	}
	buf, err := json.Marshal(record{ID: id, At: at.UnixNano()})
	if err != nil {
		return storage.Entry{}, fmt.Errorf("expire: encode: %w", err)
	}
	s.markTouched(id)
	return storage.Entry{Key: indexKey(id), Value: buf}, nil
}

// Arm schedules id in memory only, after its IndexEntry was persisted by
// the caller.
func (s *Scheduler) Arm(id string, at time.Time) {
	s.mu.Lock()
	s.seq++
	if it, ok := s.items[id]; ok && it.index >= 0 {
		it.at, it.attempt, it.seq = at, 0, s.seq
		heap.Fix(&s.heap, it.index)
	} else {
		it := &item{id: id, at: at, seq: s.seq}
		s.items[id] = it
		heap.Push(&s.heap, it)
	}
	s.mu.Unlock()
	s.poke()
}
