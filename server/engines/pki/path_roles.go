package pki

import (
	"context"
	"time"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
	"github.com/cofre-io/cofre/server/storage"
)

var roleNamePattern = "roles/" + framework.GenericNameRegex("name")

func (b *Backend) rolePaths() []*framework.Path {
	return []*framework.Path{
		{
			Pattern:      "roles/?",
			Operations:   map[logical.Operation]framework.OperationFunc{logical.ListOperation: b.roleList},
			HelpSynopsis: "List the roles.",
		},
		{
			Pattern: roleNamePattern,
			Fields:  roleSchema(),
			Operations: map[logical.Operation]framework.OperationFunc{
				logical.CreateOperation: b.roleWrite,
				logical.UpdateOperation: b.roleWrite,
				logical.ReadOperation:   b.roleRead,
				logical.DeleteOperation: b.roleDelete,
			},
			ExistenceCheck: b.roleExists,
			HelpSynopsis:   "Create, read, update or delete a role.",
		},
	}
}

// roleSchema is every field a role write accepts, with Vault's defaults.
func roleSchema() map[string]*framework.FieldSchema {
	str := func(def any, d string) *framework.FieldSchema {
		return &framework.FieldSchema{Type: framework.TypeString, Default: def, Description: d}
	}
	boolean := func(def bool, d string) *framework.FieldSchema {
		return &framework.FieldSchema{Type: framework.TypeBool, Default: def, Description: d}
	}
	list := func(def []string, d string) *framework.FieldSchema {
		return &framework.FieldSchema{Type: framework.TypeCommaStringSlice, Default: def, Description: d}
	}
	dur := func(def any, d string) *framework.FieldSchema {
		return &framework.FieldSchema{Type: framework.TypeDurationSecond, Default: def, Description: d}
	}
	f := map[string]*framework.FieldSchema{
		"name":                               {Type: framework.TypeString, Required: true, Description: "Name of the role."},
		"ttl":                                dur(nil, "Default TTL of issued certificates."),
		"max_ttl":                            dur(nil, "Maximum TTL of issued certificates."),
		"not_before_duration":                dur("30s", "How far NotBefore is backdated."),
		"allow_localhost":                    boolean(true, "Allow localhost and localdomain."),
		"allowed_domains":                    list(nil, "Domains certificates may name."),
		"allow_bare_domains":                 boolean(false, "Allow the allowed domains themselves."),
		"allow_subdomains":                   boolean(false, "Allow subdomains of the allowed domains."),
		"allow_glob_domains":                 boolean(false, "Allow globs in allowed_domains."),
		"allow_wildcard_certificates":        boolean(true, "Allow wildcard names."),
		"allow_any_name":                     boolean(false, "Allow any name."),
		"enforce_hostnames":                  boolean(true, "Only valid host names."),
		"allow_ip_sans":                      boolean(true, "Allow IP SANs."),
		"allowed_uri_sans":                   list(nil, "Allowed URI SANs (globs)."),
		"allowed_other_sans":                 list(nil, "Not supported; must be empty."),
		"cn_validations":                     list(defaultCNValidations, "Common name checks: email, hostname or disabled."),
		"server_flag":                        boolean(true, "ServerAuth extended key usage."),
		"client_flag":                        boolean(true, "ClientAuth extended key usage."),
		"code_signing_flag":                  boolean(false, "CodeSigning extended key usage."),
		"email_protection_flag":              boolean(false, "EmailProtection extended key usage."),
		"key_type":                           str("rsa", "rsa, ec, ed25519 or any."),
		"key_bits":                           {Type: framework.TypeInt, Description: "Key size; 0 for the type's default."},
		"signature_bits":                     {Type: framework.TypeInt, Description: "Hash size of RSA signatures: 256, 384 or 512."},
		"use_pss":                            boolean(false, "RSA-PSS signatures."),
		"key_usage":                          list(defaultRoleKeyUsage, "Key usages."),
		"ext_key_usage":                      list(nil, "Extended key usages."),
		"ext_key_usage_oids":                 list(nil, "Extended key usage OIDs."),
		"policy_identifiers":                 list(nil, "Certificate policy OIDs."),
		"use_csr_common_name":                boolean(true, "Take the common name from the CSR."),
		"use_csr_sans":                       boolean(true, "Take the SANs from the CSR."),
		"generate_lease":                     boolean(false, "Give issued certificates a lease."),
		"no_store":                           boolean(false, "Do not store issued certificates."),
		"require_cn":                         boolean(true, "Require a common name."),
		"basic_constraints_valid_for_non_ca": boolean(false, "Mark basic constraints valid on leaves."),
		"issuer_ref":                         str("default", "Issuer used by issue/ and sign/."),
	}
	subjectSchema(f)
	return f
}

func (b *Backend) roleList(ctx context.Context, _ *logical.Request, _ *framework.FieldData) (*logical.Response, error) {
	keys, err := b.view.List(ctx, prefixRole)
	if err != nil {
		return nil, err
	}
	return framework.ListResponse(keys), nil
}

// role returns a role, cached after its first read; nil when missing.
func (b *Backend) role(ctx context.Context, name string) (*role, error) {
	b.rolesMu.RLock()
	r, ok := b.roles[name]
	b.rolesMu.RUnlock()
	if ok {
		return r, nil
	}
	b.rolesMu.Lock()
	defer b.rolesMu.Unlock()
	if r, ok := b.roles[name]; ok {
		return r, nil
	}
	r = &role{}
	found, err := getJSON(ctx, b.view, prefixRole+name, r)
	if err != nil || !found {
		return nil, err
	}
	b.roles[name] = r
	return r, nil
}

func (b *Backend) roleExists(ctx context.Context, _ *logical.Request, d *framework.FieldData) (bool, error) {
	r, err := b.role(ctx, d.String("name"))
	return r != nil, err
}

// roleFrom builds and validates a role from a write; fields the request
// leaves out take their defaults (a write replaces the role).
func (b *Backend) roleFrom(ctx context.Context, d *framework.FieldData) (*role, error) {
	r := &role{
		namePolicy: namePolicy{
			AllowLocalhost:            d.Bool("allow_localhost"),
			AllowedDomains:            d.Strings("allowed_domains"),
			AllowBareDomains:          d.Bool("allow_bare_domains"),
			AllowSubdomains:           d.Bool("allow_subdomains"),
			AllowGlobDomains:          d.Bool("allow_glob_domains"),
			AllowWildcardCertificates: d.Bool("allow_wildcard_certificates"),
			AllowAnyName:              d.Bool("allow_any_name"),
			EnforceHostnames:          d.Bool("enforce_hostnames"),
			AllowIPSANs:               d.Bool("allow_ip_sans"),
			AllowedURISANs:            d.Strings("allowed_uri_sans"),
			CNValidations:             d.Strings("cn_validations"),
		},
		TTL:                           d.Duration("ttl"),
		MaxTTL:                        d.Duration("max_ttl"),
		NotBeforeDuration:             d.Duration("not_before_duration"),
		Key:                           keySpec{Type: d.String("key_type"), Bits: d.Int("key_bits")},
		SignatureBits:                 d.Int("signature_bits"),
		UsePSS:                        d.Bool("use_pss"),
		UseCSRCommonName:              d.Bool("use_csr_common_name"),
		UseCSRSANs:                    d.Bool("use_csr_sans"),
		Subject:                       subjectFrom(d),
		GenerateLease:                 d.Bool("generate_lease"),
		NoStore:                       d.Bool("no_store"),
		RequireCN:                     d.Bool("require_cn"),
		BasicConstraintsValidForNonCA: d.Bool("basic_constraints_valid_for_non_ca"),
		IssuerRef:                     d.String("issuer_ref"),
		Usage: usageSpec{
			KeyUsage:            d.Strings("key_usage"),
			ExtKeyUsage:         d.Strings("ext_key_usage"),
			ExtKeyUsageOIDs:     d.Strings("ext_key_usage_oids"),
			PolicyIdentifiers:   d.Strings("policy_identifiers"),
			ServerFlag:          d.Bool("server_flag"),
			ClientFlag:          d.Bool("client_flag"),
			CodeSigningFlag:     d.Bool("code_signing_flag"),
			EmailProtectionFlag: d.Bool("email_protection_flag"),
		},
	}
	var err error
	if r.Key, err = r.Key.normalize(true); err != nil {
		return nil, err
	}
	if err := checkSigBits(r.SignatureBits); err != nil {
		return nil, err
	}
	if r.MaxTTL > 0 && r.TTL > r.MaxTTL {
		return nil, badRequest(`"ttl" value must be less than "max_ttl" value`)
	}
	if len(d.Strings("allowed_other_sans")) > 0 {
		return nil, badRequest("allowed_other_sans is not supported")
	}
	if err := r.Usage.validate(); err != nil {
		return nil, err
	}
	if err := checkCNValidations(r.CNValidations); err != nil {
		return nil, err
	}
	if r.NoStore {
		r.GenerateLease = false
	}
	if r.IssuerRef == "" {
		r.IssuerRef = "default"
	}
	if r.IssuerRef != "default" {
		st, err := b.state(ctx)
		if err != nil {
			return nil, err
		}
		if _, err := st.resolveIssuer(r.IssuerRef); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func checkCNValidations(vs []string) error {
	for _, v := range vs {
		switch v {
		case "email", "hostname":
		case "disabled":
			if len(vs) != 1 {
				return badRequest(`cn_validations "disabled" must be the only value`)
			}
		default:
			return badRequest("unknown cn_validations value %q", v)
		}
	}
	return nil
}

func (b *Backend) roleWrite(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	r, err := b.roleFrom(ctx, d)
	if err != nil {
		return nil, err
	}
	name := d.String("name")
	op, err := jsonOp(prefixRole+name, r)
	if err != nil {
		return nil, err
	}
	b.rolesMu.Lock()
	defer b.rolesMu.Unlock()
	if err := apply(ctx, b.view, []storage.TxnOp{op}); err != nil {
		delete(b.roles, name)
		return nil, err
	}
	b.roles[name] = r
	return &logical.Response{Data: r.data()}, nil
}

func (b *Backend) roleRead(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	r, err := b.role(ctx, d.String("name"))
	if err != nil || r == nil {
		return nil, err
	}
	return &logical.Response{Data: r.data()}, nil
}

func (b *Backend) roleDelete(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	name := d.String("name")
	b.rolesMu.Lock()
	defer b.rolesMu.Unlock()
	delete(b.roles, name)
	return nil, b.view.Delete(ctx, prefixRole+name)
}

// data renders a role as Vault does; durations are whole seconds.
func (r *role) data() map[string]any {
	m := map[string]any{
		"ttl":                                int64(r.TTL / time.Second),
		"max_ttl":                            int64(r.MaxTTL / time.Second),
		"not_before_duration":                int64(r.NotBeforeDuration / time.Second),
		"allow_localhost":                    r.AllowLocalhost,
		"allowed_domains":                    nonNil(r.AllowedDomains),
		"allow_bare_domains":                 r.AllowBareDomains,
		"allow_subdomains":                   r.AllowSubdomains,
		"allow_glob_domains":                 r.AllowGlobDomains,
		"allow_wildcard_certificates":        r.AllowWildcardCertificates,
		"allow_any_name":                     r.AllowAnyName,
		"enforce_hostnames":                  r.EnforceHostnames,
		"allow_ip_sans":                      r.AllowIPSANs,
		"allowed_uri_sans":                   nonNil(r.AllowedURISANs),
		"allowed_other_sans":                 []string{},
		"cn_validations":                     nonNil(r.CNValidations),
		"server_flag":                        r.Usage.ServerFlag,
		"client_flag":                        r.Usage.ClientFlag,
		"code_signing_flag":                  r.Usage.CodeSigningFlag,
		"email_protection_flag":              r.Usage.EmailProtectionFlag,
		"key_type":                           r.Key.Type,
		"key_bits":                           r.Key.Bits,
		"signature_bits":                     r.SignatureBits,
		"use_pss":                            r.UsePSS,
		"key_usage":                          nonNil(r.Usage.KeyUsage),
		"ext_key_usage":                      nonNil(r.Usage.ExtKeyUsage),
		"ext_key_usage_oids":                 nonNil(r.Usage.ExtKeyUsageOIDs),
		"policy_identifiers":                 nonNil(r.Usage.PolicyIdentifiers),
		"use_csr_common_name":                r.UseCSRCommonName,
		"use_csr_sans":                       r.UseCSRSANs,
		"generate_lease":                     r.GenerateLease,
		"no_store":                           r.NoStore,
		"require_cn":                         r.RequireCN,
		"basic_constraints_valid_for_non_ca": r.BasicConstraintsValidForNonCA,
		"issuer_ref":                         r.IssuerRef,
	}
	r.Subject.data(m)
	return m
}
