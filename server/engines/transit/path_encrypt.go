package transit

import (
	"context"
	"encoding/base64"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
)

func (b *Backend) encryptPath() *framework.Path {
	return &framework.Path{
		Pattern: "encrypt/" + framework.GenericNameRegex("name"),
		Fields: withBatchFields(map[string]*framework.FieldSchema{
			"name":                  nameField,
			"plaintext":             {Type: framework.TypeString},
			"context":               {Type: framework.TypeString},
			"nonce":                 {Type: framework.TypeString},
			"associated_data":       {Type: framework.TypeString},
			"key_version":           {Type: framework.TypeInt},
			"type":                  {Type: framework.TypeString, Default: "aes256-gcm96"},
			"convergent_encryption": {Type: framework.TypeBool},
		}),
		Operations: map[logical.Operation]framework.OperationFunc{
			// A create (the key is missing and the token may create)
			// makes the key first; an update needs the key to exist.
			logical.CreateOperation: b.encryptWrite,
			logical.UpdateOperation: b.encryptWrite,
		},
		ExistenceCheck: b.keyExists,
		HelpSynopsis:   "Encrypt base64 plaintext with a named key.",
	}
}

// keyExists is the existence check of paths that may create their key.
func (b *Backend) keyExists(ctx context.Context, _ *logical.Request, d *framework.FieldData) (bool, error) {
	r, err := b.keys.get(ctx, d.String("name"))
	return r != nil, err
}

func (b *Backend) encryptWrite(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	items, batch, err := requestItems(d)
	if err != nil {
		return nil, err
	}
	if !batch {
		if _, ok := d.GetOk("plaintext"); !ok {
			return nil, badRequest(ErrBadInput, "missing plaintext to encrypt")
		}
	}
	r, err := b.encryptionKeyOrUpsert(ctx, req, d, items[0])
	if err != nil {
		return nil, err
	}
	res := newBatchResults(len(items), batch)
	for i, m := range items {
		out, err := encryptItem(r, m)
		res.set(i, m, out, err)
	}
	return res.response(req, d, true)
}

// encryptionKeyOrUpsert returns the named key, creating it when the
// request is a create (the token has the create capability and the key is
// missing) and upserts are allowed. The new key is derived when the first
// item carries a context.
func (b *Backend) encryptionKeyOrUpsert(ctx context.Context, req *logical.Request, d *framework.FieldData, first map[string]any) (*keyRing, error) {
	name := d.String("name")
	r, err := b.keys.get(ctx, name)
	if err != nil || r != nil {
		return r, err
	}
	if req.Operation != logical.CreateOperation {
		return nil, badRequest(ErrKeyNotFound, msgKeyNotFound)
	}
	cfg, err := b.cfg.get(ctx)
	if err != nil {
		return nil, err
	}
	if cfg.DisableUpsert {
		return nil, badRequest(ErrKeyNotFound, msgKeyNotFound)
	}
	t, ok := parseKeyType(d.String("type"))
	if !ok {
		return nil, badRequest(ErrBadInput, "unknown key type %q", d.String("type"))
	}
	ctxStr, _, _ := itemString(first, "context")
	spec := keySpec{typ: t, derived: ctxStr != "", convergent: d.Bool("convergent_encryption")}
	return b.keys.update(ctx, name, func(cur *keyRing) (*keyRing, error) {
		if cur != nil {
			return cur, nil
		}
		return newRing(name, spec, b.now())
	})
}

// itemEncParams decodes an item's context, nonce, associated data and key
// version.
func itemEncParams(m map[string]any) (encParams, error) {
	var p encParams
	var err error
	if p.context, err = itemB64(m, "context", msgContextB64); err != nil {
		return p, err
	}
	if p.nonce, err = itemB64(m, "nonce", msgNonceB64); err != nil {
		return p, err
	}
	if p.aad, err = itemB64(m, "associated_data", msgAssocB64); err != nil {
		return p, err
	}
	p.version, err = itemInt(m, "key_version")
	return p, err
}

func encryptItem(r *keyRing, m map[string]any) (map[string]any, error) {
	p, err := itemEncParams(m)
	if err != nil {
		return nil, err
	}
	pt, err := itemB64(m, "plaintext", msgPlaintextB64)
	if err != nil {
		return nil, err
	}
	ct, n, err := r.encrypt(pt, p)
	if err != nil {
		return nil, err
	}
	return map[string]any{"ciphertext": ct, "key_version": n}, nil
}

func (b *Backend) decryptPath() *framework.Path {
	return &framework.Path{
		Pattern: "decrypt/" + framework.GenericNameRegex("name"),
		Fields: withBatchFields(map[string]*framework.FieldSchema{
			"name":            nameField,
			"ciphertext":      {Type: framework.TypeString},
			"context":         {Type: framework.TypeString},
			"nonce":           {Type: framework.TypeString},
			"associated_data": {Type: framework.TypeString},
		}),
		Operations: map[logical.Operation]framework.OperationFunc{
			logical.UpdateOperation: b.decryptWrite,
		},
		HelpSynopsis: "Decrypt ciphertext made by encrypt/ with a named key.",
	}
}

func (b *Backend) decryptWrite(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	items, batch, err := requestItems(d)
	if err != nil {
		return nil, err
	}
	if !batch && d.String("ciphertext") == "" {
		return nil, badRequest(ErrBadInput, "missing ciphertext to decrypt")
	}
	r, err := b.key(ctx, d.String("name"))
	if err != nil {
		return nil, err
	}
	res := newBatchResults(len(items), batch)
	for i, m := range items {
		out, err := decryptItem(r, m)
		res.set(i, m, out, err)
	}
	return res.response(req, d, true)
}

func decryptItem(r *keyRing, m map[string]any) (map[string]any, error) {
	ct, _, err := itemString(m, "ciphertext")
	if err != nil {
		return nil, err
	}
	if ct == "" {
		return nil, badRequest(ErrBadCiphertext, "missing ciphertext to decrypt")
	}
	p, err := itemEncParams(m)
	if err != nil {
		return nil, err
	}
	p.nonce = nil // the nonce travels inside the ciphertext
	pt, _, err := r.decrypt(ct, p)
	if err != nil {
		return nil, err
	}
	return map[string]any{"plaintext": base64.StdEncoding.EncodeToString(pt)}, nil
}
