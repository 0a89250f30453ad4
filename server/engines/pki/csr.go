package pki

import (
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"strings"
)

// Object identifiers of the CSR extensions the engine reads.
var (
	oidBasicConstraints = asn1.ObjectIdentifier{2, 5, 29, 19}
	oidKeyUsage         = asn1.ObjectIdentifier{2, 5, 29, 15}
	oidExtKeyUsage      = asn1.ObjectIdentifier{2, 5, 29, 37}
)

// extKeyUsageOIDs maps the standard extended key usage OIDs to Go's values.
var extKeyUsageOIDs = map[string]x509.ExtKeyUsage{
	"2.5.29.37.0":            x509.ExtKeyUsageAny,
	"1.3.6.1.5.5.7.3.1":      x509.ExtKeyUsageServerAuth,
	"1.3.6.1.5.5.7.3.2":      x509.ExtKeyUsageClientAuth,
	"1.3.6.1.5.5.7.3.3":      x509.ExtKeyUsageCodeSigning,
	"1.3.6.1.5.5.7.3.4":      x509.ExtKeyUsageEmailProtection,
	"1.3.6.1.5.5.7.3.5":      x509.ExtKeyUsageIPSECEndSystem,
	"1.3.6.1.5.5.7.3.6":      x509.ExtKeyUsageIPSECTunnel,
	"1.3.6.1.5.5.7.3.7":      x509.ExtKeyUsageIPSECUser,
	"1.3.6.1.5.5.7.3.8":      x509.ExtKeyUsageTimeStamping,
	"1.3.6.1.5.5.7.3.9":      x509.ExtKeyUsageOCSPSigning,
	"1.3.6.1.4.1.311.10.3.3": x509.ExtKeyUsageMicrosoftServerGatedCrypto,
	"2.16.840.1.113730.4.1":  x509.ExtKeyUsageNetscapeServerGatedCrypto,
	"1.3.6.1.4.1.311.2.1.22": x509.ExtKeyUsageMicrosoftCommercialCodeSigning,
	"1.3.6.1.4.1.311.61.1.1": x509.ExtKeyUsageMicrosoftKernelCodeSigning,
}

// parseCSR decodes a PEM certificate request and checks its signature.
func parseCSR(text string) (*x509.CertificateRequest, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, badRequest("the csr field is required")
	}
	b, _ := pem.Decode([]byte(text))
	if b == nil {
		return nil, badRequest("csr contains no PEM data")
	}
	if b.Type != "CERTIFICATE REQUEST" && b.Type != "NEW CERTIFICATE REQUEST" {
		return nil, badRequest("csr is a %q PEM block, not a certificate request", b.Type)
	}
	csr, err := x509.ParseCertificateRequest(b.Bytes)
	if err != nil {
		return nil, badRequest("certificate request could not be parsed: %v", err)
	}
	if err := csr.CheckSignature(); err != nil {
		return nil, badRequest("certificate request signature is invalid: %v", err)
	}
	if _, ok := specOf(csr.PublicKey); !ok {
		return nil, badRequest("certificate request has an unsupported public key type")
	}
	return csr, nil
}

// csrExtensions are the usage extensions a CSR asks for.
type csrExtensions struct {
	isCA       bool
	keyUsage   x509.KeyUsage
	hasKU      bool
	extUsage   []x509.ExtKeyUsage
	unknownEKU []asn1.ObjectIdentifier
	hasEKU     bool
}

// requestedExtensions decodes a CSR's basic constraints, key usage and
// extended key usage extensions.
func requestedExtensions(csr *x509.CertificateRequest) (csrExtensions, error) {
	var out csrExtensions
	for _, e := range csr.Extensions {
		switch {
		case e.Id.Equal(oidBasicConstraints):
			var bc struct {
				IsCA       bool `asn1:"optional"`
				MaxPathLen int  `asn1:"optional,default:-1"`
			}
			if rest, err := asn1.Unmarshal(e.Value, &bc); err != nil || len(rest) > 0 {
				return out, badRequest("certificate request has a malformed basic constraints extension")
			}
			out.isCA = bc.IsCA
		case e.Id.Equal(oidKeyUsage):
			var bits asn1.BitString
			if rest, err := asn1.Unmarshal(e.Value, &bits); err != nil || len(rest) > 0 {
				return out, badRequest("certificate request has a malformed key usage extension")
			}
			for i := 0; i < 9; i++ {
				if bits.At(i) != 0 {
					out.keyUsage |= 1 << uint(i)
				}
			}
			out.hasKU = true
		case e.Id.Equal(oidExtKeyUsage):
			var oids []asn1.ObjectIdentifier
			if rest, err := asn1.Unmarshal(e.Value, &oids); err != nil || len(rest) > 0 {
				return out, badRequest("certificate request has a malformed extended key usage extension")
			}
			for _, o := range oids {
				if u, ok := extKeyUsageOIDs[o.String()]; ok {
					out.extUsage = appendEKU(out.extUsage, u)
				} else {
					out.unknownEKU = append(out.unknownEKU, o)
				}
			}
			out.hasEKU = true
		}
	}
	return out, nil
}

// csrSANs are the alternative names a CSR asks for.
func csrSANs(csr *x509.CertificateRequest) sans {
	return sans{dns: csr.DNSNames, emails: csr.EmailAddresses, ips: csr.IPAddresses, uris: csr.URIs}
}

// checkCSRKey applies a role's key_type and key_bits to a CSR's key: "any"
// takes RSA of at least 2048 bits, any supported curve and Ed25519; a
// specific type needs that type, and RSA keys at least key_bits bits and
// EC keys exactly key_bits bits.
func checkCSRKey(want keySpec, csr *x509.CertificateRequest) error {
	got, ok := specOf(csr.PublicKey)
	if !ok {
		return badRequest("certificate request has an unsupported public key type")
	}
	if want.Type == keyAny {
		if got.Type == keyRSA && got.Bits < 2048 {
			return badRequest("RSA keys of less than 2048 bits are not allowed; the CSR's key has %d bits", got.Bits)
		}
		return nil
	}
	if got.Type != want.Type {
		return badRequest("role requires keys of type %s, but the CSR's key is of type %s", want.Type, got.Type)
	}
	switch got.Type {
	case keyRSA:
		if got.Bits < want.Bits {
			return badRequest("role requires a minimum of %d bits for RSA keys, but the CSR's key has %d bits", want.Bits, got.Bits)
		}
	case keyEC:
		if got.Bits != want.Bits {
			return badRequest("role requires EC keys of %d bits, but the CSR's key has %d bits", want.Bits, got.Bits)
		}
	}
	return nil
}
