package sysbackend

import (
	"context"

	"github.com/cofre-io/cofre/server/audit"
	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
)

// AuditCore is what the audit endpoints need: sys/audit lists, enables
// and disables devices, sys/audit-hash hashes with a device's salt.
type AuditCore interface {
	AuditDevices() ([]audit.TableEntry, error)
	EnableAudit(ctx context.Context, e audit.TableEntry) error
	DisableAudit(ctx context.Context, path string) (bool, error)
	AuditHash(path, input string) (string, error)
}

// auditPaths serves sys/audit, sys/audit/<path> and sys/audit-hash/<path>.
// sys/audit and sys/audit/* are root paths (sudo); audit-hash is not, as
// in Vault.
func (b *backend) auditPaths() []*framework.Path {
	ac, ok := b.core.(AuditCore)
	if !ok {
		return nil
	}
	list := func(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
		devices, err := ac.AuditDevices()
		if err != nil {
			return nil, err
		}
		data := make(map[string]any, len(devices))
		for _, e := range devices {
			opts := map[string]any{}
			for k, v := range e.Options {
				opts[k] = v
			}
			data[e.Path] = map[string]any{
				"type":        e.Type,
				"description": e.Description,
				"options":     opts,
				"local":       e.Local,
				"path":        e.Path,
			}
		}
		return &logical.Response{Data: data}, nil
	}
	enable := func(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
		return nil, ac.EnableAudit(ctx, audit.TableEntry{
			Path:        d.String("path"),
			Type:        d.String("type"),
			Description: d.String("description"),
			Options:     d.StringMap("options"),
			Local:       d.Bool("local"),
		})
	}
	disable := func(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
		_, err := ac.DisableAudit(ctx, d.String("path"))
		return nil, err // disabling a missing device succeeds, as in Vault
	}
	hash := func(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
		in, ok := d.GetOk("input")
		if !ok {
			return nil, logical.Errorf(logical.ErrInvalidRequest, "the \"input\" parameter is required")
		}
		h, err := ac.AuditHash(d.String("path"), in.(string))
		if err != nil {
			return nil, err
		}
		return &logical.Response{Data: map[string]any{"hash": h}}, nil
	}
	return []*framework.Path{
		{
			Pattern:    "audit/?",
			Operations: map[logical.Operation]framework.OperationFunc{logical.ReadOperation: list},
		},
		{
			Pattern: "audit/(?P<path>.+)",
			Fields: map[string]*framework.FieldSchema{
				"path":        {Type: framework.TypeString},
				"type":        {Type: framework.TypeString},
				"description": {Type: framework.TypeString},
				"options":     {Type: framework.TypeKVPairs},
				"local":       {Type: framework.TypeBool},
			},
			Operations: map[logical.Operation]framework.OperationFunc{
				logical.UpdateOperation: enable,
				logical.CreateOperation: enable,
				logical.DeleteOperation: disable,
			},
		},
		{
			Pattern: "audit-hash/(?P<path>.+)",
			Fields: map[string]*framework.FieldSchema{
				"path":  {Type: framework.TypeString},
				"input": {Type: framework.TypeString},
			},
			Operations: map[logical.Operation]framework.OperationFunc{logical.UpdateOperation: hash},
		},
	}
}
