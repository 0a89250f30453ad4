package approle

import (
	"context"
	"crypto/subtle"

	"github.com/cofre-io/cofre/server/auth/tokenutil"
	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
)

// errInvalidCredentials is Vault's answer to any wrong role ID or secret ID;
// it does not say which one was wrong.
var errInvalidCredentials = logical.Errorf(logical.ErrInvalidRequest, "invalid role or secret ID")

func (b *backend) pathLogin() *framework.Path {
	return &framework.Path{
		Pattern: "login",
		Fields: map[string]*framework.FieldSchema{
			"role_id":   {Type: framework.TypeString, Description: "The role's role ID."},
			"secret_id": {Type: framework.TypeString, Description: "A secret ID issued for the role."},
		},
		Operations: map[logical.Operation]framework.OperationFunc{
			logical.UpdateOperation: b.login,
		},
		HelpSynopsis: "Log in with a role ID and secret ID.",
	}
}

func remoteAddr(req *logical.Request) string {
	if req.Connection == nil {
		return ""
	}
	return req.Connection.RemoteAddr
}

func (b *backend) login(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	roleID := d.String("role_id")
	if roleID == "" {
		return nil, logical.Errorf(logical.ErrInvalidRequest, "missing role_id")
	}
	k, err := b.keys.get(ctx, req.Storage)
	if err != nil {
		return nil, err
	}
	name, err := roleNameByID(ctx, req.Storage, k, roleID)
	if err != nil {
		return nil, err
	}
	if name == "" {
		return nil, errInvalidCredentials
	}
	l := b.roleLocks.get(name)
	l.RLock()
	defer l.RUnlock()
	r, err := getRole(ctx, req.Storage, name)
	if err != nil {
		return nil, err
	}
	// The index could be stale after a role ID change; the role's own
	// record decides.
	if r == nil || subtle.ConstantTimeCompare([]byte(r.RoleID), []byte(roleID)) != 1 {
		return nil, errInvalidCredentials
	}
	remote := remoteAddr(req)
	if len(r.SecretIDBoundCIDRs) > 0 && !tokenutil.AddrAllowed(remote, r.SecretIDBoundCIDRs) {
		return nil, logical.Errorf(logical.ErrInvalidRequest, "source address %q unauthorized through CIDR restrictions on the role", remote)
	}
	auth := &logical.Auth{
		DisplayName:  name,
		Metadata:     map[string]string{},
		InternalData: map[string]any{"role_name": name},
	}
	r.TokenParams.PopulateAuth(auth)
	if r.BindSecretID {
		sid := d.String("secret_id")
		if sid == "" {
			return nil, logical.Errorf(logical.ErrInvalidRequest, "missing secret_id")
		}
		e, err := b.useSecretID(ctx, newSecretStore(req.Storage, k, name), k.sum(domainSecretID, sid), remote)
		if err != nil {
			return nil, err
		}
		for key, v := range e.Metadata {
			auth.Metadata[key] = v
		}
		auth.InternalData["secret_id_accessor"] = e.Accessor
		if len(e.TokenBoundCIDRs) > 0 {
			auth.BoundCIDRs = append([]string(nil), e.TokenBoundCIDRs...)
		}
	}
	auth.Metadata["role_name"] = name
	return &logical.Response{Auth: auth}, nil
}

// useSecretID checks a presented secret ID and spends one of its uses. It
// returns the entry as it was before the use. Unlimited, unexpired secret
// IDs are checked under a shared lock and cost no write; limited ones are
// decremented (or deleted on their last use) under an exclusive lock, so
// concurrent logins can never use more than the limit.
func (b *backend) useSecretID(ctx context.Context, st secretStore, h, remote string) (*secretIDEntry, error) {
	sl := b.secretLocks.get(h)
	sl.RLock()
	e, err := st.get(ctx, h)
	sl.RUnlock()
	if err != nil {
		return nil, err
	}
	if e == nil || subtle.ConstantTimeCompare([]byte(e.HMAC), []byte(h)) != 1 {
		return nil, errInvalidCredentials
	}
	now := b.now()
	if e.NumUses == 0 && !e.expired(now) {
		if err := checkSecretCIDR(e, remote); err != nil {
			return nil, err
		}
		return e, nil
	}
	sl.Lock()
	defer sl.Unlock()
	// Re-read: another login may have spent the last use meanwhile.
	if e, err = st.get(ctx, h); err != nil {
		return nil, err
	}
	if e == nil {
		return nil, errInvalidCredentials
	}
	if e.expired(now) {
		if err := st.remove(ctx, e); err != nil {
			return nil, err
		}
		return nil, errInvalidCredentials
	}
	if err := checkSecretCIDR(e, remote); err != nil {
		return nil, err
	}
	switch {
	case e.NumUses == 1:
		err = st.remove(ctx, e)
	case e.NumUses > 1:
		next := *e
		next.NumUses--
		next.LastUpdatedTime = now
		err = st.update(ctx, &next)
	}
	if err != nil {
		return nil, err
	}
	return e, nil
}

func checkSecretCIDR(e *secretIDEntry, remote string) error {
	if len(e.CIDRList) > 0 && !tokenutil.AddrAllowed(remote, e.CIDRList) {
		return logical.Errorf(logical.ErrInvalidRequest, "source address %q unauthorized through CIDR restrictions on the secret ID", remote)
	}
	return nil
}

// renew answers the core's renewal of a token this method issued: the role
// must still exist, and its current TTLs apply.
func (b *backend) renew(ctx context.Context, req *logical.Request) (*logical.Response, error) {
	name, _ := req.Auth.InternalData["role_name"].(string)
	if name == "" {
		return nil, logical.Errorf(logical.ErrInvalidRequest, "failed to fetch role_name during renewal")
	}
	l := b.roleLocks.get(name)
	l.RLock()
	defer l.RUnlock()
	r, err := getRole(ctx, req.Storage, name)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, logical.Errorf(logical.ErrInvalidRequest, "role %q does not exist during renewal", name)
	}
	a := *req.Auth
	a.TTL = r.TokenTTL
	a.MaxTTL = r.TokenMaxTTL
	a.Period = r.TokenPeriod
	return &logical.Response{Auth: &a}, nil
}
