package core

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/token"
)

// ResponseWrappingPolicy is the only policy of a wrapping token. The core
// recognises the name itself (see wrappingTokenAuthorized); a stored policy
// of that name grants a wrapping token nothing.
const ResponseWrappingPolicy = "response-wrapping"

// wrapResponseKey is where a wrapped response lives in the wrapping token's
// cubbyhole.
const wrapResponseKey = "response"

var (
	// errInvalidWrappingToken is Vault's answer for a wrapping token that
	// is unknown, expired, already used, or not a wrapping token.
	errInvalidWrappingToken = logical.Errorf(logical.ErrInvalidRequest, "wrapping token is not valid or does not exist")
	// errNoCubbyhole means the cubbyhole engine is not mounted, so nothing
	// can be wrapped.
	errNoCubbyhole = errors.New("the cubbyhole engine is not mounted")
)

// IsWrappingToken reports whether te is a response-wrapping token.
func IsWrappingToken(te *token.Entry) bool {
	return te != nil && len(te.Policies) == 1 && te.Policies[0] == ResponseWrappingPolicy
}

// cubbyStore is what wrapping and revocation use of the cubbyhole engine
// (implemented by *cubbyhole.Backend); scopes are token accessors.
type cubbyStore interface {
	Put(ctx context.Context, accessor, path string, data map[string]any) error
	Get(ctx context.Context, accessor, path string) (map[string]any, error)
	Take(ctx context.Context, accessor, path string) (map[string]any, error)
	Destroy(ctx context.Context, accessor string) error
}

// cubbyhole returns the mounted cubbyhole engine.
func (c *Core) cubbyhole() (cubbyStore, error) {
	route, _, ok := c.mounts.Route("cubbyhole/")
	if !ok || route.Entry.Type != "cubbyhole" {
		return nil, errNoCubbyhole
	}
	cs, ok := route.Backend.(cubbyStore)
	if !ok {
		return nil, fmt.Errorf("core: cubbyhole backend %T cannot hold wrapped responses", route.Backend)
	}
	return cs, nil
}

// wrapResponse wraps resp in a single-use wrapping token when the request
// asked for it (X-Vault-Wrap-TTL; authorize has already applied the
// policy's min/max_wrapping_ttl). Responses with nothing to wrap pass
// through, a LIST with no keys becomes a 404 rather than a wrapped empty
// list, and a response already wrapped (rewrap) is returned as it is.
func (c *Core) wrapResponse(ctx context.Context, req *logical.Request, te *token.Entry, resp *logical.Response) (*logical.Response, error) {
	if req.WrapTTL <= 0 || resp == nil || resp.WrapInfo != nil {
		return resp, nil
	}
	if resp.Raw != nil {
		return nil, logical.Errorf(logical.ErrInvalidRequest, "a raw response cannot be wrapped")
	}
	if req.Operation == logical.ListOperation && emptyList(resp) {
		return nil, nil
	}
	if resp.Data == nil && resp.Auth == nil && resp.Secret == nil && len(resp.Warnings) == 0 {
		return resp, nil
	}
	path := req.MountPoint + req.Path
	rec := newWrapRecord(req, resp)
	rec.CreationPath = path
	if resp.Auth != nil {
		rec.WrappedAccessor = resp.Auth.Accessor
	} else if acc, ok := resp.Data["secret_id_accessor"].(string); ok && req.MountType == "approle" {
		rec.WrappedAccessor = acc
	}
	wi, err := c.storeWrapped(ctx, rec, req.WrapTTL)
	if err != nil {
		return nil, err
	}
	return &logical.Response{WrapInfo: wi}, nil
}

func emptyList(resp *logical.Response) bool {
	keys, ok := resp.Data["keys"]
	if !ok {
		return len(resp.Data) == 0 && len(resp.Warnings) == 0
	}
	switch k := keys.(type) {
	case []string:
		return len(k) == 0
	case []any:
		return len(k) == 0
	}
	return keys == nil
}

// storeWrapped creates a wrapping token living ttl and stores rec in its
// cubbyhole. On failure nothing is left behind.
func (c *Core) storeWrapped(ctx context.Context, rec *wrapRecord, ttl time.Duration) (*logical.WrapInfo, error) {
	cub, err := c.cubbyhole()
	if err != nil {
		return nil, fmt.Errorf("core: wrap response: %w", err)
	}
	now := c.cfg.Now().UTC()
	te, err := c.tokens.Create(ctx, &token.Entry{
		Policies:       []string{ResponseWrappingPolicy},
		Path:           rec.CreationPath,
		DisplayName:    "response-wrapping",
		CreationTime:   now,
		TTL:            ttl,
		ExplicitMaxTTL: ttl,
		ExpireTime:     now.Add(ttl),
		Type:           token.TypeService,
		Orphan:         true,
		// NumUses stays 0: a wrapping token is consumed by unwrap and
		// rewrap themselves (an atomic Take of its response), not by the
		// generic use counter, which must never revoke it before the
		// handler has read the response.
	})
	if err != nil {
		return nil, fmt.Errorf("core: create wrapping token: %w", err)
	}
	rec.CreationTime = now
	rec.CreationTTL = ttl
	data, err := rec.encode()
	if err == nil {
		err = cub.Put(ctx, te.Accessor, wrapResponseKey, data)
	}
	if err != nil {
		c.revokeWrappingToken(ctx, cub, te)
		return nil, fmt.Errorf("core: store wrapped response: %w", err)
	}
	return &logical.WrapInfo{
		Token:           te.ID,
		Accessor:        te.Accessor,
		TTL:             ttl,
		CreationTime:    now,
		CreationPath:    rec.CreationPath,
		WrappedAccessor: rec.WrappedAccessor,
	}, nil
}

// revokeWrappingToken revokes a wrapping token and destroys its
// cubbyhole. The cubbyhole is destroyed here as well as by the revocation
// hook so that no wrapped response outlives its token even where the hook
// is not registered. Failures are logged, not returned: the response is
// already taken or was never stored, and the token store retries a failed
// revocation; a leftover token reveals nothing and expires on its own.
func (c *Core) revokeWrappingToken(ctx context.Context, cub cubbyStore, te *token.Entry) {
	ctx = context.WithoutCancel(ctx)
	if err := cub.Destroy(ctx, te.Accessor); err != nil {
		c.log.Error("destroying a wrapping token's cubbyhole failed", "err", err)
	}
	if err := c.tokens.RevokeOrphan(ctx, te); err != nil {
		c.log.Warn("revoking a wrapping token failed; the token store will retry", "err", err)
	}
}
