package database

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/cofre-io/cofre/server/engines/database/dbplugin"
	"github.com/cofre-io/cofre/server/logical"
)

// pools holds one open DB per connection name. Its lock is held only to
// look up and swap entries; opening is lazy in the plugins, so holding it
// across Open costs little.
type pools struct {
	mu     sync.Mutex
	m      map[string]dbplugin.DB
	closed bool
}

func newPools() *pools { return &pools{m: make(map[string]dbplugin.DB)} }

// get returns the open DB for name, opening it with open if there is none.
func (p *pools) get(name string, open func() (dbplugin.DB, error)) (dbplugin.DB, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, ErrClosed
	}
	if db, ok := p.m[name]; ok {
		return db, nil
	}
	db, err := open()
	if err != nil {
		return nil, err
	}
	p.m[name] = db
	return db, nil
}

// replace installs db, a newly opened DB, for name (nil removes the entry)
// and closes the one it replaces, which lets statements under way finish.
// After closeAll, db itself is closed instead.
func (p *pools) replace(name string, db dbplugin.DB) {
	p.mu.Lock()
	drop := p.m[name]
	switch {
	case p.closed:
		drop = db
	case db != nil:
		p.m[name] = db
	default:
		delete(p.m, name)
	}
	p.mu.Unlock()
	if drop != nil {
		_ = drop.Close()
	}
}

// closeAll closes every pool and refuses new ones.
func (p *pools) closeAll() {
	p.mu.Lock()
	all := p.m
	p.m = map[string]dbplugin.DB{}
	p.closed = true
	p.mu.Unlock()
	for _, db := range all {
		_ = db.Close()
	}
}

// plugin returns the plugin for a plugin_name.
func (b *Backend) plugin(name string) (dbplugin.Plugin, error) {
	p, ok := b.plugins[name]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownPlugin, name)
	}
	return p, nil
}

// open opens a new DB for a configuration (not cached).
func (b *Backend) open(ctx context.Context, c *connConfig) (dbplugin.DB, error) {
	p, err := b.plugin(c.PluginName)
	if err != nil {
		return nil, err
	}
	return p.Open(ctx, dbplugin.ConnectionConfig{
		URL:         c.ConnectionURL,
		Username:    c.Username,
		Password:    c.Password,
		MaxOpen:     c.MaxOpenConnections,
		MaxIdle:     c.MaxIdleConnections,
		MaxLifetime: c.MaxConnectionLifetime,
	})
}

// conn returns the configuration named name and its open DB. A missing
// configuration is a 400 wrapping ErrNoConnection.
func (b *Backend) conn(ctx context.Context, name string) (*connConfig, dbplugin.DB, error) {
	c, err := b.loadConfig(ctx, name)
	if err != nil {
		return nil, nil, err
	}
	if c == nil {
		return nil, nil, &logical.Error{Kind: logical.ErrInvalidRequest, Msg: fmt.Sprintf("no database connection named %q", name), Err: ErrNoConnection}
	}
	db, err := b.pools.get(name, func() (dbplugin.DB, error) { return b.open(ctx, c) })
	if errors.Is(err, ErrClosed) {
		return nil, nil, &logical.Error{Kind: logical.ErrInternal, Msg: err.Error(), Err: err}
	}
	if err != nil {
		return nil, nil, dbError(logical.ErrInternal, "open connection "+name, err, c.Password)
	}
	return c, db, nil
}
