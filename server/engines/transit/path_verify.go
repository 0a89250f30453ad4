package transit

import (
	"context"
	"crypto"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
)

func (b *Backend) verifyPath() *framework.Path {
	fields := signFields()
	fields["signature"] = &framework.FieldSchema{Type: framework.TypeString}
	fields["hmac"] = &framework.FieldSchema{Type: framework.TypeString}
	return &framework.Path{
		Pattern: "verify/" + framework.GenericNameRegex("name") + algorithmSuffix,
		Fields:  fields,
		Operations: map[logical.Operation]framework.OperationFunc{
			logical.UpdateOperation: b.verifyWrite,
		},
		HelpSynopsis: "Verify a signature made by sign/ or an HMAC made by hmac/.",
	}
}

// verifyKind says whether every item carries a signature or every item an
// HMAC; a mix, or an item with both or neither, is refused.
func verifyKind(items []map[string]any) (hmacMode bool, err error) {
	for i, m := range items {
		_, sig, _ := itemString(m, "signature")
		_, mac, _ := itemString(m, "hmac")
		if sig == mac {
			return false, badRequest(ErrBadInput, "item %d: provide exactly one of signature or hmac", i)
		}
		if i > 0 && mac != hmacMode {
			return false, badRequest(ErrBadInput, "batch items must all carry signatures or all carry HMACs")
		}
		hmacMode = mac
	}
	return hmacMode, nil
}

func (b *Backend) verifyWrite(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	items, batch, err := requestItems(d)
	if err != nil {
		return nil, err
	}
	hmacMode, err := verifyKind(items)
	if err != nil {
		return nil, err
	}
	r, err := b.key(ctx, d.String("name"))
	if err != nil {
		return nil, err
	}
	var p signParams
	var h crypto.Hash
	if hmacMode {
		h, err = parseHash(hashName(d), false, false)
	} else {
		p, err = signParamsFrom(d, r)
	}
	if err != nil {
		return nil, err
	}
	res := newBatchResults(len(items), batch)
	for i, m := range items {
		out, err := verifyItem(r, p, h, hmacMode, m)
		res.set(i, m, out, err)
	}
	return res.response(req, d, false)
}

func verifyItem(r *keyRing, p signParams, h crypto.Hash, hmacMode bool, m map[string]any) (map[string]any, error) {
	input, err := itemInput(m)
	if err != nil {
		return nil, err
	}
	var ok bool
	if hmacMode {
		mac, _, _ := itemString(m, "hmac")
		ok, err = r.verifyHMAC(mac, input, h)
	} else {
		if p.context, err = itemB64(m, "context", msgContextB64); err != nil {
			return nil, err
		}
		sig, _, _ := itemString(m, "signature")
		ok, err = r.verify(sig, input, p)
	}
	if err != nil {
		return nil, err
	}
	return map[string]any{"valid": ok}, nil
}
