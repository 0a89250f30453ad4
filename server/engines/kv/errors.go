package kv

import (
	"errors"

	"github.com/cofre-io/cofre/server/logical"
)

// Errors of this package. Client mistakes are also logical.ErrInvalidRequest
// (HTTP 400) through the messages built with badRequest.
var (
	// ErrUpgradeFailed is returned while a version 1 to 2 upgrade that
	// failed waits to be retried.
	ErrUpgradeFailed = errors.New("kv: upgrade to version 2 did not finish")
	// ErrDowngrade is returned when a version 2 mount is asked to be version 1.
	ErrDowngrade = errors.New("kv: a version 2 mount cannot become version 1")
	// ErrBadVersion is returned by Factory for a version option other than
	// "", "1" or "2".
	ErrBadVersion = errors.New("kv: unsupported version option")
	// ErrCorrupt wraps a stored entry that does not decode.
	ErrCorrupt = errors.New("kv: stored entry is corrupt")
)

// Vault's client-facing messages, matched by clients and tests.
const (
	msgCASRequired = "check-and-set parameter required for this call"
	msgCASMismatch = "check-and-set parameter did not match the current version"
	msgNoData      = "no data provided"
	msgNoVersions  = "no version number provided"
)

func badRequest(format string, args ...any) error {
	return logical.Errorf(logical.ErrInvalidRequest, format, args...)
}
