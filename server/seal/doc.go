// Package seal holds what protects the root key: Wrappers that encrypt and
// decrypt small blobs (the root key, or a key that encrypts it).
//
// Two wrappers exist today. NewAESGCM wraps a 32-byte key with AES-256-GCM;
// the core uses it for the unseal key rebuilt from Shamir shares. NewStatic
// builds the same kind of wrapper from an operator-supplied key file or
// environment variable, for auto-unseal without shares. The seal type names
// ("shamir", "static", and "transit", reserved for a later remote wrapper)
// are the values the seal configuration records.
//
// The package does no network I/O and has no state; Wrappers are safe for
// concurrent use. Key material never appears in errors.
package seal
