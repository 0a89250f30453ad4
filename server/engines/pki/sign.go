package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"math/big"
)

// certSpec is what a new certificate says, before it is signed.
type certSpec struct {
	subject    pkix.Name
	rawSubject []byte // the subject verbatim (sign-verbatim); overrides subject
	sans       sans
	pub        crypto.PublicKey
	validity   validity
	usages     leafUsages

	isCA         bool
	maxPathLen   int // -1: no limit
	permittedDNS []string
	bcNonCA      bool   // basic constraints (CA:false) on a leaf
	skid         []byte // subject key identifier; computed when empty

	sigBits int
	usePSS  bool
	urls    *urlsConfig
}

// signed is a new certificate.
type signed struct {
	der    []byte
	serial string // colon form
	cert   *x509.Certificate
}

// createCert signs spec with parent's key, or self-signs it with self when
// parent is nil. The result is parsed only when parse is set (issuance
// skips it; the serial and validity are known).
func createCert(spec *certSpec, parent *issuer, self crypto.Signer, parse bool) (*signed, error) {
	serial, err := newSerial()
	if err != nil {
		return nil, fmt.Errorf("pki: serial: %w", err)
	}
	skid := spec.skid
	if len(skid) == 0 {
		if skid, err = subjectKeyID(spec.pub); err != nil {
			return nil, err
		}
	}
	t := &x509.Certificate{
		SerialNumber:       serial,
		Subject:            spec.subject,
		RawSubject:         spec.rawSubject,
		NotBefore:          spec.validity.notBefore,
		NotAfter:           spec.validity.notAfter,
		KeyUsage:           spec.usages.keyUsage,
		ExtKeyUsage:        spec.usages.extUsage,
		UnknownExtKeyUsage: spec.usages.unknownEKU,
		Policies:           spec.usages.policies,
		DNSNames:           spec.sans.dns,
		EmailAddresses:     spec.sans.emails,
		IPAddresses:        spec.sans.ips,
		URIs:               spec.sans.uris,
		SubjectKeyId:       skid,
	}
	if spec.isCA {
		t.IsCA, t.BasicConstraintsValid = true, true
		t.MaxPathLen, t.MaxPathLenZero = spec.maxPathLen, spec.maxPathLen == 0
		if spec.maxPathLen < 0 {
			t.MaxPathLen = -1
		}
		t.PermittedDNSDomains = spec.permittedDNS
		t.PermittedDNSDomainsCritical = len(spec.permittedDNS) > 0
	} else if spec.bcNonCA {
		t.BasicConstraintsValid = true
	}
	if spec.urls != nil {
		t.IssuingCertificateURL = spec.urls.IssuingCertificates
		t.CRLDistributionPoints = spec.urls.CRLDistributionPoints
		t.OCSPServer = spec.urls.OCSPServers
	}
	parentCert, signer := t, self
	if parent != nil {
		parentCert, signer = parent.cert, parent.signer
	}
	if t.SignatureAlgorithm, err = sigAlgFor(signer, spec.sigBits, spec.usePSS); err != nil {
		return nil, err
	}
	der, err := x509.CreateCertificate(rand.Reader, t, parentCert, spec.pub, signer)
	if err != nil {
		return nil, fmt.Errorf("pki: sign certificate: %w", err)
	}
	out := &signed{der: der, serial: serialString(serial)}
	if parse {
		if out.cert, err = x509.ParseCertificate(der); err != nil {
			return nil, fmt.Errorf("pki: parse new certificate: %w", err)
		}
	}
	return out, nil
}

// subjectKeyID is RFC 7093's method 1, as the standard library uses for
// CA certificates: the leftmost 160 bits of the SHA-256 of the subject
// public key's bit string. For the usual key types that bit string is the
// key's standard encoding, taken directly; others go through the generic
// path.
func subjectKeyID(pub crypto.PublicKey) ([]byte, error) {
	var bits []byte
	switch p := pub.(type) {
	case *ecdsa.PublicKey:
		if k, err := p.ECDH(); err == nil {
			bits = k.Bytes() // the uncompressed point
		}
	case ed25519.PublicKey:
		bits = p
	case *rsa.PublicKey:
		bits = x509.MarshalPKCS1PublicKey(p)
	}
	if bits != nil {
		h := sha256.Sum256(bits)
		return h[:20], nil
	}
	return subjectKeyIDGeneric(pub)
}

// subjectKeyIDGeneric decodes the bit string out of the encoded public key.
func subjectKeyIDGeneric(pub crypto.PublicKey) ([]byte, error) {
	spki, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, badRequest("unsupported public key: %v", err)
	}
	var info struct {
		Algorithm pkix.AlgorithmIdentifier
		PublicKey asn1.BitString
	}
	if _, err := asn1.Unmarshal(spki, &info); err != nil {
		return nil, fmt.Errorf("pki: decode public key: %w", err)
	}
	h := sha256.Sum256(info.PublicKey.Bytes)
	return h[:20], nil
}

// sigAlgFor picks the signature algorithm for an RSA signer from
// signature_bits and use_pss; for other keys the library's choice (by
// curve) stands, as in Vault.
func sigAlgFor(signer crypto.Signer, bits int, pss bool) (x509.SignatureAlgorithm, error) {
	if _, ok := signer.Public().(*rsa.PublicKey); !ok {
		return x509.UnknownSignatureAlgorithm, nil
	}
	switch bits {
	case 0, 256:
		if pss {
			return x509.SHA256WithRSAPSS, nil
		}
		return x509.SHA256WithRSA, nil
	case 384:
		if pss {
			return x509.SHA384WithRSAPSS, nil
		}
		return x509.SHA384WithRSA, nil
	case 512:
		if pss {
			return x509.SHA512WithRSAPSS, nil
		}
		return x509.SHA512WithRSA, nil
	}
	return 0, badRequest("unsupported signature_bits %d; must be 0, 256, 384 or 512", bits)
}

// checkSigBits validates a signature_bits field.
func checkSigBits(bits int) error {
	switch bits {
	case 0, 256, 384, 512:
		return nil
	}
	return badRequest("unsupported signature_bits %d; must be 0, 256, 384 or 512", bits)
}

// serialOf returns a certificate's serial in colon form.
func serialOf(c *x509.Certificate) string { return serialString(new(big.Int).Set(c.SerialNumber)) }
