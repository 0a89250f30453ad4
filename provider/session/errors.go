package session

import (
	"errors"
	"fmt"
	"net/http"

	vault "github.com/hashicorp/vault/api"
)

// Errors of the session layer and of server calls. Server refusals are
// classified by Classify.
var (
	// ErrLoginRefused: the server refused the login (bad role, token not
	// accepted, ServiceAccount not bound).
	ErrLoginRefused = errors.New("login refused")
	// ErrIdentityMismatch: the server verified an identity that is not the
	// pod's.
	ErrIdentityMismatch = errors.New("login identity is not the pod's")
	// ErrDenied: the server answered 403.
	ErrDenied = errors.New("permission denied")
	// ErrNotFound: the server answered 404.
	ErrNotFound = errors.New("not found")
	// ErrBadRequest: the server answered another 4xx.
	ErrBadRequest = errors.New("request refused")
	// ErrUnavailable: the server could not be reached or answered 5xx.
	ErrUnavailable = errors.New("server unavailable")
	// ErrConfig: the target's TLS material could not be loaded.
	ErrConfig = errors.New("bad server connection settings")
)

// Classify wraps a server call's error with the sentinel matching its
// status. The server's own error messages are kept (they carry no
// secrets); a wrapped nil is nil.
func Classify(err error) error {
	if err == nil {
		return nil
	}
	var re *vault.ResponseError
	if !errors.As(err, &re) {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	switch {
	case re.StatusCode == http.StatusForbidden:
		return fmt.Errorf("%w: %s", ErrDenied, serverErrors(re))
	case re.StatusCode == http.StatusNotFound:
		return fmt.Errorf("%w: %s", ErrNotFound, serverErrors(re))
	case re.StatusCode >= 500:
		return fmt.Errorf("%w: %d %s", ErrUnavailable, re.StatusCode, serverErrors(re))
	default:
		return fmt.Errorf("%w: %d %s", ErrBadRequest, re.StatusCode, serverErrors(re))
	}
}

func serverErrors(re *vault.ResponseError) string {
	if len(re.Errors) == 0 {
		return http.StatusText(re.StatusCode)
	}
	msg := ""
	for i, e := range re.Errors {
		if i > 0 {
			msg += "; "
		}
		msg += e
	}
	if len(msg) > 300 {
		msg = msg[:300] + "..."
	}
	return msg
}
