package transit

import (
	"crypto"
	_ "crypto/sha1"   // registers SHA-1
	_ "crypto/sha256" // registers SHA-224 and SHA-256
	_ "crypto/sha3"   // registers SHA3-*
	_ "crypto/sha512" // registers SHA-384 and SHA-512
)

// hashNone is hash_algorithm "none": the input is already a digest
// (RSA PKCS#1 v1.5 without a DigestInfo prefix).
const hashNone = crypto.Hash(0)

// hashByName maps Vault's algorithm names onto hashes.
var hashByName = map[string]crypto.Hash{
	"sha1":     crypto.SHA1,
	"sha2-224": crypto.SHA224,
	"sha2-256": crypto.SHA256,
	"sha2-384": crypto.SHA384,
	"sha2-512": crypto.SHA512,
	"sha3-224": crypto.SHA3_224,
	"sha3-256": crypto.SHA3_256,
	"sha3-384": crypto.SHA3_384,
	"sha3-512": crypto.SHA3_512,
}

// parseHash reads an algorithm name; "" is sha2-256. allowNone and
// allowSHA1 say whether "none" and "sha1" are accepted (they are for
// signatures, not for hash/ and hmac/).
func parseHash(name string, allowNone, allowSHA1 bool) (crypto.Hash, error) {
	switch name {
	case "":
		return crypto.SHA256, nil
	case "none":
		if allowNone {
			return hashNone, nil
		}
	case "sha1":
		if allowSHA1 {
			return crypto.SHA1, nil
		}
	default:
		if h, ok := hashByName[name]; ok {
			return h, nil
		}
	}
	return 0, badRequest(ErrBadInput, "unsupported hash algorithm %q", name)
}

// digest hashes data with h.
func digest(h crypto.Hash, data []byte) []byte {
	w := h.New()
	w.Write(data)
	return w.Sum(nil)
}
