package logical

import (
	"errors"
	"fmt"
)

// Sentinel errors. The HTTP layer maps them to status codes with errors.Is.
var (
	ErrInvalidRequest       = errors.New("invalid request")       // 400
	ErrPermissionDenied     = errors.New("permission denied")     // 403
	ErrUnsupportedPath      = errors.New("unsupported path")      // 404
	ErrNotFound             = errors.New("not found")             // 404
	ErrUnsupportedOperation = errors.New("unsupported operation") // 405
	ErrPreconditionFailed   = errors.New("precondition failed")   // 412
	ErrRateLimited          = errors.New("rate limited")          // 429
	ErrSealed               = errors.New("Vault is sealed")       // 503, Vault's wording, clients match it
	ErrStandby              = errors.New("node is in standby")    // 503 / forwarded
	ErrUpstream             = errors.New("upstream failure")      // 502
	ErrInternal             = errors.New("internal error")        // 500
)

// Error is an error of a known kind with a client-facing message. Error()
// returns only the message, so the client sees exactly what the backend
// said; errors.Is(err, kind) still works.
type Error struct {
	Kind error
	Msg  string
	Err  error // optional cause, not shown to clients
}

func (e *Error) Error() string { return e.Msg }

// Unwrap exposes both the kind and the cause to errors.Is/As.
func (e *Error) Unwrap() []error {
	if e.Err != nil {
		return []error{e.Kind, e.Err}
	}
	return []error{e.Kind}
}

// Errorf builds an *Error of the given kind.
func Errorf(kind error, format string, args ...any) error {
	return &Error{Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// CodedMessage returns the client-facing message of err: the message of an
// *Error, or err.Error() otherwise.
func CodedMessage(err error) string {
	var le *Error
	if errors.As(err, &le) {
		return le.Msg
	}
	return err.Error()
}
