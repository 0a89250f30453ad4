package database

import (
	"errors"
	"fmt"
	"strings"

	"github.com/cofre-io/cofre/server/logical"
)

// Sentinel errors.
var (
	// ErrDatabase wraps a failure reported by a database or its driver.
	ErrDatabase = errors.New("database error")
	// ErrUnknownPlugin is a plugin_name this server does not have.
	ErrUnknownPlugin = errors.New("unknown database plugin")
	// ErrNoConnection is a db_name with no configuration.
	ErrNoConnection = errors.New("no such database connection")
	// ErrCorrupt is a stored entry that does not decode.
	ErrCorrupt = errors.New("database: corrupt stored entry")
	// ErrClosed is returned after Cleanup.
	ErrClosed = errors.New("database: backend is closed")
)

// dbError turns a plugin or driver error into a client-facing error of kind
// with every secret removed from its text; the original error is dropped so
// no log can print the secret later.
func dbError(kind error, what string, err error, secrets ...string) error {
	msg := redact(err.Error(), secrets...)
	return &logical.Error{Kind: kind, Msg: what + ": " + msg, Err: fmt.Errorf("%w: %s", ErrDatabase, msg)}
}

// redact replaces each non-empty secret in s.
func redact(s string, secrets ...string) string {
	for _, sec := range secrets {
		if len(sec) >= 4 {
			s = strings.ReplaceAll(s, sec, "[redacted]")
		}
	}
	return s
}

func badRequest(format string, args ...any) error {
	return logical.Errorf(logical.ErrInvalidRequest, format, args...)
}
