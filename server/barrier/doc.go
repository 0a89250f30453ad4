// Package barrier is the encrypting layer between the server and physical
// storage: everything stored through a Barrier is ciphertext at rest.
//
// Keys. The barrier holds a keyring of terms, numbered from 1, each a random
// 256-bit AES key with its install time; exactly one term is active and new
// values are encrypted under it. Rotate adds a term and makes it active;
// older terms stay so existing values still read. The keyring is stored in
// the physical backend at KeyringKey, encrypted with AES-256-GCM under the
// 32-byte root key. The root key itself is the seal's business (package
// seal): the barrier only receives it in Initialize, Unseal and
// ChangeRootKey, and keeps a copy while unsealed.
//
// Values. A value is stored as
//
//	version (1 byte, 1) | term (4 bytes, big-endian) | nonce (12 bytes) | ciphertext+tag
//
// sealed with AES-256-GCM under that term's key, with the first five bytes
// followed by the storage key as additional data. A value therefore only
// decrypts at the key it was written to; copied elsewhere it fails with an
// error wrapping ErrDecrypt.
//
// Reserved space. KeyringKey and everything under SealPrefix belong to the
// core, which writes its plaintext seal records under SealPrefix directly to
// the physical backend. The barrier refuses to read, write, delete or list
// them (ErrReservedKey) and leaves them out of List results.
//
// States. A new Barrier is sealed: Get, Put, Delete, List, Rotate,
// KeyStatus, ChangeRootKey and ReloadKeyring return ErrSealed until Unseal
// succeeds. Seal forgets the keys again.
//
// Concurrency. All methods are safe for concurrent use. Key changes
// (Unseal, Seal, Rotate, ChangeRootKey, ReloadKeyring) are serialised;
// reads and writes of values run in parallel and each sees one consistent
// keyring. A value operation that began before Seal may still complete.
//
// Nonces are random, so each term should encrypt well under 2^32 values;
// KeyStatus reports the count so the caller can decide when to Rotate.
package barrier
