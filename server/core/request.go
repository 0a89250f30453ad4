package core

import (
	"context"
	"errors"
	"fmt"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/mount"
	"github.com/cofre-io/cofre/server/token"
)

// errPermissionDenied is Vault's exact 403 message.
var errPermissionDenied = logical.Errorf(logical.ErrPermissionDenied, "permission denied")

// HandleRequest runs one request through the pipeline. req.Path is the full
// path below /v1/; req.ClientToken the presented token.
//
// Audit fails closed: when audit devices are enabled, a request runs only
// after one of them recorded it, and its response is returned only after
// one of them recorded that too.
func (c *Core) HandleRequest(ctx context.Context, req *logical.Request) (*logical.Response, error) {
	c.stateLock.RLock()
	defer c.stateLock.RUnlock()
	if c.barrier.Sealed() {
		return nil, logical.ErrSealed
	}
	full := req.Path
	route, te, authErr := c.authenticate(ctx, req)
	if te != nil {
		// The request a token's last use authorises still runs; the token
		// is revoked after it.
		defer c.revokeIfUsedUp(ctx, te)
	}
	if err := c.auditRequest(ctx, full, req, te, authErr); err != nil {
		return nil, err
	}
	if authErr != nil {
		return nil, c.auditedError(ctx, full, req, te, authErr)
	}
	resp, err := c.execute(ctx, route, te, req)
	if aerr := c.auditResponse(ctx, full, req, te, resp, err); aerr != nil {
		return nil, aerr
	}
	return resp, err
}

// authenticate routes the request, resolves and checks its token, counts a
// use, turns a write into create or update, and checks the ACL. It leaves
// req ready for the backend.
func (c *Core) authenticate(ctx context.Context, req *logical.Request) (*mount.Route, *token.Entry, error) {
	route, rel, ok := c.mounts.Route(req.Path)
	if !ok {
		return nil, nil, logical.Errorf(logical.ErrUnsupportedPath, "no handler for route %q. route entry not found.", req.Path)
	}
	unauth := route.IsUnauthenticated(rel)
	var te *token.Entry
	if req.ClientToken != "" || !unauth {
		var err error
		te, err = c.resolveToken(ctx, req.ClientToken)
		if err != nil && !unauth {
			return route, nil, err
		}
	}
	if te != nil {
		if err := checkBoundCIDRs(te, req); err != nil {
			if !unauth {
				return route, nil, err
			}
			te = nil // an unauthenticated path ignores a token it may not use
		}
	}
	if te != nil {
		// Counts a use of a limited-use token.
		if err := c.useToken(ctx, te); err != nil {
			return route, nil, err
		}
	}
	full := req.Path
	c.prepare(req, route, rel, te)
	if err := c.existence(ctx, route, req); err != nil {
		return route, te, err
	}
	if !unauth {
		if err := c.authorize(ctx, te, route, full, req); err != nil {
			return route, te, err
		}
	}
	return route, te, nil
}

// execute calls the backend and turns what it returns into tokens, leases
// and wrapped responses.
func (c *Core) execute(ctx context.Context, route *mount.Route, te *token.Entry, req *logical.Request) (*logical.Response, error) {
	resp, err := route.Backend.HandleRequest(ctx, req)
	if err != nil {
		return resp, err
	}
	if resp != nil && resp.Auth != nil {
		if err := c.issueAuth(ctx, req, route.Entry, te, resp.Auth); err != nil {
			return nil, err
		}
	}
	if resp != nil && resp.Secret != nil {
		if err := c.registerLease(ctx, req, route, te, resp); err != nil {
			return nil, err
		}
	}
	return c.wrapResponse(ctx, req, te, resp)
}

func (c *Core) prepare(req *logical.Request, route *mount.Route, rel string, te *token.Entry) {
	req.Path = rel
	req.MountPoint = route.Entry.RoutePath()
	req.MountType = route.Entry.Type
	req.MountAccessor = route.Entry.Accessor
	req.Storage = route.View
	if te != nil {
		req.Caller = &logical.Caller{
			TokenID:       te.ID,
			Accessor:      te.Accessor,
			Policies:      append([]string(nil), te.Policies...),
			Metadata:      te.Meta,
			DisplayName:   te.DisplayName,
			EntityID:      te.EntityID,
			Root:          te.IsRoot(),
			Orphan:        te.Orphan,
			TokenType:     te.Type,
			TokenParentID: te.Parent,
		}
	}
}

// existence turns an update into a create when the target does not exist.
func (c *Core) existence(ctx context.Context, route *mount.Route, req *logical.Request) error {
	if req.Operation != logical.UpdateOperation && req.Operation != logical.CreateOperation {
		return nil
	}
	ec, ok := route.Backend.(logical.ExistenceChecker)
	if !ok {
		return nil
	}
	checked, exists, err := ec.ExistenceCheck(ctx, req)
	if err != nil {
		return fmt.Errorf("existence check: %w", err)
	}
	switch {
	case !checked:
		req.Operation = logical.UpdateOperation
	case exists:
		req.Operation = logical.UpdateOperation
	default:
		req.Operation = logical.CreateOperation
	}
	return nil
}

// resolveToken returns the live entry of a token value or a 403.
func (c *Core) resolveToken(ctx context.Context, id string) (*token.Entry, error) {
	if id == "" {
		return nil, errPermissionDenied
	}
	te, err := c.tokens.Lookup(ctx, id)
	if errors.Is(err, token.ErrNotFound) {
		return nil, logical.Errorf(logical.ErrPermissionDenied, "permission denied")
	}
	if err != nil {
		return nil, fmt.Errorf("token lookup: %w", err)
	}
	return te, nil
}
