package tokenauth

import (
	"context"
	"errors"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
	"github.com/cofre-io/cofre/server/token"
)

func (b *backend) revokePaths() []*framework.Path {
	tokenField := map[string]*framework.FieldSchema{"token": {Type: framework.TypeString}}
	return []*framework.Path{
		{
			Pattern:    "revoke",
			Fields:     tokenField,
			Operations: map[logical.Operation]framework.OperationFunc{logical.UpdateOperation: b.handleRevoke},
		},
		{
			Pattern:    "revoke-self",
			Operations: map[logical.Operation]framework.OperationFunc{logical.UpdateOperation: b.handleRevokeSelf},
		},
		{
			Pattern:    "revoke-accessor",
			Fields:     map[string]*framework.FieldSchema{"accessor": {Type: framework.TypeString}},
			Operations: map[logical.Operation]framework.OperationFunc{logical.UpdateOperation: b.handleRevokeAccessor},
		},
		{
			Pattern:    "revoke-orphan",
			Fields:     tokenField,
			Operations: map[logical.Operation]framework.OperationFunc{logical.UpdateOperation: b.handleRevokeOrphan},
		},
	}
}

func (b *backend) handleRevoke(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	id := d.String("token")
	if id == "" {
		return nil, badRequest("missing token ID")
	}
	return b.revokeValue(ctx, id)
}

func (b *backend) handleRevokeSelf(ctx context.Context, req *logical.Request, _ *framework.FieldData) (*logical.Response, error) {
	return b.revokeValue(ctx, callerToken(req))
}

// revokeValue revokes a token's tree; an unknown token is not an error
// (as in Vault, the answer is 204 either way).
func (b *backend) revokeValue(ctx context.Context, id string) (*logical.Response, error) {
	te, err := b.core.Tokens().LookupTainted(ctx, id)
	if errors.Is(err, token.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return nil, storeErr(b.core.Tokens().Revoke(ctx, te))
}

func (b *backend) handleRevokeAccessor(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	te, err := b.byAccessor(ctx, d)
	if err != nil {
		return nil, err
	}
	return nil, storeErr(b.core.Tokens().Revoke(ctx, te))
}

func (b *backend) handleRevokeOrphan(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	id := d.String("token")
	if id == "" {
		return nil, badRequest("missing token ID")
	}
	caller, err := b.caller(ctx, req)
	if err != nil || !b.core.SudoPrivilege(ctx, caller, req.MountPoint+req.Path) {
		return nil, badRequest("root or sudo privileges required to revoke and orphan")
	}
	te, err := b.core.Tokens().Lookup(ctx, id)
	if errors.Is(err, token.ErrNotFound) {
		return nil, badRequest("token to revoke not found")
	}
	if err != nil {
		return nil, err
	}
	return nil, storeErr(b.core.Tokens().RevokeOrphan(ctx, te))
}
