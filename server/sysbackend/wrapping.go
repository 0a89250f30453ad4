package sysbackend

import (
	"context"
	"maps"
	"time"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
)

// WrappingCore is what the response-wrapping endpoints need. Token values
// are wrapping tokens; an unknown, expired, used or non-wrapping token is
// a 400 ("wrapping token is not valid or does not exist").
type WrappingCore interface {
	// Unwrap returns the wrapped response and destroys the token.
	Unwrap(ctx context.Context, token string) (*logical.Response, error)
	// WrapLookup returns the token's creation TTL (as TTL), time and path.
	WrapLookup(ctx context.Context, token string) (*logical.WrapInfo, error)
	// Rewrap moves the response into a new wrapping token and destroys
	// the old one.
	Rewrap(ctx context.Context, token string) (*logical.WrapInfo, error)
}

func (b *backend) wrappingPaths() []*framework.Path {
	wc, ok := b.core.(WrappingCore)
	if !ok {
		return nil
	}
	tokenField := map[string]*framework.FieldSchema{
		"token": {Type: framework.TypeString, Description: "The wrapping token; defaults to the request's own token."},
	}
	unwrap := func(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
		return wc.Unwrap(ctx, wrappingToken(req, d))
	}
	lookup := func(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
		wi, err := wc.WrapLookup(ctx, wrappingToken(req, d))
		if err != nil {
			return nil, err
		}
		return &logical.Response{Data: map[string]any{
			"creation_ttl":  int64(wi.TTL / time.Second),
			"creation_time": wi.CreationTime.UTC().Format(time.RFC3339Nano),
			"creation_path": wi.CreationPath,
		}}, nil
	}
	rewrap := func(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
		wi, err := wc.Rewrap(ctx, wrappingToken(req, d))
		if err != nil {
			return nil, err
		}
		return &logical.Response{WrapInfo: wi}, nil
	}
	wrap := func(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
		if req.WrapTTL <= 0 {
			return nil, logical.Errorf(logical.ErrInvalidRequest, "sys/wrapping/wrap needs a wrapping TTL (the X-Vault-Wrap-TTL header)")
		}
		// The core wraps this response; the body is returned as given.
		data := maps.Clone(req.Data)
		if data == nil {
			data = map[string]any{}
		}
		return &logical.Response{Data: data}, nil
	}
	update := func(fn framework.OperationFunc) map[logical.Operation]framework.OperationFunc {
		return map[logical.Operation]framework.OperationFunc{logical.UpdateOperation: fn}
	}
	return []*framework.Path{
		{Pattern: "wrapping/wrap", TakesArbitraryInput: true, Operations: update(wrap)},
		{Pattern: "wrapping/unwrap", Fields: tokenField, Operations: update(unwrap)},
		{Pattern: "wrapping/lookup", Fields: tokenField, Operations: map[logical.Operation]framework.OperationFunc{
			logical.UpdateOperation: lookup,
			logical.ReadOperation:   lookup,
		}},
		{Pattern: "wrapping/rewrap", Fields: tokenField, Operations: update(rewrap)},
	}
}

// wrappingToken is the token named in the body, else the request's own.
func wrappingToken(req *logical.Request, d *framework.FieldData) string {
	if t := d.String("token"); t != "" {
		return t
	}
	if req.Caller != nil {
		return req.Caller.TokenID
	}
	return ""
}
