package pki

import (
	"crypto"
	"crypto/x509"
	"regexp"
	"strings"

	"github.com/cofre-io/cofre/server/logical/framework"
	"github.com/cofre-io/cofre/server/storage"
)

// caSchema is the request of root and intermediate generation and of
// sign-intermediate: the subject, SANs and CA settings.
func caSchema() map[string]*framework.FieldSchema {
	f := map[string]*framework.FieldSchema{
		"common_name":           {Type: framework.TypeString, Description: "Common name."},
		"alt_names":             {Type: framework.TypeCommaStringSlice, Description: "DNS and email SANs."},
		"ip_sans":               {Type: framework.TypeCommaStringSlice, Description: "IP SANs."},
		"uri_sans":              {Type: framework.TypeCommaStringSlice, Description: "URI SANs."},
		"other_sans":            {Type: framework.TypeCommaStringSlice, Description: "Not supported."},
		"ttl":                   {Type: framework.TypeDurationSecond, Description: "Requested TTL."},
		"not_after":             {Type: framework.TypeString, Description: "Requested NotAfter (RFC 3339)."},
		"not_before_duration":   {Type: framework.TypeDurationSecond, Default: "30s", Description: "How far NotBefore is backdated."},
		"format":                {Type: framework.TypeString, Default: formatPEM, Description: "pem, der or pem_bundle."},
		"private_key_format":    {Type: framework.TypeString, Default: "der", Description: "der or pkcs8."},
		"key_type":              {Type: framework.TypeString, Default: keyRSA, Description: "rsa, ec or ed25519."},
		"key_bits":              {Type: framework.TypeInt, Description: "Key size; 0 for the type's default."},
		"key_name":              {Type: framework.TypeString, Description: "Name of a new key."},
		"key_ref":               {Type: framework.TypeString, Default: "default", Description: "Existing key (type existing)."},
		"issuer_name":           {Type: framework.TypeString, Description: "Name of the new issuer."},
		"max_path_length":       {Type: framework.TypeInt, Default: -1, Description: "Maximum path length; -1 for none."},
		"exclude_cn_from_sans":  {Type: framework.TypeBool, Description: "Keep the common name out of the SANs."},
		"permitted_dns_domains": {Type: framework.TypeCommaStringSlice, Description: "Name constraints."},
		"signature_bits":        {Type: framework.TypeInt, Description: "Hash size of RSA signatures."},
		"use_pss":               {Type: framework.TypeBool, Description: "RSA-PSS signatures."},
		"add_basic_constraints": {Type: framework.TypeBool, Description: "Not supported."},
		"serial_number":         {Type: framework.TypeString, Description: "Subject serial number attribute."},
		"type":                  {Type: framework.TypeString, Description: "internal, exported or existing (from the path)."},
	}
	subjectSchema(f)
	return f
}

// caNames reads the common name and SANs of a CA request; the common name
// (fallbackCN when the request has none) is required and joins the SANs
// unless excluded.
func caNames(d *framework.FieldData, fallbackCN string) (string, sans, error) {
	cn := strings.TrimSpace(d.String("common_name"))
	if cn == "" {
		cn = fallbackCN
	}
	if cn == "" {
		return "", sans{}, badRequest("the common_name field is required")
	}
	if len(d.Strings("other_sans")) > 0 {
		return "", sans{}, badRequest("other_sans is not supported")
	}
	s, err := parseSANs(d.Strings("alt_names"), d.Strings("ip_sans"), d.Strings("uri_sans"))
	if err != nil {
		return "", sans{}, err
	}
	if !d.Bool("exclude_cn_from_sans") && (validHostname(cn, false) || validEmail(cn, true)) {
		s.addCommonName(cn)
	}
	return cn, s, nil
}

// validName matches names of issuers and keys (as the path patterns do).
var validName = regexp.MustCompile(`^\w(([\w-.@]+)?\w)?$`)

// caUsages are a CA certificate's key usages.
var caUsages = leafUsages{keyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature}

// checkNewName validates a name for a new issuer or key: unique among
// existing ones and not the reserved "default".
func checkNewName(name string, taken map[string]string, what string) error {
	if name == "" {
		return nil
	}
	if name == "default" {
		return badRequest("%s name %q is reserved", what, name)
	}
	if !validName.MatchString(name) {
		return badRequest("%s name %q may only hold letters, digits, '-', '_', '.' and '@'", what, name)
	}
	if _, ok := taken[name]; ok {
		return badRequest("%s name %q is already in use", what, name)
	}
	return nil
}

// keySource is where a CA request's key comes from: a new key (type
// internal or exported) or an existing one (type existing).
type keySource struct {
	signer  crypto.Signer
	rec     *keyRecord // nil for an existing key
	keyID   string
	keyName string
	spec    keySpec
}

// newKeySource generates or finds the key of a CA request.
func newKeySource(st *caState, kind string, d *framework.FieldData) (*keySource, error) {
	if kind == "existing" {
		k, err := st.resolveKey(d.String("key_ref"))
		if err != nil {
			return nil, err
		}
		spec, _ := specOf(k.signer.Public())
		return &keySource{signer: k.signer, keyID: k.rec.ID, keyName: k.rec.Name, spec: spec}, nil
	}
	spec, err := (keySpec{Type: d.String("key_type"), Bits: d.Int("key_bits")}).normalize(false)
	if err != nil {
		return nil, err
	}
	name := d.String("key_name")
	if err := checkNewName(name, st.keyNames, "key"); err != nil {
		return nil, err
	}
	signer, err := spec.generate()
	if err != nil {
		return nil, err
	}
	rec, err := newKeyRecord(signer, name)
	if err != nil {
		return nil, err
	}
	return &keySource{signer: signer, rec: rec, keyID: rec.ID, keyName: name, spec: spec}, nil
}

// newKeyRecord stores signer as PKCS #8 under a new id.
func newKeyRecord(signer crypto.Signer, name string) (*keyRecord, error) {
	id, err := newID()
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(signer)
	if err != nil {
		return nil, err
	}
	spec, _ := specOf(signer.Public())
	return &keyRecord{ID: id, Name: name, Type: spec.Type, Bits: spec.Bits, PrivateKey: der}, nil
}

// ops are the writes that store a new key, if any.
func (k *keySource) ops() ([]storage.TxnOp, error) {
	if k.rec == nil {
		return nil, nil
	}
	op, err := jsonOp(prefixKey+k.rec.ID, k.rec)
	if err != nil {
		return nil, err
	}
	return []storage.TxnOp{op}, nil
}

// newIssuerRecord makes the record of a new issuer with default settings.
func newIssuerRecord(der []byte, name, keyID string) (*issuerRecord, error) {
	id, err := newID()
	if err != nil {
		return nil, err
	}
	return &issuerRecord{ID: id, Name: name, KeyID: keyID, Certificate: der, LeafNotAfter: notAfterErr, Usage: append([]string(nil), allUsages...)}, nil
}

// defaultOps sets the default issuer and key when the mount has none.
func defaultOps(st *caState, issuerID, keyID string) ([]storage.TxnOp, error) {
	var ops []storage.TxnOp
	if issuerID != "" && st.issuers[st.defaultIssuer] == nil {
		op, err := jsonOp(keyConfigIssuer, &defaultsConfig{Default: issuerID})
		if err != nil {
			return nil, err
		}
		ops = append(ops, op)
	}
	if keyID != "" && st.keys[st.defaultKey] == nil {
		op, err := jsonOp(keyConfigKeys, &defaultsConfig{Default: keyID})
		if err != nil {
			return nil, err
		}
		ops = append(ops, op)
	}
	return ops, nil
}
