package mount

import (
	"errors"

	"github.com/cofre-io/cofre/pkg/providerapi"
	"github.com/cofre-io/cofre/provider/identity"
	"github.com/cofre-io/cofre/provider/params"
	"github.com/cofre-io/cofre/provider/render"
	"github.com/cofre-io/cofre/provider/session"
)

// ErrNoAddress: neither the class nor the provider names a server.
var ErrNoAddress = errors.New("no server address: set cofreAddress in the SecretProviderClass or -addr on the provider")

// Error is a failed Mount: a stable code and the cause. Its message never
// holds secret values or tokens.
type Error struct {
	Code providerapi.Code
	Err  error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// fail wraps err with the code its cause calls for.
func fail(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: codeOf(err), Err: err}
}

// codeOf maps the causes of the layers below to codes.
func codeOf(err error) providerapi.Code {
	switch {
	case errors.Is(err, params.ErrInvalid), errors.Is(err, ErrNoAddress), errors.Is(err, session.ErrConfig):
		return providerapi.CodeInvalidRequest
	case errors.Is(err, identity.ErrUnavailable):
		return providerapi.CodeIdentityUnavailable
	case errors.Is(err, session.ErrLoginRefused), errors.Is(err, session.ErrIdentityMismatch):
		return providerapi.CodeAuthFailed
	case errors.Is(err, session.ErrDenied):
		return providerapi.CodePermissionDenied
	case errors.Is(err, session.ErrNotFound), errors.Is(err, render.ErrNotFound):
		return providerapi.CodeSecretNotFound
	case errors.Is(err, render.ErrRender):
		return providerapi.CodeRenderFailed
	case errors.Is(err, session.ErrBadRequest):
		return providerapi.CodeInvalidRequest
	case errors.Is(err, session.ErrUnavailable):
		return providerapi.CodeServerUnavailable
	}
	return providerapi.CodeInternal
}
