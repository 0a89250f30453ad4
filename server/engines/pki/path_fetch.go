package pki

import (
	"context"
	"strings"
	"time"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
)

// Content types of raw (non-JSON) answers, as Vault sends them.
const (
	ctCert     = "application/pkix-cert"
	ctPEMChain = "application/pem-certificate-chain"
	ctCRL      = "application/pkix-crl"
	ctPEMFile  = "application/x-pem-file"
)

// fmtField declares the output-format capture of a path pattern.
var fmtField = &framework.FieldSchema{Type: framework.TypeString, Description: "Output format (from the path)."}

func rawResponse(contentType string, body []byte) *logical.Response {
	return &logical.Response{Raw: &logical.RawResponse{StatusCode: 200, ContentType: contentType, Body: body}}
}

func (b *Backend) fetchPaths() []*framework.Path {
	read := func(fn framework.OperationFunc) map[logical.Operation]framework.OperationFunc {
		return map[logical.Operation]framework.OperationFunc{logical.ReadOperation: fn}
	}
	serial := map[string]*framework.FieldSchema{
		"serial": {Type: framework.TypeString, Required: true, Description: "Serial number, or ca, ca_chain or crl."},
		"fmt":    fmtField,
	}
	return []*framework.Path{
		{Pattern: "ca(?P<fmt>/pem)?", Fields: map[string]*framework.FieldSchema{"fmt": fmtField}, Operations: read(b.caRead), HelpSynopsis: "The default issuer's certificate (DER, or PEM)."},
		{Pattern: "ca_chain", Operations: read(b.caChainRead), HelpSynopsis: "The default issuer's chain (PEM)."},
		{Pattern: "cert/(?P<serial>[^/]+)", Fields: serial, Operations: read(b.certRead), HelpSynopsis: "A certificate by serial number (JSON)."},
		{Pattern: "cert/(?P<serial>[^/]+)/raw(?P<fmt>/pem)?", Fields: serial, Operations: read(b.certRaw), HelpSynopsis: "A certificate by serial number (DER, or PEM)."},
		{
			Pattern:      "certs/?",
			Operations:   map[logical.Operation]framework.OperationFunc{logical.ListOperation: b.listSerials(prefixCert)},
			HelpSynopsis: "List the serial numbers of stored certificates.",
		},
	}
}

func (b *Backend) defaultIssuer(ctx context.Context) (*issuer, error) {
	st, err := b.state(ctx)
	if err != nil {
		return nil, err
	}
	return st.resolveIssuer("default")
}

func (b *Backend) caRead(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	is, err := b.defaultIssuer(ctx)
	if err != nil {
		return nil, err
	}
	if d.String("fmt") == "/pem" {
		return rawResponse(ctPEMChain, []byte(is.pem+"\n")), nil
	}
	return rawResponse(ctCert, is.rec.Certificate), nil
}

func (b *Backend) caChainRead(ctx context.Context, _ *logical.Request, _ *framework.FieldData) (*logical.Response, error) {
	is, err := b.defaultIssuer(ctx)
	if err != nil {
		return nil, err
	}
	return rawResponse(ctPEMChain, []byte(strings.Join(is.chainPEM, "\n")+"\n")), nil
}

// certRead answers cert/<serial> with JSON; ca, ca_chain and crl name the
// default issuer's certificate, chain and CRL.
func (b *Backend) certRead(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	switch s := d.String("serial"); s {
	case "ca", "ca_chain":
		is, err := b.defaultIssuer(ctx)
		if err != nil {
			return nil, err
		}
		cert := is.pem
		if s == "ca_chain" {
			cert = strings.Join(is.chainPEM, "\n")
		}
		return &logical.Response{Data: map[string]any{
			"certificate": cert, "ca_chain": is.chainPEM, "issuer_id": is.rec.ID,
			"revocation_time": int64(0), "revocation_time_rfc3339": "",
		}}, nil
	case "crl":
		is, err := b.defaultIssuer(ctx)
		if err != nil {
			return nil, err
		}
		der, err := b.currentCRL(ctx, is)
		if err != nil {
			return nil, err
		}
		return &logical.Response{Data: map[string]any{"certificate": pemString("X509 CRL", der), "revocation_time": int64(0), "revocation_time_rfc3339": ""}}, nil
	}
	der, colon, err := b.findCert(ctx, d.String("serial"))
	if err != nil || der == nil {
		return nil, err
	}
	data := map[string]any{"certificate": pemString("CERTIFICATE", der), "revocation_time": int64(0), "revocation_time_rfc3339": "", "issuer_id": ""}
	var rec revokedRecord
	if ok, err := getJSON(ctx, b.view, prefixRevoked+serialKey(colon), &rec); err != nil {
		return nil, err
	} else if ok {
		data["revocation_time"] = rec.RevocationTime
		data["revocation_time_rfc3339"] = time.Unix(0, rec.RevocationNano).UTC().Format(time.RFC3339Nano)
		data["issuer_id"] = rec.IssuerID
	}
	if data["issuer_id"] == "" {
		if st, err := b.state(ctx); err == nil {
			if c, err := parseDER(der); err == nil {
				if p := st.parentOf(c); p != nil {
					data["issuer_id"] = p.rec.ID
				}
			}
		}
	}
	return &logical.Response{Data: data}, nil
}

func (b *Backend) certRaw(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	der, _, err := b.findCert(ctx, d.String("serial"))
	if err != nil || der == nil {
		return nil, err
	}
	if d.String("fmt") == "/pem" {
		return rawResponse(ctPEMChain, []byte(pemString("CERTIFICATE", der)+"\n")), nil
	}
	return rawResponse(ctCert, der), nil
}

// findCert returns a certificate's DER by serial: a stored certificate, a
// revoked one kept with its revocation, or an issuer's. nil when unknown.
func (b *Backend) findCert(ctx context.Context, serial string) ([]byte, string, error) {
	colon, ok := normalizeSerial(serial)
	if !ok {
		return nil, "", badRequest("serial number %q is not colon or hyphen separated hex", serial)
	}
	e, err := b.view.Get(ctx, prefixCert+serialKey(colon))
	if err != nil {
		return nil, "", err
	}
	if e != nil {
		return e.Value, colon, nil
	}
	var rec revokedRecord
	if ok, err := getJSON(ctx, b.view, prefixRevoked+serialKey(colon), &rec); err != nil {
		return nil, "", err
	} else if ok && len(rec.Certificate) > 0 {
		return rec.Certificate, colon, nil
	}
	st, err := b.state(ctx)
	if err != nil {
		return nil, "", err
	}
	for _, is := range st.issuers {
		if serialOf(is.cert) == colon {
			return is.rec.Certificate, colon, nil
		}
	}
	return nil, colon, nil
}
