// Package transit is the transit secrets engine: encryption, signing and
// HMAC as a service with named, versioned keys whose material never leaves
// the server (unless a key is made exportable), on Vault's paths and with
// Vault's JSON shapes.
//
// Wire formats, as Vault writes them so existing clients and stored values
// keep working:
//
//	ciphertext  vault:v<N>:<base64(nonce || ciphertext || tag)>   AEAD keys
//	            (12-byte nonce for AES-GCM and ChaCha20-Poly1305, 24 for
//	            XChaCha20-Poly1305), vault:v<N>:<base64(RSA-OAEP-SHA256)>
//	signature   vault:v<N>:<base64(signature)>; ECDSA ASN.1 by default, or
//	            r||s in unpadded URL-safe base64 with marshaling_algorithm=jws
//	hmac        vault:v<N>:<base64(HMAC)>
//
// Derived keys (derived=true) encrypt with HKDF-SHA256(ikm = the version's
// key, no salt, info = context), Vault's "hkdf_sha256"; derived Ed25519 keys
// sign with the seed derived the same way. Convergent keys derive the nonce:
// nk = HMAC-SHA256(encryption key, "cofre transit: convergent nonce key"),
// nonce = HMAC-SHA256(nk, uint64be(len(aad)) || aad || plaintext) truncated
// to the nonce size, so equal context, associated data and plaintext give
// equal ciphertexts and two different messages never share a nonce. A
// caller-chosen nonce is accepted only by convergent keys (Vault's legacy
// mode) and otherwise refused. Ciphertexts of derived and convergent keys
// are not meant to interoperate with another server's.
//
// Storage inside the mount's view (so only through the barrier):
//
//	policy/<name>  one named key, JSON: settings and every held version's
//	               material (AEAD, HMAC or Ed25519 seed; ECDSA and RSA keys
//	               as PKCS #8), with a separate 32-byte HMAC key per version
//	config/keys    engine settings (disable_upsert)
//
// Keys are cached in memory after their first use. Each key has its own
// mutex that serialises its loading and its changes (create, rotate,
// config, trim, delete, restore); a change is stored before it is
// published, and the published key is immutable, so encrypt, decrypt, sign
// and verify run without locks. Every version at or above
// min_decryption_version decrypts and verifies; new encryptions use the
// latest version (or key_version, not below min_encryption_version).
//
// Client mistakes (bad base64, tampered or truncated ciphertext, a wrong
// context, a version below min_decryption_version, an operation the key
// type does not support) are logical.ErrInvalidRequest errors, HTTP 400,
// with a message that never quotes key material or plaintext. Batch
// requests answer per item, with an "error" field on failed items.
//
// A Backend is safe for concurrent use. It owns one goroutine, the
// auto-rotation loop (one ticker checking every key's auto_rotate_period),
// which Cleanup stops and waits for.
package transit
