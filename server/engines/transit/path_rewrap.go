package transit

import (
	"context"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
)

func (b *Backend) rewrapPath() *framework.Path {
	return &framework.Path{
		Pattern: "rewrap/" + framework.GenericNameRegex("name"),
		Fields: withBatchFields(map[string]*framework.FieldSchema{
			"name":            nameField,
			"ciphertext":      {Type: framework.TypeString},
			"context":         {Type: framework.TypeString},
			"nonce":           {Type: framework.TypeString},
			"associated_data": {Type: framework.TypeString},
			"key_version":     {Type: framework.TypeInt},
		}),
		Operations: map[logical.Operation]framework.OperationFunc{
			logical.UpdateOperation: b.rewrapWrite,
		},
		HelpSynopsis: "Re-encrypt ciphertext under the latest (or a chosen) key version without revealing the plaintext.",
	}
}

func (b *Backend) rewrapWrite(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	items, batch, err := requestItems(d)
	if err != nil {
		return nil, err
	}
	if !batch && d.String("ciphertext") == "" {
		return nil, badRequest(ErrBadInput, "missing ciphertext to rewrap")
	}
	r, err := b.key(ctx, d.String("name"))
	if err != nil {
		return nil, err
	}
	res := newBatchResults(len(items), batch)
	for i, m := range items {
		out, err := rewrapItem(r, m)
		res.set(i, m, out, err)
	}
	return res.response(req, d, true)
}

// rewrapItem decrypts and re-encrypts one item; the plaintext is cleared
// before returning and never leaves the engine.
func rewrapItem(r *keyRing, m map[string]any) (map[string]any, error) {
	ct, _, err := itemString(m, "ciphertext")
	if err != nil {
		return nil, err
	}
	if ct == "" {
		return nil, badRequest(ErrBadCiphertext, "missing ciphertext to rewrap")
	}
	p, err := itemEncParams(m)
	if err != nil {
		return nil, err
	}
	nonce := p.nonce
	p.nonce = nil
	pt, _, err := r.decrypt(ct, p)
	if err != nil {
		return nil, err
	}
	defer clear(pt)
	p.nonce = nonce
	out, n, err := r.encrypt(pt, p)
	if err != nil {
		return nil, err
	}
	return map[string]any{"ciphertext": out, "key_version": n}, nil
}
