package pki

import (
	"strings"
	"time"
)

// role is a stored role: what names it allows and what certificates issued
// against it look like. The JSON names are Vault's.
type role struct {
	namePolicy                    `json:"names"`
	TTL                           time.Duration `json:"ttl"`
	MaxTTL                        time.Duration `json:"max_ttl"`
	NotBeforeDuration             time.Duration `json:"not_before_duration"`
	Key                           keySpec       `json:"key"`
	SignatureBits                 int           `json:"signature_bits"`
	UsePSS                        bool          `json:"use_pss"`
	Usage                         usageSpec     `json:"usage"`
	UseCSRCommonName              bool          `json:"use_csr_common_name"`
	UseCSRSANs                    bool          `json:"use_csr_sans"`
	Subject                       subjectFields `json:"subject"`
	GenerateLease                 bool          `json:"generate_lease"`
	NoStore                       bool          `json:"no_store"`
	RequireCN                     bool          `json:"require_cn"`
	BasicConstraintsValidForNonCA bool          `json:"basic_constraints_valid_for_non_ca"`
	IssuerRef                     string        `json:"issuer_ref"`
}

// namePolicy is the part of a role that decides which names a certificate
// may carry.
type namePolicy struct {
	AllowLocalhost            bool     `json:"allow_localhost"`
	AllowedDomains            []string `json:"allowed_domains"`
	AllowBareDomains          bool     `json:"allow_bare_domains"`
	AllowSubdomains           bool     `json:"allow_subdomains"`
	AllowGlobDomains          bool     `json:"allow_glob_domains"`
	AllowWildcardCertificates bool     `json:"allow_wildcard_certificates"`
	AllowAnyName              bool     `json:"allow_any_name"`
	EnforceHostnames          bool     `json:"enforce_hostnames"`
	AllowIPSANs               bool     `json:"allow_ip_sans"`
	AllowedURISANs            []string `json:"allowed_uri_sans"`
	CNValidations             []string `json:"cn_validations"`
}

// usageSpec is a role's key usage and extended key usage settings.
type usageSpec struct {
	KeyUsage            []string `json:"key_usage"`
	ExtKeyUsage         []string `json:"ext_key_usage"`
	ExtKeyUsageOIDs     []string `json:"ext_key_usage_oids"`
	PolicyIdentifiers   []string `json:"policy_identifiers"`
	ServerFlag          bool     `json:"server_flag"`
	ClientFlag          bool     `json:"client_flag"`
	CodeSigningFlag     bool     `json:"code_signing_flag"`
	EmailProtectionFlag bool     `json:"email_protection_flag"`
}

// Defaults of a role's fields that are not the zero value.
var (
	defaultRoleKeyUsage      = []string{"DigitalSignature", "KeyAgreement", "KeyEncipherment"}
	defaultCNValidations     = []string{"email", "hostname"}
	defaultNotBeforeDuration = 30 * time.Second
)

// nameAllowed reports whether the role permits name, a DNS name or an email
// address, on a certificate. The rules are Vault's: allow_any_name,
// allow_localhost, then each allowed domain as a bare domain, a parent
// domain (allow_subdomains) or a glob (allow_glob_domains); enforce_hostnames
// and allow_wildcard_certificates hold in every case.
func (r *namePolicy) nameAllowed(name string) bool {
	if name == "" {
		return false
	}
	host, isEmail := name, false
	if i := strings.LastIndexByte(name, '@'); i >= 0 {
		if !validEmail(name, false) {
			return false
		}
		host, isEmail = name[i+1:], true
	}
	wild := !isEmail && isWildcard(host)
	if wild && !r.AllowWildcardCertificates {
		return false
	}
	if r.EnforceHostnames && !validHostname(host, !isEmail) {
		return false
	}
	if r.AllowAnyName {
		return true
	}
	lhost, lname := strings.ToLower(host), strings.ToLower(name)
	if r.AllowLocalhost && (lhost == "localhost" || lhost == "localdomain") {
		return true
	}
	for _, d := range r.AllowedDomains {
		d = strings.ToLower(strings.TrimSpace(d))
		if d == "" {
			continue
		}
		if r.AllowBareDomains && (lhost == d || lname == d) {
			return true
		}
		if r.AllowSubdomains && strings.HasSuffix(lhost, "."+d) && !strings.Contains(d, "*") {
			return true
		}
		if r.AllowGlobDomains && strings.Contains(d, "*") && globMatch(d, lhost) {
			return true
		}
	}
	return false
}

// checkCommonName applies cn_validations and the domain rules to a common
// name. It returns the refusal to show the client, or nil.
func (r *namePolicy) checkCommonName(cn string) error {
	if len(r.CNValidations) == 1 && r.CNValidations[0] == "disabled" {
		return nil
	}
	asEmail, asHost := false, false
	for _, v := range r.CNValidations {
		switch v {
		case "email":
			asEmail = asEmail || strings.Contains(cn, "@") && validEmail(cn, r.EnforceHostnames)
		case "hostname":
			asHost = asHost || !strings.Contains(cn, "@") && (!r.EnforceHostnames || validHostname(cn, true))
		}
	}
	if !(asEmail || asHost) || !r.nameAllowed(cn) {
		return badRequest("common name %s not allowed by this role", cn)
	}
	return nil
}

// checkSANs applies the role to the alternative names. It returns the
// refusal to show the client, naming the rule, or nil.
func (r *namePolicy) checkSANs(s sans) error {
	for _, n := range s.dns {
		if !r.nameAllowed(n) {
			return badRequest("subject alternate name %s not allowed by this role", n)
		}
	}
	for _, n := range s.emails {
		if !r.nameAllowed(n) {
			return badRequest("subject alternate name %s not allowed by this role", n)
		}
	}
	if len(s.ips) > 0 && !r.AllowIPSANs {
		return badRequest("IP Subject Alternative Names are not allowed in this role, but was provided %s", s.ips[0])
	}
	for _, u := range s.uris {
		if len(r.AllowedURISANs) == 0 {
			return badRequest("URI Subject Alternative Names are not allowed in this role, but were provided %s", u)
		}
		ok := false
		for _, p := range r.AllowedURISANs {
			if globMatch(p, u.String()) {
				ok = true
				break
			}
		}
		if !ok {
			return badRequest("URI Subject Alternative Name %s not allowed by this role", u)
		}
	}
	return nil
}
