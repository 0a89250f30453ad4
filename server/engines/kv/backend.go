package kv

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
)

// DefaultMaxEntrySize caps one stored value (a version's or a version 1
// key's JSON encoding). Larger writes are refused with a 400.
const DefaultMaxEntrySize = 1 << 20

// defaultMaxVersions applies when neither the key nor the engine sets one.
const defaultMaxVersions = 10

// Options tune a Backend beyond what the mount's options say.
type Options struct {
	// MaxEntrySize caps a stored value in bytes; 0 means DefaultMaxEntrySize.
	MaxEntrySize int
}

type mode int

const (
	modeV1 mode = iota + 1
	modeUpgrading
	modeUpgradeFailed
	modeV2
)

// Backend is a mounted KV engine. It serves version 1 or version 2 paths
// depending on its mode, which moves from 1 to 2 only through an upgrade.
type Backend struct {
	st       *store
	log      *slog.Logger
	now      func() time.Time
	maxEntry int
	locks    *keyLocks
	v1, v2   *framework.Backend

	cfgMu sync.Mutex // serialises config loads and writes
	cfg   atomic.Pointer[engineConfig]

	// modeMu is held for reading by every request for its whole duration,
	// so an upgrade starts only once version 1 requests have finished.
	modeMu      sync.RWMutex
	mode        mode
	upgradeDone chan struct{} // closed when the running upgrade ends
	upgradeErr  error
	closed      bool

	life context.Context // cancelled by Cleanup; bounds the upgrade
	stop context.CancelFunc
	wg   sync.WaitGroup
}

var (
	_ logical.Backend          = (*Backend)(nil)
	_ logical.ExistenceChecker = (*Backend)(nil)
)

// Factory builds a KV backend for a new mount: Config["version"] "" or "1"
// gives version 1, "2" version 2. A version 2 mount that still holds
// version 1 data upgrades it in the background; requests wait for that.
func Factory(ctx context.Context, conf *logical.BackendConfig) (logical.Backend, error) {
	return New(ctx, conf, Options{})
}

// New is Factory with Options.
func New(ctx context.Context, conf *logical.BackendConfig, opts Options) (*Backend, error) {
	if conf == nil || conf.StorageView == nil {
		return nil, fmt.Errorf("kv: a storage view is required")
	}
	b := &Backend{
		st:       newStore(conf.StorageView),
		log:      conf.Logger,
		now:      time.Now,
		maxEntry: opts.MaxEntrySize,
		locks:    newKeyLocks(),
	}
	if b.log == nil {
		b.log = slog.New(slog.DiscardHandler)
	}
	if conf.System != nil {
		b.now = conf.System.Now
	}
	if b.maxEntry <= 0 {
		b.maxEntry = DefaultMaxEntrySize
	}
	b.v1 = b.v1Backend()
	b.v2 = b.v2Backend()
	if err := b.v1.Init(); err != nil {
		return nil, err
	}
	if err := b.v2.Init(); err != nil {
		return nil, err
	}
	upgraded, err := conf.StorageView.Get(ctx, keyUpgrade)
	if err != nil {
		return nil, fmt.Errorf("kv: read upgrade state: %w", err)
	}
	switch v := conf.Config["version"]; {
	case v == "" || v == "1":
		b.mode = modeV1
		if upgraded != nil {
			b.mode = modeV2 // upgraded earlier; the mount table lags
		}
	case v == "2":
		b.mode = modeV2
	default:
		return nil, fmt.Errorf("%w: %q", ErrBadVersion, v)
	}
	b.life, b.stop = context.WithCancel(context.Background())
	if b.mode == modeV2 {
		left, err := conf.StorageView.List(ctx, prefixV1)
		if err != nil {
			b.stop()
			return nil, fmt.Errorf("kv: look for version 1 data: %w", err)
		}
		if len(left) > 0 {
			b.mode = modeV1
			b.startUpgrade()
		}
	}
	return b, nil
}

// Version is the API version the backend serves now: 1, or 2 (also while it
// is upgrading to 2).
func (b *Backend) Version() int {
	b.modeMu.RLock()
	defer b.modeMu.RUnlock()
	if b.mode == modeV1 {
		return 1
	}
	return 2
}

// enter waits out an upgrade and returns the path table to serve with, with
// modeMu read-locked; the caller unlocks it.
func (b *Backend) enter(ctx context.Context) (*framework.Backend, error) {
	for {
		b.modeMu.RLock()
		switch b.mode {
		case modeV1:
			return b.v1, nil
		case modeV2:
			return b.v2, nil
		}
		m, done, upErr := b.mode, b.upgradeDone, b.upgradeErr
		b.modeMu.RUnlock()
		if m == modeUpgradeFailed {
			b.startUpgrade() // retry in the background; this request fails
			return nil, &logical.Error{Kind: logical.ErrInternal, Msg: "the upgrade of this mount to KV version 2 failed and is being retried", Err: fmt.Errorf("%w: %w", ErrUpgradeFailed, upErr)}
		}
		select {
		case <-done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// HandleRequest implements logical.Backend.
func (b *Backend) HandleRequest(ctx context.Context, req *logical.Request) (*logical.Response, error) {
	fb, err := b.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer b.modeMu.RUnlock()
	return fb.HandleRequest(ctx, req)
}

// ExistenceCheck implements logical.ExistenceChecker: a write to a missing
// key is a "create", to an existing one an "update".
func (b *Backend) ExistenceCheck(ctx context.Context, req *logical.Request) (bool, bool, error) {
	fb, err := b.enter(ctx)
	if err != nil {
		return false, false, err
	}
	defer b.modeMu.RUnlock()
	return fb.ExistenceCheck(ctx, req)
}

// SpecialPaths implements logical.Backend; KV has none.
func (b *Backend) SpecialPaths() *logical.Paths { return &logical.Paths{} }

// Type implements logical.Backend.
func (b *Backend) Type() logical.BackendType { return logical.TypeSecrets }

// Cleanup implements logical.Backend: it stops a running upgrade (which
// resumes at the next mount) and waits for it.
func (b *Backend) Cleanup(ctx context.Context) {
	b.modeMu.Lock()
	b.closed = true
	b.stop()
	b.modeMu.Unlock()
	b.wg.Wait()
}

// OptionsChanged is the hook for a tune of the mount's options: version "2"
// on a version 1 mount starts the upgrade in the background and returns;
// asking a version 2 mount for version 1 fails with ErrDowngrade.
func (b *Backend) OptionsChanged(ctx context.Context, opts map[string]string) error {
	switch v := opts["version"]; v {
	case "":
		return nil
	case "1":
		if b.Version() == 2 {
			return ErrDowngrade
		}
		return nil
	case "2":
		b.startUpgrade()
		return nil
	default:
		return fmt.Errorf("%w: %q", ErrBadVersion, v)
	}
}
