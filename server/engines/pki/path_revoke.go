package pki

import (
	"context"
	"crypto/x509"
	"fmt"
	"time"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
	"github.com/cofre-io/cofre/server/storage"
)

func (b *Backend) revokePaths() []*framework.Path {
	fields := func(withKey bool) map[string]*framework.FieldSchema {
		f := map[string]*framework.FieldSchema{
			"serial_number": {Type: framework.TypeString, Description: "Serial number (colon or hyphen separated hex)."},
			"certificate":   {Type: framework.TypeString, Description: "PEM certificate."},
		}
		if withKey {
			f["private_key"] = &framework.FieldSchema{Type: framework.TypeString, Required: true, Description: "PEM private key of the certificate."}
		}
		return f
	}
	return []*framework.Path{
		{
			Pattern:      "revoke",
			Fields:       fields(false),
			Operations:   map[logical.Operation]framework.OperationFunc{logical.UpdateOperation: b.revokeHandler},
			HelpSynopsis: "Revoke a certificate by serial number or PEM.",
		},
		{
			Pattern:      "revoke-with-key",
			Fields:       fields(true),
			Operations:   map[logical.Operation]framework.OperationFunc{logical.UpdateOperation: b.revokeWithKey},
			HelpSynopsis: "Revoke a certificate, proving possession of its private key.",
		},
		{
			Pattern:      "certs/revoked/?",
			Operations:   map[logical.Operation]framework.OperationFunc{logical.ListOperation: b.listSerials(prefixRevoked)},
			HelpSynopsis: "List revoked serial numbers.",
		},
	}
}

// target finds the certificate a revocation names: by serial (it must be
// stored) or by PEM (it must be signed by an issuer of this mount; a
// stored copy must be the same certificate).
func (b *Backend) target(ctx context.Context, d *framework.FieldData) (*x509.Certificate, bool, error) {
	serial, pemText := d.String("serial_number"), d.String("certificate")
	if (serial == "") == (pemText == "") {
		return nil, false, badRequest("exactly one of serial_number or certificate must be given")
	}
	if serial != "" {
		colon, ok := normalizeSerial(serial)
		if !ok {
			return nil, false, badRequest("serial number %q is not colon or hyphen separated hex", serial)
		}
		c, err := b.storedCert(ctx, colon)
		if err != nil {
			return nil, false, err
		}
		if c == nil {
			return nil, false, badRequest("certificate with serial %s not found", colon)
		}
		return c, true, nil
	}
	certs, err := parseCertsPEM(pemText)
	if err != nil {
		return nil, false, err
	}
	if len(certs) != 1 {
		return nil, false, badRequest("exactly one certificate must be given")
	}
	c := certs[0]
	st, err := b.state(ctx)
	if err != nil {
		return nil, false, err
	}
	if st.parentOf(c) == nil {
		return nil, false, badRequest("certificate with serial %s was not issued by an issuer of this mount", serialOf(c))
	}
	stored, err := b.storedCert(ctx, serialOf(c))
	if err != nil {
		return nil, false, err
	}
	if stored != nil && string(stored.Raw) != string(c.Raw) {
		return nil, false, badRequest("certificate with serial %s does not match the stored certificate", serialOf(c))
	}
	return c, stored != nil, nil
}

// storedCert reads certs/<serial>; nil when missing.
func (b *Backend) storedCert(ctx context.Context, colon string) (*x509.Certificate, error) {
	e, err := b.view.Get(ctx, prefixCert+serialKey(colon))
	if err != nil || e == nil {
		return nil, err
	}
	c, err := x509.ParseCertificate(e.Value)
	if err != nil {
		return nil, fmt.Errorf("%w: certificate %s: %v", ErrCorrupt, colon, err)
	}
	return c, nil
}

func (b *Backend) revokeHandler(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	c, stored, err := b.target(ctx, d)
	if err != nil {
		return nil, err
	}
	return b.revoke(ctx, c, stored)
}

func (b *Backend) revokeWithKey(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	c, stored, err := b.target(ctx, d)
	if err != nil {
		return nil, err
	}
	k, err := parseKeyPEM(d.String("private_key"))
	if err != nil {
		return nil, err
	}
	if !samePublicKey(k.Public(), c.PublicKey) {
		return nil, badRequest("failed to validate private key match with certificate")
	}
	return b.revoke(ctx, c, stored)
}

// revoke records c as revoked (once: a second revocation answers with the
// first's time) and rebuilds its issuer's CRL unless auto_rebuild defers
// that or CRLs are disabled. Issuer certificates and expired certificates
// are not put on a CRL.
func (b *Backend) revoke(ctx context.Context, c *x509.Certificate, stored bool) (*logical.Response, error) {
	serial := serialOf(c)
	st, err := b.state(ctx)
	if err != nil {
		return nil, err
	}
	if is := st.issuerForDER(c.Raw); is != nil {
		return nil, badRequest("adding issuer (id: %s) to its own CRL is not allowed", is.rec.ID)
	}
	b.revMu.Lock()
	var prev revokedRecord
	found, err := getJSON(ctx, b.view, prefixRevoked+serialKey(serial), &prev)
	if err != nil || found {
		b.revMu.Unlock()
		if err != nil {
			return nil, err
		}
		return revokedResponse(prev), nil
	}
	now := b.now()
	if !now.Before(c.NotAfter) {
		b.revMu.Unlock()
		return &logical.Response{Data: map[string]any{"state": "expired"},
			Warnings: []string{fmt.Sprintf("certificate with serial %s has expired; it was not added to the CRL", serial)}}, nil
	}
	rec := revokedRecord{Serial: serial, RevocationTime: now.Unix(), RevocationNano: now.UnixNano(), NotAfter: c.NotAfter.Unix()}
	if p := st.parentOf(c); p != nil {
		rec.IssuerID = p.rec.ID
	}
	if !stored {
		rec.Certificate = c.Raw
	}
	op, err := jsonOp(prefixRevoked+serialKey(serial), &rec)
	if err == nil {
		err = apply(ctx, b.view, []storage.TxnOp{op})
	}
	b.revMu.Unlock()
	if err != nil {
		return nil, err
	}
	cfg, err := b.crlConfig(ctx)
	if err != nil {
		return nil, err
	}
	if !cfg.AutoRebuild && !cfg.Disable {
		owner := rec.IssuerID
		if st.issuers[owner] == nil {
			owner = st.defaultIssuer
		}
		if err := b.rebuildCRLs(ctx, owner); err != nil {
			return nil, err
		}
	}
	return revokedResponse(rec), nil
}

func revokedResponse(r revokedRecord) *logical.Response {
	return &logical.Response{Data: map[string]any{
		"revocation_time":         r.RevocationTime,
		"revocation_time_rfc3339": time.Unix(0, r.RevocationNano).UTC().Format(time.RFC3339Nano),
		"state":                   "revoked",
	}}
}

// certLeaseRevoke is the revocation of a certificate's lease: it revokes
// the certificate. A certificate already gone (tidied) or expired needs
// nothing.
func (b *Backend) certLeaseRevoke(ctx context.Context, req *logical.Request, _ *framework.FieldData) (*logical.Response, error) {
	serial, _ := req.Secret.InternalData["serial_number"].(string)
	colon, ok := normalizeSerial(serial)
	if !ok {
		return nil, badRequest("lease has no valid serial_number")
	}
	c, err := b.storedCert(ctx, colon)
	if err != nil || c == nil {
		return nil, err
	}
	if !b.now().Before(c.NotAfter) {
		return nil, nil
	}
	_, err = b.revoke(ctx, c, true)
	return nil, err
}

// listSerials lists the serials stored under prefix in colon form.
func (b *Backend) listSerials(prefix string) framework.OperationFunc {
	return func(ctx context.Context, _ *logical.Request, _ *framework.FieldData) (*logical.Response, error) {
		keys, err := b.view.List(ctx, prefix)
		if err != nil {
			return nil, err
		}
		for i, k := range keys {
			keys[i] = serialFromKey(k)
		}
		return framework.ListResponse(keys), nil
	}
}
