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

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
)

// Export kinds, as the path names them.
const (
	exportEncryption = "encryption-key"
	exportSigning    = "signing-key"
	exportHMAC       = "hmac-key"
	exportPublic     = "public-key"
)

func (b *Backend) exportPath() *framework.Path {
	return &framework.Path{
		Pattern: "export/(?P<type>[^/]+)/" + framework.GenericNameRegex("name") + `(/(?P<version>[^/]+))?`,
		Fields: map[string]*framework.FieldSchema{
			"type":    {Type: framework.TypeString, Required: true},
			"name":    nameField,
			"version": {Type: framework.TypeString},
		},
		Operations: map[logical.Operation]framework.OperationFunc{
			logical.ReadOperation: b.exportRead,
		},
		HelpSynopsis: "Export the versions of an exportable key (or the public keys of any asymmetric key).",
	}
}

func (b *Backend) exportRead(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	kind := d.String("type")
	r, err := b.keys.get(ctx, d.String("name"))
	if err != nil || r == nil {
		return nil, err
	}
	switch {
	case kind != exportEncryption && kind != exportSigning && kind != exportHMAC && kind != exportPublic:
		return nil, badRequest(ErrBadInput, "invalid export type %q", kind)
	case kind == exportPublic && !r.typ.asymmetric():
		return nil, badRequest(ErrUnsupported, "key type %s has no public key", r.typ)
	case kind != exportPublic && !r.exportable:
		return nil, badRequest(ErrBadInput, msgNotExportable)
	case kind == exportEncryption && !r.typ.canEncrypt():
		return nil, badRequest(ErrUnsupported, "key type %s is not an encryption key", r.typ)
	case kind == exportSigning && !r.typ.canSign():
		return nil, badRequest(ErrUnsupported, "key type %s is not a signing key", r.typ)
	}
	from, to := r.minDecrypt, r.latest
	if s := d.String("version"); s != "" {
		n := r.latest
		if s != "latest" {
			if n, err = strconv.Atoi(s); err != nil {
				return nil, badRequest(ErrBadInput, "invalid key version %q", s)
			}
		}
		if r.version(n) == nil || n < r.minDecrypt {
			return nil, badRequest(ErrBadInput, "invalid key version %d: versions %d to %d can be exported", n, r.minDecrypt, r.latest)
		}
		from, to = n, n
	}
	keys := make(map[string]any, to-from+1)
	for n := from; n <= to; n++ {
		v := r.version(n)
		if v == nil {
			continue
		}
		s, err := exportText(r, v, kind)
		if err != nil {
			return nil, err
		}
		keys[strconv.Itoa(n)] = s
	}
	return &logical.Response{Data: map[string]any{"name": r.name, "type": r.typ.String(), "keys": keys}}, nil
}

// exportText is one version's exported key: base64 of raw keys (symmetric,
// HMAC, Ed25519 private keys), PEM for ECDSA (SEC 1) and RSA (PKCS #1)
// private keys, and the public key as keys/ shows it.
func exportText(r *keyRing, v *version, kind string) (string, error) {
	switch kind {
	case exportHMAC:
		return base64.StdEncoding.EncodeToString(r.hmacKey(v)), nil
	case exportPublic:
		return publicKeyText(r.typ, v)
	}
	switch k := v.signer.(type) {
	case nil:
		return base64.StdEncoding.EncodeToString(v.key), nil
	case ed25519.PrivateKey:
		return base64.StdEncoding.EncodeToString(k), nil
	case *ecdsa.PrivateKey:
		der, err := x509.MarshalECPrivateKey(k)
		if err != nil {
			return "", err
		}
		return string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der})), nil
	case *rsa.PrivateKey:
		return string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)})), nil
	}
	return "", badRequest(ErrUnsupported, "key type %s cannot be exported", r.typ)
}
