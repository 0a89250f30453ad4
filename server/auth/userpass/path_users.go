package userpass

import (
	"context"

	"github.com/cofre-io/cofre/server/auth/tokenutil"
	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
)

// legacyFields are the pre-token_* names userpass still accepts and shows.
var legacyFields = []string{tokenutil.LegacyTTL, tokenutil.LegacyMaxTTL, tokenutil.LegacyBoundCIDRs}

var userPattern = "users/" + framework.GenericNameRegex("username")

func usernameField() *framework.FieldSchema {
	return &framework.FieldSchema{Type: framework.TypeLowerCaseString, Required: true, Description: "Username (case-insensitive)."}
}

func passwordFields(m map[string]*framework.FieldSchema) map[string]*framework.FieldSchema {
	m["username"] = usernameField()
	m["password"] = &framework.FieldSchema{Type: framework.TypeString, Description: "The password."}
	m["password_hash"] = &framework.FieldSchema{Type: framework.TypeString, Description: "A bcrypt hash of the password, instead of the password."}
	return m
}

func (b *backend) pathUserList() *framework.Path {
	return &framework.Path{
		Pattern:      "users/?",
		Operations:   map[logical.Operation]framework.OperationFunc{logical.ListOperation: b.userList},
		HelpSynopsis: "List the users.",
	}
}

func (b *backend) pathUser() *framework.Path {
	return &framework.Path{
		Pattern: userPattern,
		Fields:  passwordFields(tokenutil.Fields(legacyFields...)),
		Operations: map[logical.Operation]framework.OperationFunc{
			logical.CreateOperation: b.userWrite,
			logical.UpdateOperation: b.userWrite,
			logical.ReadOperation:   b.userRead,
			logical.DeleteOperation: b.userDelete,
		},
		ExistenceCheck: b.userExists,
		HelpSynopsis:   "Create, read, update or delete a user.",
	}
}

func (b *backend) userList(ctx context.Context, req *logical.Request, _ *framework.FieldData) (*logical.Response, error) {
	keys, err := req.Storage.List(ctx, "user/")
	if err != nil {
		return nil, err
	}
	return framework.ListResponse(keys), nil
}

func (b *backend) userExists(ctx context.Context, req *logical.Request, d *framework.FieldData) (bool, error) {
	u, err := getUser(ctx, req.Storage, d.String("username"))
	return u != nil, err
}

func (b *backend) userRead(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	u, err := getUser(ctx, req.Storage, d.String("username"))
	if err != nil || u == nil {
		return nil, err
	}
	m := map[string]any{}
	u.TokenParams.ResponseData(m, legacyFields...)
	return &logical.Response{Data: m}, nil
}

func (b *backend) userWrite(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	name := d.String("username")
	b.writeMu.Lock()
	defer b.writeMu.Unlock()
	old, err := getUser(ctx, req.Storage, name)
	if err != nil {
		return nil, err
	}
	u := &user{}
	if old != nil {
		cp := *old
		u = &cp
	}
	pw, hash := d.String("password"), d.String("password_hash")
	if old == nil || pw != "" || hash != "" {
		if err := b.setPassword(u, pw, hash); err != nil {
			return nil, err
		}
	}
	if err := u.TokenParams.ParseFrom(d); err != nil {
		return nil, err
	}
	return nil, putUser(ctx, req.Storage, name, u)
}

func (b *backend) userDelete(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	b.writeMu.Lock()
	defer b.writeMu.Unlock()
	return nil, req.Storage.Delete(ctx, userKey(d.String("username")))
}
