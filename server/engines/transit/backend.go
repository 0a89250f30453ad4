package transit

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
	"github.com/cofre-io/cofre/server/storage"
)

// DefaultRotationCheckInterval is how often the backend looks for keys
// whose auto_rotate_period has passed.
const DefaultRotationCheckInterval = time.Minute

// Options tune a Backend beyond what the mount says.
type Options struct {
	// RotationCheckInterval is the auto-rotation ticker's period; 0 means
	// DefaultRotationCheckInterval.
	RotationCheckInterval time.Duration
	// RotationTicks, when set, replaces the ticker: each value received
	// runs one auto-rotation pass (tests drive it with a fake clock).
	RotationTicks <-chan time.Time
}

// Backend is a mounted transit engine.
type Backend struct {
	*framework.Backend
	view storage.Backend
	log  *slog.Logger
	now  func() time.Time
	keys *keyCache
	cfg  engineConfigStore

	stop context.CancelFunc
	wg   sync.WaitGroup
}

var (
	_ logical.Backend          = (*Backend)(nil)
	_ logical.ExistenceChecker = (*Backend)(nil)
)

// Factory builds a transit backend for a new mount.
func Factory(ctx context.Context, conf *logical.BackendConfig) (logical.Backend, error) {
	return New(ctx, conf, Options{})
}

// New is Factory with Options. The backend starts its auto-rotation
// goroutine; Cleanup stops it and waits for it.
func New(_ context.Context, conf *logical.BackendConfig, opts Options) (*Backend, error) {
	if conf == nil || conf.StorageView == nil {
		return nil, fmt.Errorf("transit: a storage view is required")
	}
	b := &Backend{view: conf.StorageView, log: conf.Logger, now: time.Now, keys: newKeyCache(conf.StorageView)}
	b.cfg.view = conf.StorageView
	if b.log == nil {
		b.log = slog.New(slog.DiscardHandler)
	}
	if conf.System != nil {
		b.now = conf.System.Now
	}
	b.Backend = &framework.Backend{
		BackendType: logical.TypeSecrets,
		Paths:       b.paths(),
		Clean:       b.cleanup,
	}
	if err := b.Backend.Init(); err != nil {
		return nil, err
	}
	ticks := opts.RotationTicks
	var ticker *time.Ticker
	if ticks == nil {
		every := opts.RotationCheckInterval
		if every <= 0 {
			every = DefaultRotationCheckInterval
		}
		ticker = time.NewTicker(every)
		ticks = ticker.C
	}
	life, stop := context.WithCancel(context.Background())
	b.stop = stop
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		if ticker != nil {
			defer ticker.Stop()
		}
		b.rotationLoop(life, ticks)
	}()
	return b, nil
}

// paths is the route table, hot paths first.
func (b *Backend) paths() []*framework.Path {
	return []*framework.Path{
		b.encryptPath(),
		b.decryptPath(),
		b.signPath(),
		b.verifyPath(),
		b.hmacPath(),
		b.rewrapPath(),
		b.datakeyPath(),
		b.keysListPath(),
		b.keyConfigPath(),
		b.rotatePath(),
		b.trimPath(),
		b.keysPath(),
		b.exportPath(),
		b.backupPath(),
		b.restorePath(),
		b.hashPath(),
		b.randomPath(),
		b.engineConfigPath(),
	}
}

// cleanup stops the auto-rotation goroutine and waits for it.
func (b *Backend) cleanup(context.Context) {
	b.stop()
	b.wg.Wait()
}

// key returns the named key or a 400 naming the problem (Vault answers a
// missing key with 400, not 404, on operation paths).
func (b *Backend) key(ctx context.Context, name string) (*keyRing, error) {
	r, err := b.keys.get(ctx, name)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, badRequest(ErrKeyNotFound, msgKeyNotFound)
	}
	return r, nil
}
