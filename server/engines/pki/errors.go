package pki

import (
	"errors"

	"github.com/cofre-io/cofre/server/logical"
)

// Errors of this package. Client mistakes are logical.ErrInvalidRequest
// (HTTP 400) built with badRequest; these sentinels mark stored state that
// cannot be used.
var (
	// ErrCorrupt wraps a stored entry that does not decode.
	ErrCorrupt = errors.New("pki: stored entry is corrupt")
	// ErrNoIssuer is returned when a request needs an issuer and the mount
	// has none (or not the one named).
	ErrNoIssuer = errors.New("pki: issuer not found")
	// ErrNoKey is returned when an issuer's private key is not in the mount.
	ErrNoKey = errors.New("pki: issuer has no private key in this mount")
)

// badRequest is a 400 with a client-facing message.
func badRequest(format string, args ...any) error {
	return logical.Errorf(logical.ErrInvalidRequest, format, args...)
}

// badRequestWrap is a 400 with a message and a cause for errors.Is.
func badRequestWrap(cause error, msg string) error {
	return &logical.Error{Kind: logical.ErrInvalidRequest, Msg: msg, Err: cause}
}
