package transit

import (
	"context"
	"crypto/rsa"
	"encoding/base64"
	"strconv"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
)

// signFields are shared by sign/ and verify/.
func signFields() map[string]*framework.FieldSchema {
	return withBatchFields(map[string]*framework.FieldSchema{
		"name":                 nameField,
		"urlalgorithm":         {Type: framework.TypeString},
		"hash_algorithm":       {Type: framework.TypeString},
		"algorithm":            {Type: framework.TypeString},
		"input":                {Type: framework.TypeString},
		"context":              {Type: framework.TypeString},
		"key_version":          {Type: framework.TypeInt},
		"prehashed":            {Type: framework.TypeBool},
		"signature_algorithm":  {Type: framework.TypeString},
		"marshaling_algorithm": {Type: framework.TypeString},
		"salt_length":          {Type: framework.TypeString},
	})
}

// algorithmSuffix is the optional "/<algorithm>" ending a path.
const algorithmSuffix = `(/(?P<urlalgorithm>[^/]+))?`

func (b *Backend) signPath() *framework.Path {
	return &framework.Path{
		Pattern: "sign/" + framework.GenericNameRegex("name") + algorithmSuffix,
		Fields:  signFields(),
		Operations: map[logical.Operation]framework.OperationFunc{
			logical.UpdateOperation: b.signWrite,
		},
		HelpSynopsis: "Sign base64 input with a named asymmetric key.",
	}
}

// hashName is the algorithm from the path, hash_algorithm, or the older
// algorithm field, in that order.
func hashName(d *framework.FieldData) string {
	for _, f := range []string{"urlalgorithm", "hash_algorithm", "algorithm"} {
		if s := d.String(f); s != "" {
			return s
		}
	}
	return ""
}

// signParamsFrom reads the request-wide signing parameters for key r.
func signParamsFrom(d *framework.FieldData, r *keyRing) (signParams, error) {
	h, err := parseHash(hashName(d), true, true)
	if err != nil {
		return signParams{}, err
	}
	p := signParams{hash: h, prehashed: d.Bool("prehashed"), saltLen: rsa.PSSSaltLengthAuto}
	switch s := d.String("signature_algorithm"); s {
	case "", "pss":
	case "pkcs1v15":
		p.pkcs1v15 = true
	default:
		return p, badRequest(ErrBadInput, "unsupported signature_algorithm %q: use pss or pkcs1v15", s)
	}
	switch s := d.String("marshaling_algorithm"); s {
	case "", "asn1":
	case "jws":
		if !r.typ.ecdsa() {
			return p, badRequest(ErrUnsupported, "marshaling_algorithm jws applies only to ECDSA keys")
		}
		p.jws = true
	default:
		return p, badRequest(ErrBadInput, "unsupported marshaling_algorithm %q: use asn1 or jws", s)
	}
	switch s := d.String("salt_length"); s {
	case "", "auto":
	case "hash":
		p.saltLen = rsa.PSSSaltLengthEqualsHash
	default:
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return p, badRequest(ErrBadInput, "invalid salt_length %q: use auto, hash, or a positive number of bytes", s)
		}
		p.saltLen = n
	}
	return p, nil
}

// itemInput decodes an item's base64 input, which must be present.
func itemInput(m map[string]any) ([]byte, error) {
	if _, ok, _ := itemString(m, "input"); !ok {
		return nil, badRequest(ErrBadInput, "missing input")
	}
	return itemB64(m, "input", msgInputB64)
}

func (b *Backend) signWrite(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	items, batch, err := requestItems(d)
	if err != nil {
		return nil, err
	}
	r, err := b.key(ctx, d.String("name"))
	if err != nil {
		return nil, err
	}
	p, err := signParamsFrom(d, r)
	if err != nil {
		return nil, err
	}
	res := newBatchResults(len(items), batch)
	for i, m := range items {
		out, err := signItem(r, p, m)
		res.set(i, m, out, err)
	}
	return res.response(req, d, false)
}

func signItem(r *keyRing, p signParams, m map[string]any) (map[string]any, error) {
	input, err := itemInput(m)
	if err != nil {
		return nil, err
	}
	if p.context, err = itemB64(m, "context", msgContextB64); err != nil {
		return nil, err
	}
	if p.version, err = itemInt(m, "key_version"); err != nil {
		return nil, err
	}
	sig, n, pub, err := r.sign(input, p)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"signature": sig, "key_version": n}
	if pub != nil {
		out["publickey"] = base64.StdEncoding.EncodeToString(pub)
	}
	return out, nil
}
