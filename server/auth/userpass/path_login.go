package userpass

import (
	"context"

	"golang.org/x/crypto/bcrypt"

	"github.com/cofre-io/cofre/server/auth/tokenutil"
	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
)

// errInvalidCredentials is Vault's answer to an unknown user or a wrong
// password; it does not say which.
var errInvalidCredentials = logical.Errorf(logical.ErrInvalidRequest, "invalid username or password")

func (b *backend) pathLogin() *framework.Path {
	return &framework.Path{
		Pattern: "login/" + framework.GenericNameRegex("username"),
		Fields: map[string]*framework.FieldSchema{
			"username": usernameField(),
			"password": {Type: framework.TypeString, Description: "The user's password."},
		},
		Operations: map[logical.Operation]framework.OperationFunc{
			logical.UpdateOperation: b.login,
		},
		HelpSynopsis: "Log in with a username and password.",
	}
}

func (b *backend) login(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	name := d.String("username")
	password := d.String("password")
	if password == "" {
		return nil, logical.Errorf(logical.ErrInvalidRequest, "missing password")
	}
	u, err := getUser(ctx, req.Storage, name)
	if err != nil {
		return nil, err
	}
	hash := []byte(nil)
	if u != nil {
		hash = u.PasswordHash
	} else if hash, err = b.dummyHash(); err != nil {
		return nil, err
	}
	// Always one bcrypt comparison, whether or not the user exists.
	match := bcrypt.CompareHashAndPassword(hash, []byte(password)) == nil
	if u == nil || !match {
		return nil, errInvalidCredentials
	}
	remote := ""
	if req.Connection != nil {
		remote = req.Connection.RemoteAddr
	}
	if !tokenutil.AddrAllowed(remote, u.TokenBoundCIDRs) {
		return nil, logical.Errorf(logical.ErrPermissionDenied, "login request originated from invalid CIDR")
	}
	auth := &logical.Auth{
		DisplayName:  name,
		Metadata:     map[string]string{"username": name},
		InternalData: map[string]any{"username": name},
	}
	u.TokenParams.PopulateAuth(auth)
	return &logical.Response{Auth: auth}, nil
}

// renew answers the core's renewal of a token this method issued: the user
// must still exist with the same policies, and its current TTLs apply.
func (b *backend) renew(ctx context.Context, req *logical.Request) (*logical.Response, error) {
	name, _ := req.Auth.InternalData["username"].(string)
	if name == "" {
		name = req.Auth.Metadata["username"]
	}
	if name == "" {
		return nil, logical.Errorf(logical.ErrInvalidRequest, "failed to fetch username during renewal")
	}
	u, err := getUser(ctx, req.Storage, name)
	if err != nil {
		return nil, err
	}
	if u == nil {
		return nil, logical.Errorf(logical.ErrInvalidRequest, "user %q does not exist during renewal", name)
	}
	if !tokenutil.EquivalentPolicies(u.TokenPolicies, req.Auth.TokenPolicies) {
		return nil, logical.Errorf(logical.ErrInvalidRequest, "policies have changed, not renewing")
	}
	a := *req.Auth
	a.TTL = u.TokenTTL
	a.MaxTTL = u.TokenMaxTTL
	a.Period = u.TokenPeriod
	return &logical.Response{Auth: &a}, nil
}
