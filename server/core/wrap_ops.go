package core

import (
	"context"
	"errors"
	"strings"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/sysbackend"
	"github.com/cofre-io/cofre/server/token"
)

// wrappingTokenPaths are the only requests a wrapping token may make (full
// paths); everything else is denied whatever policies exist.
var wrappingTokenPaths = map[string]bool{
	"sys/wrapping/unwrap": true,
	"sys/wrapping/lookup": true,
	"sys/wrapping/rewrap": true,
}

// wrappingTokenAuthorized decides requests made with a wrapping token.
// handled is false when te is not a wrapping token (the ACL decides); when
// true, allowed says whether te may perform op on path (the full request
// path, as authorize receives it). authorize must call it before building
// the token's ACL.
func wrappingTokenAuthorized(te *token.Entry, path string, op logical.Operation) (handled, allowed bool) {
	if !IsWrappingToken(te) {
		return false, false
	}
	switch op {
	case logical.UpdateOperation, logical.CreateOperation, logical.ReadOperation:
	default:
		return true, false
	}
	return true, wrappingTokenPaths[strings.TrimPrefix(path, "/")]
}

// wrappingEntry resolves a wrapping token value.
func (c *Core) wrappingEntry(ctx context.Context, tok string) (*token.Entry, error) {
	if tok == "" {
		return nil, errInvalidWrappingToken
	}
	te, err := c.tokens.Lookup(ctx, tok)
	if errors.Is(err, token.ErrNotFound) {
		return nil, errInvalidWrappingToken
	}
	if err != nil {
		return nil, err
	}
	if !IsWrappingToken(te) {
		return nil, errInvalidWrappingToken
	}
	return te, nil
}

// Unwrap returns the response wrapped in the wrapping token tok and
// destroys the token (sys/wrapping/unwrap). Of concurrent unwraps of one
// token exactly one succeeds; the others, and any later one, get a 400.
func (c *Core) Unwrap(ctx context.Context, tok string) (*logical.Response, error) {
	te, err := c.wrappingEntry(ctx, tok)
	if err != nil {
		return nil, err
	}
	cub, err := c.cubbyhole()
	if err != nil {
		return nil, err
	}
	v, err := cub.Take(ctx, te.Accessor, wrapResponseKey)
	if err != nil {
		return nil, err
	}
	if v == nil {
		return nil, errInvalidWrappingToken
	}
	c.revokeWrappingToken(ctx, cub, te)
	rec, err := decodeWrapRecord(v)
	if err != nil {
		return nil, err
	}
	return rec.toResponse(), nil
}

// WrapLookup reports a wrapping token's creation TTL, time and path
// without consuming it (sys/wrapping/lookup). WrapInfo.TTL is the creation
// TTL; Token and Accessor are left empty.
func (c *Core) WrapLookup(ctx context.Context, tok string) (*logical.WrapInfo, error) {
	_, _, rec, err := c.peekWrapped(ctx, tok)
	if err != nil {
		return nil, err
	}
	return &logical.WrapInfo{TTL: rec.CreationTTL, CreationTime: rec.CreationTime, CreationPath: rec.CreationPath}, nil
}

// Rewrap moves the response wrapped in tok into a new wrapping token with
// the same creation TTL and path, and destroys tok (sys/wrapping/rewrap).
// The new token exists before the old one is consumed, so a failure never
// loses the response; of concurrent rewraps (or unwraps) of one token
// exactly one succeeds.
func (c *Core) Rewrap(ctx context.Context, tok string) (*logical.WrapInfo, error) {
	te, cub, rec, err := c.peekWrapped(ctx, tok)
	if err != nil {
		return nil, err
	}
	wi, err := c.storeWrapped(ctx, rec, rec.CreationTTL)
	if err != nil {
		return nil, err
	}
	taken, err := cub.Take(ctx, te.Accessor, wrapResponseKey)
	if err != nil || taken == nil {
		// Someone else consumed the old token first: the new one must not
		// outlive this call.
		if nte, lerr := c.tokens.Lookup(ctx, wi.Token); lerr == nil {
			c.revokeWrappingToken(ctx, cub, nte)
		}
		if err != nil {
			return nil, err
		}
		return nil, errInvalidWrappingToken
	}
	c.revokeWrappingToken(ctx, cub, te)
	return wi, nil
}

var _ sysbackend.WrappingCore = (*Core)(nil)

// peekWrapped reads the response wrapped in tok without consuming it, with
// the wrapping token's entry and the cubbyhole that holds the response.
func (c *Core) peekWrapped(ctx context.Context, tok string) (*token.Entry, cubbyStore, *wrapRecord, error) {
	te, err := c.wrappingEntry(ctx, tok)
	if err != nil {
		return nil, nil, nil, err
	}
	cub, err := c.cubbyhole()
	if err != nil {
		return nil, nil, nil, err
	}
	v, err := cub.Get(ctx, te.Accessor, wrapResponseKey)
	if err != nil {
		return nil, nil, nil, err
	}
	if v == nil {
		return nil, nil, nil, errInvalidWrappingToken
	}
	rec, err := decodeWrapRecord(v)
	return te, cub, rec, err
}
