package tokenauth

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
	"github.com/cofre-io/cofre/server/token"
)

func roleFields() map[string]*framework.FieldSchema {
	return map[string]*framework.FieldSchema{
		"role_name":                {Type: framework.TypeString},
		"allowed_policies":         {Type: framework.TypeCommaStringSlice},
		"disallowed_policies":      {Type: framework.TypeCommaStringSlice},
		"allowed_policies_glob":    {Type: framework.TypeCommaStringSlice},
		"disallowed_policies_glob": {Type: framework.TypeCommaStringSlice},
		"orphan":                   {Type: framework.TypeBool},
		"renewable":                {Type: framework.TypeBool, Default: true},
		"path_suffix":              {Type: framework.TypeString},
		"allowed_entity_aliases":   {Type: framework.TypeCommaStringSlice},
		"period":                   {Type: framework.TypeDurationSecond},
		"token_period":             {Type: framework.TypeDurationSecond},
		"explicit_max_ttl":         {Type: framework.TypeDurationSecond},
		"token_explicit_max_ttl":   {Type: framework.TypeDurationSecond},
		"bound_cidrs":              {Type: framework.TypeCommaStringSlice},
		"token_bound_cidrs":        {Type: framework.TypeCommaStringSlice},
		"token_no_default_policy":  {Type: framework.TypeBool},
		"token_num_uses":           {Type: framework.TypeInt},
		"token_type":               {Type: framework.TypeLowerCaseString},
	}
}

func (b *backend) rolePaths() []*framework.Path {
	return []*framework.Path{
		{
			Pattern: "roles/?",
			Operations: map[logical.Operation]framework.OperationFunc{
				logical.ListOperation: b.handleRoleList,
			},
		},
		{
			Pattern: "roles/" + framework.GenericNameRegex("role_name"),
			Fields:  roleFields(),
			Operations: map[logical.Operation]framework.OperationFunc{
				logical.ReadOperation:   b.handleRoleRead,
				logical.CreateOperation: b.handleRoleWrite,
				logical.UpdateOperation: b.handleRoleWrite,
				logical.DeleteOperation: b.handleRoleDelete,
			},
			ExistenceCheck: b.roleExists,
		},
	}
}

func (b *backend) roleExists(ctx context.Context, req *logical.Request, d *framework.FieldData) (bool, error) {
	r, err := loadRole(ctx, req.Storage, d.String("role_name"))
	return r != nil, err
}

func (b *backend) handleRoleList(ctx context.Context, req *logical.Request, _ *framework.FieldData) (*logical.Response, error) {
	keys, err := req.Storage.List(ctx, rolesPrefix)
	if err != nil {
		return nil, err
	}
	return framework.ListResponse(keys), nil
}

func (b *backend) handleRoleRead(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	r, err := loadRole(ctx, req.Storage, d.String("role_name"))
	if err != nil || r == nil {
		return nil, err
	}
	return &logical.Response{Data: r.data()}, nil
}

func (b *backend) handleRoleDelete(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	name := d.String("role_name")
	if name == "" {
		return nil, badRequest("role name cannot be empty")
	}
	return nil, req.Storage.Delete(ctx, rolesPrefix+name)
}

// handleRoleWrite creates or updates a role: on update only the fields
// given change; on create the rest take their defaults.
func (b *backend) handleRoleWrite(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	name := d.String("role_name")
	r, err := loadRole(ctx, req.Storage, name)
	if err != nil {
		return nil, err
	}
	if r == nil {
		r = newRole(name)
	}
	resp := &logical.Response{}
	set := func(field string, apply func(v any)) {
		if v, ok := d.GetOk(field); ok {
			apply(v)
		}
	}
	set("allowed_policies", func(v any) { r.AllowedPolicies = token.SanitizePolicies(v.([]string), false) })
	set("disallowed_policies", func(v any) { r.DisallowedPolicies = dedupe(v.([]string)) })
	set("allowed_policies_glob", func(v any) { r.AllowedPoliciesGlob = token.SanitizePolicies(v.([]string), false) })
	set("disallowed_policies_glob", func(v any) { r.DisallowedPoliciesGlob = dedupe(v.([]string)) })
	set("orphan", func(v any) { r.Orphan = v.(bool) })
	set("renewable", func(v any) { r.Renewable = v.(bool) })
	set("path_suffix", func(v any) { r.PathSuffix = strings.TrimSpace(v.(string)) })
	set("allowed_entity_aliases", func(v any) { r.AllowedEntityAliases = dedupe(v.([]string)) })
	set("token_no_default_policy", func(v any) { r.TokenNoDefaultPolicy = v.(bool) })
	set("token_num_uses", func(v any) { r.TokenNumUses = v.(int) })
	preferNew(d, resp, "token_period", "period", func(v any) { r.TokenPeriod = v.(time.Duration) })
	preferNew(d, resp, "token_explicit_max_ttl", "explicit_max_ttl", func(v any) { r.TokenExplicitMaxTTL = v.(time.Duration) })
	var cidrErr error
	preferNew(d, resp, "token_bound_cidrs", "bound_cidrs", func(v any) {
		cidrs := v.([]string)
		for _, c := range cidrs {
			if !token.ValidCIDR(c) {
				cidrErr = badRequest("error parsing bound_cidrs: invalid CIDR %q", c)
			}
		}
		r.TokenBoundCIDRs = cidrs
	})
	if cidrErr != nil {
		return nil, cidrErr
	}
	if t, ok := d.GetOk("token_type"); ok {
		switch typ := t.(string); typ {
		case typeDefault, "":
			r.TokenType = typeDefaultService
		case typeDefaultService, typeDefaultBatch, token.TypeService, token.TypeBatch:
			r.TokenType = typ
		default:
			return nil, badRequest("invalid 'token_type' value %q", typ)
		}
	}
	if err := r.validate(b.limits().MaxTTL, resp); err != nil {
		return nil, err
	}
	if err := saveRole(ctx, req.Storage, r); err != nil {
		return nil, err
	}
	if len(resp.Warnings) == 0 {
		return nil, nil
	}
	return resp, nil
}

func (r *role) validate(mountMax time.Duration, resp *logical.Response) error {
	if r.TokenNumUses < 0 {
		return badRequest("token_num_uses cannot be negative")
	}
	if strings.Contains(r.PathSuffix, "..") {
		return badRequest("error registering path suffix: path cannot contain parent references")
	}
	if r.TokenExplicitMaxTTL != 0 && mountMax != 0 && r.TokenExplicitMaxTTL > mountMax {
		resp.Warnings = append(resp.Warnings, fmt.Sprintf(
			"Given explicit max TTL of %d is greater than system/mount allowed value of %d seconds; until this is fixed attempting to create tokens against this role will result in an error",
			int64(r.TokenExplicitMaxTTL/time.Second), int64(mountMax/time.Second)))
	}
	if r.TokenType == token.TypeBatch {
		switch {
		case !r.Orphan:
			return badRequest("'token_type' cannot be 'batch' when role is set to generate non-orphan tokens")
		case r.TokenPeriod != 0:
			return badRequest("'token_type' cannot be 'batch' when role is set to generate periodic tokens")
		case r.Renewable:
			return badRequest("'token_type' cannot be 'batch' when role is set to generate renewable tokens")
		case r.TokenExplicitMaxTTL != 0:
			return badRequest("'token_type' cannot be 'batch' when role is set to generate tokens with an explicit max TTL")
		}
	}
	return nil
}

// preferNew applies the token_-prefixed field, or else its legacy alias,
// warning when both are given.
func preferNew(d *framework.FieldData, resp *logical.Response, field, legacy string, apply func(v any)) {
	v, ok := d.GetOk(field)
	if ok {
		if _, both := d.GetOk(legacy); both {
			resp.Warnings = append(resp.Warnings, fmt.Sprintf("Both '%s' and deprecated '%s' value supplied, ignoring the deprecated value", field, legacy))
		}
		apply(v)
		return
	}
	if v, ok := d.GetOk(legacy); ok {
		apply(v)
	}
}

func dedupe(in []string) []string {
	out := make([]string, 0, len(in))
	for _, s := range in {
		if s = strings.ToLower(strings.TrimSpace(s)); s != "" {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
