package tokenauth

import (
	"context"
	"errors"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
	"github.com/cofre-io/cofre/server/token"
)

func (b *backend) renewPaths() []*framework.Path {
	return []*framework.Path{
		{
			Pattern: "renew",
			Fields: map[string]*framework.FieldSchema{
				"token":     {Type: framework.TypeString},
				"increment": {Type: framework.TypeDurationSecond},
			},
			Operations: map[logical.Operation]framework.OperationFunc{logical.UpdateOperation: b.handleRenew},
		},
		{
			Pattern: "renew-self",
			Fields: map[string]*framework.FieldSchema{
				"token":     {Type: framework.TypeString},
				"increment": {Type: framework.TypeDurationSecond},
			},
			Operations: map[logical.Operation]framework.OperationFunc{logical.UpdateOperation: b.handleRenewSelf},
		},
		{
			Pattern: "renew-accessor",
			Fields: map[string]*framework.FieldSchema{
				"accessor":  {Type: framework.TypeString},
				"increment": {Type: framework.TypeDurationSecond},
			},
			Operations: map[logical.Operation]framework.OperationFunc{logical.UpdateOperation: b.handleRenewAccessor},
		},
	}
}

func (b *backend) handleRenew(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	id := d.String("token")
	if id == "" {
		return nil, badRequest("missing token ID")
	}
	return b.renewValue(ctx, id, d)
}

func (b *backend) handleRenewSelf(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	return b.renewValue(ctx, callerToken(req), d)
}

func (b *backend) renewValue(ctx context.Context, id string, d *framework.FieldData) (*logical.Response, error) {
	if id == "" {
		return nil, badRequest("missing token ID")
	}
	te, err := b.core.Tokens().Lookup(ctx, id)
	if errors.Is(err, token.ErrNotFound) {
		return nil, badRequest("token not found")
	}
	if err != nil {
		return nil, err
	}
	return b.renew(ctx, te, id, d)
}

func (b *backend) handleRenewAccessor(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	te, err := b.byAccessor(ctx, d)
	if err != nil {
		return nil, err
	}
	return b.renew(ctx, te, "", d)
}

func (b *backend) renew(ctx context.Context, te *token.Entry, shown string, d *framework.FieldData) (*logical.Response, error) {
	limits := b.core.TokenLimits(te.Path)
	if r, ok := b.core.(AuthRenewer); ok {
		// The issuing auth method may refuse (its role or user is gone or
		// no longer matches the token) and its role's max TTL caps the
		// token's life.
		maxTTL, err := r.RenewAuth(ctx, te, d.Duration("increment"))
		if err != nil {
			return nil, err
		}
		if maxTTL > 0 && (limits.MaxTTL <= 0 || maxTTL < limits.MaxTTL) {
			limits.MaxTTL = maxTTL
		}
	}
	renewed, warnings, err := b.core.Tokens().Renew(ctx, te, d.Duration("increment"), limits)
	if err != nil {
		return nil, storeErr(err)
	}
	return &logical.Response{Auth: authOf(renewed, shown), Warnings: warnings}, nil
}
