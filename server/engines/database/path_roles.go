package database

import (
	"context"
	"time"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
)

func (b *Backend) roleListPath() *framework.Path {
	return &framework.Path{
		Pattern: "roles/?",
		Operations: map[logical.Operation]framework.OperationFunc{
			logical.ListOperation: b.list(prefixRole),
		},
		HelpSynopsis: "Lists the dynamic roles.",
	}
}

func (b *Backend) rolePath() *framework.Path {
	return &framework.Path{
		Pattern: "roles/" + framework.GenericNameRegex("name"),
		Fields: map[string]*framework.FieldSchema{
			"name":                  {Type: framework.TypeString},
			"db_name":               {Type: framework.TypeString},
			"creation_statements":   {Type: framework.TypeStringSlice},
			"revocation_statements": {Type: framework.TypeStringSlice},
			"rollback_statements":   {Type: framework.TypeStringSlice},
			"renew_statements":      {Type: framework.TypeStringSlice},
			"default_ttl":           {Type: framework.TypeDurationSecond},
			"max_ttl":               {Type: framework.TypeDurationSecond},
			"credential_type":       {Type: framework.TypeString, Default: "password"},
			"credential_config":     {Type: framework.TypeMap},
		},
		ExistenceCheck: b.exists(prefixRole),
		Operations: map[logical.Operation]framework.OperationFunc{
			logical.CreateOperation: b.roleWrite,
			logical.UpdateOperation: b.roleWrite,
			logical.ReadOperation:   b.roleRead,
			logical.DeleteOperation: b.roleDelete,
		},
		HelpSynopsis: "Manages the roles that create dynamic database users.",
	}
}

func (b *Backend) roleWrite(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	name := d.String("name")
	r, err := b.loadRole(ctx, name)
	if err != nil {
		return nil, err
	}
	if r == nil {
		r = &role{}
	}
	if ct := d.String("credential_type"); ct != "password" {
		return nil, badRequest("credential_type %q is not supported; use \"password\"", ct)
	}
	setString(d, "db_name", &r.DBName)
	setStatements(d, "creation_statements", &r.CreationStatements)
	setStatements(d, "revocation_statements", &r.RevocationStatements)
	setStatements(d, "rollback_statements", &r.RollbackStatements)
	setStatements(d, "renew_statements", &r.RenewStatements)
	if v, ok := d.GetOk("default_ttl"); ok {
		r.DefaultTTL = v.(time.Duration)
	}
	if v, ok := d.GetOk("max_ttl"); ok {
		r.MaxTTL = v.(time.Duration)
	}
	switch {
	case r.DBName == "":
		return nil, badRequest("db_name is required")
	case len(r.CreationStatements) == 0:
		return nil, badRequest("creation_statements are required")
	case r.MaxTTL > 0 && r.DefaultTTL > r.MaxTTL:
		return nil, badRequest("default_ttl must not be greater than max_ttl")
	}
	if err := putJSON(ctx, b.view, prefixRole+name, r); err != nil {
		return nil, err
	}
	return nil, nil
}

// setStatements copies a statements field, normalised, when the request
// set it.
func setStatements(d *framework.FieldData, field string, dst *[]string) {
	if v, ok := d.GetOk(field); ok {
		*dst = normalizeStatements(v.([]string))
	}
}

func (b *Backend) roleRead(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	r, err := b.loadRole(ctx, d.String("name"))
	if err != nil || r == nil {
		return nil, err
	}
	return &logical.Response{Data: map[string]any{
		"db_name":               r.DBName,
		"creation_statements":   nonNil(r.CreationStatements),
		"revocation_statements": nonNil(r.RevocationStatements),
		"rollback_statements":   nonNil(r.RollbackStatements),
		"renew_statements":      nonNil(r.RenewStatements),
		"default_ttl":           int64(r.DefaultTTL / time.Second),
		"max_ttl":               int64(r.MaxTTL / time.Second),
		"credential_type":       "password",
	}}, nil
}

func (b *Backend) roleDelete(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	return nil, b.view.Delete(ctx, prefixRole+d.String("name"))
}
