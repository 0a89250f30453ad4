package transit

import (
	"errors"

	"github.com/cofre-io/cofre/server/logical"
)

// Errors of this package. Client mistakes are logical.ErrInvalidRequest
// (HTTP 400) with a message saying what is wrong; they never quote key
// material or plaintext.
var (
	// ErrCorrupt wraps a stored key that does not decode or check out.
	ErrCorrupt = errors.New("transit: stored key is corrupt")
	// ErrKeyNotFound is wrapped when an operation names a missing key.
	ErrKeyNotFound = errors.New("transit: key not found")
	// ErrBadCiphertext is wrapped when a ciphertext, signature or HMAC
	// string is malformed, names an unusable version, or does not
	// authenticate.
	ErrBadCiphertext = errors.New("transit: invalid ciphertext")
	// ErrBadInput is wrapped when a request field is malformed or out of
	// range (bad base64, an unknown algorithm, a missing context).
	ErrBadInput = errors.New("transit: invalid input")
	// ErrUnsupported is wrapped when an operation does not fit the key's
	// type (signing with an AES key, encrypting with an Ed25519 key...).
	ErrUnsupported = errors.New("transit: operation not supported by the key type")
)

// Client-facing messages that clients and tests match.
const (
	msgKeyNotFound   = "encryption key not found"
	msgAuthFailed    = "cipher: message authentication failed"
	msgTooOld        = "ciphertext or signature version is disallowed by policy (too old)"
	msgMissingCtx    = "missing 'context' for key derivation: the key was created with derived=true, so every request must carry a context"
	msgNoBatch       = "missing batch input to process"
	msgPlaintextB64  = "failed to base64-decode plaintext"
	msgContextB64    = "failed to base64-decode context"
	msgNonceB64      = "failed to base64-decode nonce"
	msgAssocB64      = "failed to base64-decode associated_data"
	msgInputB64      = "unable to decode input as base64"
	msgNoDelete      = "deletion is not allowed for this key"
	msgNotExportable = "key is not exportable"
)

// badRequest builds a 400 error of kind.
func badRequest(kind error, format string, args ...any) error {
	e := logical.Errorf(logical.ErrInvalidRequest, format, args...).(*logical.Error)
	e.Err = kind
	return e
}

// isUserError reports whether err is the client's fault (a 400).
func isUserError(err error) bool { return errors.Is(err, logical.ErrInvalidRequest) }
