package barrier

import "errors"

var (
	// ErrSealed is returned by value and key operations while the barrier
	// is sealed.
	ErrSealed = errors.New("barrier is sealed")
	// ErrNotInitialized is returned by Unseal and ReloadKeyring when no
	// keyring is stored.
	ErrNotInitialized = errors.New("barrier is not initialized")
	// ErrAlreadyInitialized is returned by Initialize when a keyring is
	// already stored.
	ErrAlreadyInitialized = errors.New("barrier is already initialized")
	// ErrBadRootKey is wrapped when a root key does not decrypt the stored
	// keyring (or, while unsealed, differs from the one in use).
	ErrBadRootKey = errors.New("barrier: root key is not valid for this keyring")
	// ErrInvalidRootKey is returned for a root key that is not KeySize
	// bytes.
	ErrInvalidRootKey = errors.New("barrier: root key must be 32 bytes")
	// ErrReservedKey is returned for operations on KeyringKey or under
	// SealPrefix.
	ErrReservedKey = errors.New("barrier: key is reserved for the core")
	// ErrDecrypt is wrapped by every failure to decrypt a stored value:
	// wrong storage key, tampering, truncation, unknown version or term.
	ErrDecrypt = errors.New("barrier: value cannot be decrypted")
	// ErrUnknownTerm is wrapped (with ErrDecrypt) when a value names a key
	// term the keyring does not have.
	ErrUnknownTerm = errors.New("barrier: value encrypted under an unknown key term")
	// ErrMalformedValue is wrapped (with ErrDecrypt) when a stored value is
	// too short or has an unknown version byte.
	ErrMalformedValue = errors.New("barrier: stored value is malformed")
	// ErrCorruptKeyring is wrapped when the stored keyring decrypts but
	// does not parse.
	ErrCorruptKeyring = errors.New("barrier: stored keyring is corrupt")
	// ErrInvalidEntry is returned by Put for a nil entry.
	ErrInvalidEntry = errors.New("barrier: nil entry")
	// ErrTermsExhausted is returned by Rotate when the term counter would
	// overflow.
	ErrTermsExhausted = errors.New("barrier: no key terms left")
)
