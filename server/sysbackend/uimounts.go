package sysbackend

import (
	"context"
	"strings"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
	"github.com/cofre-io/cofre/server/mount"
)

// uiMountPaths serve sys/internal/ui/mounts, which Vault clients (the kv CLI)
// use to learn a mount's type and KV version. Any valid token may ask.
func (b *backend) uiMountPaths() []*framework.Path {
	return []*framework.Path{
		{
			Pattern: "internal/ui/mounts/?",
			Operations: map[logical.Operation]framework.OperationFunc{
				logical.ReadOperation: func(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
					if req.Caller == nil {
						return nil, logical.Errorf(logical.ErrPermissionDenied, "permission denied")
					}
					secret := map[string]any{}
					for _, e := range b.core.Mounts().List(mount.TableSecrets) {
						secret[e.Path] = mountInfo(e)
					}
					auth := map[string]any{}
					for _, e := range b.core.Mounts().List(mount.TableAuth) {
						auth[e.Path] = mountInfo(e)
					}
					return &logical.Response{Data: map[string]any{"secret": secret, "auth": auth}}, nil
				},
			},
		},
		{
			Pattern: "internal/ui/mounts/(?P<path>.+)",
			Fields:  map[string]*framework.FieldSchema{"path": {Type: framework.TypeString}},
			Operations: map[logical.Operation]framework.OperationFunc{
				logical.ReadOperation: func(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
					if req.Caller == nil {
						return nil, logical.Errorf(logical.ErrPermissionDenied, "permission denied")
					}
					p := strings.TrimPrefix(d.String("path"), "/")
					table, lookup := mount.TableSecrets, p
					if strings.HasPrefix(p, "auth/") {
						table, lookup = mount.TableAuth, strings.TrimPrefix(p, "auth/")
					}
					// The path may point inside the mount: find the longest
					// mount that is a prefix of it.
					var best *mount.Entry
					for _, e := range b.core.Mounts().List(table) {
						if strings.HasPrefix(lookup+"/", e.Path) && (best == nil || len(e.Path) > len(best.Path)) {
							best = e
						}
					}
					if best == nil {
						return nil, logical.Errorf(logical.ErrPermissionDenied, "preflight capability check returned 403, please ensure client's policies grant access to path %q", p+"/")
					}
					info := mountInfo(best)
					info["path"] = best.RoutePath()
					return &logical.Response{Data: info}, nil
				},
			},
		},
	}
}
