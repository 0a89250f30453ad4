package providerclient

import (
	"errors"
	"fmt"
)

// Errors of the client; test them with errors.Is.
var (
	// ErrBadProviderName: a provider name is empty or not a plain file name.
	ErrBadProviderName = errors.New("invalid provider name")
	// ErrNoProvider: no socket for the provider in the providers directory
	// (the provider is not installed on this node, or not running).
	ErrNoProvider = errors.New("provider not found")
	// ErrUnavailable: the provider's socket did not answer.
	ErrUnavailable = errors.New("provider unavailable")
	// ErrProvider: the provider answered Mount with an error.
	ErrProvider = errors.New("provider error")
	// ErrBadResponse: the provider's answer breaks the protocol.
	ErrBadResponse = errors.New("invalid provider response")
	// ErrClosed: the Pool was closed.
	ErrClosed = errors.New("provider pool closed")
)

// Error is a failed Mount, with the provider's error code when it gave
// one (the MountResponse error code, Cofre's stable code, else the gRPC
// status code name). It matches ErrProvider or ErrUnavailable with
// errors.Is.
type Error struct {
	// Provider is the provider's name.
	Provider string
	// Code is the error code, for metrics and events.
	Code string
	// Message is the provider's message (providers must not put secret
	// values in it).
	Message string
	kind    error
}

func (e *Error) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("provider %s: %v: %s", e.Provider, e.kind, e.Code)
	}
	return fmt.Sprintf("provider %s: %v: %s: %s", e.Provider, e.kind, e.Code, e.Message)
}

// Unwrap returns ErrProvider or ErrUnavailable.
func (e *Error) Unwrap() error { return e.kind }
