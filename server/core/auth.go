package core

import (
	"context"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
	"github.com/cofre-io/cofre/server/mount"
	"github.com/cofre-io/cofre/server/token"
)

// useToken counts one use of a token with num_uses; the token is revoked
// after its last use (the request it authorises still runs).
func (c *Core) useToken(ctx context.Context, te *token.Entry) error {
	return nil
}

// issueAuth turns a backend's Auth into a token.
func (c *Core) issueAuth(ctx context.Context, req *logical.Request, me *mount.Entry, parent *token.Entry, a *logical.Auth) error {
	if a.ClientToken != "" {
		// The backend created the token itself (token store endpoints).
		return nil
	}
	e := &token.Entry{
		Policies:       a.Policies,
		Path:           me.RoutePath() + req.Path,
		Meta:           a.Metadata,
		DisplayName:    me.Path[:len(me.Path)-1] + "-" + a.DisplayName,
		NumUses:        a.NumUses,
		TTL:            a.TTL,
		ExplicitMaxTTL: a.ExplicitMaxTTL,
		Period:         a.Period,
		Type:           a.TokenType,
		Orphan:         true,
		Renewable:      a.Renewable,
		EntityID:       a.EntityID,
		BoundCIDRs:     a.BoundCIDRs,
		InternalData:   a.InternalData,
	}
	if e.TTL == 0 {
		e.TTL = me.Config.DefaultLeaseTTL
		if e.TTL == 0 {
			e.TTL = c.mounts.Defaults().DefaultLeaseTTL
		}
	}
	if e.TTL > 0 {
		e.ExpireTime = c.cfg.Now().Add(e.TTL)
	}
	created, err := c.tokens.Create(ctx, e)
	if err != nil {
		return err
	}
	a.ClientToken = created.ID
	a.Accessor = created.Accessor
	a.TTL = e.TTL
	a.IssueTime = created.CreationTime
	return nil
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
