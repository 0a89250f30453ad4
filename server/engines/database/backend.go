package database

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/cofre-io/cofre/server/engines/database/dbplugin"
	"github.com/cofre-io/cofre/server/engines/database/mysql"
	"github.com/cofre-io/cofre/server/engines/database/postgres"
	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
	"github.com/cofre-io/cofre/server/storage"
)

// secretTypeCreds is the InternalData["secret_type"] of dynamic credentials.
const secretTypeCreds = "creds"

// defaultRotationCheck is how often the rotator looks for static roles due.
const defaultRotationCheck = time.Second

// Options tune a Backend beyond what the mount says.
type Options struct {
	// Plugins maps plugin_name to a plugin; nil means DefaultPlugins().
	Plugins map[string]dbplugin.Plugin
	// Now is the clock; nil means the mount's SystemView clock.
	Now func() time.Time
	// Rand is the source of passwords and usernames; nil means crypto/rand.
	Rand io.Reader
	// RotationCheck is how often static roles are checked for rotation;
	// 0 means one second. Negative disables the rotator goroutine (tests
	// then call RotateDue).
	RotationCheck time.Duration
}

// DefaultPlugins returns the plugins a server offers by default.
func DefaultPlugins() map[string]dbplugin.Plugin {
	return map[string]dbplugin.Plugin{
		postgres.Name:    postgres.Plugin{},
		mysql.Name:       mysql.Plugin{},
		mysql.NameLegacy: mysql.Plugin{Legacy: true},
		mysql.NameAurora: mysql.Plugin{Legacy: true},
		mysql.NameRDS:    mysql.Plugin{Legacy: true},
	}
}

// Backend is a mounted database engine.
type Backend struct {
	*framework.Backend

	view    storage.Backend
	log     *slog.Logger
	sys     logical.SystemView
	now     func() time.Time
	rand    io.Reader
	plugins map[string]dbplugin.Plugin
	pools   *pools

	cfgMu    sync.Mutex // serialises connection writes, resets, deletes and root rotations
	staticMu sync.Mutex // serialises static role writes and rotations
	sched    *schedule

	stop context.CancelFunc
	wg   sync.WaitGroup
}

// Factory builds a database engine for a new mount with default Options.
func Factory(ctx context.Context, conf *logical.BackendConfig) (logical.Backend, error) {
	return New(ctx, conf, Options{})
}

// New builds a database engine. It loads the static roles' schedule from
// storage and starts the rotator unless opts disable it.
func New(ctx context.Context, conf *logical.BackendConfig, opts Options) (*Backend, error) {
	if conf == nil || conf.StorageView == nil {
		return nil, fmt.Errorf("database: a storage view is required")
	}
	b := &Backend{
		view:    conf.StorageView,
		log:     conf.Logger,
		sys:     conf.System,
		now:     opts.Now,
		rand:    opts.Rand,
		plugins: opts.Plugins,
		pools:   newPools(),
		sched:   newSchedule(),
	}
	if b.log == nil {
		b.log = slog.New(slog.DiscardHandler)
	}
	if b.sys == nil {
		b.sys = logical.StaticSystemView{}
	}
	if b.now == nil {
		b.now = b.sys.Now
	}
	if b.rand == nil {
		b.rand = rand.Reader
	}
	if b.plugins == nil {
		b.plugins = DefaultPlugins()
	}
	b.Backend = &framework.Backend{
		BackendType: logical.TypeSecrets,
		Paths: []*framework.Path{
			b.configListPath(), b.configPath(), b.resetPath(), b.rotateRootPath(),
			b.roleListPath(), b.rolePath(), b.credsPath(),
			b.staticRoleListPath(), b.staticRolePath(), b.staticCredsPath(), b.rotateRolePath(),
		},
		PathsSpecial: &logical.Paths{},
		Secrets: map[string]*framework.Secret{
			secretTypeCreds: {Renew: b.credsRenew, Revoke: b.credsRevoke},
		},
		Clean: b.cleanup,
	}
	if err := b.Backend.Init(); err != nil {
		return nil, err
	}
	if err := b.loadSchedule(ctx); err != nil {
		return nil, err
	}
	life, stop := context.WithCancel(context.Background())
	b.stop = stop
	if opts.RotationCheck >= 0 {
		every := opts.RotationCheck
		if every == 0 {
			every = defaultRotationCheck
		}
		b.wg.Add(1)
		go b.rotator(life, every)
	}
	return b, nil
}

// cleanup stops the rotator, waits for it and closes every pool.
func (b *Backend) cleanup(context.Context) {
	b.stop()
	b.wg.Wait()
	b.pools.closeAll()
}

// leaseTTLs returns a role's lease TTL and max TTL after the mount's
// defaults and caps.
func (b *Backend) leaseTTLs(r *role) (ttl, maxTTL time.Duration) {
	ttl, maxTTL = r.DefaultTTL, r.MaxTTL
	if ttl == 0 {
		ttl = b.sys.DefaultLeaseTTL()
	}
	if mountMax := b.sys.MaxLeaseTTL(); mountMax > 0 && (maxTTL == 0 || maxTTL > mountMax) {
		maxTTL = mountMax
	}
	if maxTTL > 0 && ttl > maxTTL {
		ttl = maxTTL
	}
	return ttl, maxTTL
}
