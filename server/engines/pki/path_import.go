package pki

import (
	"context"
	"crypto"
	"crypto/x509"
	"encoding/pem"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
	"github.com/cofre-io/cofre/server/storage"
)

func (b *Backend) importPaths() []*framework.Path {
	bundle := map[string]*framework.FieldSchema{
		"pem_bundle": {Type: framework.TypeString, Required: true, Description: "PEM certificates and private keys."},
	}
	withKeys := func(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
		return b.importPEM(ctx, d.String("pem_bundle"), true)
	}
	certsOnly := func(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
		return b.importPEM(ctx, d.String("pem_bundle"), false)
	}
	op := func(fn framework.OperationFunc) map[logical.Operation]framework.OperationFunc {
		return map[logical.Operation]framework.OperationFunc{logical.UpdateOperation: fn}
	}
	return []*framework.Path{
		{Pattern: "config/ca", Fields: bundle, Operations: op(withKeys), HelpSynopsis: "Import CA certificates and private keys."},
		{Pattern: "issuers/import/bundle", Fields: bundle, Operations: op(withKeys), HelpSynopsis: "Import CA certificates and private keys."},
		{Pattern: "issuers/import/cert", Fields: bundle, Operations: op(certsOnly), HelpSynopsis: "Import CA certificates."},
	}
}

// importPEM imports every CA certificate (and, when allowKeys, private
// key) of a PEM text. Entries already in the mount are reported as
// existing; a certificate whose key is in the mount (or in the bundle) is
// linked to it. The first imported issuer with a key becomes the default
// when the mount has no default issuer.
func (b *Backend) importPEM(ctx context.Context, text string, allowKeys bool) (*logical.Response, error) {
	var certs []*x509.Certificate
	var signers []crypto.Signer
	rest := []byte(text)
	for {
		var blk *pem.Block
		blk, rest = pem.Decode(rest)
		if blk == nil {
			break
		}
		switch blk.Type {
		case "CERTIFICATE":
			c, err := x509.ParseCertificate(blk.Bytes)
			if err != nil {
				return nil, badRequest("a certificate could not be parsed: %v", err)
			}
			if !c.BasicConstraintsValid || !c.IsCA {
				return nil, badRequest("refusing to import a non-CA certificate (serial %s)", serialOf(c))
			}
			certs = append(certs, c)
		case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY":
			if !allowKeys {
				return nil, badRequest("private keys cannot be imported on this path")
			}
			k, err := parseKeyDER(blk.Bytes)
			if err != nil {
				return nil, badRequest("a private key could not be parsed: %v", err)
			}
			signers = append(signers, k)
		case "X509 CRL":
		default:
			return nil, badRequest("unsupported PEM block of type %q", blk.Type)
		}
	}
	if len(certs) == 0 && len(signers) == 0 {
		return nil, badRequest("no certificates or private keys found in the PEM data")
	}
	res := importResult{mapping: map[string]string{}}
	_, err := b.changeCA(ctx, func(st *caState) ([]storage.TxnOp, error) {
		return res.plan(st, certs, signers)
	})
	if err != nil {
		return nil, err
	}
	resp := &logical.Response{Data: map[string]any{
		"imported_issuers": nonNil(res.importedIssuers),
		"imported_keys":    nonNil(res.importedKeys),
		"existing_issuers": nonNil(res.existingIssuers),
		"existing_keys":    nonNil(res.existingKeys),
		"mapping":          res.mapping,
	}}
	if len(res.importedIssuers) > 0 && !res.anyWithKey {
		resp.Warnings = append(resp.Warnings, "none of the imported issuers has its private key in this mount; they cannot issue certificates")
	}
	return resp, nil
}

// importResult is what an import did.
type importResult struct {
	importedIssuers, importedKeys, existingIssuers, existingKeys []string
	mapping                                                      map[string]string
	anyWithKey                                                   bool
}

// plan computes the writes of an import against the snapshot st.
func (res *importResult) plan(st *caState, certs []*x509.Certificate, signers []crypto.Signer) ([]storage.TxnOp, error) {
	var ops []storage.TxnOp
	type known struct {
		id     string
		signer crypto.Signer
	}
	var keys []known
	for _, k := range st.keys {
		keys = append(keys, known{k.rec.ID, k.signer})
	}
	for _, s := range signers {
		if k := st.keyFor(s.Public()); k != nil {
			res.existingKeys = append(res.existingKeys, k.rec.ID)
			continue
		}
		dup := false
		for _, k := range keys {
			dup = dup || samePublicKey(k.signer.Public(), s.Public())
		}
		if dup {
			continue
		}
		rec, err := newKeyRecord(s, "")
		if err != nil {
			return nil, err
		}
		op, err := jsonOp(prefixKey+rec.ID, rec)
		if err != nil {
			return nil, err
		}
		ops = append(ops, op)
		keys = append(keys, known{rec.ID, s})
		res.importedKeys = append(res.importedKeys, rec.ID)
	}
	firstWithKey, first, firstKey := "", "", ""
	seen := map[string]bool{}
	for _, c := range certs {
		keyID := ""
		for _, k := range keys {
			if samePublicKey(k.signer.Public(), c.PublicKey) {
				keyID = k.id
			}
		}
		if is := st.issuerForDER(c.Raw); is != nil {
			res.existingIssuers = append(res.existingIssuers, is.rec.ID)
			res.mapping[is.rec.ID] = is.rec.KeyID
			continue
		}
		if seen[string(c.Raw)] {
			continue
		}
		seen[string(c.Raw)] = true
		rec, err := newIssuerRecord(c.Raw, "", keyID)
		if err != nil {
			return nil, err
		}
		op, err := jsonOp(prefixIssuer+rec.ID, rec)
		if err != nil {
			return nil, err
		}
		ops = append(ops, op)
		res.importedIssuers = append(res.importedIssuers, rec.ID)
		res.mapping[rec.ID] = keyID
		if first == "" {
			first = rec.ID
		}
		if keyID != "" && firstWithKey == "" {
			firstWithKey, firstKey = rec.ID, keyID
			res.anyWithKey = true
		}
	}
	def := firstWithKey
	if def == "" {
		def = first
	}
	if firstKey == "" && len(res.importedKeys) > 0 {
		firstKey = res.importedKeys[0]
	}
	defOps, err := defaultOps(st, def, firstKey)
	if err != nil {
		return nil, err
	}
	return append(ops, defOps...), nil
}
