package policy

import (
	"errors"
	"fmt"
)

var (
	// ErrInvalidPolicy is wrapped by every error that rejects policy text or a
	// malformed *Policy; *ParseError unwraps to it.
	ErrInvalidPolicy = errors.New("invalid policy")
	// ErrReservedName is returned when a caller tries to parse or build an
	// ACL from a policy named "root": the root policy has no text and can
	// only be obtained through RootACL.
	ErrReservedName = errors.New(`the "root" policy cannot be parsed or written`)
)

// ParseError describes why policy text was rejected and where. Line and
// Column are 1-based and point into the text handed to Parse or Format.
type ParseError struct {
	Line   int
	Column int
	Msg    string
}

// Error renders the error as "policy: line L, column C: msg".
func (e *ParseError) Error() string {
	return fmt.Sprintf("policy: line %d, column %d: %s", e.Line, e.Column, e.Msg)
}

// Unwrap makes errors.Is(err, ErrInvalidPolicy) true for every ParseError.
func (e *ParseError) Unwrap() error { return ErrInvalidPolicy }
