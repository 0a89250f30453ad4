package pki

import (
	"context"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
)

// verbatimSchema is the request of sign-verbatim.
func verbatimSchema() map[string]*framework.FieldSchema {
	return map[string]*framework.FieldSchema{
		"role":                               {Type: framework.TypeString, Description: "Optional role for ttl, max_ttl, no_store, generate_lease and not_before_duration."},
		"issuer_ref":                         {Type: framework.TypeString, Description: "The issuer; the default when absent."},
		"csr":                                {Type: framework.TypeString, Required: true, Description: "PEM CSR."},
		"key_usage":                          {Type: framework.TypeCommaStringSlice, Default: defaultRoleKeyUsage, Description: "Key usages when the CSR asks none."},
		"ext_key_usage":                      {Type: framework.TypeCommaStringSlice, Description: "Extended key usages when the CSR asks none."},
		"ext_key_usage_oids":                 {Type: framework.TypeCommaStringSlice, Description: "Extended key usage OIDs when the CSR asks none."},
		"ttl":                                {Type: framework.TypeDurationSecond, Description: "Requested TTL."},
		"not_after":                          {Type: framework.TypeString, Description: "Requested NotAfter (RFC 3339)."},
		"format":                             {Type: framework.TypeString, Default: formatPEM, Description: "pem, der or pem_bundle."},
		"signature_bits":                     {Type: framework.TypeInt, Description: "Hash size of RSA signatures."},
		"use_pss":                            {Type: framework.TypeBool, Description: "RSA-PSS signatures."},
		"remove_roots_from_chain":            {Type: framework.TypeBool, Description: "Leave self-signed certificates out of ca_chain."},
		"basic_constraints_valid_for_non_ca": {Type: framework.TypeBool, Description: "Mark basic constraints valid."},
	}
}

// verbatimRole is what sign-verbatim uses without a role.
var verbatimRole = role{NotBeforeDuration: defaultNotBeforeDuration, IssuerRef: "default"}

// signVerbatim signs a CSR with its own subject, SANs and (when it asks
// for them) key usages, refusing CA certificates.
func (b *Backend) signVerbatim(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	r := &verbatimRole
	if d.String("role") != "" {
		var err error
		if r, err = b.namedRole(ctx, d); err != nil {
			return nil, err
		}
	}
	is, err := b.prepareIssuance(ctx, d, r)
	if err != nil {
		return nil, err
	}
	csr, err := parseCSR(d.String("csr"))
	if err != nil {
		return nil, err
	}
	ext, err := requestedExtensions(csr)
	if err != nil {
		return nil, err
	}
	if ext.isCA {
		return nil, badRequest("will not sign a CSR asking for a CA certificate on this path; use root/sign-intermediate")
	}
	var u leafUsages
	if ext.hasKU {
		u.keyUsage = ext.keyUsage
	} else if u.keyUsage, err = parseKeyUsages(d.Strings("key_usage")); err != nil {
		return nil, err
	}
	if ext.hasEKU {
		u.extUsage, u.unknownEKU = ext.extUsage, ext.unknownEKU
	} else {
		if u.extUsage, err = parseExtKeyUsages(d.Strings("ext_key_usage")); err != nil {
			return nil, err
		}
		oids, err := parseOIDs(d.Strings("ext_key_usage_oids"))
		if err != nil {
			return nil, err
		}
		u.unknownEKU = asn1OIDs(oids)
	}
	sigBits := d.Int("signature_bits")
	if err := checkSigBits(sigBits); err != nil {
		return nil, err
	}
	notAfter, err := parseNotAfter(d.String("not_after"))
	if err != nil {
		return nil, err
	}
	v, err := computeValidity(validityInput{
		now: is.now, ttl: d.Duration("ttl"), notAfter: notAfter,
		roleTTL: r.TTL, roleMax: r.MaxTTL, sysTTL: b.sys.DefaultLeaseTTL(), sysMax: b.sys.MaxLeaseTTL(),
		notBeforeDuration: r.NotBeforeDuration,
		issuerNotAfter:    is.issuer.cert.NotAfter, behavior: is.issuer.rec.LeafNotAfter,
	})
	if err != nil {
		return nil, err
	}
	urls, err := b.urlsConfig(ctx)
	if err != nil {
		return nil, err
	}
	bcNonCA := r.BasicConstraintsValidForNonCA
	if v, ok := d.GetOk("basic_constraints_valid_for_non_ca"); ok {
		bcNonCA = v.(bool)
	}
	out, err := createCert(&certSpec{
		rawSubject: csr.RawSubject, subject: csr.Subject, sans: csrSANs(csr), pub: csr.PublicKey,
		validity: v, usages: u, bcNonCA: bcNonCA, sigBits: sigBits, usePSS: d.Bool("use_pss"), urls: urls,
	}, is.issuer, nil, false)
	if err != nil {
		return nil, err
	}
	return b.storeAndAnswer(ctx, is, out, v, r.NoStore, r.GenerateLease)
}
