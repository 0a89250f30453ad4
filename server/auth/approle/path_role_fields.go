package approle

import (
	"context"
	"strings"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
)

// roleField is a role/<name>/<path> endpoint that reads, sets or resets a
// few of the role's fields, so ACLs can delegate them one by one.
type roleField struct {
	path  string
	names []string    // fields accepted on write and shown on read
	reset func(*role) // back to the default; nil for read-only fields
}

func roleFields() []roleField {
	return []roleField{
		{"policies", []string{"token_policies", "policies"}, func(r *role) { r.TokenPolicies = nil }},
		{"secret-id-num-uses", []string{"secret_id_num_uses"}, func(r *role) { r.SecretIDNumUses = 0 }},
		{"secret-id-ttl", []string{"secret_id_ttl"}, func(r *role) { r.SecretIDTTL = 0 }},
		{"token-ttl", []string{"token_ttl"}, func(r *role) { r.TokenTTL = 0 }},
		{"token-max-ttl", []string{"token_max_ttl"}, func(r *role) { r.TokenMaxTTL = 0 }},
		{"token-num-uses", []string{"token_num_uses"}, func(r *role) { r.TokenNumUses = 0 }},
		{"bind-secret-id", []string{"bind_secret_id"}, func(r *role) { r.BindSecretID = true }},
		{"secret-id-bound-cidrs", []string{"secret_id_bound_cidrs"}, func(r *role) { r.SecretIDBoundCIDRs = nil }},
		{"token-bound-cidrs", []string{"token_bound_cidrs"}, func(r *role) { r.TokenBoundCIDRs = nil }},
		{"period", []string{"token_period", "period"}, func(r *role) { r.TokenPeriod = 0 }},
		{"local-secret-ids", []string{"local_secret_ids"}, nil},
	}
}

func (b *backend) pathRoleFields() []*framework.Path {
	all := roleSchema()
	var ps []*framework.Path
	for _, f := range roleFields() {
		schema := map[string]*framework.FieldSchema{"role_name": roleNameField()}
		for _, n := range f.names {
			schema[n] = all[n]
		}
		ops := map[logical.Operation]framework.OperationFunc{logical.ReadOperation: b.fieldRead(f)}
		if f.reset != nil {
			ops[logical.UpdateOperation] = b.fieldWrite(f)
			ops[logical.DeleteOperation] = b.fieldReset(f)
		}
		ps = append(ps, &framework.Path{
			Pattern:      roleNamePattern + "/" + f.path,
			Fields:       schema,
			Operations:   ops,
			HelpSynopsis: "Read or change the role's " + strings.Join(f.names, "/") + ".",
		})
	}
	return ps
}

func (b *backend) fieldRead(f roleField) framework.OperationFunc {
	return func(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
		resp, err := b.roleRead(ctx, req, d)
		if err != nil || resp == nil {
			return resp, err
		}
		out := make(map[string]any, len(f.names))
		for _, n := range f.names {
			out[n] = resp.Data[n]
		}
		return &logical.Response{Data: out}, nil
	}
}

func (b *backend) fieldWrite(f roleField) framework.OperationFunc {
	return func(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
		present := false
		for _, n := range f.names {
			if _, ok := d.GetOk(n); ok {
				present = true
			}
		}
		if !present {
			return nil, logical.Errorf(logical.ErrInvalidRequest, "missing %s", f.names[0])
		}
		return b.updateRole(ctx, req, d.String("role_name"), func(r *role) error { return applyRole(r, d, false) })
	}
}

func (b *backend) fieldReset(f roleField) framework.OperationFunc {
	return func(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
		return b.updateRole(ctx, req, d.String("role_name"), func(r *role) error { f.reset(r); return nil })
	}
}

// updateRole applies change to an existing role under its lock, validates
// and stores it. The role ID is not changed this way.
func (b *backend) updateRole(ctx context.Context, req *logical.Request, name string, change func(*role) error) (*logical.Response, error) {
	l := b.roleLocks.get(name)
	l.Lock()
	defer l.Unlock()
	old, err := getRole(ctx, req.Storage, name)
	if err != nil {
		return nil, err
	}
	if old == nil {
		return nil, errRoleNotFound(name)
	}
	r := *old
	if err := change(&r); err != nil {
		return nil, err
	}
	if err := r.validate(); err != nil {
		return nil, err
	}
	return nil, putJSON(ctx, req.Storage, roleKey(name), &r)
}
