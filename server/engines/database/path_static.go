package database

import (
	"context"
	"time"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
)

// minRotationPeriod is the shortest rotation_period accepted.
const minRotationPeriod = 5 * time.Second

func (b *Backend) staticRoleListPath() *framework.Path {
	return &framework.Path{
		Pattern: "static-roles/?",
		Operations: map[logical.Operation]framework.OperationFunc{
			logical.ListOperation: b.list(prefixStaticRole),
		},
		HelpSynopsis: "Lists the static roles.",
	}
}

func (b *Backend) staticRolePath() *framework.Path {
	return &framework.Path{
		Pattern: "static-roles/" + framework.GenericNameRegex("name"),
		Fields: map[string]*framework.FieldSchema{
			"name":                {Type: framework.TypeString},
			"db_name":             {Type: framework.TypeString},
			"username":            {Type: framework.TypeString},
			"rotation_period":     {Type: framework.TypeDurationSecond},
			"rotation_statements": {Type: framework.TypeStringSlice},
			"credential_type":     {Type: framework.TypeString, Default: "password"},
			"credential_config":   {Type: framework.TypeMap},
		},
		ExistenceCheck: b.exists(prefixStaticRole),
		Operations: map[logical.Operation]framework.OperationFunc{
			logical.CreateOperation: b.staticRoleWrite,
			logical.UpdateOperation: b.staticRoleWrite,
			logical.ReadOperation:   b.staticRoleRead,
			logical.DeleteOperation: b.staticRoleDelete,
		},
		HelpSynopsis: "Manages roles that own and rotate the password of an existing database user.",
	}
}

// staticRoleWrite creates or updates a static role. A new role (or one
// whose user changed) has its password rotated before it is stored, since
// the engine must know the password it hands out.
func (b *Backend) staticRoleWrite(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	name := d.String("name")
	b.staticMu.Lock()
	defer b.staticMu.Unlock()
	r, err := b.loadStaticRole(ctx, name)
	if err != nil {
		return nil, err
	}
	isNew := r == nil
	if isNew {
		r = &staticRole{}
	}
	if ct := d.String("credential_type"); ct != "password" {
		return nil, badRequest("credential_type %q is not supported; use \"password\"", ct)
	}
	if v, ok := d.GetOk("username"); ok && !isNew && v.(string) != r.Username {
		return nil, badRequest("the username of a static role cannot be changed")
	}
	if v, ok := d.GetOk("db_name"); ok && !isNew && v.(string) != r.DBName {
		return nil, badRequest("the db_name of a static role cannot be changed")
	}
	setString(d, "db_name", &r.DBName)
	setString(d, "username", &r.Username)
	setStatements(d, "rotation_statements", &r.RotationStatements)
	if v, ok := d.GetOk("rotation_period"); ok {
		r.RotationPeriod = v.(time.Duration)
	}
	switch {
	case r.DBName == "":
		return nil, badRequest("db_name is required")
	case r.Username == "":
		return nil, badRequest("username is required")
	case r.RotationPeriod < minRotationPeriod:
		return nil, badRequest("rotation_period must be at least %v", minRotationPeriod)
	}
	c, err := b.loadConfig(ctx, r.DBName)
	if err != nil {
		return nil, err
	}
	if c == nil {
		return nil, badRequest("no database connection named %q", r.DBName)
	}
	if !roleAllowed(c.AllowedRoles, name) {
		return nil, badRequest("%q is not an allowed role for connection %q", name, r.DBName)
	}
	if isNew {
		if err := b.rotateStaticLocked(ctx, name, r); err != nil {
			_ = b.view.Delete(context.WithoutCancel(ctx), prefixStaticRole+name)
			return nil, err
		}
		return nil, nil
	}
	if err := putJSON(ctx, b.view, prefixStaticRole+name, r); err != nil {
		return nil, err
	}
	b.sched.set(name, r.LastRotation.Add(r.RotationPeriod))
	return nil, nil
}

func (b *Backend) staticRoleRead(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	r, err := b.loadStaticRole(ctx, d.String("name"))
	if err != nil || r == nil {
		return nil, err
	}
	return &logical.Response{Data: map[string]any{
		"db_name":             r.DBName,
		"username":            r.Username,
		"rotation_period":     int64(r.RotationPeriod / time.Second),
		"rotation_statements": nonNil(r.RotationStatements),
		"credential_type":     "password",
		"last_vault_rotation": r.LastRotation.Format(time.RFC3339Nano),
	}}, nil
}

// staticRoleDelete forgets a static role; the database user stays.
func (b *Backend) staticRoleDelete(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	name := d.String("name")
	b.staticMu.Lock()
	defer b.staticMu.Unlock()
	if err := b.view.Delete(ctx, prefixStaticRole+name); err != nil {
		return nil, err
	}
	b.sched.remove(name)
	return nil, nil
}

func (b *Backend) staticCredsPath() *framework.Path {
	return &framework.Path{
		Pattern: "static-creds/" + framework.GenericNameRegex("name"),
		Fields:  map[string]*framework.FieldSchema{"name": {Type: framework.TypeString}},
		Operations: map[logical.Operation]framework.OperationFunc{
			logical.ReadOperation: b.staticCredsRead,
		},
		HelpSynopsis: "Returns a static role's current credentials.",
	}
}

func (b *Backend) staticCredsRead(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	name := d.String("name")
	r, err := b.loadStaticRole(ctx, name)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, badRequest("unknown static role: %s", name)
	}
	ttl := r.LastRotation.Add(r.RotationPeriod).Sub(b.now())
	if ttl < 0 {
		ttl = 0
	}
	return &logical.Response{Data: map[string]any{
		"username":            r.Username,
		"password":            r.Password,
		"last_vault_rotation": r.LastRotation.Format(time.RFC3339Nano),
		"rotation_period":     int64(r.RotationPeriod / time.Second),
		"ttl":                 int64(ttl / time.Second),
	}}, nil
}

func (b *Backend) rotateRolePath() *framework.Path {
	return &framework.Path{
		Pattern: "rotate-role/" + framework.GenericNameRegex("name"),
		Fields:  map[string]*framework.FieldSchema{"name": {Type: framework.TypeString}},
		Operations: map[logical.Operation]framework.OperationFunc{
			logical.UpdateOperation: b.rotateRole,
		},
		HelpSynopsis: "Rotates a static role's password now.",
	}
}

func (b *Backend) rotateRole(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	name := d.String("name")
	b.staticMu.Lock()
	defer b.staticMu.Unlock()
	r, err := b.loadStaticRole(ctx, name)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, badRequest("unknown static role: %s", name)
	}
	return nil, b.rotateStaticLocked(ctx, name, r)
}
