package pki

import (
	"context"
	"crypto/rand"
	"crypto/x509"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
	"github.com/cofre-io/cofre/server/storage"
)

func (b *Backend) intermediatePaths() []*framework.Path {
	op := func(fn framework.OperationFunc) map[logical.Operation]framework.OperationFunc {
		return map[logical.Operation]framework.OperationFunc{logical.UpdateOperation: fn}
	}
	kind := `(?P<type>internal|exported|existing)`
	return []*framework.Path{
		{Pattern: "intermediate/generate/" + kind, Fields: caSchema(), Operations: op(b.generateIntermediate), HelpSynopsis: "Generate a key and a CSR for an intermediate CA."},
		{Pattern: "issuers/generate/intermediate/" + kind, Fields: caSchema(), Operations: op(b.generateIntermediate), HelpSynopsis: "Generate a key and a CSR for an intermediate CA."},
		{
			Pattern: "intermediate/set-signed",
			Fields: map[string]*framework.FieldSchema{
				"certificate": {Type: framework.TypeString, Required: true, Description: "The signed intermediate certificate, optionally followed by its chain (PEM)."},
			},
			Operations:   op(b.setSigned),
			HelpSynopsis: "Import the signed certificate of an intermediate CA.",
		},
	}
}

// generateIntermediate makes (or picks) a key and returns a CSR for it.
// No issuer exists until the signed certificate is imported.
func (b *Backend) generateIntermediate(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	format := d.String("format")
	if err := checkFormat(format); err != nil {
		return nil, err
	}
	pkcs8, err := checkKeyFormat(d.String("private_key_format"))
	if err != nil {
		return nil, err
	}
	if err := checkSigBits(d.Int("signature_bits")); err != nil {
		return nil, err
	}
	cn, s, err := caNames(d, "")
	if err != nil {
		return nil, err
	}
	var warnings []string
	if d.Bool("add_basic_constraints") {
		warnings = append(warnings, "add_basic_constraints is not supported and was ignored")
	}
	kind := d.String("type")
	var ks *keySource
	var csrDER []byte
	_, err = b.changeCA(ctx, func(st *caState) ([]storage.TxnOp, error) {
		if ks, err = newKeySource(st, kind, d); err != nil {
			return nil, err
		}
		subject := subjectFrom(d).name(cn)
		subject.SerialNumber = d.String("serial_number")
		alg, err := sigAlgFor(ks.signer, d.Int("signature_bits"), d.Bool("use_pss"))
		if err != nil {
			return nil, err
		}
		csrDER, err = x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
			Subject: subject, DNSNames: s.dns, EmailAddresses: s.emails, IPAddresses: s.ips, URIs: s.uris,
			SignatureAlgorithm: alg,
		}, ks.signer)
		if err != nil {
			return nil, badRequest("error creating the certificate request: %v", err)
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
	data := map[string]any{
		"csr":      encodeDER(format, "CERTIFICATE REQUEST", csrDER),
		"key_id":   ks.keyID,
		"key_name": ks.keyName,
	}
	if kind == "exported" {
		if err := addPrivateKey(data, format, ks, pkcs8); err != nil {
			return nil, err
		}
	}
	return &logical.Response{Data: data, Warnings: warnings}, nil
}

func (b *Backend) setSigned(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	return b.importPEM(ctx, d.String("certificate"), false)
}
