package transit

import (
	"context"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
)

func (b *Backend) rotatePath() *framework.Path {
	return &framework.Path{
		Pattern: "keys/" + framework.GenericNameRegex("name") + "/rotate",
		Fields:  map[string]*framework.FieldSchema{"name": nameField},
		Operations: map[logical.Operation]framework.OperationFunc{
			logical.UpdateOperation: b.rotateWrite,
		},
		HelpSynopsis: "Add a new version to a named key; new encryptions and signatures use it.",
	}
}

func (b *Backend) rotateWrite(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	r, err := b.keys.update(ctx, d.String("name"), func(cur *keyRing) (*keyRing, error) {
		if cur == nil {
			return nil, badRequest(ErrKeyNotFound, msgKeyNotFound)
		}
		next := cur.clone()
		if next.latest >= maxVersions {
			return nil, badRequest(ErrBadInput, "the key has reached %d versions", maxVersions)
		}
		return next, next.rotate(b.now())
	})
	if err != nil {
		return nil, err
	}
	return &logical.Response{Data: keyData(r)}, nil
}

func (b *Backend) trimPath() *framework.Path {
	return &framework.Path{
		Pattern: "keys/" + framework.GenericNameRegex("name") + "/trim",
		Fields: map[string]*framework.FieldSchema{
			"name":                  nameField,
			"min_available_version": {Type: framework.TypeInt, Required: true},
		},
		Operations: map[logical.Operation]framework.OperationFunc{
			logical.UpdateOperation: b.trimWrite,
		},
		HelpSynopsis: "Delete the versions of a named key below min_available_version, for good.",
	}
}

func (b *Backend) trimWrite(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	n := d.Int("min_available_version")
	r, err := b.keys.update(ctx, d.String("name"), func(cur *keyRing) (*keyRing, error) {
		switch {
		case cur == nil:
			return nil, badRequest(ErrKeyNotFound, msgKeyNotFound)
		case n < 1:
			return nil, badRequest(ErrBadInput, "min_available_version must be at least 1")
		case cur.minEncrypt == 0:
			return nil, badRequest(ErrBadInput, "set min_encryption_version before trimming: versions cannot be trimmed while it is 0")
		case n < cur.minAvailable:
			return nil, badRequest(ErrBadInput, "min_available_version cannot go down (it is %d)", cur.minAvailable)
		case n > cur.minDecrypt || n > cur.minEncrypt:
			return nil, badRequest(ErrBadInput, "min_available_version %d must not exceed min_decryption_version (%d) or min_encryption_version (%d)", n, cur.minDecrypt, cur.minEncrypt)
		case n == cur.minAvailable:
			return cur, nil
		}
		next := cur.clone()
		for v := next.lowest(); v < n; v++ {
			next.vers[v] = nil
		}
		next.minAvailable = n
		return next, nil
	})
	if err != nil {
		return nil, err
	}
	return &logical.Response{Data: keyData(r)}, nil
}
