package transit

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"math/big"
)

// signParams are one signature's or verification's decoded inputs.
type signParams struct {
	hash      crypto.Hash
	prehashed bool
	// pkcs1v15 selects RSA PKCS#1 v1.5 instead of PSS.
	pkcs1v15 bool
	// saltLen is the RSA PSS salt length (rsa.PSSSaltLength* or a count).
	saltLen int
	// jws marshals ECDSA signatures as r||s in unpadded URL-safe base64.
	jws     bool
	context []byte // derived Ed25519 keys
	version int    // signing only; 0 means the latest
}

func (p signParams) encoding() *base64.Encoding {
	if p.jws {
		return base64.RawURLEncoding
	}
	return base64.StdEncoding
}

// ed25519Key returns version v's Ed25519 key, derived from context when the
// key is derived: seed' = HKDF-SHA256(ikm = seed, no salt, info = context).
func (r *keyRing) ed25519Key(v *version, context []byte) (ed25519.PrivateKey, error) {
	if !r.derived {
		return v.signer.(ed25519.PrivateKey), nil
	}
	if len(context) == 0 {
		return nil, badRequest(ErrBadInput, msgMissingCtx)
	}
	seed, err := hkdf.Key(sha256.New, v.key, nil, string(context), ed25519.SeedSize)
	if err != nil {
		return nil, err
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

// toSign returns what the key signs: the input itself (Ed25519, or a
// prehashed input), or its digest.
func (p signParams) toSign(t keyType, input []byte) ([]byte, error) {
	switch {
	case t == typeEd25519:
		if p.prehashed {
			return nil, badRequest(ErrUnsupported, "prehashed input is not supported by ed25519 keys")
		}
		return input, nil
	case p.hash == hashNone && !(t.rsa() && p.prehashed && p.pkcs1v15):
		return nil, badRequest(ErrBadInput, "hash_algorithm \"none\" requires an RSA key, prehashed=true and signature_algorithm=pkcs1v15")
	case p.prehashed:
		return input, nil
	}
	return digest(p.hash, input), nil
}

// sign signs input and returns the signature, the version used, and for
// derived Ed25519 keys the derived public key.
func (r *keyRing) sign(input []byte, p signParams) (string, int, []byte, error) {
	if !r.typ.canSign() {
		return "", 0, nil, badRequest(ErrUnsupported, "key type %s does not support signing", r.typ)
	}
	v, err := r.encryptionVersion(p.version)
	if err != nil {
		return "", 0, nil, err
	}
	msg, err := p.toSign(r.typ, input)
	if err != nil {
		return "", 0, nil, err
	}
	var sig, pub []byte
	switch {
	case r.typ == typeEd25519:
		k, err := r.ed25519Key(v, p.context)
		if err != nil {
			return "", 0, nil, err
		}
		sig = ed25519.Sign(k, msg)
		if r.derived {
			pub = k.Public().(ed25519.PublicKey)
		}
	case r.typ.ecdsa():
		k := v.signer.(*ecdsa.PrivateKey)
		if p.jws {
			rr, ss, err := ecdsa.Sign(rand.Reader, k, msg)
			if err != nil {
				return "", 0, nil, err
			}
			size := (k.Curve.Params().BitSize + 7) / 8
			sig = make([]byte, 2*size)
			rr.FillBytes(sig[:size])
			ss.FillBytes(sig[size:])
		} else if sig, err = ecdsa.SignASN1(rand.Reader, k, msg); err != nil {
			return "", 0, nil, err
		}
	default: // RSA
		k := v.signer.(*rsa.PrivateKey)
		if p.pkcs1v15 {
			sig, err = rsa.SignPKCS1v15(nil, k, p.hash, msg)
		} else {
			sig, err = rsa.SignPSS(rand.Reader, k, p.hash, msg, &rsa.PSSOptions{SaltLength: p.saltLen, Hash: p.hash})
		}
		if err != nil {
			return "", 0, nil, badRequest(ErrBadInput, "unable to sign: the input does not fit the hash algorithm or salt length")
		}
	}
	return formatVersioned(v.n, sig, p.encoding()), v.n, pub, nil
}

// verify checks a signature made by sign. A well-formed signature that
// does not verify is (false, nil); a malformed one, or one whose version
// the key no longer accepts, is an error.
func (r *keyRing) verify(signature string, input []byte, p signParams) (bool, error) {
	if !r.typ.canSign() {
		return false, badRequest(ErrUnsupported, "key type %s does not support verification of signatures", r.typ)
	}
	n, sig, err := parseVersioned(signature, p.encoding())
	if err != nil {
		return false, err
	}
	v, err := r.decryptionVersion(n)
	if err != nil {
		return false, err
	}
	msg, err := p.toSign(r.typ, input)
	if err != nil {
		return false, err
	}
	switch {
	case r.typ == typeEd25519:
		k, err := r.ed25519Key(v, p.context)
		if err != nil {
			return false, err
		}
		return ed25519.Verify(k.Public().(ed25519.PublicKey), msg, sig), nil
	case r.typ.ecdsa():
		pub := &v.signer.(*ecdsa.PrivateKey).PublicKey
		if !p.jws {
			return ecdsa.VerifyASN1(pub, msg, sig), nil
		}
		size := (pub.Curve.Params().BitSize + 7) / 8
		if len(sig) != 2*size {
			return false, nil
		}
		rr, ss := new(big.Int).SetBytes(sig[:size]), new(big.Int).SetBytes(sig[size:])
		return ecdsa.Verify(pub, msg, rr, ss), nil
	}
	pub := &v.signer.(*rsa.PrivateKey).PublicKey
	if p.pkcs1v15 {
		return rsa.VerifyPKCS1v15(pub, p.hash, msg, sig) == nil, nil
	}
	return rsa.VerifyPSS(pub, p.hash, msg, sig, &rsa.PSSOptions{SaltLength: p.saltLen, Hash: p.hash}) == nil, nil
}
