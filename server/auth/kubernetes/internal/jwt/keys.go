package jwt

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// ErrBadKey is wrapped by ParsePublicKeys failures.
var ErrBadKey = errors.New("invalid PEM key")

// ParsePublicKeys reads each entry (one or more PEM blocks: PUBLIC KEY,
// RSA PUBLIC KEY or CERTIFICATE) into the public keys it holds. RSA,
// ECDSA and Ed25519 keys are accepted.
func ParsePublicKeys(entries []string) ([]crypto.PublicKey, error) {
	var out []crypto.PublicKey
	for i, e := range entries {
		rest := []byte(strings.TrimSpace(e))
		found := false
		for len(rest) > 0 {
			var blk *pem.Block
			blk, rest = pem.Decode(rest)
			if blk == nil {
				break
			}
			k, err := publicKeyOf(blk)
			if err != nil {
				return nil, fmt.Errorf("%w: entry %d: %w", ErrBadKey, i, err)
			}
			out = append(out, k)
			found = true
		}
		if !found {
			return nil, fmt.Errorf("%w: entry %d holds no PEM block", ErrBadKey, i)
		}
	}
	return out, nil
}

func publicKeyOf(blk *pem.Block) (crypto.PublicKey, error) {
	var k any
	var err error
	switch blk.Type {
	case "PUBLIC KEY":
		k, err = x509.ParsePKIXPublicKey(blk.Bytes)
	case "RSA PUBLIC KEY":
		k, err = x509.ParsePKCS1PublicKey(blk.Bytes)
	case "CERTIFICATE":
		var c *x509.Certificate
		if c, err = x509.ParseCertificate(blk.Bytes); err == nil {
			k = c.PublicKey
		}
	default:
		return nil, fmt.Errorf("unsupported PEM block %q", blk.Type)
	}
	if err != nil {
		return nil, err
	}
	switch k.(type) {
	case *rsa.PublicKey, *ecdsa.PublicKey, ed25519.PublicKey:
		return k, nil
	}
	return nil, fmt.Errorf("unsupported key type %T", k)
}

// Verify reports whether one of keys verifies t's signature under the
// algorithm its header names (RS*, PS*, ES* with the matching curve,
// EdDSA).
func (t *Token) Verify(keys []crypto.PublicKey) bool {
	for _, k := range keys {
		if verifyWith(t.Header.Alg, k, []byte(t.SigningInput), t.Signature) {
			return true
		}
	}
	return false
}

func verifyWith(alg string, key crypto.PublicKey, input, sig []byte) bool {
	hashOf := map[string]crypto.Hash{"256": crypto.SHA256, "384": crypto.SHA384, "512": crypto.SHA512}
	if alg == "EdDSA" {
		k, ok := key.(ed25519.PublicKey)
		return ok && ed25519.Verify(k, input, sig)
	}
	if len(alg) != 5 {
		return false
	}
	h, ok := hashOf[alg[2:]]
	if !ok {
		return false
	}
	hh := h.New()
	hh.Write(input)
	digest := hh.Sum(nil)
	switch alg[:2] {
	case "RS":
		k, ok := key.(*rsa.PublicKey)
		return ok && rsa.VerifyPKCS1v15(k, h, digest, sig) == nil
	case "PS":
		k, ok := key.(*rsa.PublicKey)
		return ok && rsa.VerifyPSS(k, h, digest, sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash}) == nil
	case "ES":
		k, ok := key.(*ecdsa.PublicKey)
		if !ok {
			return false
		}
		bits := k.Curve.Params().BitSize
		want := map[crypto.Hash]int{crypto.SHA256: 256, crypto.SHA384: 384, crypto.SHA512: 521}[h]
		size := (bits + 7) / 8
		if bits != want || len(sig) != 2*size {
			return false
		}
		r := new(big.Int).SetBytes(sig[:size])
		s := new(big.Int).SetBytes(sig[size:])
		return ecdsa.Verify(k, digest, r, s)
	}
	return false
}
