package pki

import (
	"bytes"
	"context"
	"crypto"
	"strings"
	"time"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
	"github.com/cofre-io/cofre/server/storage"
)

var issuerRefPattern = "issuer/" + framework.GenericNameRegex("issuer_ref")

func (b *Backend) issuePaths() []*framework.Path {
	op := func(fn framework.OperationFunc) map[logical.Operation]framework.OperationFunc {
		return map[logical.Operation]framework.OperationFunc{logical.UpdateOperation: fn}
	}
	role := framework.GenericNameRegex("role")
	return []*framework.Path{
		{Pattern: "issue/" + role, Fields: issueSchema(false), Operations: op(b.issueCert), HelpSynopsis: "Issue a certificate and key against a role."},
		{Pattern: issuerRefPattern + "/issue/" + role, Fields: issueSchema(false), Operations: op(b.issueCert), HelpSynopsis: "Issue a certificate and key from an issuer."},
		{Pattern: "sign/" + role, Fields: issueSchema(true), Operations: op(b.signCert), HelpSynopsis: "Sign a CSR against a role."},
		{Pattern: issuerRefPattern + "/sign/" + role, Fields: issueSchema(true), Operations: op(b.signCert), HelpSynopsis: "Sign a CSR from an issuer."},
		{Pattern: "sign-verbatim(/" + role + ")?", Fields: verbatimSchema(), Operations: op(b.signVerbatim), HelpSynopsis: "Sign a CSR as it is."},
		{Pattern: issuerRefPattern + "/sign-verbatim(/" + role + ")?", Fields: verbatimSchema(), Operations: op(b.signVerbatim), HelpSynopsis: "Sign a CSR as it is, from an issuer."},
	}
}

// issueSchema is the request of issue/ (and, with csr, sign/).
func issueSchema(csr bool) map[string]*framework.FieldSchema {
	f := map[string]*framework.FieldSchema{
		"role":                    {Type: framework.TypeString, Required: true, Description: "The role."},
		"issuer_ref":              {Type: framework.TypeString, Description: "The issuer; the role's when absent."},
		"common_name":             {Type: framework.TypeString, Description: "Common name."},
		"alt_names":               {Type: framework.TypeCommaStringSlice, Description: "DNS and email SANs."},
		"ip_sans":                 {Type: framework.TypeCommaStringSlice, Description: "IP SANs."},
		"uri_sans":                {Type: framework.TypeCommaStringSlice, Description: "URI SANs."},
		"other_sans":              {Type: framework.TypeCommaStringSlice, Description: "Not supported."},
		"ttl":                     {Type: framework.TypeDurationSecond, Description: "Requested TTL."},
		"not_after":               {Type: framework.TypeString, Description: "Requested NotAfter (RFC 3339)."},
		"format":                  {Type: framework.TypeString, Default: formatPEM, Description: "pem, der or pem_bundle."},
		"private_key_format":      {Type: framework.TypeString, Default: "der", Description: "der or pkcs8."},
		"exclude_cn_from_sans":    {Type: framework.TypeBool, Description: "Keep the common name out of the SANs."},
		"remove_roots_from_chain": {Type: framework.TypeBool, Description: "Leave self-signed certificates out of ca_chain."},
		"key_type":                {Type: framework.TypeString, Description: "Key type when the role allows any."},
		"key_bits":                {Type: framework.TypeInt, Description: "Key size when the role allows any key type."},
	}
	if csr {
		f["csr"] = &framework.FieldSchema{Type: framework.TypeString, Required: true, Description: "PEM CSR."}
	}
	return f
}

// issuance is one issue or sign request after the role and issuer are
// resolved.
type issuance struct {
	role    *role
	issuer  *issuer
	format  string
	noRoots bool
	now     time.Time
}

func (b *Backend) prepareIssuance(ctx context.Context, d *framework.FieldData, r *role) (*issuance, error) {
	is := &issuance{role: r, format: d.String("format"), noRoots: d.Bool("remove_roots_from_chain"), now: b.now()}
	if err := checkFormat(is.format); err != nil {
		return nil, err
	}
	if len(d.Strings("other_sans")) > 0 {
		return nil, badRequest("other_sans is not supported")
	}
	st, err := b.state(ctx)
	if err != nil {
		return nil, err
	}
	ref := d.String("issuer_ref")
	if ref == "" {
		ref = r.IssuerRef
	}
	if is.issuer, err = st.resolveIssuer(ref); err != nil {
		return nil, err
	}
	if err := is.issuer.signing(is.now); err != nil {
		return nil, err
	}
	return is, nil
}

func (b *Backend) namedRole(ctx context.Context, d *framework.FieldData) (*role, error) {
	name := d.String("role")
	r, err := b.role(ctx, name)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, badRequest("unknown role: %s", name)
	}
	return r, nil
}

func (b *Backend) issueCert(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	r, err := b.namedRole(ctx, d)
	if err != nil {
		return nil, err
	}
	is, err := b.prepareIssuance(ctx, d, r)
	if err != nil {
		return nil, err
	}
	pkcs8, err := checkKeyFormat(d.String("private_key_format"))
	if err != nil {
		return nil, err
	}
	spec := r.Key
	if spec.Type == keyAny {
		kt := d.String("key_type")
		if kt == "" {
			return nil, badRequest(`role key type "any" needs key_type (rsa, ec or ed25519) on the request to issue`)
		}
		if spec, err = (keySpec{Type: kt, Bits: d.Int("key_bits")}).normalize(false); err != nil {
			return nil, err
		}
	}
	s, err := parseSANs(d.Strings("alt_names"), d.Strings("ip_sans"), d.Strings("uri_sans"))
	if err != nil {
		return nil, err
	}
	// Check the names before spending time on a key.
	cn := strings.TrimSpace(d.String("common_name"))
	if err := is.checkNames(cn, &s, d.Bool("exclude_cn_from_sans")); err != nil {
		return nil, err
	}
	signer, err := spec.generate()
	if err != nil {
		return nil, err
	}
	resp, err := b.finishIssuance(ctx, d, is, cn, s, signer.Public())
	if err != nil {
		return nil, err
	}
	keyDER, keyType, err := marshalKey(signer, pkcs8)
	if err != nil {
		return nil, err
	}
	keyText := encodeDER(is.format, keyType, keyDER)
	resp.Data["private_key"] = keyText
	resp.Data["private_key_type"] = spec.Type
	if is.format == formatPEMBundle {
		resp.Data["certificate"] = keyText + "\n" + resp.Data["certificate"].(string)
	}
	return resp, nil
}

func (b *Backend) signCert(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	r, err := b.namedRole(ctx, d)
	if err != nil {
		return nil, err
	}
	is, err := b.prepareIssuance(ctx, d, r)
	if err != nil {
		return nil, err
	}
	csr, err := parseCSR(d.String("csr"))
	if err != nil {
		return nil, err
	}
	if err := checkCSRKey(r.Key, csr); err != nil {
		return nil, err
	}
	cn := strings.TrimSpace(d.String("common_name"))
	if r.UseCSRCommonName && csr.Subject.CommonName != "" {
		cn = csr.Subject.CommonName
	}
	var s sans
	if r.UseCSRSANs {
		s = csrSANs(csr)
	} else if s, err = parseSANs(d.Strings("alt_names"), d.Strings("ip_sans"), d.Strings("uri_sans")); err != nil {
		return nil, err
	}
	if err := is.checkNames(cn, &s, d.Bool("exclude_cn_from_sans")); err != nil {
		return nil, err
	}
	return b.finishIssuance(ctx, d, is, cn, s, csr.PublicKey)
}

// checkNames applies the role to the common name and SANs, then adds the
// common name to the SANs unless excluded.
func (is *issuance) checkNames(cn string, s *sans, excludeCN bool) error {
	r := is.role
	if cn == "" && r.RequireCN {
		return badRequest(`the common_name field is required, or must be provided in a CSR with "use_csr_common_name" set to true, unless "require_cn" is set to false`)
	}
	if cn != "" {
		if err := r.checkCommonName(cn); err != nil {
			return err
		}
	}
	if err := r.checkSANs(*s); err != nil {
		return err
	}
	if !excludeCN && (validHostname(cn, true) || validEmail(cn, true)) {
		s.addCommonName(cn)
	}
	return nil
}

// finishIssuance computes the validity, signs, stores and answers.
func (b *Backend) finishIssuance(ctx context.Context, d *framework.FieldData, is *issuance, cn string, s sans, pub crypto.PublicKey) (*logical.Response, error) {
	r := is.role
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
	usages, err := r.Usage.leaf(pub)
	if err != nil {
		return nil, err
	}
	urls, err := b.urlsConfig(ctx)
	if err != nil {
		return nil, err
	}
	out, err := createCert(&certSpec{
		subject: r.Subject.name(cn), sans: s, pub: pub, validity: v, usages: usages,
		bcNonCA: r.BasicConstraintsValidForNonCA, sigBits: r.SignatureBits, usePSS: r.UsePSS, urls: urls,
	}, is.issuer, nil, false)
	if err != nil {
		return nil, err
	}
	return b.storeAndAnswer(ctx, is, out, v, r.NoStore, r.GenerateLease)
}

// storeAndAnswer stores a new certificate (unless noStore) and builds the
// response, with a lease when asked.
func (b *Backend) storeAndAnswer(ctx context.Context, is *issuance, out *signed, v validity, noStore, lease bool) (*logical.Response, error) {
	if !noStore {
		if err := b.view.Put(ctx, &storage.Entry{Key: prefixCert + serialKey(out.serial), Value: out.der}); err != nil {
			return nil, err
		}
	}
	resp := &logical.Response{Data: certData(is.format, out, v.notAfter, is.issuer, is.noRoots), Warnings: v.warnings}
	if lease && !noStore {
		resp.Secret = &logical.Secret{
			// Whole seconds from the truncated start: the lease ends no
			// earlier than the certificate.
			TTL:          v.notAfter.Sub(is.now.Truncate(time.Second)),
			InternalData: map[string]any{"secret_type": secretTypeCert, "serial_number": out.serial},
		}
	}
	return resp, nil
}

// certData is the answer to an issuance: the certificate, its issuer and
// the issuer's chain in the requested format, the serial and expiry.
func certData(format string, out *signed, notAfter time.Time, is *issuer, noRoots bool) map[string]any {
	chain := make([]string, 0, len(is.chain))
	for _, c := range is.chain {
		if noRoots && isSelfSigned(c) {
			continue
		}
		chain = append(chain, c.encoded(format))
	}
	cert := encodeDER(format, "CERTIFICATE", out.der)
	if format == formatPEMBundle {
		var sb strings.Builder
		sb.WriteString(cert)
		for _, c := range is.chain {
			if !isSelfSigned(c) {
				sb.WriteString("\n")
				sb.WriteString(c.pem)
			}
		}
		cert = sb.String()
	}
	return map[string]any{
		"certificate":   cert,
		"issuing_ca":    is.encoded(format),
		"ca_chain":      chain,
		"serial_number": out.serial,
		"expiration":    notAfter.Unix(),
	}
}

// isSelfSigned reports whether an issuer's certificate names itself as
// its issuer.
func isSelfSigned(is *issuer) bool { return bytes.Equal(is.cert.RawIssuer, is.cert.RawSubject) }

// encoded is the issuer's certificate as a JSON field in format.
func (is *issuer) encoded(format string) string {
	if format == formatDER {
		return encodeDER(format, "CERTIFICATE", is.rec.Certificate)
	}
	return is.pem
}

// parseNotAfter reads a not_after field (RFC 3339); "" is unset.
func parseNotAfter(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, badRequest("not_after %q is not a time in the form YYYY-MM-ddTHH:MM:SSZ", s)
	}
	return t, nil
}
