package pki

import (
	"context"
	"sort"
	"strings"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
	"github.com/cofre-io/cofre/server/storage"
)

func (b *Backend) keyPaths() []*framework.Path {
	keyRef := "key/" + framework.GenericNameRegex("key_ref")
	return []*framework.Path{
		{
			Pattern:      "keys/?",
			Operations:   map[logical.Operation]framework.OperationFunc{logical.ListOperation: b.keyList},
			HelpSynopsis: "List the keys.",
		},
		{
			Pattern: keyRef,
			Fields: map[string]*framework.FieldSchema{
				"key_ref":  {Type: framework.TypeString, Required: true, Description: "Key id, name or default."},
				"key_name": {Type: framework.TypeString, Description: "New name."},
			},
			Operations: map[logical.Operation]framework.OperationFunc{
				logical.ReadOperation:   b.keyRead,
				logical.UpdateOperation: b.keyUpdate,
				logical.DeleteOperation: b.keyDelete,
			},
			HelpSynopsis: "Read, rename or delete a key.",
		},
		{
			Pattern: "keys/generate/(?P<type>internal|exported)",
			Fields: map[string]*framework.FieldSchema{
				"key_type":           {Type: framework.TypeString, Default: keyRSA, Description: "rsa, ec or ed25519."},
				"key_bits":           {Type: framework.TypeInt, Description: "Key size."},
				"key_name":           {Type: framework.TypeString, Description: "Name of the key."},
				"private_key_format": {Type: framework.TypeString, Default: "der", Description: "der or pkcs8."},
				"type":               {Type: framework.TypeString, Description: "internal or exported (from the path)."},
			},
			Operations:   map[logical.Operation]framework.OperationFunc{logical.UpdateOperation: b.keyGenerate},
			HelpSynopsis: "Generate a key.",
		},
		{
			Pattern: "keys/import",
			Fields: map[string]*framework.FieldSchema{
				"pem_bundle": {Type: framework.TypeString, Required: true, Description: "PEM private key."},
				"key_name":   {Type: framework.TypeString, Description: "Name of the key."},
			},
			Operations:   map[logical.Operation]framework.OperationFunc{logical.UpdateOperation: b.keyImport},
			HelpSynopsis: "Import a private key.",
		},
		{
			Pattern: "config/keys",
			Fields:  map[string]*framework.FieldSchema{"default": {Type: framework.TypeString, Description: "The default key (id or name)."}},
			Operations: map[logical.Operation]framework.OperationFunc{
				logical.ReadOperation:   b.defaultKeyRead,
				logical.UpdateOperation: b.defaultKeyWrite,
			},
			HelpSynopsis: "Read or set the default key.",
		},
	}
}

func keyData(k *key) map[string]any {
	return map[string]any{"key_id": k.rec.ID, "key_name": k.rec.Name, "key_type": k.rec.Type, "key_bits": k.rec.Bits}
}

func (b *Backend) keyList(ctx context.Context, _ *logical.Request, _ *framework.FieldData) (*logical.Response, error) {
	st, err := b.state(ctx)
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(st.keys))
	info := make(map[string]any, len(st.keys))
	for id, k := range st.keys {
		keys = append(keys, id)
		info[id] = map[string]any{"key_name": k.rec.Name}
	}
	sort.Strings(keys)
	return &logical.Response{Data: map[string]any{"keys": keys, "key_info": info}}, nil
}

func (b *Backend) keyRead(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	st, err := b.state(ctx)
	if err != nil {
		return nil, err
	}
	k, err := st.resolveKey(d.String("key_ref"))
	if err != nil {
		return nil, err
	}
	return &logical.Response{Data: keyData(k)}, nil
}

func (b *Backend) keyUpdate(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	var id string
	st, err := b.changeCA(ctx, func(st *caState) ([]storage.TxnOp, error) {
		k, err := st.resolveKey(d.String("key_ref"))
		if err != nil {
			return nil, err
		}
		id = k.rec.ID
		rec := k.rec
		if name := d.String("key_name"); name != rec.Name {
			if err := checkNewName(name, st.keyNames, "key"); err != nil {
				return nil, err
			}
			rec.Name = name
		}
		op, err := jsonOp(prefixKey+rec.ID, &rec)
		return []storage.TxnOp{op}, err
	})
	if err != nil {
		return nil, err
	}
	return &logical.Response{Data: keyData(st.keys[id])}, nil
}

// keyDelete refuses to delete a key an issuer uses.
func (b *Backend) keyDelete(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	_, err := b.changeCA(ctx, func(st *caState) ([]storage.TxnOp, error) {
		k, err := st.resolveKey(d.String("key_ref"))
		if err != nil {
			return nil, nil
		}
		var users []string
		for id, is := range st.issuers {
			if is.rec.KeyID == k.rec.ID {
				users = append(users, id)
			}
		}
		if len(users) > 0 {
			sort.Strings(users)
			return nil, badRequest("unable to delete key: it is in use by issuers %s", strings.Join(users, ", "))
		}
		ops := []storage.TxnOp{{Delete: true, Entry: storage.Entry{Key: prefixKey + k.rec.ID}}}
		if st.defaultKey == k.rec.ID {
			ops = append(ops, storage.TxnOp{Delete: true, Entry: storage.Entry{Key: keyConfigKeys}})
		}
		return ops, nil
	})
	return nil, err
}

func (b *Backend) keyGenerate(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	pkcs8, err := checkKeyFormat(d.String("private_key_format"))
	if err != nil {
		return nil, err
	}
	var ks *keySource
	_, err = b.changeCA(ctx, func(st *caState) ([]storage.TxnOp, error) {
		if ks, err = newKeySource(st, "internal", d); err != nil {
			return nil, err
		}
		ops, err := ks.ops()
		if err != nil {
			return nil, err
		}
		def, err := defaultOps(st, "", ks.keyID)
		return append(ops, def...), err
	})
	if err != nil {
		return nil, err
	}
	data := map[string]any{"key_id": ks.keyID, "key_name": ks.keyName, "key_type": ks.spec.Type}
	if d.String("type") == "exported" {
		if err := addPrivateKey(data, formatPEM, ks, pkcs8); err != nil {
			return nil, err
		}
	}
	return &logical.Response{Data: data}, nil
}

func (b *Backend) keyImport(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	signer, err := parseKeyPEM(d.String("pem_bundle"))
	if err != nil {
		return nil, err
	}
	var data map[string]any
	_, err = b.changeCA(ctx, func(st *caState) ([]storage.TxnOp, error) {
		if k := st.keyFor(signer.Public()); k != nil {
			data = keyData(k)
			return nil, nil
		}
		name := d.String("key_name")
		if err := checkNewName(name, st.keyNames, "key"); err != nil {
			return nil, err
		}
		rec, err := newKeyRecord(signer, name)
		if err != nil {
			return nil, err
		}
		data = keyData(&key{rec: *rec})
		op, err := jsonOp(prefixKey+rec.ID, rec)
		if err != nil {
			return nil, err
		}
		def, err := defaultOps(st, "", rec.ID)
		return append([]storage.TxnOp{op}, def...), err
	})
	if err != nil {
		return nil, err
	}
	return &logical.Response{Data: data}, nil
}

func (b *Backend) defaultKeyRead(ctx context.Context, _ *logical.Request, _ *framework.FieldData) (*logical.Response, error) {
	st, err := b.state(ctx)
	if err != nil {
		return nil, err
	}
	def := ""
	if st.keys[st.defaultKey] != nil {
		def = st.defaultKey
	}
	return &logical.Response{Data: map[string]any{"default": def}}, nil
}

func (b *Backend) defaultKeyWrite(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	var id string
	_, err := b.changeCA(ctx, func(st *caState) ([]storage.TxnOp, error) {
		ref := strings.TrimSpace(d.String("default"))
		if ref == "" || ref == "default" {
			return nil, badRequest("the default field must name a key")
		}
		k, err := st.resolveKey(ref)
		if err != nil {
			return nil, err
		}
		id = k.rec.ID
		op, err := jsonOp(keyConfigKeys, &defaultsConfig{Default: id})
		return []storage.TxnOp{op}, err
	})
	if err != nil {
		return nil, err
	}
	return &logical.Response{Data: map[string]any{"default": id}}, nil
}
