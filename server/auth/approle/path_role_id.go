package approle

import (
	"context"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
)

func (b *backend) pathRoleID() *framework.Path {
	return &framework.Path{
		Pattern: roleNamePattern + "/role-id",
		Fields: map[string]*framework.FieldSchema{
			"role_name": roleNameField(),
			"role_id":   {Type: framework.TypeString, Description: "The new role ID."},
		},
		Operations: map[logical.Operation]framework.OperationFunc{
			logical.ReadOperation:   b.roleIDRead,
			logical.UpdateOperation: b.roleIDWrite,
		},
		HelpSynopsis: "Read or set the role's role ID.",
	}
}

func (b *backend) roleIDRead(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	name := d.String("role_name")
	l := b.roleLocks.get(name)
	l.RLock()
	defer l.RUnlock()
	r, err := getRole(ctx, req.Storage, name)
	if err != nil || r == nil {
		return nil, err
	}
	return &logical.Response{Data: map[string]any{"role_id": r.RoleID}}, nil
}

func (b *backend) roleIDWrite(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	id := d.String("role_id")
	if id == "" {
		return nil, logical.Errorf(logical.ErrInvalidRequest, "missing role_id")
	}
	name := d.String("role_name")
	l := b.roleLocks.get(name)
	l.Lock()
	defer l.Unlock()
	k, err := b.keys.get(ctx, req.Storage)
	if err != nil {
		return nil, err
	}
	old, err := getRole(ctx, req.Storage, name)
	if err != nil {
		return nil, err
	}
	if old == nil {
		return nil, errRoleNotFound(name)
	}
	r := *old
	r.RoleID = id
	return nil, b.saveRole(ctx, req.Storage, k, old, &r)
}
