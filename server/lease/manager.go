package lease

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cofre-io/cofre/server/expire"
	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/storage"
)

// Mount is a mounted backend as the manager needs it to renew and revoke.
type Mount struct {
	Backend logical.Backend
	// Storage is the mount's own view, handed to the backend as req.Storage.
	Storage storage.Backend
	Type    string
	// MaxTTL is the mount's current max lease TTL (<= 0: none); renewals
	// never go past IssueTime+MaxTTL.
	MaxTTL time.Duration
}

// Mounts finds the mount that issued a lease. Mount returns the mount
// serving route path path if its accessor is accessor, and an error
// wrapping ErrMountGone otherwise. It is called concurrently, and must not
// block on the mount table's write lock (it is called while a mount is
// being disabled).
type Mounts interface {
	Mount(path, accessor string) (*Mount, error)
}

// Tokens tells Tidy whether a token still exists. Optional.
type Tokens interface {
	// TokenExists reports whether the token with this HashedID is live.
	TokenExists(ctx context.Context, hashedID string) (bool, error)
}

// Config constructs a Manager.
type Config struct {
	// Storage is the manager's private view (the core's is "sys/expire/"
	// of the barrier). Required.
	Storage storage.Backend
	// Mounts finds backends again. Required.
	Mounts Mounts
	Tokens Tokens
	// Clock drives issue and expire times and timers (default the wall
	// clock).
	Clock  expire.Clock
	Rand   io.Reader
	Logger *slog.Logger
	// Workers bounds concurrent expirations (default 4).
	Workers int
	// MinBackoff and MaxBackoff space retries of failed revocations
	// (defaults 1s and 5m; the retries never stop).
	MinBackoff time.Duration
	MaxBackoff time.Duration
	// OverdueInterval spaces leases found overdue on load (default 1ms;
	// negative disables spreading).
	OverdueInterval time.Duration
	// IrrevocableAfter is the number of failed revocations after which a
	// lease is listed as irrevocable (default 6).
	IrrevocableAfter int
	// SyncRevokeLimit bounds how many leases one call (revoke-prefix, a
	// token's revocation, an unmount) revokes before returning; the rest
	// are queued for the scheduler (default 100).
	SyncRevokeLimit int
	// BackendTimeout bounds one renew or revoke call to a backend
	// (default 30s).
	BackendTimeout time.Duration
}

func (c *Config) validate() error {
	if c.Storage == nil {
		return fmt.Errorf("lease: storage is required")
	}
	if c.Mounts == nil {
		return fmt.Errorf("lease: mounts are required")
	}
	if c.Clock == nil {
		c.Clock = expire.RealClock{}
	}
	if c.Rand == nil {
		c.Rand = rand.Reader
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.MinBackoff <= 0 {
		c.MinBackoff = time.Second
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = 5 * time.Minute
	}
	if c.MaxBackoff < c.MinBackoff {
		return fmt.Errorf("lease: MaxBackoff (%s) is below MinBackoff (%s)", c.MaxBackoff, c.MinBackoff)
	}
	if c.IrrevocableAfter <= 0 {
		c.IrrevocableAfter = 6
	}
	if c.SyncRevokeLimit <= 0 {
		c.SyncRevokeLimit = 100
	}
	if c.BackendTimeout <= 0 {
		c.BackendTimeout = 30 * time.Second
	}
	return nil
}

// Manager issues, renews, revokes and expires leases. Load must be called
// after unseal and Unload before seal.
type Manager struct {
	cfg   Config
	view  storage.Backend
	locks keyLocks
	// noTxn is set once the storage turned out not to be transactional.
	noTxn atomic.Bool

	mu    sync.RWMutex
	sched *expire.Scheduler

	tidy tidyState
}

// New returns a Manager; it does nothing until Load.
func New(cfg Config) (*Manager, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &Manager{cfg: cfg, view: cfg.Storage, locks: keyLocks{m: map[string]*keyLock{}}}, nil
}

// Load starts the expiry scheduler, which restores every pending lease in
// the background; it returns without waiting for that.
func (m *Manager) Load(ctx context.Context) error {
	sched, err := expire.New(expire.Config{
		Storage:         storage.NewView(m.view, expirePrefix),
		OnExpire:        m.onExpire,
		Clock:           m.cfg.Clock,
		Logger:          m.cfg.Logger.With("component", "lease-expiry"),
		Workers:         m.cfg.Workers,
		MinBackoff:      m.cfg.MinBackoff,
		MaxBackoff:      m.cfg.MaxBackoff,
		OverdueInterval: m.cfg.OverdueInterval,
	})
	if err != nil {
		return fmt.Errorf("lease: %w", err)
	}
	m.mu.Lock()
	old := m.sched
	m.sched = sched
	m.mu.Unlock()
	if old != nil {
		old.Stop()
	}
	return sched.Start(ctx)
}

// Unload stops a running tidy and the scheduler, waiting for revocations
// in flight (their context is cancelled). Leases stay stored.
func (m *Manager) Unload() {
	m.stopTidy()
	m.mu.Lock()
	sched := m.sched
	m.sched = nil
	m.mu.Unlock()
	if sched != nil {
		sched.Stop()
	}
}

func (m *Manager) scheduler() (*expire.Scheduler, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.sched == nil {
		return nil, ErrNotLoaded
	}
	return m.sched, nil
}

// Pending returns how many leases the scheduler holds in memory.
func (m *Manager) Pending() int {
	if sc, err := m.scheduler(); err == nil {
		return sc.Pending()
	}
	return 0
}

// Restored reports whether the scheduler has read its whole index since
// Load.
func (m *Manager) Restored() bool {
	if sc, err := m.scheduler(); err == nil {
		return sc.Loaded()
	}
	return false
}

// DueAt returns when the scheduler will next act on a lease held in memory.
func (m *Manager) DueAt(id string) (time.Time, bool) {
	if sc, err := m.scheduler(); err == nil {
		return sc.DueAt(id)
	}
	return time.Time{}, false
}

func (m *Manager) now() time.Time { return m.cfg.Clock.Now().UTC() }

// keyLocks serialises operations on one lease. Locks exist only while
// held or waited for.
type keyLocks struct {
	mu sync.Mutex
	m  map[string]*keyLock
}

type keyLock struct {
	sync.Mutex
	refs int
}

func (k *keyLocks) lock(id string) (unlock func()) {
	k.mu.Lock()
	l, ok := k.m[id]
	if !ok {
		l = &keyLock{}
		k.m[id] = l
	}
	l.refs++
	k.mu.Unlock()
	l.Lock()
	return func() {
		l.Unlock()
		k.mu.Lock()
		l.refs--
		if l.refs == 0 {
			delete(k.m, id)
		}
		k.mu.Unlock()
	}
}

// Now is the manager's clock, for callers that report remaining TTLs.
func (m *Manager) Now() time.Time { return m.now() }
