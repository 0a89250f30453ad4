package transit

import (
	"context"
	"encoding/base64"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
)

func (b *Backend) datakeyPath() *framework.Path {
	return &framework.Path{
		Pattern: "datakey/" + framework.GenericNameRegex("plaintext") + "/" + framework.GenericNameRegex("name"),
		Fields: map[string]*framework.FieldSchema{
			"name":            nameField,
			"plaintext":       {Type: framework.TypeString, Required: true},
			"context":         {Type: framework.TypeString},
			"nonce":           {Type: framework.TypeString},
			"associated_data": {Type: framework.TypeString},
			"key_version":     {Type: framework.TypeInt},
			"bits":            {Type: framework.TypeInt, Default: 256},
		},
		Operations: map[logical.Operation]framework.OperationFunc{
			logical.UpdateOperation: b.datakeyWrite,
		},
		HelpSynopsis: "Generate a data key: random bytes returned encrypted with a named key, and in plaintext on datakey/plaintext/.",
	}
}

func (b *Backend) datakeyWrite(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	var withPlaintext bool
	switch d.String("plaintext") {
	case "plaintext":
		withPlaintext = true
	case "wrapped":
	default:
		return nil, badRequest(ErrBadInput, "invalid path: the data key type must be \"plaintext\" or \"wrapped\"")
	}
	bits := d.Int("bits")
	switch bits {
	case 128, 256, 512:
	default:
		return nil, badRequest(ErrBadInput, "invalid bits value %d: use 128, 256 or 512", bits)
	}
	r, err := b.key(ctx, d.String("name"))
	if err != nil {
		return nil, err
	}
	// The path's "plaintext" capture is not the key; read the other
	// parameters from the body only.
	p, err := itemEncParams(d.Raw())
	if err != nil {
		return nil, err
	}
	dk := randomBytes(bits / 8)
	defer clear(dk)
	ct, n, err := r.encrypt(dk, p)
	if err != nil {
		return nil, err
	}
	data := map[string]any{"ciphertext": ct, "key_version": n}
	if withPlaintext {
		data["plaintext"] = base64.StdEncoding.EncodeToString(dk)
	}
	return &logical.Response{Data: data}, nil
}
