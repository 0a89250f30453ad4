package transit

import (
	"context"
	"encoding/base64"
	"encoding/hex"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
)

func (b *Backend) hashPath() *framework.Path {
	return &framework.Path{
		Pattern: "hash" + algorithmSuffix,
		Fields: map[string]*framework.FieldSchema{
			"urlalgorithm": {Type: framework.TypeString},
			"algorithm":    {Type: framework.TypeString},
			"input":        {Type: framework.TypeString},
			"format":       {Type: framework.TypeString, Default: "hex"},
		},
		Operations: map[logical.Operation]framework.OperationFunc{
			logical.UpdateOperation: b.hashWrite,
		},
		HelpSynopsis: "Hash base64 input (no key involved).",
	}
}

func (b *Backend) hashWrite(_ context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	h, err := parseHash(hashName(d), false, false)
	if err != nil {
		return nil, err
	}
	if _, ok := d.GetOk("input"); !ok {
		return nil, badRequest(ErrBadInput, "missing input")
	}
	input, err := decodeB64(d.String("input"), msgInputB64)
	if err != nil {
		return nil, err
	}
	sum, err := encodeBytes(digest(h, input), d.String("format"))
	if err != nil {
		return nil, err
	}
	return &logical.Response{Data: map[string]any{"sum": sum}}, nil
}

// encodeBytes writes b as "hex" or "base64".
func encodeBytes(b []byte, format string) (string, error) {
	switch format {
	case "hex":
		return hex.EncodeToString(b), nil
	case "base64":
		return base64.StdEncoding.EncodeToString(b), nil
	}
	return "", badRequest(ErrBadInput, "unsupported encoding format %q: use hex or base64", format)
}
