package pki

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"strings"
	"time"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
	"github.com/cofre-io/cofre/server/storage"
)

func (b *Backend) rootPaths() []*framework.Path {
	op := func(fn framework.OperationFunc) map[logical.Operation]framework.OperationFunc {
		return map[logical.Operation]framework.OperationFunc{logical.UpdateOperation: fn}
	}
	kind := `(?P<type>internal|exported|existing)`
	signInter := caSchema()
	signInter["csr"] = &framework.FieldSchema{Type: framework.TypeString, Required: true, Description: "PEM CSR."}
	signInter["use_csr_values"] = &framework.FieldSchema{Type: framework.TypeBool, Description: "Take the subject, SANs and extensions from the CSR."}
	signInter["skid"] = &framework.FieldSchema{Type: framework.TypeString, Description: "Subject key identifier (hex)."}
	signInter["issuer_ref"] = &framework.FieldSchema{Type: framework.TypeString, Description: "The issuer."}
	selfIssued := map[string]*framework.FieldSchema{
		"certificate": {Type: framework.TypeString, Required: true, Description: "PEM self-issued CA certificate."},
		"require_matching_certificate_algorithms": {Type: framework.TypeBool, Description: "Require the same key algorithm as the issuer."},
		"issuer_ref": {Type: framework.TypeString, Description: "The issuer."},
	}
	return []*framework.Path{
		{Pattern: "root/generate/" + kind, Fields: caSchema(), Operations: op(b.generateRoot), HelpSynopsis: "Generate a self-signed root CA."},
		{Pattern: "issuers/generate/root/" + kind, Fields: caSchema(), Operations: op(b.generateRoot), HelpSynopsis: "Generate a self-signed root CA."},
		{Pattern: "root/sign-intermediate", Fields: signInter, Operations: op(b.signIntermediate), HelpSynopsis: "Sign an intermediate CA's CSR with the default issuer."},
		{Pattern: issuerRefPattern + "/sign-intermediate", Fields: signInter, Operations: op(b.signIntermediate), HelpSynopsis: "Sign an intermediate CA's CSR."},
		{Pattern: "root/sign-self-issued", Fields: selfIssued, Operations: op(b.signSelfIssued), HelpSynopsis: "Sign a self-issued CA certificate with the default issuer."},
		{Pattern: issuerRefPattern + "/sign-self-issued", Fields: selfIssued, Operations: op(b.signSelfIssued), HelpSynopsis: "Sign a self-issued CA certificate."},
		{
			Pattern:      "root",
			Operations:   map[logical.Operation]framework.OperationFunc{logical.DeleteOperation: b.deleteAll},
			HelpSynopsis: "Delete every issuer and key of the mount.",
		},
	}
}

// caValidity computes a CA certificate's validity from the request and
// the mount's TTLs (and the signing issuer's NotAfter, when there is one).
func (b *Backend) caValidity(d *framework.FieldData, now time.Time, parent *issuer) (validity, error) {
	notAfter, err := parseNotAfter(d.String("not_after"))
	if err != nil {
		return validity{}, err
	}
	in := validityInput{
		now: now, ttl: d.Duration("ttl"), notAfter: notAfter,
		sysTTL: b.sys.DefaultLeaseTTL(), sysMax: b.sys.MaxLeaseTTL(),
		notBeforeDuration: d.Duration("not_before_duration"),
	}
	if parent != nil {
		in.issuerNotAfter, in.behavior = parent.cert.NotAfter, parent.rec.LeafNotAfter
	}
	return computeValidity(in)
}

func (b *Backend) generateRoot(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
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
	v, err := b.caValidity(d, b.now(), nil)
	if err != nil {
		return nil, err
	}
	urls, err := b.urlsConfig(ctx)
	if err != nil {
		return nil, err
	}
	kind := d.String("type")
	var out *signed
	var ks *keySource
	var rec *issuerRecord
	_, err = b.changeCA(ctx, func(st *caState) ([]storage.TxnOp, error) {
		if err := checkNewName(d.String("issuer_name"), st.issuerNames, "issuer"); err != nil {
			return nil, err
		}
		if ks, err = newKeySource(st, kind, d); err != nil {
			return nil, err
		}
		subject := subjectFrom(d).name(cn)
		subject.SerialNumber = d.String("serial_number")
		if out, err = createCert(&certSpec{
			subject: subject, sans: s, pub: ks.signer.Public(), validity: v, usages: caUsages,
			isCA: true, maxPathLen: d.Int("max_path_length"), permittedDNS: d.Strings("permitted_dns_domains"),
			sigBits: d.Int("signature_bits"), usePSS: d.Bool("use_pss"), urls: urls,
		}, nil, ks.signer, true); err != nil {
			return nil, err
		}
		if rec, err = newIssuerRecord(out.der, d.String("issuer_name"), ks.keyID); err != nil {
			return nil, err
		}
		return issuerOps(st, ks, rec, out)
	})
	if err != nil {
		return nil, err
	}
	data := map[string]any{
		"certificate":   encodeDER(format, "CERTIFICATE", out.der),
		"issuing_ca":    encodeDER(format, "CERTIFICATE", out.der),
		"serial_number": out.serial,
		"expiration":    out.cert.NotAfter.Unix(),
		"issuer_id":     rec.ID,
		"issuer_name":   rec.Name,
		"key_id":        ks.keyID,
		"key_name":      ks.keyName,
	}
	if kind == "exported" {
		if err := addPrivateKey(data, format, ks, pkcs8); err != nil {
			return nil, err
		}
	}
	return &logical.Response{Data: data, Warnings: v.warnings}, nil
}

// issuerOps stores a new key (if any), a new issuer, its certificate under
// certs/ and, when the mount has none, the defaults.
func issuerOps(st *caState, ks *keySource, rec *issuerRecord, out *signed) ([]storage.TxnOp, error) {
	ops, err := ks.ops()
	if err != nil {
		return nil, err
	}
	op, err := jsonOp(prefixIssuer+rec.ID, rec)
	if err != nil {
		return nil, err
	}
	ops = append(ops, op, storage.TxnOp{Entry: storage.Entry{Key: prefixCert + serialKey(out.serial), Value: out.der}})
	def, err := defaultOps(st, rec.ID, ks.keyID)
	if err != nil {
		return nil, err
	}
	return append(ops, def...), nil
}

// addPrivateKey puts an exported key into a response; with pem_bundle the
// key also leads the certificate (or csr) field.
func addPrivateKey(data map[string]any, format string, ks *keySource, pkcs8 bool) error {
	der, typ, err := marshalKey(ks.signer, pkcs8)
	if err != nil {
		return err
	}
	text := encodeDER(format, typ, der)
	data["private_key"] = text
	data["private_key_type"] = ks.spec.Type
	if format == formatPEMBundle {
		for _, f := range []string{"certificate", "csr"} {
			if v, ok := data[f].(string); ok {
				data[f] = text + "\n" + v
			}
		}
	}
	return nil
}

func (b *Backend) signIntermediate(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	format := d.String("format")
	if err := checkFormat(format); err != nil {
		return nil, err
	}
	if err := checkSigBits(d.Int("signature_bits")); err != nil {
		return nil, err
	}
	st, err := b.state(ctx)
	if err != nil {
		return nil, err
	}
	parent, err := st.resolveIssuer(d.String("issuer_ref"))
	if err != nil {
		return nil, err
	}
	now := b.now()
	if err := parent.signing(now); err != nil {
		return nil, err
	}
	csr, err := parseCSR(d.String("csr"))
	if err != nil {
		return nil, err
	}
	spec := &certSpec{pub: csr.PublicKey, usages: caUsages, isCA: true, permittedDNS: d.Strings("permitted_dns_domains"),
		sigBits: d.Int("signature_bits"), usePSS: d.Bool("use_pss")}
	if spec.maxPathLen, err = childPathLen(parent.cert, d.Int("max_path_length")); err != nil {
		return nil, err
	}
	if d.Bool("use_csr_values") {
		ext, err := requestedExtensions(csr)
		if err != nil {
			return nil, err
		}
		spec.rawSubject, spec.subject, spec.sans = csr.RawSubject, csr.Subject, csrSANs(csr)
		spec.usages.keyUsage |= ext.keyUsage
		spec.usages.extUsage, spec.usages.unknownEKU = ext.extUsage, ext.unknownEKU
	} else {
		cn, s, err := caNames(d, csr.Subject.CommonName)
		if err != nil {
			return nil, err
		}
		spec.subject, spec.sans = subjectFrom(d).name(cn), s
		spec.subject.SerialNumber = d.String("serial_number")
	}
	if h := strings.TrimSpace(strings.ReplaceAll(d.String("skid"), ":", "")); h != "" {
		if spec.skid, err = hex.DecodeString(h); err != nil {
			return nil, badRequest("skid %q is not hexadecimal", d.String("skid"))
		}
	}
	if spec.validity, err = b.caValidity(d, now, parent); err != nil {
		return nil, err
	}
	if spec.urls, err = b.urlsConfig(ctx); err != nil {
		return nil, err
	}
	out, err := createCert(spec, parent, nil, false)
	if err != nil {
		return nil, err
	}
	is := &issuance{issuer: parent, format: format, now: now, noRoots: false}
	return b.storeAndAnswer(ctx, is, out, spec.validity, false, false)
}

// childPathLen is the path length of a CA signed by parent: the request's,
// or one less than the parent's when the request says -1 and the parent
// has a limit. A parent with a limit of zero signs no CA.
func childPathLen(parent *x509.Certificate, requested int) (int, error) {
	limited := parent.MaxPathLen > 0 || parent.MaxPathLen == 0 && parent.MaxPathLenZero
	if limited && parent.MaxPathLen == 0 {
		return 0, badRequest("signing certificate has a max path length of zero, and cannot issue further CA certificates")
	}
	if requested < 0 && limited {
		return parent.MaxPathLen - 1, nil
	}
	return requested, nil
}

// signSelfIssued re-signs a self-issued CA certificate with an issuer,
// changing only its issuer name, authority key identifier and distribution
// points.
func (b *Backend) signSelfIssued(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	certs, err := parseCertsPEM(d.String("certificate"))
	if err != nil {
		return nil, err
	}
	if len(certs) != 1 {
		return nil, badRequest("exactly one certificate must be given")
	}
	c := certs[0]
	if !bytes.Equal(c.RawIssuer, c.RawSubject) {
		return nil, badRequest("given certificate is not self-issued")
	}
	if !c.BasicConstraintsValid || !c.IsCA {
		return nil, badRequest("given certificate is not a CA certificate")
	}
	st, err := b.state(ctx)
	if err != nil {
		return nil, err
	}
	parent, err := st.resolveIssuer(d.String("issuer_ref"))
	if err != nil {
		return nil, err
	}
	if err := parent.signing(b.now()); err != nil {
		return nil, err
	}
	if d.Bool("require_matching_certificate_algorithms") && c.PublicKeyAlgorithm != parent.cert.PublicKeyAlgorithm {
		return nil, badRequest("the certificate's public key algorithm does not match the issuer's")
	}
	urls, err := b.urlsConfig(ctx)
	if err != nil {
		return nil, err
	}
	t := *c
	t.AuthorityKeyId = nil
	t.IssuingCertificateURL, t.CRLDistributionPoints, t.OCSPServer = urls.IssuingCertificates, urls.CRLDistributionPoints, urls.OCSPServers
	t.SignatureAlgorithm = x509.UnknownSignatureAlgorithm
	if t.SignatureAlgorithm, err = sigAlgFor(parent.signer, 0, false); err != nil {
		return nil, err
	}
	der, err := x509.CreateCertificate(rand.Reader, &t, parent.cert, c.PublicKey, parent.signer)
	if err != nil {
		return nil, badRequest("error signing self-issued certificate: %v", err)
	}
	return &logical.Response{Data: map[string]any{
		"certificate": pemString("CERTIFICATE", der),
		"issuing_ca":  parent.pem,
	}}, nil
}

// deleteAll removes every issuer, key and their defaults (DELETE root).
func (b *Backend) deleteAll(ctx context.Context, _ *logical.Request, _ *framework.FieldData) (*logical.Response, error) {
	_, err := b.changeCA(ctx, func(st *caState) ([]storage.TxnOp, error) {
		ops := []storage.TxnOp{{Delete: true, Entry: storage.Entry{Key: keyConfigIssuer}}, {Delete: true, Entry: storage.Entry{Key: keyConfigKeys}}}
		for id := range st.issuers {
			ops = append(ops, storage.TxnOp{Delete: true, Entry: storage.Entry{Key: prefixIssuer + id}},
				storage.TxnOp{Delete: true, Entry: storage.Entry{Key: prefixCRL + id}})
		}
		for id := range st.keys {
			ops = append(ops, storage.TxnOp{Delete: true, Entry: storage.Entry{Key: prefixKey + id}})
		}
		return ops, nil
	})
	return nil, err
}
