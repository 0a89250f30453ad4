package approle

import (
	"context"
	"time"

	"github.com/cofre-io/cofre/server/auth/tokenutil"
	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
)

// secretIDSchema is what issuing a secret ID accepts.
func secretIDSchema() map[string]*framework.FieldSchema {
	return map[string]*framework.FieldSchema{
		"role_name":         roleNameField(),
		"secret_id":         {Type: framework.TypeString, Description: "The custom secret ID."},
		"metadata":          {Type: framework.TypeRaw, Description: "JSON object of string values, put on issued tokens."},
		"cidr_list":         {Type: framework.TypeCommaStringSlice, Description: "CIDR blocks allowed to use this secret ID."},
		"token_bound_cidrs": {Type: framework.TypeCommaStringSlice, Description: "CIDR blocks allowed to use tokens issued with it."},
		"num_uses":          {Type: framework.TypeInt, Description: "Uses allowed; 0 is unlimited."},
		"ttl":               {Type: framework.TypeDurationSecond, Description: "Lifetime; 0 never expires."},
	}
}

func (b *backend) pathSecretIDs() []*framework.Path {
	lookupSchema := map[string]*framework.FieldSchema{
		"role_name": roleNameField(),
		"secret_id": {Type: framework.TypeString, Description: "The secret ID."},
	}
	accessorSchema := map[string]*framework.FieldSchema{
		"role_name":          roleNameField(),
		"secret_id_accessor": {Type: framework.TypeString, Description: "The secret ID's accessor."},
	}
	return []*framework.Path{
		{
			Pattern: roleNamePattern + "/secret-id/?",
			Fields:  secretIDSchema(),
			Operations: map[logical.Operation]framework.OperationFunc{
				logical.UpdateOperation: b.secretIDGenerate,
				logical.ListOperation:   b.secretIDList,
			},
			HelpSynopsis: "Issue a secret ID, or list the accessors of the role's secret IDs.",
		},
		{
			Pattern:    roleNamePattern + "/custom-secret-id",
			Fields:     secretIDSchema(),
			Operations: map[logical.Operation]framework.OperationFunc{logical.UpdateOperation: b.secretIDCustom},
		},
		{
			Pattern: roleNamePattern + "/secret-id/lookup/?",
			Fields:  lookupSchema,
			Operations: map[logical.Operation]framework.OperationFunc{
				logical.UpdateOperation: b.secretIDLookup,
			},
		},
		{
			Pattern: roleNamePattern + "/secret-id/destroy/?",
			Fields:  lookupSchema,
			Operations: map[logical.Operation]framework.OperationFunc{
				logical.UpdateOperation: b.secretIDDestroy,
				logical.DeleteOperation: b.secretIDDestroy,
			},
		},
		{
			Pattern: roleNamePattern + "/secret-id-accessor/lookup/?",
			Fields:  accessorSchema,
			Operations: map[logical.Operation]framework.OperationFunc{
				logical.UpdateOperation: b.accessorLookup,
			},
		},
		{
			Pattern: roleNamePattern + "/secret-id-accessor/destroy/?",
			Fields:  accessorSchema,
			Operations: map[logical.Operation]framework.OperationFunc{
				logical.UpdateOperation: b.accessorDestroy,
				logical.DeleteOperation: b.accessorDestroy,
			},
		},
	}
}

func (b *backend) secretIDGenerate(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	return b.issueSecretID(ctx, req, d, "")
}

func (b *backend) secretIDCustom(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	sid := d.String("secret_id")
	if sid == "" {
		return nil, logical.Errorf(logical.ErrInvalidRequest, "missing secret_id")
	}
	return b.issueSecretID(ctx, req, d, sid)
}

// issueSecretID creates a secret ID for the role; sid "" generates one.
func (b *backend) issueSecretID(ctx context.Context, req *logical.Request, d *framework.FieldData, sid string) (*logical.Response, error) {
	name := d.String("role_name")
	l := b.roleLocks.get(name)
	l.RLock()
	defer l.RUnlock()
	r, err := getRole(ctx, req.Storage, name)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, errRoleNotFound(name)
	}
	if !r.BindSecretID {
		return nil, logical.Errorf(logical.ErrInvalidRequest, "bind_secret_id is not set on the role")
	}
	e, err := secretIDOptions(r, d, b.now())
	if err != nil {
		return nil, err
	}
	if sid == "" {
		if sid, err = newUUID(b.rand); err != nil {
			return nil, err
		}
	}
	if e.Accessor, err = newUUID(b.rand); err != nil {
		return nil, err
	}
	k, err := b.keys.get(ctx, req.Storage)
	if err != nil {
		return nil, err
	}
	e.HMAC = k.sum(domainSecretID, sid)
	st := newSecretStore(req.Storage, k, name)
	sl := b.secretLocks.get(e.HMAC)
	sl.Lock()
	defer sl.Unlock()
	if prev, err := st.get(ctx, e.HMAC); err != nil {
		return nil, err
	} else if prev != nil {
		return nil, logical.Errorf(logical.ErrInvalidRequest, "secret_id is already registered")
	}
	if err := st.create(ctx, e); err != nil {
		return nil, err
	}
	return &logical.Response{Data: map[string]any{
		"secret_id":          sid,
		"secret_id_accessor": e.Accessor,
		"secret_id_ttl":      int64(e.TTL / time.Second),
		"secret_id_num_uses": e.NumUses,
	}}, nil
}

// secretIDOptions builds a new entry's settings from the request and the
// role's defaults and limits.
func secretIDOptions(r *role, d *framework.FieldData, now time.Time) (*secretIDEntry, error) {
	e := &secretIDEntry{NumUses: r.SecretIDNumUses, TTL: r.SecretIDTTL, CreationTime: now, LastUpdatedTime: now}
	if v, ok := d.GetOk("num_uses"); ok {
		n, _ := v.(int)
		if n < 0 {
			return nil, logical.Errorf(logical.ErrInvalidRequest, "num_uses cannot be negative")
		}
		if r.SecretIDNumUses > 0 && (n == 0 || n > r.SecretIDNumUses) {
			return nil, logical.Errorf(logical.ErrInvalidRequest, "num_uses cannot be higher than the role's secret_id_num_uses")
		}
		e.NumUses = n
	}
	if v, ok := d.GetOk("ttl"); ok {
		if ttl, _ := v.(time.Duration); ttl > 0 {
			if r.SecretIDTTL > 0 && ttl > r.SecretIDTTL {
				return nil, logical.Errorf(logical.ErrInvalidRequest, "ttl cannot be longer than the role's secret_id_ttl")
			}
			e.TTL = ttl
		}
	}
	if e.TTL > 0 {
		e.ExpirationTime = now.Add(e.TTL)
	}
	cidrs, err := tokenutil.ParseCIDRs(d.Strings("cidr_list"))
	if err != nil {
		return nil, logical.Errorf(logical.ErrInvalidRequest, "invalid 'cidr_list': %v", err)
	}
	if !tokenutil.Subset(cidrs, r.SecretIDBoundCIDRs) {
		return nil, logical.Errorf(logical.ErrInvalidRequest, "failed to verify the CIDR restrictions set on the role: cidr_list must be a subset of the role's secret_id_bound_cidrs")
	}
	if len(cidrs) == 0 {
		cidrs = append([]string(nil), r.SecretIDBoundCIDRs...)
	}
	e.CIDRList = cidrs
	tcidrs, err := tokenutil.ParseCIDRs(d.Strings("token_bound_cidrs"))
	if err != nil {
		return nil, logical.Errorf(logical.ErrInvalidRequest, "invalid 'token_bound_cidrs': %v", err)
	}
	if !tokenutil.Subset(tcidrs, r.TokenBoundCIDRs) {
		return nil, logical.Errorf(logical.ErrInvalidRequest, "failed to verify the CIDR restrictions set on the role: token_bound_cidrs must be a subset of the role's token_bound_cidrs")
	}
	if len(tcidrs) > 0 {
		e.TokenBoundCIDRs = tcidrs
	}
	md, err := parseMetadata(d.Get("metadata"))
	if err != nil {
		return nil, logical.Errorf(logical.ErrInvalidRequest, "failed to parse metadata: %v", err)
	}
	e.Metadata = md
	return e, nil
}

func (b *backend) secretIDList(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	name := d.String("role_name")
	l := b.roleLocks.get(name)
	l.RLock()
	defer l.RUnlock()
	r, err := getRole(ctx, req.Storage, name)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, errRoleNotFound(name)
	}
	k, err := b.keys.get(ctx, req.Storage)
	if err != nil {
		return nil, err
	}
	keys, err := req.Storage.List(ctx, accessorPrefix(k, name))
	if err != nil {
		return nil, err
	}
	return framework.ListResponse(keys), nil
}
