package seal

import (
	"context"
	"errors"
)

// Seal types, as recorded in the seal configuration and returned by
// Wrapper.Type.
const (
	// TypeShamir: the root key is wrapped by an unseal key that is split
	// into Shamir shares held by operators.
	TypeShamir = "shamir"
	// TypeStatic: the root key is wrapped by a key read from a file or an
	// environment variable at start-up (auto-unseal).
	TypeStatic = "static"
	// TypeTransit: the root key is wrapped by the transit engine of
	// another server (package transitseal).
	TypeTransit = "transit"
)

var (
	// ErrDecrypt is wrapped by every Decrypt failure: a blob made under
	// another key or with other additional data, a tampered blob, or one
	// that is not a blob at all.
	ErrDecrypt = errors.New("seal: decryption failed")
	// ErrInvalidKey is returned when a wrapper key is not 32 bytes.
	ErrInvalidKey = errors.New("seal: key must be 32 bytes")
	// ErrInvalidType is returned by NewAESGCM for an empty type name.
	ErrInvalidType = errors.New("seal: wrapper type is empty")
)

// Wrapper encrypts and decrypts blobs with a key it holds.
//
// Contract:
//   - Type names the seal kind (one of the Type constants) and never changes.
//   - Encrypt returns a new blob; plaintext and aad are not retained. Two
//     calls with the same input give different blobs.
//   - Decrypt(Encrypt(p, aad), aad) returns p. Decrypt of a blob made under
//     another key or another aad, or of modified or truncated bytes, fails
//     with an error wrapping ErrDecrypt and returns no plaintext.
//   - aad may be nil; nil and empty are the same.
//   - Implementations are safe for concurrent use. They may ignore ctx when
//     they do no I/O.
type Wrapper interface {
	Type() string
	Encrypt(ctx context.Context, plaintext, aad []byte) ([]byte, error)
	Decrypt(ctx context.Context, blob, aad []byte) ([]byte, error)
}
