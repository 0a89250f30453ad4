package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
)

// Key types.
const (
	keyRSA     = "rsa"
	keyEC      = "ec"
	keyEd25519 = "ed25519"
	keyAny     = "any"
)

// keySpec is a key type and size.
type keySpec struct {
	Type string `json:"type"`
	Bits int    `json:"bits"`
}

// normalize fills the default size and checks the pair: rsa 2048 (default),
// 3072, 4096 or 8192; ec 224, 256 (default), 384 or 521; ed25519 (size 0);
// "any" only when allowAny (roles that sign CSRs of any kind).
func (k keySpec) normalize(allowAny bool) (keySpec, error) {
	switch k.Type {
	case "", keyRSA:
		k.Type = keyRSA
		if k.Bits == 0 {
			k.Bits = 2048
		}
		switch k.Bits {
		case 2048, 3072, 4096, 8192:
			return k, nil
		}
	case keyEC:
		if k.Bits == 0 {
			k.Bits = 256
		}
		switch k.Bits {
		case 224, 256, 384, 521:
			return k, nil
		}
	case keyEd25519:
		k.Bits = 0
		return k, nil
	case keyAny:
		if allowAny {
			k.Bits = 0
			return k, nil
		}
		return k, badRequest("key_type %q is only allowed on roles that sign CSRs", k.Type)
	default:
		return k, badRequest("unknown key_type %q; must be rsa, ec or ed25519", k.Type)
	}
	return k, badRequest("unsupported key_bits %d for key_type %s", k.Bits, k.Type)
}

// generate makes a new private key of this (normalized) spec.
func (k keySpec) generate() (crypto.Signer, error) {
	switch k.Type {
	case keyRSA:
		return rsa.GenerateKey(rand.Reader, k.Bits)
	case keyEC:
		return ecdsa.GenerateKey(curveFor(k.Bits), rand.Reader)
	case keyEd25519:
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		return priv, err
	}
	return nil, fmt.Errorf("pki: cannot generate a %q key", k.Type)
}

func curveFor(bits int) elliptic.Curve {
	switch bits {
	case 224:
		return elliptic.P224()
	case 384:
		return elliptic.P384()
	case 521:
		return elliptic.P521()
	}
	return elliptic.P256()
}

// specOf reports a public key's type and size; ok is false for key kinds
// the engine does not handle.
func specOf(pub crypto.PublicKey) (spec keySpec, ok bool) {
	switch p := pub.(type) {
	case *rsa.PublicKey:
		return keySpec{Type: keyRSA, Bits: p.N.BitLen()}, true
	case *ecdsa.PublicKey:
		return keySpec{Type: keyEC, Bits: p.Curve.Params().BitSize}, true
	case ed25519.PublicKey:
		return keySpec{Type: keyEd25519}, true
	}
	return keySpec{}, false
}

// marshalKey encodes a private key for a response: PKCS #1 for RSA and
// SEC 1 for EC ("der", Vault's default), or PKCS #8 ("pkcs8"; always for
// Ed25519). It returns the DER and its PEM block type.
func marshalKey(k crypto.Signer, pkcs8 bool) ([]byte, string, error) {
	if !pkcs8 {
		switch p := k.(type) {
		case *rsa.PrivateKey:
			return x509.MarshalPKCS1PrivateKey(p), "RSA PRIVATE KEY", nil
		case *ecdsa.PrivateKey:
			der, err := x509.MarshalECPrivateKey(p)
			return der, "EC PRIVATE KEY", err
		}
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	return der, "PRIVATE KEY", err
}

// parseKeyDER reads a PKCS #8, PKCS #1 or SEC 1 private key.
func parseKeyDER(der []byte) (crypto.Signer, error) {
	if k, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		if s, ok := k.(crypto.Signer); ok {
			if _, ok := specOf(s.Public()); ok {
				return s, nil
			}
		}
		return nil, fmt.Errorf("unsupported private key type")
	}
	if k, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return k, nil
	}
	if k, err := x509.ParseECPrivateKey(der); err == nil {
		return k, nil
	}
	return nil, fmt.Errorf("not a PKCS #8, PKCS #1 or SEC 1 private key")
}

// parseKeyPEM reads the first private key of a PEM text. The error never
// quotes the key.
func parseKeyPEM(text string) (crypto.Signer, error) {
	rest := []byte(text)
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			return nil, badRequest("no private key found in the PEM data")
		}
		switch b.Type {
		case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY":
			k, err := parseKeyDER(b.Bytes)
			if err != nil {
				return nil, badRequest("the private key could not be parsed: %v", err)
			}
			return k, nil
		}
	}
}

// samePublicKey reports whether two public keys are equal.
func samePublicKey(a, b crypto.PublicKey) bool {
	type equaler interface{ Equal(crypto.PublicKey) bool }
	e, ok := a.(equaler)
	return ok && e.Equal(b)
}

// parseDER parses one DER certificate.
func parseDER(der []byte) (*x509.Certificate, error) { return x509.ParseCertificate(der) }
