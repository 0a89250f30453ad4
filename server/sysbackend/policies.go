package sysbackend

import (
	"context"
	"strings"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
	"github.com/cofre-io/cofre/server/policystore"
)

// PolicyCore is what the policy and capabilities endpoints need.
type PolicyCore interface {
	Policies() *policystore.Store
	Capabilities(ctx context.Context, token string, paths []string) (map[string][]string, error)
	CapabilitiesAccessor(ctx context.Context, accessor string, paths []string) (map[string][]string, error)
}

func (b *backend) policyPaths() []*framework.Path {
	pc, ok := b.core.(PolicyCore)
	if !ok {
		return nil
	}
	nameField := map[string]*framework.FieldSchema{
		"name":   {Type: framework.TypeString},
		"policy": {Type: framework.TypeString},
		"rules":  {Type: framework.TypeString},
	}
	list := func(legacy bool) framework.OperationFunc {
		return func(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
			names := pc.Policies().List()
			resp := framework.ListResponse(names)
			if legacy {
				resp.Data["policies"] = names
			}
			return resp, nil
		}
	}
	read := func(field string) framework.OperationFunc {
		return func(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
			name := policystore.NormalizeName(d.String("name"))
			text, ok := pc.Policies().Get(name)
			if !ok {
				return nil, nil
			}
			return &logical.Response{Data: map[string]any{"name": name, field: text}}, nil
		}
	}
	write := func(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
		text := d.String("policy")
		if text == "" {
			text = d.String("rules")
		}
		warnings, err := pc.Policies().Put(ctx, d.String("name"), text)
		if err != nil {
			return nil, err
		}
		if len(warnings) == 0 {
			return nil, nil
		}
		return &logical.Response{Warnings: warnings}, nil
	}
	del := func(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
		return nil, pc.Policies().Delete(ctx, d.String("name"))
	}
	exists := func(ctx context.Context, req *logical.Request, d *framework.FieldData) (bool, error) {
		_, ok := pc.Policies().Get(d.String("name"))
		return ok, nil
	}
	capFields := map[string]*framework.FieldSchema{
		"token":    {Type: framework.TypeString},
		"accessor": {Type: framework.TypeString},
		"path":     {Type: framework.TypeCommaStringSlice},
		"paths":    {Type: framework.TypeCommaStringSlice},
	}
	caps := func(kind string) framework.OperationFunc {
		return func(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
			paths := append(d.Strings("paths"), d.Strings("path")...)
			if len(paths) == 0 {
				return nil, logical.Errorf(logical.ErrInvalidRequest, "missing paths")
			}
			var res map[string][]string
			var err error
			switch kind {
			case "self":
				if req.Caller == nil {
					return nil, logical.Errorf(logical.ErrPermissionDenied, "permission denied")
				}
				res, err = pc.Capabilities(ctx, req.Caller.TokenID, paths)
			case "token":
				if d.String("token") == "" {
					return nil, logical.Errorf(logical.ErrInvalidRequest, "missing token")
				}
				res, err = pc.Capabilities(ctx, d.String("token"), paths)
			default:
				if d.String("accessor") == "" {
					return nil, logical.Errorf(logical.ErrInvalidRequest, "missing accessor")
				}
				res, err = pc.CapabilitiesAccessor(ctx, d.String("accessor"), paths)
			}
			if err != nil {
				return nil, err
			}
			data := map[string]any{}
			var all []string
			for p, c := range res {
				data[strings.TrimPrefix(p, "/")] = c
				all = append(all, c...)
			}
			if len(paths) == 1 {
				data["capabilities"] = res[paths[0]]
			} else {
				data["capabilities"] = dedupe(all)
			}
			return &logical.Response{Data: data}, nil
		}
	}
	ops := func(r framework.OperationFunc) map[logical.Operation]framework.OperationFunc {
		return map[logical.Operation]framework.OperationFunc{
			logical.ReadOperation:   r,
			logical.UpdateOperation: write,
			logical.CreateOperation: write,
			logical.DeleteOperation: del,
		}
	}
	return []*framework.Path{
		{Pattern: "policy/?", Operations: map[logical.Operation]framework.OperationFunc{logical.ReadOperation: list(true), logical.ListOperation: list(true)}},
		{Pattern: "policy/(?P<name>.+)", Fields: nameField, ExistenceCheck: exists, Operations: ops(read("rules"))},
		{Pattern: "policies/acl/?", Operations: map[logical.Operation]framework.OperationFunc{logical.ListOperation: list(false)}},
		{Pattern: "policies/acl/(?P<name>.+)", Fields: nameField, ExistenceCheck: exists, Operations: ops(read("policy"))},
		{Pattern: "capabilities", Fields: capFields, Operations: map[logical.Operation]framework.OperationFunc{logical.UpdateOperation: caps("token")}},
		{Pattern: "capabilities-self", Fields: capFields, Operations: map[logical.Operation]framework.OperationFunc{logical.UpdateOperation: caps("self")}},
		{Pattern: "capabilities-accessor", Fields: capFields, Operations: map[logical.Operation]framework.OperationFunc{logical.UpdateOperation: caps("accessor")}},
	}
}

func dedupe(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
