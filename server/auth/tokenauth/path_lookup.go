package tokenauth

import (
	"context"
	"errors"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
	"github.com/cofre-io/cofre/server/token"
)

func (b *backend) lookupPaths() []*framework.Path {
	tokenField := map[string]*framework.FieldSchema{"token": {Type: framework.TypeString}}
	return []*framework.Path{
		{
			Pattern: "lookup",
			Fields:  tokenField,
			Operations: map[logical.Operation]framework.OperationFunc{
				logical.ReadOperation:   b.handleLookup,
				logical.UpdateOperation: b.handleLookup,
			},
		},
		{
			Pattern: "lookup-self",
			Fields:  tokenField,
			Operations: map[logical.Operation]framework.OperationFunc{
				logical.ReadOperation:   b.handleLookupSelf,
				logical.UpdateOperation: b.handleLookupSelf,
			},
		},
		{
			Pattern: "lookup-accessor",
			Fields:  map[string]*framework.FieldSchema{"accessor": {Type: framework.TypeString}},
			Operations: map[logical.Operation]framework.OperationFunc{
				logical.UpdateOperation: b.handleLookupAccessor,
			},
		},
		{
			Pattern: "accessors/?",
			Operations: map[logical.Operation]framework.OperationFunc{
				logical.ListOperation: b.handleListAccessors,
			},
		},
	}
}

func (b *backend) handleLookupSelf(ctx context.Context, req *logical.Request, _ *framework.FieldData) (*logical.Response, error) {
	return b.lookupByValue(ctx, callerToken(req))
}

func (b *backend) handleLookup(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	id := d.String("token")
	if id == "" {
		id = callerToken(req)
	}
	return b.lookupByValue(ctx, id)
}

func callerToken(req *logical.Request) string {
	if req.Caller == nil {
		return ""
	}
	return req.Caller.TokenID
}

func (b *backend) lookupByValue(ctx context.Context, id string) (*logical.Response, error) {
	if id == "" {
		return nil, badRequest("missing token ID")
	}
	// Tainted: a single-use token may look itself up on its last use.
	te, err := b.core.Tokens().LookupTainted(ctx, id)
	if errors.Is(err, token.ErrNotFound) {
		return nil, logical.Errorf(logical.ErrPermissionDenied, "bad token")
	}
	if err != nil {
		return nil, err
	}
	return &logical.Response{Data: lookupData(te, b.now(), true)}, nil
}

func (b *backend) byAccessor(ctx context.Context, d *framework.FieldData) (*token.Entry, error) {
	acc := d.String("accessor")
	if acc == "" {
		return nil, badRequest("missing accessor")
	}
	te, err := b.core.Tokens().LookupAccessor(ctx, acc)
	if errors.Is(err, token.ErrNotFound) {
		return nil, badRequest("invalid accessor")
	}
	return te, err
}

func (b *backend) handleLookupAccessor(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	te, err := b.byAccessor(ctx, d)
	if err != nil {
		return nil, err
	}
	return &logical.Response{Data: lookupData(te, b.now(), false)}, nil
}

func (b *backend) handleListAccessors(ctx context.Context, _ *logical.Request, _ *framework.FieldData) (*logical.Response, error) {
	accs, err := b.core.Tokens().ListAccessors(ctx)
	if err != nil {
		return nil, err
	}
	return framework.ListResponse(accs), nil
}
