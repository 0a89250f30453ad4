package pki

import (
	"context"
	"time"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
	"github.com/cofre-io/cofre/server/storage"
)

func (b *Backend) crlPaths() []*framework.Path {
	read := func(fn framework.OperationFunc) map[logical.Operation]framework.OperationFunc {
		return map[logical.Operation]framework.OperationFunc{logical.ReadOperation: fn}
	}
	return []*framework.Path{
		{Pattern: "crl(?P<fmt>/pem)?", Fields: map[string]*framework.FieldSchema{"fmt": fmtField}, Operations: read(b.crlRead), HelpSynopsis: "The default issuer's CRL (DER, or PEM)."},
		{
			Pattern:      issuerRefPattern + "/crl(?P<fmt>/pem|/der)?",
			Fields:       map[string]*framework.FieldSchema{"issuer_ref": {Type: framework.TypeString, Required: true}, "fmt": fmtField},
			Operations:   read(b.crlRead),
			HelpSynopsis: "An issuer's CRL (JSON, DER or PEM).",
		},
		{Pattern: "crl/rotate", Operations: read(b.crlRotate), HelpSynopsis: "Rebuild every issuer's CRL."},
		{
			Pattern: "config/crl",
			Fields: map[string]*framework.FieldSchema{
				"expiry":                    {Type: framework.TypeDurationSecond, Description: "How long a CRL is valid."},
				"disable":                   {Type: framework.TypeBool, Description: "Build empty CRLs."},
				"auto_rebuild":              {Type: framework.TypeBool, Description: "Rebuild CRLs when read near expiry instead of on each revocation."},
				"auto_rebuild_grace_period": {Type: framework.TypeDurationSecond, Description: "How long before expiry a CRL is rebuilt."},
				"ocsp_disable":              {Type: framework.TypeBool, Description: "Stored only; no OCSP responder."},
				"ocsp_expiry":               {Type: framework.TypeDurationSecond, Description: "Stored only."},
				"enable_delta":              {Type: framework.TypeBool, Description: "Not supported; must be false."},
			},
			Operations: map[logical.Operation]framework.OperationFunc{
				logical.ReadOperation:   b.crlConfigRead,
				logical.UpdateOperation: b.crlConfigWrite,
			},
			HelpSynopsis: "Read or set the CRL configuration.",
		},
	}
}

// crlRead serves crl, crl/pem and issuer/<ref>/crl[/pem|/der]; the issuer
// form without a suffix answers JSON.
func (b *Backend) crlRead(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	st, err := b.state(ctx)
	if err != nil {
		return nil, err
	}
	is, err := st.resolveIssuer(d.String("issuer_ref"))
	if err != nil {
		return nil, err
	}
	der, err := b.currentCRL(ctx, is)
	if err != nil {
		return nil, err
	}
	perIssuer := d.String("issuer_ref") != ""
	switch f := d.String("fmt"); {
	case f == "/pem":
		return rawResponse(ctPEMFile, []byte(pemString("X509 CRL", der)+"\n")), nil
	case f == "/der" || !perIssuer:
		return rawResponse(ctCRL, der), nil
	}
	return &logical.Response{Data: map[string]any{"crl": pemString("X509 CRL", der)}}, nil
}

func (b *Backend) crlRotate(ctx context.Context, _ *logical.Request, _ *framework.FieldData) (*logical.Response, error) {
	if err := b.rebuildCRLs(ctx); err != nil {
		return nil, err
	}
	return &logical.Response{Data: map[string]any{"success": true}}, nil
}

func (b *Backend) crlConfigRead(ctx context.Context, _ *logical.Request, _ *framework.FieldData) (*logical.Response, error) {
	c, err := b.crlConfig(ctx)
	if err != nil {
		return nil, err
	}
	return &logical.Response{Data: map[string]any{
		"expiry":                    c.Expiry.String(),
		"disable":                   c.Disable,
		"auto_rebuild":              c.AutoRebuild,
		"auto_rebuild_grace_period": c.GracePeriod.String(),
		"ocsp_disable":              c.OCSPDisable,
		"ocsp_expiry":               c.OCSPExpiry.String(),
		"enable_delta":              false,
	}}, nil
}

// crlConfigWrite changes the fields the request sets and rebuilds every
// CRL under the new settings.
func (b *Backend) crlConfigWrite(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	if d.Bool("enable_delta") {
		return nil, badRequest("delta CRLs are not supported")
	}
	cur, err := b.crlConfig(ctx)
	if err != nil {
		return nil, err
	}
	b.cfgMu.Lock()
	c := *cur
	if v, ok := d.GetOk("expiry"); ok {
		c.Expiry = v.(time.Duration)
	}
	if v, ok := d.GetOk("disable"); ok {
		c.Disable = v.(bool)
	}
	if v, ok := d.GetOk("auto_rebuild"); ok {
		c.AutoRebuild = v.(bool)
	}
	if v, ok := d.GetOk("auto_rebuild_grace_period"); ok {
		c.GracePeriod = v.(time.Duration)
	}
	if v, ok := d.GetOk("ocsp_disable"); ok {
		c.OCSPDisable = v.(bool)
	}
	if v, ok := d.GetOk("ocsp_expiry"); ok {
		c.OCSPExpiry = v.(time.Duration)
	}
	switch {
	case c.Expiry <= 0:
		err = badRequest("expiry must be positive")
	case c.AutoRebuild && c.GracePeriod >= c.Expiry:
		err = badRequest("auto_rebuild_grace_period must be shorter than expiry")
	}
	if err == nil {
		var op storage.TxnOp
		if op, err = jsonOp(keyConfigCRL, &c); err == nil {
			err = b.view.Put(ctx, &op.Entry)
		}
	}
	if err == nil {
		b.crlCfg.Store(&c)
	}
	b.cfgMu.Unlock()
	if err != nil {
		return nil, err
	}
	if err := b.rebuildCRLs(ctx); err != nil {
		return nil, err
	}
	return b.crlConfigRead(ctx, nil, nil)
}
