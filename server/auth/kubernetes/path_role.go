package kubernetes

import (
	"context"

	"github.com/cofre-io/cofre/server/auth/tokenutil"
	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
)

// legacyFields are the pre-token_* names roles still accept and show.
var legacyFields = []string{tokenutil.LegacyTTL, tokenutil.LegacyMaxTTL, tokenutil.LegacyPeriod, tokenutil.LegacyBoundCIDRs}

func roleFields() map[string]*framework.FieldSchema {
	m := tokenutil.Fields(legacyFields...)
	m["name"] = &framework.FieldSchema{Type: framework.TypeLowerCaseString, Required: true, Description: "Name of the role (case-insensitive)."}
	m["bound_service_account_names"] = &framework.FieldSchema{
		Type: framework.TypeCommaStringSlice, Description: `ServiceAccount names allowed to log in; "*" is any, "app-*" a glob.`,
	}
	m["bound_service_account_namespaces"] = &framework.FieldSchema{
		Type: framework.TypeCommaStringSlice, Description: `Namespaces allowed to log in; "*" is any, "team-*" a glob.`,
	}
	m["audience"] = &framework.FieldSchema{Type: framework.TypeString, Description: "Audience the ServiceAccount token must carry."}
	m["alias_name_source"] = &framework.FieldSchema{
		Type: framework.TypeString, Default: AliasSourceUID,
		Description: "How identity alias names are built: serviceaccount_uid or serviceaccount_name.",
	}
	return m
}

func (b *backend) pathRoleList() *framework.Path {
	return &framework.Path{
		Pattern:      "role/?",
		Operations:   map[logical.Operation]framework.OperationFunc{logical.ListOperation: b.roleList},
		HelpSynopsis: "List the roles.",
	}
}

func (b *backend) pathRole() *framework.Path {
	return &framework.Path{
		Pattern: "role/" + framework.GenericNameRegex("name"),
		Fields:  roleFields(),
		Operations: map[logical.Operation]framework.OperationFunc{
			logical.CreateOperation: b.roleWrite,
			logical.UpdateOperation: b.roleWrite,
			logical.ReadOperation:   b.roleRead,
			logical.DeleteOperation: b.roleDelete,
		},
		ExistenceCheck: b.roleExists,
		HelpSynopsis:   "Create, read, update or delete a role binding ServiceAccounts to token settings.",
	}
}

func (b *backend) roleList(ctx context.Context, req *logical.Request, _ *framework.FieldData) (*logical.Response, error) {
	keys, err := req.Storage.List(ctx, "role/")
	if err != nil {
		return nil, err
	}
	return framework.ListResponse(keys), nil
}

func (b *backend) roleExists(ctx context.Context, req *logical.Request, d *framework.FieldData) (bool, error) {
	r, err := getRole(ctx, req.Storage, d.String("name"))
	return r != nil, err
}

func (b *backend) roleRead(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	r, err := getRole(ctx, req.Storage, d.String("name"))
	if err != nil || r == nil {
		return nil, err
	}
	m := map[string]any{
		"bound_service_account_names":      r.BoundNames,
		"bound_service_account_namespaces": r.BoundNamespaces,
		"audience":                         r.Audience,
		"alias_name_source":                r.AliasNameSource,
	}
	r.TokenParams.ResponseData(m, legacyFields...)
	return &logical.Response{Data: m}, nil
}

// roleWrite creates a role or updates the fields the request names; the
// result is validated as a whole.
func (b *backend) roleWrite(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	name := d.String("name")
	b.roleMu.Lock()
	defer b.roleMu.Unlock()
	old, err := getRole(ctx, req.Storage, name)
	if err != nil {
		return nil, err
	}
	r := &role{AliasNameSource: AliasSourceUID}
	if old != nil {
		cp := *old
		r = &cp
	}
	if v, ok := d.GetOk("bound_service_account_names"); ok {
		r.BoundNames = cleanList(v.([]string))
	}
	if v, ok := d.GetOk("bound_service_account_namespaces"); ok {
		r.BoundNamespaces = cleanList(v.([]string))
	}
	if v, ok := d.GetOk("audience"); ok {
		r.Audience = v.(string)
	}
	if v, ok := d.GetOk("alias_name_source"); ok {
		r.AliasNameSource = v.(string)
	}
	if err := r.TokenParams.ParseFrom(d); err != nil {
		return nil, err
	}
	if err := r.validate(); err != nil {
		return nil, err
	}
	return nil, putRole(ctx, req.Storage, name, r)
}

func (b *backend) roleDelete(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	b.roleMu.Lock()
	defer b.roleMu.Unlock()
	return nil, req.Storage.Delete(ctx, roleKey(d.String("name")))
}
