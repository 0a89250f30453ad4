package transit

import (
	"context"
	"strconv"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
)

// maxRandomBytes caps one random/ answer, as Vault.
const maxRandomBytes = 128 * 1024

func (b *Backend) randomPath() *framework.Path {
	return &framework.Path{
		Pattern: `random(/(?P<source>platform|seal|all))?(/(?P<urlbytes>[^/]+))?`,
		Fields: map[string]*framework.FieldSchema{
			"source":   {Type: framework.TypeString, Default: "platform"},
			"urlbytes": {Type: framework.TypeString},
			"bytes":    {Type: framework.TypeInt, Default: 32},
			"format":   {Type: framework.TypeString, Default: "base64"},
		},
		Operations: map[logical.Operation]framework.OperationFunc{
			logical.UpdateOperation: b.randomWrite,
		},
		HelpSynopsis: "Random bytes from the platform's secure source.",
	}
}

// randomWrite answers every source ("platform", "seal", "all") from the
// operating system's secure generator: Cofre's seals have no separate
// entropy source to mix in.
func (b *Backend) randomWrite(_ context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	n := d.Int("bytes")
	if s := d.String("urlbytes"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil {
			return nil, badRequest(ErrBadInput, "invalid number of bytes %q in the path", s)
		}
		n = v
	}
	if n < 1 || n > maxRandomBytes {
		return nil, badRequest(ErrBadInput, "the number of bytes must be between 1 and %d", maxRandomBytes)
	}
	out, err := encodeBytes(randomBytes(n), d.String("format"))
	if err != nil {
		return nil, err
	}
	return &logical.Response{Data: map[string]any{"random_bytes": out}}, nil
}
