package transit

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"

	"golang.org/x/crypto/chacha20poly1305"
)

// encParams are one encryption's or decryption's decoded inputs.
type encParams struct {
	context []byte
	// nonce is a caller-chosen nonce, accepted only by convergent keys
	// (Vault's legacy convergent mode); otherwise nonces are random, or
	// derived for convergent keys.
	nonce   []byte
	aad     []byte
	version int // encryption only; 0 means the latest
}

// convergentNonceLabel separates the convergent nonce key from the
// encryption key it is computed from.
const convergentNonceLabel = "cofre transit: convergent nonce key"

func newAEAD(t keyType, key []byte) (cipher.AEAD, error) {
	switch t {
	case typeAES128GCM96, typeAES256GCM96:
		b, err := aes.NewCipher(key)
		if err != nil {
			return nil, fmt.Errorf("transit: %w", err)
		}
		return cipher.NewGCM(b)
	case typeChaCha20Poly1305:
		return chacha20poly1305.New(key)
	case typeXChaCha20Poly1305:
		return chacha20poly1305.NewX(key)
	}
	return nil, fmt.Errorf("%w: %s is not an AEAD type", ErrUnsupported, t)
}

// encryptionKey returns the key that encrypts under version v with the
// given context: the version's key, or for derived keys
// HKDF-SHA256(ikm = version key, no salt, info = context) of the same
// length (Vault's "hkdf_sha256").
func (r *keyRing) encryptionKey(v *version, context []byte) ([]byte, error) {
	if !r.derived {
		return v.key, nil
	}
	if len(context) == 0 {
		return nil, badRequest(ErrBadInput, msgMissingCtx)
	}
	return hkdf.Key(sha256.New, v.key, nil, string(context), len(v.key))
}

// aeadFor returns the cipher for version v and context.
func (r *keyRing) aeadFor(v *version, key []byte) (cipher.AEAD, error) {
	if v.aead != nil {
		return v.aead, nil
	}
	return newAEAD(r.typ, key)
}

// convergentNonce derives a convergent encryption's nonce from the
// encryption key, the associated data and the plaintext:
//
//	nk    = HMAC-SHA256(key, "cofre transit: convergent nonce key")
//	nonce = HMAC-SHA256(nk, uint64be(len(aad)) || aad || plaintext)[:size]
//
// so equal (context, aad, plaintext) give equal ciphertexts, and a nonce is
// never shared by two different messages under one key.
func convergentNonce(key, aad, plaintext []byte, size int) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(convergentNonceLabel))
	nk := m.Sum(nil)
	m = hmac.New(sha256.New, nk)
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(aad)))
	m.Write(n[:])
	m.Write(aad)
	m.Write(plaintext)
	return m.Sum(nil)[:size]
}

// encryptionVersion picks the version an encryption, signature or HMAC
// uses: the latest, or the requested one within the key's policy.
func (r *keyRing) encryptionVersion(requested int) (*version, error) {
	n := requested
	switch {
	case requested == 0:
		n = r.latest
	case requested < 0 || requested > r.latest:
		return nil, badRequest(ErrBadInput, "invalid key version %d: the latest version is %d", requested, r.latest)
	case r.minEncrypt > 0 && requested < r.minEncrypt:
		return nil, badRequest(ErrBadInput, "requested key version %d is below min_encryption_version %d", requested, r.minEncrypt)
	}
	v := r.version(n)
	if v == nil {
		return nil, badRequest(ErrBadInput, "key version %d is no longer available (trimmed)", n)
	}
	return v, nil
}

// decryptionVersion checks a version read from a ciphertext, signature or
// HMAC against the key's policy.
func (r *keyRing) decryptionVersion(n int) (*version, error) {
	if n > r.latest {
		return nil, badRequest(ErrBadCiphertext, "invalid ciphertext: key version %d does not exist (the latest is %d)", n, r.latest)
	}
	if n < r.minDecrypt {
		return nil, badRequest(ErrBadCiphertext, msgTooOld)
	}
	v := r.version(n)
	if v == nil {
		return nil, badRequest(ErrBadCiphertext, msgTooOld)
	}
	return v, nil
}

// encrypt returns the ciphertext of plaintext and the version used.
func (r *keyRing) encrypt(plaintext []byte, p encParams) (string, int, error) {
	if !r.typ.canEncrypt() {
		return "", 0, badRequest(ErrUnsupported, "key type %s does not support encryption", r.typ)
	}
	v, err := r.encryptionVersion(p.version)
	if err != nil {
		return "", 0, err
	}
	if r.typ.rsa() {
		if len(p.aad) > 0 {
			return "", 0, badRequest(ErrUnsupported, "associated_data is not supported by key type %s", r.typ)
		}
		pub := &v.signer.(*rsa.PrivateKey).PublicKey
		ct, err := rsa.EncryptOAEP(sha256.New(), rand.Reader, pub, plaintext, nil)
		if err != nil {
			return "", 0, badRequest(ErrBadInput, "plaintext is too long for key type %s", r.typ)
		}
		return formatVersioned(v.n, ct, base64.StdEncoding), v.n, nil
	}
	key, err := r.encryptionKey(v, p.context)
	if err != nil {
		return "", 0, err
	}
	a, err := r.aeadFor(v, key)
	if err != nil {
		return "", 0, err
	}
	ns := a.NonceSize()
	buf := make([]byte, ns, ns+len(plaintext)+a.Overhead())
	switch {
	case len(p.nonce) > 0 && !r.convergent:
		return "", 0, badRequest(ErrBadInput, "a nonce may only be given for keys with convergent encryption; nonces are otherwise random")
	case len(p.nonce) > 0:
		if len(p.nonce) != ns {
			return "", 0, badRequest(ErrBadInput, "base64-decoded nonce must be %d bytes long", ns)
		}
		copy(buf, p.nonce)
	case r.convergent:
		copy(buf, convergentNonce(key, p.aad, plaintext, ns))
	default:
		_, _ = rand.Read(buf)
	}
	out := a.Seal(buf, buf[:ns], plaintext, p.aad)
	return formatVersioned(v.n, out, base64.StdEncoding), v.n, nil
}

// decrypt returns the plaintext of ciphertext and the version it was made
// under.
func (r *keyRing) decrypt(ciphertext string, p encParams) ([]byte, int, error) {
	if !r.typ.canEncrypt() {
		return nil, 0, badRequest(ErrUnsupported, "key type %s does not support decryption", r.typ)
	}
	n, raw, err := parseVersioned(ciphertext, base64.StdEncoding)
	if err != nil {
		return nil, 0, err
	}
	v, err := r.decryptionVersion(n)
	if err != nil {
		return nil, 0, err
	}
	if r.typ.rsa() {
		pt, err := rsa.DecryptOAEP(sha256.New(), nil, v.signer.(*rsa.PrivateKey), raw, nil)
		if err != nil {
			return nil, 0, badRequest(ErrBadCiphertext, msgAuthFailed)
		}
		return pt, n, nil
	}
	key, err := r.encryptionKey(v, p.context)
	if err != nil {
		return nil, 0, err
	}
	a, err := r.aeadFor(v, key)
	if err != nil {
		return nil, 0, err
	}
	if len(raw) < a.NonceSize()+a.Overhead() {
		return nil, 0, badRequest(ErrBadCiphertext, "invalid ciphertext: too short")
	}
	ns := a.NonceSize()
	// raw is ours: decrypt in place.
	pt, err := a.Open(raw[ns:ns], raw[:ns], raw[ns:], p.aad)
	if err != nil {
		return nil, 0, badRequest(ErrBadCiphertext, msgAuthFailed)
	}
	return pt, n, nil
}
