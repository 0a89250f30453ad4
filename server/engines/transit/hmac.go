package transit

import (
	"crypto"
	"crypto/hmac"
	"encoding/base64"
)

// Bounds of an hmac-type key's key_size, in bytes.
const (
	minHMACKeySize = 32
	maxHMACKeySize = 512
)

// hmacKey is the key hmac/ uses with version v: the key itself for
// hmac-type keys, the version's own HMAC key for every other type.
func (r *keyRing) hmacKey(v *version) []byte {
	if r.typ == typeHMAC {
		return v.key
	}
	return v.hmacKey
}

// hmac returns "vault:v<n>:<base64 HMAC>" of input and the version used.
func (r *keyRing) hmac(input []byte, h crypto.Hash, requested int) (string, int, error) {
	v, err := r.encryptionVersion(requested)
	if err != nil {
		return "", 0, err
	}
	m := hmac.New(h.New, r.hmacKey(v))
	m.Write(input)
	return formatVersioned(v.n, m.Sum(nil), base64.StdEncoding), v.n, nil
}

// verifyHMAC checks an HMAC made by hmac in constant time. A malformed
// value, or one from a version the key no longer accepts, is an error.
func (r *keyRing) verifyHMAC(mac string, input []byte, h crypto.Hash) (bool, error) {
	n, got, err := parseVersioned(mac, base64.StdEncoding)
	if err != nil {
		return false, err
	}
	v, err := r.decryptionVersion(n)
	if err != nil {
		return false, err
	}
	m := hmac.New(h.New, r.hmacKey(v))
	m.Write(input)
	return hmac.Equal(m.Sum(nil), got), nil
}
