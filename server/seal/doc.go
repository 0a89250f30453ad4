// Package seal holds what protects the root key: Wrappers that encrypt and
// decrypt small blobs (the root key, or a key that encrypts it).
//
// Three wrappers exist. NewAESGCM wraps a 32-byte key with AES-256-GCM;
// the core uses it for the unseal key rebuilt from Shamir shares. NewStatic
// builds the same kind of wrapper from an operator-supplied key file or
// environment variable, for auto-unseal without shares. transitseal.New wraps
// with the transit engine of another server (auto-unseal with the key kept
// elsewhere). The seal type names ("shamir", "static", "transit") are the
// values the seal configuration records.
//
// Only the transit wrapper does network I/O (through the official Vault
// client) and owns a goroutine (token renewal, stopped by Close); the
// others have no state. Wrappers are safe for concurrent use. Key material
// and tokens never appear in errors.
package seal
