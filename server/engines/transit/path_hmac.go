package transit

import (
	"context"
	"crypto"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
)

func (b *Backend) hmacPath() *framework.Path {
	return &framework.Path{
		Pattern: "hmac/" + framework.GenericNameRegex("name") + algorithmSuffix,
		Fields: withBatchFields(map[string]*framework.FieldSchema{
			"name":         nameField,
			"urlalgorithm": {Type: framework.TypeString},
			"algorithm":    {Type: framework.TypeString},
			"input":        {Type: framework.TypeString},
			"key_version":  {Type: framework.TypeInt},
		}),
		Operations: map[logical.Operation]framework.OperationFunc{
			logical.UpdateOperation: b.hmacWrite,
		},
		HelpSynopsis: "HMAC base64 input with a named key's version HMAC key.",
	}
}

func (b *Backend) hmacWrite(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	items, batch, err := requestItems(d)
	if err != nil {
		return nil, err
	}
	h, err := parseHash(hashName(d), false, false)
	if err != nil {
		return nil, err
	}
	r, err := b.key(ctx, d.String("name"))
	if err != nil {
		return nil, err
	}
	res := newBatchResults(len(items), batch)
	for i, m := range items {
		out, err := hmacItem(r, h, m)
		res.set(i, m, out, err)
	}
	return res.response(req, d, false)
}

func hmacItem(r *keyRing, h crypto.Hash, m map[string]any) (map[string]any, error) {
	if _, present, _ := itemString(m, "input"); !present {
		return nil, badRequest(ErrBadInput, "missing input for HMAC")
	}
	input, err := itemB64(m, "input", msgInputB64)
	if err != nil {
		return nil, err
	}
	ver, err := itemInt(m, "key_version")
	if err != nil {
		return nil, err
	}
	mac, n, err := r.hmac(input, h, ver)
	if err != nil {
		return nil, err
	}
	return map[string]any{"hmac": mac, "key_version": n}, nil
}
