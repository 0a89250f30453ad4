package pki

import (
	"context"
	"crypto/x509"
	"slices"
	"sort"
	"strings"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
	"github.com/cofre-io/cofre/server/storage"
)

func (b *Backend) issuerPaths() []*framework.Path {
	ref := map[string]*framework.FieldSchema{
		"issuer_ref": {Type: framework.TypeString, Required: true, Description: "Issuer id, name or default."},
		"fmt":        {Type: framework.TypeString, Description: "pem, der or json (from the path)."},
	}
	update := map[string]*framework.FieldSchema{
		"issuer_ref":              {Type: framework.TypeString, Required: true, Description: "Issuer id, name or default."},
		"issuer_name":             {Type: framework.TypeString, Description: "New name."},
		"leaf_not_after_behavior": {Type: framework.TypeString, Default: notAfterErr, Description: "err, truncate or permit."},
		"usage":                   {Type: framework.TypeCommaStringSlice, Default: allUsages, Description: "Allowed usages."},
	}
	return []*framework.Path{
		{
			Pattern:      "issuers/?",
			Operations:   map[logical.Operation]framework.OperationFunc{logical.ListOperation: b.issuerList},
			HelpSynopsis: "List the issuers.",
		},
		{
			Pattern: issuerRefPattern,
			Fields:  update,
			Operations: map[logical.Operation]framework.OperationFunc{
				logical.ReadOperation:   b.issuerRead,
				logical.UpdateOperation: b.issuerUpdate,
				logical.DeleteOperation: b.issuerDelete,
			},
			HelpSynopsis: "Read, update or delete an issuer.",
		},
		{
			Pattern:      issuerRefPattern + "/(?P<fmt>pem|der|json)",
			Fields:       ref,
			Operations:   map[logical.Operation]framework.OperationFunc{logical.ReadOperation: b.issuerCertRead},
			HelpSynopsis: "Read an issuer's certificate.",
		},
		{
			Pattern: "config/issuers",
			Fields: map[string]*framework.FieldSchema{
				"default":                       {Type: framework.TypeString, Description: "The default issuer (id or name)."},
				"default_follows_latest_issuer": {Type: framework.TypeBool, Description: "Not supported; must be false."},
			},
			Operations: map[logical.Operation]framework.OperationFunc{
				logical.ReadOperation:   b.defaultIssuerRead,
				logical.UpdateOperation: b.defaultIssuerWrite,
			},
			HelpSynopsis: "Read or set the default issuer.",
		},
	}
}

func (b *Backend) issuerList(ctx context.Context, _ *logical.Request, _ *framework.FieldData) (*logical.Response, error) {
	st, err := b.state(ctx)
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(st.issuers))
	info := make(map[string]any, len(st.issuers))
	for id, is := range st.issuers {
		keys = append(keys, id)
		info[id] = map[string]any{"issuer_name": is.rec.Name, "is_default": id == st.defaultIssuer, "key_id": is.rec.KeyID,
			"serial_number": serialOf(is.cert)}
	}
	sort.Strings(keys)
	return &logical.Response{Data: map[string]any{"keys": keys, "key_info": info}}, nil
}

// issuerData is the authenticated view of an issuer.
func issuerData(is *issuer) map[string]any {
	return map[string]any{
		"issuer_id":                      is.rec.ID,
		"issuer_name":                    is.rec.Name,
		"key_id":                         is.rec.KeyID,
		"certificate":                    is.pem,
		"ca_chain":                       is.chainPEM,
		"serial_number":                  serialOf(is.cert),
		"leaf_not_after_behavior":        is.rec.LeafNotAfter,
		"usage":                          strings.Join(is.rec.Usage, ","),
		"manual_chain":                   nil,
		"revocation_signature_algorithm": "",
		"revoked":                        is.rec.RevocationTime != 0,
		"revocation_time":                is.rec.RevocationTime,
	}
}

func (b *Backend) issuerRead(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	st, err := b.state(ctx)
	if err != nil {
		return nil, err
	}
	is, err := st.resolveIssuer(d.String("issuer_ref"))
	if err != nil {
		return nil, err
	}
	return &logical.Response{Data: issuerData(is)}, nil
}

// issuerUpdate replaces the issuer's name, leaf_not_after_behavior and
// usage with the request's values (or their defaults), as Vault's POST does.
func (b *Backend) issuerUpdate(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	behavior := d.String("leaf_not_after_behavior")
	switch behavior {
	case notAfterErr, notAfterTruncate, notAfterPermit:
	default:
		return nil, badRequest("leaf_not_after_behavior must be err, truncate or permit")
	}
	usage := d.Strings("usage")
	for _, u := range usage {
		if !slices.Contains(allUsages, u) {
			return nil, badRequest("unknown issuer usage %q", u)
		}
	}
	if !slices.Contains(usage, usageReadOnly) {
		usage = append([]string{usageReadOnly}, usage...)
	}
	var id string
	st, err := b.changeCA(ctx, func(st *caState) ([]storage.TxnOp, error) {
		is, err := st.resolveIssuer(d.String("issuer_ref"))
		if err != nil {
			return nil, err
		}
		id = is.rec.ID
		rec := is.rec
		if name := d.String("issuer_name"); name != rec.Name {
			if err := checkNewName(name, st.issuerNames, "issuer"); err != nil {
				return nil, err
			}
			rec.Name = name
		}
		if slices.Contains(usage, usageCRL) && is.cert.KeyUsage != 0 && is.cert.KeyUsage&x509.KeyUsageCRLSign == 0 {
			return nil, badRequest("usage crl-signing needs the CRLSign key usage on the issuer's certificate")
		}
		rec.LeafNotAfter, rec.Usage = behavior, usage
		op, err := jsonOp(prefixIssuer+rec.ID, &rec)
		return []storage.TxnOp{op}, err
	})
	if err != nil {
		return nil, err
	}
	return &logical.Response{Data: issuerData(st.issuers[id])}, nil
}

func (b *Backend) issuerDelete(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	var warnings []string
	_, err := b.changeCA(ctx, func(st *caState) ([]storage.TxnOp, error) {
		is, err := st.resolveIssuer(d.String("issuer_ref"))
		if err != nil {
			return nil, nil // deleting a missing issuer is not an error
		}
		ops := []storage.TxnOp{
			{Delete: true, Entry: storage.Entry{Key: prefixIssuer + is.rec.ID}},
			{Delete: true, Entry: storage.Entry{Key: prefixCRL + is.rec.ID}},
		}
		if st.defaultIssuer == is.rec.ID {
			ops = append(ops, storage.TxnOp{Delete: true, Entry: storage.Entry{Key: keyConfigIssuer}})
			warnings = append(warnings, "Deleted issuer was the default issuer; a new default issuer has not been set")
		}
		return ops, nil
	})
	if err != nil {
		return nil, err
	}
	if len(warnings) == 0 {
		return nil, nil
	}
	return &logical.Response{Warnings: warnings}, nil
}

// issuerCertRead serves issuer/<ref>/pem, /der and /json.
func (b *Backend) issuerCertRead(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	st, err := b.state(ctx)
	if err != nil {
		return nil, err
	}
	is, err := st.resolveIssuer(d.String("issuer_ref"))
	if err != nil {
		return nil, err
	}
	switch d.String("fmt") {
	case "pem":
		return rawResponse(ctPEMChain, []byte(is.pem+"\n")), nil
	case "der":
		return rawResponse(ctCert, is.rec.Certificate), nil
	}
	return &logical.Response{Data: map[string]any{
		"issuer_id":       is.rec.ID,
		"issuer_name":     is.rec.Name,
		"certificate":     is.pem,
		"ca_chain":        is.chainPEM,
		"revocation_time": is.rec.RevocationTime,
	}}, nil
}

func (b *Backend) defaultIssuerRead(ctx context.Context, _ *logical.Request, _ *framework.FieldData) (*logical.Response, error) {
	st, err := b.state(ctx)
	if err != nil {
		return nil, err
	}
	def := ""
	if st.issuers[st.defaultIssuer] != nil {
		def = st.defaultIssuer
	}
	return &logical.Response{Data: map[string]any{"default": def, "default_follows_latest_issuer": false}}, nil
}

func (b *Backend) defaultIssuerWrite(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	if d.Bool("default_follows_latest_issuer") {
		return nil, badRequest("default_follows_latest_issuer is not supported")
	}
	var id string
	_, err := b.changeCA(ctx, func(st *caState) ([]storage.TxnOp, error) {
		ref := strings.TrimSpace(d.String("default"))
		if ref == "" || ref == "default" {
			return nil, badRequest("the default field must name an issuer")
		}
		is, err := st.resolveIssuer(ref)
		if err != nil {
			return nil, err
		}
		id = is.rec.ID
		op, err := jsonOp(keyConfigIssuer, &defaultsConfig{Default: id})
		return []storage.TxnOp{op}, err
	})
	if err != nil {
		return nil, err
	}
	return &logical.Response{Data: map[string]any{"default": id}}, nil
}
