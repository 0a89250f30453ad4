package database

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/cofre-io/cofre/server/engines/database/dbplugin"
	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
)

func (b *Backend) credsPath() *framework.Path {
	return &framework.Path{
		Pattern: "creds/" + framework.GenericNameRegex("name"),
		Fields:  map[string]*framework.FieldSchema{"name": {Type: framework.TypeString}},
		Operations: map[logical.Operation]framework.OperationFunc{
			logical.ReadOperation: b.credsRead,
		},
		HelpSynopsis: "Creates a database user for a role and returns its credentials under a lease.",
	}
}

// credsRead creates a user for the role named in the path.
func (b *Backend) credsRead(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	name := d.String("name")
	r, err := b.loadRole(ctx, name)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, badRequest("unknown role: %s", name)
	}
	c, db, err := b.conn(ctx, r.DBName)
	if err != nil {
		return nil, err
	}
	if !roleAllowed(c.AllowedRoles, name) {
		return nil, badRequest("%q is not an allowed role for connection %q", name, r.DBName)
	}
	p, err := b.plugin(c.PluginName)
	if err != nil {
		return nil, err
	}
	display := "token"
	if req.Caller != nil && req.Caller.DisplayName != "" {
		display = req.Caller.DisplayName
	}
	rules := p.Usernames()
	tmpl := c.UsernameTemplate
	if tmpl == "" {
		tmpl = rules.Template
	}
	username, err := usernameRenderer{now: b.now, rand: b.rand}.render(tmpl, usernameData{RoleName: name, DisplayName: display}, rules.MaxLength)
	if err != nil {
		return nil, &logical.Error{Kind: logical.ErrInternal, Msg: err.Error(), Err: err}
	}
	if err := dbplugin.CheckName(username); err != nil {
		return nil, &logical.Error{Kind: logical.ErrInternal, Msg: "username_template produced an unusable name: " + err.Error(), Err: err}
	}
	password, err := generatePassword(b.rand)
	if err != nil {
		return nil, err
	}
	ttl, maxTTL := b.leaseTTLs(r)
	err = db.CreateUser(ctx, dbplugin.CreateUserRequest{
		Username:   username,
		Password:   password,
		Expiration: b.now().Add(ttl),
		Creation:   r.CreationStatements,
		Rollback:   r.RollbackStatements,
	})
	if err != nil {
		return nil, dbError(logical.ErrInternal, "failed to create user", err, password, c.Password)
	}
	return &logical.Response{
		Data: map[string]any{"username": username, "password": password},
		Secret: &logical.Secret{
			TTL:       ttl,
			MaxTTL:    maxTTL,
			Renewable: true,
			IssueTime: b.now(),
			InternalData: map[string]any{
				"secret_type":           secretTypeCreds,
				"username":              username,
				"role":                  name,
				"db_name":               r.DBName,
				"revocation_statements": nonNil(r.RevocationStatements),
			},
		},
	}, nil
}

// roleAllowed reports whether allowed lets role use a connection: "*"
// allows every role, and an entry may hold '*' wildcards ("dev-*").
func roleAllowed(allowed []string, role string) bool {
	for _, a := range allowed {
		if globMatch(a, role) {
			return true
		}
	}
	return false
}

// globMatch matches s against pattern where '*' stands for any run of
// characters and everything else for itself.
func globMatch(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return strings.HasSuffix(s, last)
}

// secretString reads a string from a lease's internal data.
func secretString(req *logical.Request, key string) (string, error) {
	v, _ := req.Secret.InternalData[key].(string)
	if v == "" {
		return "", badRequest("lease has no %s", key)
	}
	return v, nil
}

// secretStrings reads a list of strings from a lease's internal data,
// which may have been through JSON ([]any).
func secretStrings(req *logical.Request, key string) []string {
	switch v := req.Secret.InternalData[key].(type) {
	case []string:
		return v
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// credsRenew extends a dynamic user. The lease manager passes the TTL it
// means to grant in req.Secret.TTL (0: the role's TTL); the user's new
// expiry is now plus that TTL, never past the lease's max TTL counted from
// its issue. The answer's TTL may be shorter than asked, never longer.
func (b *Backend) credsRenew(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	username, err := secretString(req, "username")
	if err != nil {
		return nil, err
	}
	roleName, err := secretString(req, "role")
	if err != nil {
		return nil, err
	}
	r, err := b.loadRole(ctx, roleName)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, badRequest("role %q no longer exists; the lease cannot be renewed", roleName)
	}
	_, db, err := b.conn(ctx, r.DBName)
	if err != nil {
		return nil, err
	}
	ttl, maxTTL := b.leaseTTLs(r)
	if req.Secret.TTL > 0 {
		ttl = req.Secret.TTL
	}
	now := b.now()
	exp := now.Add(ttl)
	if issued := req.Secret.IssueTime; !issued.IsZero() {
		for _, m := range []time.Duration{req.Secret.MaxTTL, maxTTL} {
			if limit := issued.Add(m); m > 0 && exp.After(limit) {
				exp = limit
			}
		}
	}
	if !exp.After(now) {
		return nil, badRequest("lease has reached its max TTL")
	}
	if err := db.RenewUser(ctx, dbplugin.RenewUserRequest{Username: username, Expiration: exp, Statements: r.RenewStatements}); err != nil {
		return nil, dbError(logical.ErrInternal, "failed to renew user", err)
	}
	s := *req.Secret
	s.TTL = exp.Sub(now)
	s.MaxTTL = maxTTL
	s.Renewable = true
	return &logical.Response{Secret: &s}, nil
}

// credsRevoke drops a dynamic user with its role's revocation statements
// (or those recorded with the lease when the role is gone, or the plugin's
// defaults). A user already gone is success; an unreachable database is an
// error, so the lease stays and revocation is retried.
func (b *Backend) credsRevoke(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	username, err := secretString(req, "username")
	if err != nil {
		return nil, err
	}
	dbName, _ := req.Secret.InternalData["db_name"].(string)
	stmts := secretStrings(req, "revocation_statements")
	if roleName, _ := req.Secret.InternalData["role"].(string); roleName != "" {
		r, err := b.loadRole(ctx, roleName)
		if err != nil {
			return nil, err
		}
		if r != nil && r.DBName == dbName {
			stmts = r.RevocationStatements
		}
	}
	if dbName == "" {
		return nil, badRequest("lease has no db_name")
	}
	_, db, err := b.conn(ctx, dbName)
	if err != nil {
		return nil, err
	}
	if err := db.RevokeUser(ctx, dbplugin.RevokeUserRequest{Username: username, Statements: stmts}); err != nil {
		return nil, dbError(logical.ErrInternal, fmt.Sprintf("failed to revoke user %s", username), err)
	}
	return nil, nil
}
