package core

import (
	"context"

	"github.com/cofre-io/cofre/server/barrier"
	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
	"github.com/cofre-io/cofre/server/sysbackend"
)

// Rotate adds a barrier key term (sys/rotate).
func (c *Core) Rotate(ctx context.Context) (barrier.KeyInfo, error) { return c.barrier.Rotate(ctx) }

// KeyStatus reports the active barrier key term (sys/key-status).
func (c *Core) KeyStatus() (barrier.KeyInfo, error) { return c.barrier.KeyStatus() }

func (c *Core) systemFactory(ctx context.Context, conf *logical.BackendConfig) (logical.Backend, error) {
	return sysbackend.New(c)
}

// tokenFactory is the minimal token auth method: lookup-self. The full token
// store API replaces it.
func (c *Core) tokenFactory(ctx context.Context, conf *logical.BackendConfig) (logical.Backend, error) {
	b := &framework.Backend{
		BackendType: logical.TypeCredential,
		Paths: []*framework.Path{{
			Pattern: "lookup-self",
			Operations: map[logical.Operation]framework.OperationFunc{
				logical.ReadOperation: c.lookupSelf,
			},
		}},
	}
	return b, b.Init()
}

func (c *Core) lookupSelf(ctx context.Context, req *logical.Request, _ *framework.FieldData) (*logical.Response, error) {
	te, err := c.tokens.Lookup(ctx, req.Caller.TokenID)
	if err != nil {
		return nil, err
	}
	ttl := int64(0)
	var expire any
	if !te.ExpireTime.IsZero() {
		ttl = int64(te.ExpireTime.Sub(c.cfg.Now()).Seconds())
		expire = te.ExpireTime.UTC().Format("2006-01-02T15:04:05.999999999Z07:00")
	}
	return &logical.Response{Data: map[string]any{
		"accessor":         te.Accessor,
		"creation_time":    te.CreationTime.Unix(),
		"creation_ttl":     int64(te.TTL.Seconds()),
		"display_name":     te.DisplayName,
		"entity_id":        te.EntityID,
		"expire_time":      expire,
		"explicit_max_ttl": int64(te.ExplicitMaxTTL.Seconds()),
		"id":               te.ID,
		"meta":             te.Meta,
		"num_uses":         te.NumUses,
		"orphan":           te.Orphan,
		"path":             te.Path,
		"policies":         te.Policies,
		"renewable":        te.Renewable,
		"ttl":              ttl,
		"type":             te.Type,
	}}, nil
}
