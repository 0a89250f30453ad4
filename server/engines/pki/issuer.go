package pki

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Issuer usages.
const (
	usageReadOnly = "read-only"
	usageIssuing  = "issuing-certificates"
	usageCRL      = "crl-signing"
	usageOCSP     = "ocsp-signing"
)

var allUsages = []string{usageReadOnly, usageIssuing, usageCRL, usageOCSP}

// issuerRecord is an issuer as stored.
type issuerRecord struct {
	ID             string   `json:"id"`
	Name           string   `json:"name"`
	KeyID          string   `json:"key_id"`
	Certificate    []byte   `json:"certificate"` // DER
	LeafNotAfter   string   `json:"leaf_not_after_behavior"`
	Usage          []string `json:"usage"`
	RevocationTime int64    `json:"revocation_time,omitempty"`
}

// keyRecord is a private key as stored.
type keyRecord struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Type       string `json:"type"`
	Bits       int    `json:"bits"`
	PrivateKey []byte `json:"private_key"` // PKCS #8 DER
}

// issuer is a loaded issuer: its record, parsed certificate, private key
// (nil when the key is not in the mount) and chain. Immutable.
type issuer struct {
	rec      issuerRecord
	cert     *x509.Certificate
	pem      string
	signer   crypto.Signer
	chain    []*issuer // this issuer first, then its parents found in the mount
	chainPEM []string
}

// key is a loaded private key. Immutable.
type key struct {
	rec    keyRecord
	signer crypto.Signer
}

// caState is an immutable snapshot of the mount's issuers and keys.
type caState struct {
	issuers       map[string]*issuer
	issuerNames   map[string]string // name -> id
	keys          map[string]*key
	keyNames      map[string]string
	defaultIssuer string
	defaultKey    string
}

// newCAState loads records into a snapshot: keys parsed, issuers linked to
// their keys and chains built by subject and signature.
func newCAState(irs []issuerRecord, krs []keyRecord, defIssuer, defKey string) (*caState, error) {
	s := &caState{
		issuers: make(map[string]*issuer, len(irs)), issuerNames: map[string]string{},
		keys: make(map[string]*key, len(krs)), keyNames: map[string]string{},
		defaultIssuer: defIssuer, defaultKey: defKey,
	}
	for _, kr := range krs {
		signer, err := parseKeyDER(kr.PrivateKey)
		if err != nil {
			return nil, fmt.Errorf("%w: key %s: %v", ErrCorrupt, kr.ID, err)
		}
		s.keys[kr.ID] = &key{rec: kr, signer: signer}
		if kr.Name != "" {
			s.keyNames[kr.Name] = kr.ID
		}
	}
	for _, ir := range irs {
		cert, err := x509.ParseCertificate(ir.Certificate)
		if err != nil {
			return nil, fmt.Errorf("%w: issuer %s: %v", ErrCorrupt, ir.ID, err)
		}
		is := &issuer{rec: ir, cert: cert, pem: pemString("CERTIFICATE", ir.Certificate)}
		if k := s.keys[ir.KeyID]; k != nil {
			is.signer = k.signer
		}
		s.issuers[ir.ID] = is
		if ir.Name != "" {
			s.issuerNames[ir.Name] = ir.ID
		}
	}
	for _, is := range s.issuers {
		is.chain = s.buildChain(is)
		for _, c := range is.chain {
			is.chainPEM = append(is.chainPEM, c.pem)
		}
	}
	return s, nil
}

// buildChain follows parents (issuers whose subject is the certificate's
// issuer and whose key verifies its signature) up to a self-signed root or
// a certificate whose parent is not in the mount.
func (s *caState) buildChain(is *issuer) []*issuer {
	chain := []*issuer{is}
	for cur := is; len(chain) <= len(s.issuers); {
		if bytes.Equal(cur.cert.RawIssuer, cur.cert.RawSubject) && cur.cert.CheckSignatureFrom(cur.cert) == nil {
			break
		}
		parent := s.parentOf(cur.cert)
		if parent == nil || slices.Contains(chain, parent) {
			break
		}
		chain = append(chain, parent)
		cur = parent
	}
	return chain
}

// parentOf finds the issuer in the mount that signed cert, preferring
// deterministic order (by id) among equivalents.
func (s *caState) parentOf(cert *x509.Certificate) *issuer {
	var best *issuer
	for _, p := range s.issuers {
		if p.cert == cert || !bytes.Equal(p.cert.RawSubject, cert.RawIssuer) {
			continue
		}
		if len(cert.AuthorityKeyId) > 0 && len(p.cert.SubjectKeyId) > 0 && !bytes.Equal(cert.AuthorityKeyId, p.cert.SubjectKeyId) {
			continue
		}
		if cert.CheckSignatureFrom(p.cert) != nil {
			continue
		}
		if best == nil || p.rec.ID < best.rec.ID {
			best = p
		}
	}
	return best
}

// resolveIssuer finds an issuer by "default", id or name.
func (s *caState) resolveIssuer(ref string) (*issuer, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" || ref == "default" {
		if is := s.issuers[s.defaultIssuer]; is != nil {
			return is, nil
		}
		return nil, badRequestWrap(ErrNoIssuer, "no default issuer currently configured")
	}
	if is := s.issuers[ref]; is != nil {
		return is, nil
	}
	if id, ok := s.issuerNames[ref]; ok {
		return s.issuers[id], nil
	}
	return nil, badRequestWrap(ErrNoIssuer, fmt.Sprintf("unable to find PKI issuer for reference: %s", ref))
}

// resolveKey finds a key by "default", id or name.
func (s *caState) resolveKey(ref string) (*key, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" || ref == "default" {
		if k := s.keys[s.defaultKey]; k != nil {
			return k, nil
		}
		return nil, badRequest("no default key currently configured")
	}
	if k := s.keys[ref]; k != nil {
		return k, nil
	}
	if id, ok := s.keyNames[ref]; ok {
		return s.keys[id], nil
	}
	return nil, badRequest("unable to find PKI key for reference: %s", ref)
}

// keyFor finds a stored key whose public half is pub.
func (s *caState) keyFor(pub crypto.PublicKey) *key {
	for _, k := range s.keys {
		if samePublicKey(k.signer.Public(), pub) {
			return k
		}
	}
	return nil
}

// issuerForDER finds an issuer whose certificate is exactly der.
func (s *caState) issuerForDER(der []byte) *issuer {
	for _, is := range s.issuers {
		if bytes.Equal(is.rec.Certificate, der) {
			return is
		}
	}
	return nil
}

// can reports whether the issuer's usage includes u.
func (is *issuer) can(u string) bool { return slices.Contains(is.rec.Usage, u) }

// signing checks that the issuer may sign certificates now.
func (is *issuer) signing(now time.Time) error {
	if is.signer == nil {
		return badRequestWrap(ErrNoKey, fmt.Sprintf("issuer %s has no private key in this mount", is.rec.ID))
	}
	if !is.can(usageIssuing) {
		return badRequest("issuer %s is not allowed to issue certificates (usage)", is.rec.ID)
	}
	if is.rec.RevocationTime != 0 {
		return badRequest("issuer %s has been revoked", is.rec.ID)
	}
	if !now.Before(is.cert.NotAfter) {
		return badRequest("issuer %s expired at %s", is.rec.ID, is.cert.NotAfter.UTC().Format(time.RFC3339))
	}
	return nil
}

// parseCertsPEM reads every CERTIFICATE block of a PEM text.
func parseCertsPEM(text string) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	rest := []byte(text)
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, badRequest("a certificate could not be parsed: %v", err)
		}
		out = append(out, c)
	}
	return out, nil
}
