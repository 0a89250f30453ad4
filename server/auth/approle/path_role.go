package approle

import (
	"context"
	"reflect"
	"time"

	"github.com/cofre-io/cofre/server/auth/tokenutil"
	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
	"github.com/cofre-io/cofre/server/storage"
)

var roleNamePattern = "role/" + framework.GenericNameRegex("role_name")

func roleNameField() *framework.FieldSchema {
	return &framework.FieldSchema{Type: framework.TypeLowerCaseString, Required: true, Description: "Name of the role (case-insensitive)."}
}

// roleSchema is every field a role write accepts.
func roleSchema() map[string]*framework.FieldSchema {
	f := tokenutil.Fields(tokenutil.LegacyPeriod)
	f["role_name"] = roleNameField()
	f["role_id"] = &framework.FieldSchema{Type: framework.TypeString, Description: "Custom role ID; a UUID is generated when absent."}
	f["bind_secret_id"] = &framework.FieldSchema{Type: framework.TypeBool, Default: true, Description: "Require a secret ID at login."}
	f["secret_id_bound_cidrs"] = &framework.FieldSchema{Type: framework.TypeCommaStringSlice, Description: "CIDR blocks allowed to log in."}
	f["bound_cidr_list"] = &framework.FieldSchema{Type: framework.TypeCommaStringSlice, Description: "Deprecated: use secret_id_bound_cidrs."}
	f["secret_id_num_uses"] = &framework.FieldSchema{Type: framework.TypeInt, Description: "Default uses per secret ID; 0 is unlimited."}
	f["secret_id_ttl"] = &framework.FieldSchema{Type: framework.TypeDurationSecond, Description: "Default secret ID lifetime; 0 never expires."}
	f["local_secret_ids"] = &framework.FieldSchema{Type: framework.TypeBool, Description: "Cluster-local secret IDs; set at creation only."}
	return f
}

func (b *backend) pathRoleList() *framework.Path {
	return &framework.Path{
		Pattern: "role/?",
		Operations: map[logical.Operation]framework.OperationFunc{
			logical.ListOperation: b.roleList,
		},
		HelpSynopsis: "List the roles.",
	}
}

func (b *backend) pathRole() *framework.Path {
	return &framework.Path{
		Pattern: roleNamePattern,
		Fields:  roleSchema(),
		Operations: map[logical.Operation]framework.OperationFunc{
			logical.CreateOperation: b.roleWrite,
			logical.UpdateOperation: b.roleWrite,
			logical.ReadOperation:   b.roleRead,
			logical.DeleteOperation: b.roleDelete,
		},
		ExistenceCheck: b.roleExists,
		HelpSynopsis:   "Create, read, update or delete a role.",
	}
}

func (b *backend) roleList(ctx context.Context, req *logical.Request, _ *framework.FieldData) (*logical.Response, error) {
	keys, err := req.Storage.List(ctx, "role/")
	if err != nil {
		return nil, err
	}
	return framework.ListResponse(keys), nil
}

func (b *backend) roleExists(ctx context.Context, req *logical.Request, d *framework.FieldData) (bool, error) {
	r, err := getRole(ctx, req.Storage, d.String("role_name"))
	return r != nil, err
}

func (b *backend) roleRead(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	name := d.String("role_name")
	l := b.roleLocks.get(name)
	l.RLock()
	defer l.RUnlock()
	r, err := getRole(ctx, req.Storage, name)
	if err != nil || r == nil {
		return nil, err
	}
	return &logical.Response{Data: r.data()}, nil
}

func (b *backend) roleWrite(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	name := d.String("role_name")
	if len(name) > maxRoleNameLen {
		return nil, logical.Errorf(logical.ErrInvalidRequest, "role_name is longer than maximum of %d bytes", maxRoleNameLen)
	}
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
	r := &role{Name: name, BindSecretID: true}
	if old != nil {
		cp := *old
		r = &cp
	}
	if err := applyRole(r, d, old == nil); err != nil {
		return nil, err
	}
	if v, ok := d.GetOk("role_id"); ok {
		if s, _ := v.(string); s != "" {
			r.RoleID = s
		} else if old != nil {
			return nil, logical.Errorf(logical.ErrInvalidRequest, "missing role_id")
		}
	}
	if r.RoleID == "" {
		if r.RoleID, err = newUUID(b.rand); err != nil {
			return nil, err
		}
	}
	if err := r.validate(); err != nil {
		return nil, err
	}
	return nil, b.saveRole(ctx, req.Storage, k, old, r)
}

// applyRole sets the role fields present in d (except role_id). creating
// says whether the role is new; some fields are fixed after creation.
func applyRole(r *role, d *framework.FieldData, creating bool) error {
	if v, ok := d.GetOk("bind_secret_id"); ok {
		r.BindSecretID, _ = v.(bool)
	}
	cidrs, ok := d.GetOk("secret_id_bound_cidrs")
	if legacy, lok := d.GetOk("bound_cidr_list"); lok {
		if ok && !reflect.DeepEqual(cidrs, legacy) {
			return logical.Errorf(logical.ErrInvalidRequest, "\"secret_id_bound_cidrs\" and \"bound_cidr_list\" cannot both be set to different values")
		}
		cidrs, ok = legacy, true
	}
	if ok {
		ss, _ := cidrs.([]string)
		parsed, err := tokenutil.ParseCIDRs(ss)
		if err != nil {
			return logical.Errorf(logical.ErrInvalidRequest, "invalid 'secret_id_bound_cidrs': %v", err)
		}
		r.SecretIDBoundCIDRs = parsed
	}
	if v, ok := d.GetOk("secret_id_num_uses"); ok {
		r.SecretIDNumUses, _ = v.(int)
	}
	if v, ok := d.GetOk("secret_id_ttl"); ok {
		r.SecretIDTTL, _ = v.(time.Duration)
	}
	if v, ok := d.GetOk("local_secret_ids"); ok {
		local, _ := v.(bool)
		if !creating && local != r.LocalSecretIDs {
			return logical.Errorf(logical.ErrInvalidRequest, "local_secret_ids can only be modified during role creation")
		}
		r.LocalSecretIDs = local
	}
	return r.TokenParams.ParseFrom(d)
}

// saveRole stores r and keeps the role ID index in step. old is the stored
// version (nil when creating). The caller holds r's role lock.
func (b *backend) saveRole(ctx context.Context, s storage.Backend, k hmacKey, old, r *role) error {
	if old != nil && old.RoleID == r.RoleID {
		return putJSON(ctx, s, roleKey(r.Name), r)
	}
	// Role IDs must be unique across roles, which the per-role locks
	// cannot ensure.
	b.roleIDMu.Lock()
	defer b.roleIDMu.Unlock()
	owner, err := roleNameByID(ctx, s, k, r.RoleID)
	if err != nil {
		return err
	}
	if owner != "" && owner != r.Name {
		if other, err := getRole(ctx, s, owner); err != nil {
			return err
		} else if other != nil && other.RoleID == r.RoleID {
			return logical.Errorf(logical.ErrInvalidRequest, "role_id already in use")
		}
	}
	if err := putJSON(ctx, s, roleIDKey(k, r.RoleID), roleIDEntry{Name: r.Name}); err != nil {
		return err
	}
	if err := putJSON(ctx, s, roleKey(r.Name), r); err != nil {
		return err
	}
	if old != nil {
		if err := s.Delete(ctx, roleIDKey(k, old.RoleID)); err != nil {
			return err
		}
	}
	return nil
}

func (b *backend) roleDelete(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	name := d.String("role_name")
	l := b.roleLocks.get(name)
	l.Lock()
	defer l.Unlock()
	r, err := getRole(ctx, req.Storage, name)
	if err != nil || r == nil {
		return nil, err
	}
	k, err := b.keys.get(ctx, req.Storage)
	if err != nil {
		return nil, err
	}
	// The role goes first: once it is gone nothing below can log in.
	if err := req.Storage.Delete(ctx, roleKey(name)); err != nil {
		return nil, err
	}
	b.roleIDMu.Lock()
	owner, err := roleNameByID(ctx, req.Storage, k, r.RoleID)
	if err == nil && owner == name {
		err = req.Storage.Delete(ctx, roleIDKey(k, r.RoleID))
	}
	b.roleIDMu.Unlock()
	if err != nil {
		return nil, err
	}
	if err := storage.ClearPrefix(ctx, req.Storage, secretPrefix(k, name)); err != nil {
		return nil, err
	}
	return nil, storage.ClearPrefix(ctx, req.Storage, accessorPrefix(k, name))
}
