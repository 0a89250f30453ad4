package transit

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"strconv"
	"time"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
)

// nameField is the key name captured from a path.
var nameField = &framework.FieldSchema{Type: framework.TypeString, Required: true}

func (b *Backend) keysListPath() *framework.Path {
	return &framework.Path{
		Pattern: "keys/?",
		Operations: map[logical.Operation]framework.OperationFunc{
			logical.ListOperation: b.keysList,
		},
		HelpSynopsis: "List the named keys.",
	}
}

func (b *Backend) keysPath() *framework.Path {
	return &framework.Path{
		Pattern: "keys/" + framework.GenericNameRegex("name"),
		Fields: map[string]*framework.FieldSchema{
			"name":                   nameField,
			"type":                   {Type: framework.TypeString, Default: "aes256-gcm96"},
			"derived":                {Type: framework.TypeBool},
			"convergent_encryption":  {Type: framework.TypeBool},
			"exportable":             {Type: framework.TypeBool},
			"allow_plaintext_backup": {Type: framework.TypeBool},
			"auto_rotate_period":     {Type: framework.TypeDurationSecond},
			"key_size":               {Type: framework.TypeInt},
		},
		Operations: map[logical.Operation]framework.OperationFunc{
			logical.UpdateOperation: b.keyCreate,
			logical.ReadOperation:   b.keyRead,
			logical.DeleteOperation: b.keyDelete,
		},
		HelpSynopsis: "Create, read and delete a named key.",
	}
}

func (b *Backend) keysList(ctx context.Context, _ *logical.Request, _ *framework.FieldData) (*logical.Response, error) {
	names, err := b.keys.names(ctx)
	if err != nil {
		return nil, err
	}
	return framework.ListResponse(names), nil
}

// keySpec is what a new key is made from.
type keySpec struct {
	typ                     keyType
	derived, convergent     bool
	exportable, allowBackup bool
	keySize                 int
	autoRotate              time.Duration
}

// check rejects settings that do not fit together, as Vault words them.
func (s *keySpec) check() error {
	switch {
	case s.convergent && !s.derived:
		return badRequest(ErrBadInput, "convergent encryption requires derivation to be enabled")
	case s.derived && !s.typ.canDerive():
		return badRequest(ErrUnsupported, "key derivation is not supported by key type %s", s.typ)
	case s.convergent && !s.typ.aead():
		return badRequest(ErrUnsupported, "convergent encryption is not supported by key type %s", s.typ)
	case s.autoRotate != 0 && s.autoRotate < minAutoRotatePeriod:
		return badRequest(ErrBadInput, "auto_rotate_period must be 0 to disable auto-rotation, or at least an hour")
	case s.keySize != 0 && s.typ != typeHMAC:
		return badRequest(ErrBadInput, "key_size is only valid for hmac keys")
	case s.typ == typeHMAC && s.keySize == 0:
		s.keySize = hmacKeyLen
	}
	if s.typ == typeHMAC && (s.keySize < minHMACKeySize || s.keySize > maxHMACKeySize) {
		return badRequest(ErrBadInput, "key_size must be between %d and %d bytes", minHMACKeySize, maxHMACKeySize)
	}
	return nil
}

// newRing makes a key with one version, created at now.
func newRing(name string, s keySpec, now time.Time) (*keyRing, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	r := &keyRing{
		name: name, typ: s.typ, derived: s.derived, convergent: s.convergent,
		exportable: s.exportable, backupOK: s.allowBackup, minDecrypt: 1,
		autoRotate: s.autoRotate, keySize: s.keySize, vers: make([]*version, 1, 2),
	}
	if err := r.rotate(now); err != nil {
		return nil, err
	}
	return r, nil
}

func (b *Backend) keyCreate(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	name := d.String("name")
	t, ok := parseKeyType(d.String("type"))
	if !ok {
		return nil, badRequest(ErrBadInput, "unknown key type %q", d.String("type"))
	}
	spec := keySpec{
		typ: t, derived: d.Bool("derived"), convergent: d.Bool("convergent_encryption"),
		exportable: d.Bool("exportable"), allowBackup: d.Bool("allow_plaintext_backup"),
		keySize: d.Int("key_size"), autoRotate: d.Duration("auto_rotate_period"),
	}
	existed := false
	r, err := b.keys.update(ctx, name, func(cur *keyRing) (*keyRing, error) {
		if cur != nil {
			existed = true
			return cur, nil
		}
		return newRing(name, spec, b.now())
	})
	if err != nil {
		return nil, err
	}
	resp := &logical.Response{Data: keyData(r)}
	if existed {
		resp.Warnings = []string{"key " + name + " already existed"}
	}
	return resp, nil
}

func (b *Backend) keyRead(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	r, err := b.keys.get(ctx, d.String("name"))
	if err != nil || r == nil {
		return nil, err
	}
	return &logical.Response{Data: keyData(r)}, nil
}

func (b *Backend) keyDelete(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	_, err := b.keys.update(ctx, d.String("name"), func(cur *keyRing) (*keyRing, error) {
		switch {
		case cur == nil:
			return nil, badRequest(ErrKeyNotFound, "could not delete key; not found")
		case !cur.deletable:
			return nil, badRequest(ErrBadInput, msgNoDelete)
		}
		return nil, nil
	})
	return nil, err
}

// keyData is a key's public description: settings and, per version, the
// creation time (symmetric keys) or the public key (asymmetric keys).
// Private material never appears.
func keyData(r *keyRing) map[string]any {
	t := r.typ
	out := map[string]any{
		"name":                   r.name,
		"type":                   t.String(),
		"derived":                r.derived,
		"exportable":             r.exportable,
		"allow_plaintext_backup": r.backupOK,
		"deletion_allowed":       r.deletable,
		"latest_version":         r.latest,
		"min_available_version":  r.minAvailable,
		"min_decryption_version": r.minDecrypt,
		"min_encryption_version": r.minEncrypt,
		"supports_encryption":    t.canEncrypt(),
		"supports_decryption":    t.canEncrypt(),
		"supports_derivation":    t.canDerive(),
		"supports_signing":       t.canSign(),
		"auto_rotate_period":     int64(r.autoRotate / time.Second),
		"imported_key":           false,
	}
	if r.derived {
		out["kdf"] = kdfHKDFSHA256
		out["convergent_encryption"] = r.convergent
	}
	if t == typeHMAC {
		out["key_size"] = r.keySize
	}
	keys := make(map[string]any, r.latest-r.lowest()+1)
	for _, v := range r.vers {
		if v == nil {
			continue
		}
		n := strconv.Itoa(v.n)
		if !t.asymmetric() {
			keys[n] = v.created.Unix()
			continue
		}
		info := map[string]any{"name": publicKeyName(t), "creation_time": v.created.Format(time.RFC3339Nano)}
		if !r.derived {
			info["public_key"], _ = publicKeyText(t, v)
		}
		keys[n] = info
	}
	out["keys"] = keys
	return out
}

func publicKeyName(t keyType) string {
	switch {
	case t == typeEd25519:
		return "ed25519"
	case t.ecdsa():
		return curveOf(t).Params().Name
	}
	return t.String()
}

// publicKeyText is a version's public key as Vault shows it: base64 of the
// raw key for Ed25519, PEM (PKIX) for ECDSA and RSA.
func publicKeyText(t keyType, v *version) (string, error) {
	var pub any
	switch k := v.signer.(type) {
	case ed25519.PrivateKey:
		return base64.StdEncoding.EncodeToString(k.Public().(ed25519.PublicKey)), nil
	case *ecdsa.PrivateKey:
		pub = &k.PublicKey
	case *rsa.PrivateKey:
		pub = &k.PublicKey
	default:
		return "", badRequest(ErrUnsupported, "key type %s has no public key", t)
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})), nil
}
