package userpass

import (
	"context"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
)

func (b *backend) pathPassword() *framework.Path {
	return &framework.Path{
		Pattern: userPattern + "/password",
		Fields:  passwordFields(map[string]*framework.FieldSchema{}),
		Operations: map[logical.Operation]framework.OperationFunc{
			logical.UpdateOperation: b.passwordWrite,
		},
		HelpSynopsis: "Change a user's password.",
	}
}

func (b *backend) pathPolicies() *framework.Path {
	return &framework.Path{
		Pattern: userPattern + "/policies",
		Fields: map[string]*framework.FieldSchema{
			"username":       usernameField(),
			"token_policies": {Type: framework.TypeCommaStringSlice, Description: "Policies of issued tokens."},
			"policies":       {Type: framework.TypeCommaStringSlice, Description: "Deprecated: use token_policies."},
		},
		Operations: map[logical.Operation]framework.OperationFunc{
			logical.UpdateOperation: b.policiesWrite,
		},
		HelpSynopsis: "Change a user's policies.",
	}
}

// updateUser applies change to an existing user under the write lock.
func (b *backend) updateUser(ctx context.Context, req *logical.Request, name string, change func(*user) error) (*logical.Response, error) {
	b.writeMu.Lock()
	defer b.writeMu.Unlock()
	old, err := getUser(ctx, req.Storage, name)
	if err != nil {
		return nil, err
	}
	if old == nil {
		return nil, logical.Errorf(logical.ErrInvalidRequest, "username does not exist")
	}
	u := *old
	if err := change(&u); err != nil {
		return nil, err
	}
	return nil, putUser(ctx, req.Storage, name, &u)
}

func (b *backend) passwordWrite(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	return b.updateUser(ctx, req, d.String("username"), func(u *user) error {
		return b.setPassword(u, d.String("password"), d.String("password_hash"))
	})
}

func (b *backend) policiesWrite(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	_, tok := d.GetOk("token_policies")
	_, legacy := d.GetOk("policies")
	if !tok && !legacy {
		return nil, logical.Errorf(logical.ErrInvalidRequest, "missing token_policies")
	}
	return b.updateUser(ctx, req, d.String("username"), func(u *user) error {
		return u.TokenParams.ParseFrom(d)
	})
}
