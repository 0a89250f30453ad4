package kv

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
	"github.com/cofre-io/cofre/server/storage"
)

// engineConfig is the version 2 engine configuration stored at "config".
type engineConfig struct {
	MaxVersions uint32        `json:"max_versions"`
	CASRequired bool          `json:"cas_required"`
	DeleteAfter time.Duration `json:"delete_version_after"`
}

func (b *Backend) configPath() *framework.Path {
	return &framework.Path{
		Pattern: "config",
		Fields: map[string]*framework.FieldSchema{
			"max_versions":         {Type: framework.TypeInt},
			"cas_required":         {Type: framework.TypeBool},
			"delete_version_after": {Type: framework.TypeDurationSecond},
		},
		Operations: map[logical.Operation]framework.OperationFunc{
			logical.ReadOperation:   b.configRead,
			logical.UpdateOperation: b.configWrite,
		},
		HelpSynopsis: "Configures settings for the KV store.",
	}
}

// config returns the engine configuration, read from storage once and
// cached: this backend is the only writer of its view.
func (b *Backend) config(ctx context.Context) (*engineConfig, error) {
	if c := b.cfg.Load(); c != nil {
		return c, nil
	}
	b.cfgMu.Lock()
	defer b.cfgMu.Unlock()
	return b.configLocked(ctx)
}

// configLocked is config with cfgMu held.
func (b *Backend) configLocked(ctx context.Context) (*engineConfig, error) {
	if c := b.cfg.Load(); c != nil {
		return c, nil
	}
	e, err := b.st.view.Get(ctx, keyConfig)
	if err != nil {
		return nil, fmt.Errorf("kv: read config: %w", err)
	}
	c := &engineConfig{}
	if e != nil {
		if err := json.Unmarshal(e.Value, c); err != nil {
			return nil, fmt.Errorf("%w: config: %v", ErrCorrupt, err)
		}
	}
	b.cfg.Store(c)
	return c, nil
}

func (b *Backend) configRead(ctx context.Context, _ *logical.Request, _ *framework.FieldData) (*logical.Response, error) {
	c, err := b.config(ctx)
	if err != nil {
		return nil, err
	}
	return &logical.Response{Data: map[string]any{
		"max_versions":         c.MaxVersions,
		"cas_required":         c.CASRequired,
		"delete_version_after": c.DeleteAfter.String(),
	}}, nil
}

func (b *Backend) configWrite(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	b.cfgMu.Lock()
	defer b.cfgMu.Unlock()
	cur, err := b.configLocked(ctx)
	if err != nil {
		return nil, err
	}
	c := *cur
	if v, ok := d.GetOk("max_versions"); ok {
		n := v.(int)
		if n < 0 {
			return nil, badRequest("max_versions must not be negative")
		}
		c.MaxVersions = uint32(n)
	}
	if v, ok := d.GetOk("cas_required"); ok {
		c.CASRequired = v.(bool)
	}
	if v, ok := d.GetOk("delete_version_after"); ok {
		c.DeleteAfter = v.(time.Duration)
	}
	enc, err := json.Marshal(&c)
	if err != nil {
		return nil, err
	}
	if err := b.st.view.Put(ctx, &storage.Entry{Key: keyConfig, Value: enc}); err != nil {
		return nil, fmt.Errorf("kv: write config: %w", err)
	}
	b.cfg.Store(&c)
	return nil, nil
}
