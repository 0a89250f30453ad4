package token

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cofre-io/cofre/server/expire"
	"github.com/cofre-io/cofre/server/storage"
)

// Storage layout inside the store's view.
const (
	saltKey        = "salt"
	batchKeyKey    = "batch-key"
	idPrefix       = "id/"
	accessorPrefix = "accessor/"
	parentPrefix   = "parent/"
	expirePrefix   = "expire/"
)

// Config constructs a Store.
type Config struct {
	// Storage is the store's private view of the barrier. Required.
	Storage storage.Backend
	// Clock drives expiry timers (default expire.RealClock); Now defaults
	// to Clock.Now.
	Clock  expire.Clock
	Now    func() time.Time
	Rand   io.Reader
	Logger *slog.Logger
	// ExpiryWorkers bounds concurrent expiry revocations (default 4).
	ExpiryWorkers int
	// UsedUpGrace is how long a used-up token's records may linger before
	// the expiry scheduler revokes them, should the request that used it
	// up never call Revoke (default 1m).
	UsedUpGrace time.Duration
	// ExpiryMinBackoff and ExpiryMaxBackoff tune retries of failed
	// revocations (defaults: the scheduler's).
	ExpiryMinBackoff time.Duration
	ExpiryMaxBackoff time.Duration
}

func (c *Config) validate() error {
	if c.Storage == nil {
		return fmt.Errorf("token: storage is required")
	}
	if c.Clock == nil {
		c.Clock = expire.RealClock{}
	}
	if c.Now == nil {
		c.Now = c.Clock.Now
	}
	if c.Rand == nil {
		c.Rand = rand.Reader
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.UsedUpGrace <= 0 {
		c.UsedUpGrace = time.Minute
	}
	return nil
}

// RevokeHook runs once per revoked token, before its records are deleted.
// An error stops the revocation (the token stays unusable and revocation
// is retried). Hooks must not revoke tokens themselves.
type RevokeHook func(ctx context.Context, e *Entry) error

// Store persists tokens. Load must be called after unseal.
type Store struct {
	cfg  Config
	view storage.Backend
	// locks serialise read-modify-write of one token (use counts, renewal,
	// revocation), striped by HashedID.
	locks [256]sync.Mutex

	hooksMu sync.RWMutex
	hooks   []RevokeHook

	// noTxn is set once the storage turned out not to be transactional.
	noTxn atomic.Bool

	mu    sync.RWMutex
	salt  []byte
	batch cipher.AEAD
	sched *expire.Scheduler
}

// NewStore returns a Store; Load must be called after unseal.
func NewStore(cfg Config) (*Store, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &Store{cfg: cfg, view: cfg.Storage}, nil
}

// OnRevoke registers a hook run for every revoked token (leases,
// cubbyhole). Hooks run in registration order.
func (s *Store) OnRevoke(h RevokeHook) {
	s.hooksMu.Lock()
	s.hooks = append(s.hooks, h)
	s.hooksMu.Unlock()
}

// Load reads the salt and the batch key (creating them on first use) and
// starts the expiry scheduler, which restores pending expirations in the
// background.
func (s *Store) Load(ctx context.Context) error {
	salt, err := s.loadKey(ctx, saltKey)
	if err != nil {
		return err
	}
	bk, err := s.loadKey(ctx, batchKeyKey)
	if err != nil {
		return err
	}
	block, err := aes.NewCipher(bk)
	if err != nil {
		return fmt.Errorf("token: batch key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return fmt.Errorf("token: batch key: %w", err)
	}
	sched, err := expire.New(expire.Config{
		Storage:    storage.NewView(s.view, expirePrefix),
		OnExpire:   s.onExpire,
		Clock:      s.cfg.Clock,
		Logger:     s.cfg.Logger.With("component", "token-expiry"),
		Workers:    s.cfg.ExpiryWorkers,
		MinBackoff: s.cfg.ExpiryMinBackoff,
		MaxBackoff: s.cfg.ExpiryMaxBackoff,
	})
	if err != nil {
		return fmt.Errorf("token: %w", err)
	}
	s.mu.Lock()
	old := s.sched
	s.salt, s.batch, s.sched = salt, aead, sched
	s.mu.Unlock()
	if old != nil {
		old.Stop()
	}
	return sched.Start(ctx)
}

func (s *Store) loadKey(ctx context.Context, key string) ([]byte, error) {
	e, err := s.view.Get(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("token: read %s: %w", key, err)
	}
	if e != nil {
		return e.Value, nil
	}
	v := make([]byte, 32)
	if _, err := io.ReadFull(s.cfg.Rand, v); err != nil {
		return nil, fmt.Errorf("token: generate %s: %w", key, err)
	}
	if err := s.view.Put(ctx, &storage.Entry{Key: key, Value: v}); err != nil {
		return nil, fmt.Errorf("token: write %s: %w", key, err)
	}
	return v, nil
}

// Unload stops the expiry scheduler and forgets the keys (on seal).
func (s *Store) Unload() {
	s.mu.Lock()
	sched := s.sched
	s.salt, s.batch, s.sched = nil, nil, nil
	s.mu.Unlock()
	if sched != nil {
		sched.Stop()
	}
}

// PendingExpirations returns how many tokens wait in the expiry scheduler.
func (s *Store) PendingExpirations() int {
	if sc := s.scheduler(); sc != nil {
		return sc.Pending()
	}
	return 0
}

// ExpiryLoaded reports whether the scheduler has restored its whole index.
func (s *Store) ExpiryLoaded() bool {
	if sc := s.scheduler(); sc != nil {
		return sc.Loaded()
	}
	return false
}

func (s *Store) scheduler() *expire.Scheduler {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.sched
}

// Hash returns the salted HMAC of a token value or accessor.
func (s *Store) Hash(v string) (string, error) {
	s.mu.RLock()
	salt := s.salt
	s.mu.RUnlock()
	if salt == nil {
		return "", ErrNoSalt
	}
	m := hmac.New(sha256.New, salt)
	m.Write([]byte(v))
	return hex.EncodeToString(m.Sum(nil)), nil
}

func (s *Store) lockFor(hashed string) *sync.Mutex {
	h := fnv.New32a()
	h.Write([]byte(hashed))
	return &s.locks[h.Sum32()%uint32(len(s.locks))]
}

func (s *Store) put(ctx context.Context, e *Entry) error {
	buf, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("token: encode: %w", err)
	}
	if err := s.view.Put(ctx, &storage.Entry{Key: idPrefix + e.HashedID, Value: buf}); err != nil {
		return fmt.Errorf("token: write: %w", err)
	}
	return nil
}

// Update persists changes to an existing service token's entry.
func (s *Store) Update(ctx context.Context, e *Entry) error {
	if e.HashedID == "" || e.Type == TypeBatch {
		return fmt.Errorf("token: update: %w", ErrNotFound)
	}
	return s.put(ctx, e)
}

// raw reads an entry whatever its state; nil when absent.
func (s *Store) raw(ctx context.Context, hashed string) (*Entry, error) {
	r, err := s.view.Get(ctx, idPrefix+hashed)
	if err != nil {
		return nil, fmt.Errorf("token: read: %w", err)
	}
	if r == nil {
		return nil, nil
	}
	var e Entry
	if err := json.Unmarshal(r.Value, &e); err != nil {
		return nil, fmt.Errorf("token: decode: %w", err)
	}
	return &e, nil
}
