package sysbackend

import (
	"context"

	"github.com/cofre-io/cofre/server/barrier"
	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
	"github.com/cofre-io/cofre/server/mount"
)

// Core is what the system backend needs from the server.
type Core interface {
	Mounts() *mount.Manager
	Rotate(ctx context.Context) (barrier.KeyInfo, error)
	KeyStatus() (barrier.KeyInfo, error)
}

// Extension adds paths to the system backend (policies, leases, audit...).
type Extension interface {
	Paths() []*framework.Path
	RootPaths() []string
	UnauthenticatedPaths() []string
}

// New returns the system backend.
func New(c Core, exts ...Extension) (logical.Backend, error) {
	b := &backend{core: c}
	fb := &framework.Backend{
		BackendType: logical.TypeSecrets,
		PathsSpecial: &logical.Paths{
			Root:            []string{"auth/*", "rotate", "remount", "audit", "audit/*", "raw", "raw/*", "leases/revoke-prefix/*", "leases/revoke-force/*", "leases/lookup/*", "revoke-prefix/*", "revoke-force/*", "seal", "step-down"},
			Unauthenticated: []string{"internal/ui/mounts", "internal/ui/mounts/*", "wrapping/lookup"},
		},
	}
	fb.Paths = append(fb.Paths, b.mountPaths()...)
	fb.Paths = append(fb.Paths, b.keyPaths()...)
	fb.Paths = append(fb.Paths, b.policyPaths()...)
	fb.Paths = append(fb.Paths, b.auditPaths()...)
	fb.Paths = append(fb.Paths, b.wrappingPaths()...)
	b.addLeasePaths(fb)
	for _, e := range exts {
		fb.Paths = append(fb.Paths, e.Paths()...)
		fb.PathsSpecial.Root = append(fb.PathsSpecial.Root, e.RootPaths()...)
		fb.PathsSpecial.Unauthenticated = append(fb.PathsSpecial.Unauthenticated, e.UnauthenticatedPaths()...)
	}
	if err := fb.Init(); err != nil {
		return nil, err
	}
	return fb, nil
}

type backend struct {
	core Core
}

func (b *backend) keyPaths() []*framework.Path {
	return []*framework.Path{
		{
			Pattern: "rotate",
			Operations: map[logical.Operation]framework.OperationFunc{
				logical.UpdateOperation: b.rotate,
			},
		},
		{
			Pattern: "key-status",
			Operations: map[logical.Operation]framework.OperationFunc{
				logical.ReadOperation: b.keyStatus,
			},
		},
	}
}

func (b *backend) rotate(ctx context.Context, _ *logical.Request, _ *framework.FieldData) (*logical.Response, error) {
	if _, err := b.core.Rotate(ctx); err != nil {
		return nil, err
	}
	return nil, nil
}

func (b *backend) keyStatus(_ context.Context, _ *logical.Request, _ *framework.FieldData) (*logical.Response, error) {
	ki, err := b.core.KeyStatus()
	if err != nil {
		return nil, err
	}
	return &logical.Response{Data: map[string]any{
		"term":         ki.Term,
		"install_time": ki.InstallTime.UTC().Format("2006-01-02T15:04:05.999999999Z07:00"),
		"encryptions":  ki.Encryptions,
	}}, nil
}
