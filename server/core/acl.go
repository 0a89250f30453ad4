package core

import (
	"context"
	"strings"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/mount"
	"github.com/cofre-io/cofre/server/policy"
	"github.com/cofre-io/cofre/server/policystore"
	"github.com/cofre-io/cofre/server/token"
)

// Policies exposes the policy store to the system backend.
func (c *Core) Policies() *policystore.Store { return c.policies }

// authorize checks the token's ACL for the request. full is the path as the
// client sent it: policies name full paths. Root-protected paths need sudo.
func (c *Core) authorize(ctx context.Context, te *token.Entry, route *mount.Route, full string, req *logical.Request) error {
	if te == nil {
		return errPermissionDenied
	}
	if handled, allowed := wrappingTokenAuthorized(te, full, req.Operation); handled {
		if !allowed {
			return errPermissionDenied
		}
		return nil
	}
	acl, err := c.policies.ACL(te.Policies)
	if err != nil {
		return err
	}
	op := req.Operation
	if op == logical.HelpOperation {
		op = logical.ReadOperation
	}
	path := strings.TrimPrefix(full, "/")
	res := acl.Allowed(policy.Request{Op: policy.Operation(op), Path: path, Params: req.Data})
	if !res.Allowed && op == logical.ListOperation && strings.HasSuffix(path, "/") {
		// As in Vault, a rule naming the folder itself ("secret/metadata/demo")
		// also grants listing it ("secret/metadata/demo/").
		res = acl.Allowed(policy.Request{Op: policy.List, Path: strings.TrimSuffix(path, "/")})
	}
	if !res.Allowed {
		return errPermissionDenied
	}
	if route != nil && route.IsRootPath(req.Path) && !res.Sudo {
		return errPermissionDenied
	}
	if req.WrapTTL == 0 && res.MinWrappingTTL > 0 {
		return logical.Errorf(logical.ErrInvalidRequest, "request requires wrapping but no wrapping TTL was specified")
	}
	if req.WrapTTL > 0 {
		if res.MinWrappingTTL > 0 && req.WrapTTL < res.MinWrappingTTL {
			return logical.Errorf(logical.ErrInvalidRequest, "wrapping TTL is lower than the minimum the policy allows")
		}
		if res.MaxWrappingTTL > 0 && req.WrapTTL > res.MaxWrappingTTL {
			return logical.Errorf(logical.ErrInvalidRequest, "wrapping TTL is greater than the maximum the policy allows")
		}
	}
	return nil
}

// Capabilities returns what a token value may do on each path
// (sys/capabilities, sys/capabilities-self).
func (c *Core) Capabilities(ctx context.Context, tok string, paths []string) (map[string][]string, error) {
	te, err := c.tokens.Lookup(ctx, tok)
	if err != nil {
		return nil, logical.Errorf(logical.ErrInvalidRequest, "invalid token")
	}
	return c.capabilitiesOf(te, paths)
}

// CapabilitiesAccessor is Capabilities by token accessor.
func (c *Core) CapabilitiesAccessor(ctx context.Context, accessor string, paths []string) (map[string][]string, error) {
	te, err := c.tokens.LookupAccessor(ctx, accessor)
	if err != nil {
		return nil, logical.Errorf(logical.ErrInvalidRequest, "invalid accessor")
	}
	return c.capabilitiesOf(te, paths)
}

func (c *Core) capabilitiesOf(te *token.Entry, paths []string) (map[string][]string, error) {
	acl, err := c.policies.ACL(te.Policies)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]string, len(paths))
	for _, p := range paths {
		out[p] = acl.Capabilities(strings.TrimPrefix(p, "/"))
	}
	return out, nil
}
