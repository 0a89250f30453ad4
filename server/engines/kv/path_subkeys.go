package kv

import (
	"context"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
)

// subkeysRead answers the structure of a version with leaves set to null.
func (b *Backend) subkeysRead(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	path := d.String("path")
	if err := checkPath(path); err != nil {
		return nil, err
	}
	want, err := parseVersion(d.Get("version"))
	if err != nil {
		return nil, err
	}
	depth, err := parseDepth(d.Get("depth"))
	if err != nil {
		return nil, err
	}
	m, v, data, err := b.readVersion(ctx, path, want)
	if err != nil || m == nil {
		return nil, err
	}
	if data == nil {
		return notFoundWithData(req, map[string]any{"subkeys": nil, "metadata": versionResponse(v, m.Custom)})
	}
	return &logical.Response{Data: map[string]any{"subkeys": subkeys(data, depth), "metadata": versionResponse(v, m.Custom)}}, nil
}
