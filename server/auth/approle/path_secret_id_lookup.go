package approle

import (
	"context"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
)

// findFunc resolves the request to a secret ID's HMAC ("" when unknown).
type findFunc func(ctx context.Context, st secretStore, k hmacKey, d *framework.FieldData) (string, error)

func bySecretID(_ context.Context, _ secretStore, k hmacKey, d *framework.FieldData) (string, error) {
	sid := d.String("secret_id")
	if sid == "" {
		return "", logical.Errorf(logical.ErrInvalidRequest, "missing secret_id")
	}
	return k.sum(domainSecretID, sid), nil
}

func byAccessor(ctx context.Context, st secretStore, _ hmacKey, d *framework.FieldData) (string, error) {
	acc := d.String("secret_id_accessor")
	if acc == "" {
		return "", logical.Errorf(logical.ErrInvalidRequest, "missing secret_id_accessor")
	}
	h, err := st.byAccessor(ctx, acc)
	if err != nil {
		return "", err
	}
	if h == "" {
		return "", logical.Errorf(logical.ErrInvalidRequest, "failed to find accessor entry for secret_id_accessor: %q", acc)
	}
	return h, nil
}

// withSecretID runs fn on the addressed secret ID under the role's shared
// lock and the secret ID's exclusive lock. fn gets nil when there is no
// such secret ID.
func (b *backend) withSecretID(ctx context.Context, req *logical.Request, d *framework.FieldData, find findFunc,
	fn func(st secretStore, e *secretIDEntry) (*logical.Response, error)) (*logical.Response, error) {
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
	st := newSecretStore(req.Storage, k, name)
	h, err := find(ctx, st, k, d)
	if err != nil {
		return nil, err
	}
	sl := b.secretLocks.get(h)
	sl.Lock()
	defer sl.Unlock()
	e, err := st.get(ctx, h)
	if err != nil {
		return nil, err
	}
	return fn(st, e)
}

func lookupFn(_ secretStore, e *secretIDEntry) (*logical.Response, error) {
	if e == nil {
		return nil, nil
	}
	return &logical.Response{Data: e.data()}, nil
}

func (b *backend) destroyFn(ctx context.Context) func(secretStore, *secretIDEntry) (*logical.Response, error) {
	return func(st secretStore, e *secretIDEntry) (*logical.Response, error) {
		if e == nil {
			return nil, nil
		}
		return nil, st.remove(ctx, e)
	}
}

func (b *backend) secretIDLookup(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	return b.withSecretID(ctx, req, d, bySecretID, lookupFn)
}

func (b *backend) secretIDDestroy(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	return b.withSecretID(ctx, req, d, bySecretID, b.destroyFn(ctx))
}

func (b *backend) accessorLookup(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	return b.withSecretID(ctx, req, d, byAccessor, lookupFn)
}

func (b *backend) accessorDestroy(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	return b.withSecretID(ctx, req, d, byAccessor, b.destroyFn(ctx))
}
