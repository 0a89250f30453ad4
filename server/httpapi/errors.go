package httpapi

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/cofre-io/cofre/server/logical"
)

// statusOf maps an error to Vault's status code.
func statusOf(err error) int {
	switch {
	case errors.Is(err, logical.ErrInvalidRequest):
		return http.StatusBadRequest
	case errors.Is(err, logical.ErrPermissionDenied):
		return http.StatusForbidden
	case errors.Is(err, logical.ErrUnsupportedPath), errors.Is(err, logical.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, logical.ErrUnsupportedOperation):
		return http.StatusMethodNotAllowed
	case errors.Is(err, logical.ErrPreconditionFailed):
		return http.StatusPreconditionFailed
	case errors.Is(err, logical.ErrRateLimited):
		return http.StatusTooManyRequests
	case errors.Is(err, logical.ErrSealed), errors.Is(err, logical.ErrStandby):
		return http.StatusServiceUnavailable
	case errors.Is(err, logical.ErrUpstream):
		return http.StatusBadGateway
	}
	return http.StatusInternalServerError
}

// respondError writes {"errors": [msg]} with err's status.
func respondError(w http.ResponseWriter, err error) {
	respondErrorStatus(w, statusOf(err), logical.CodedMessage(err))
}

func respondErrorStatus(w http.ResponseWriter, status int, msgs ...string) {
	if msgs == nil {
		msgs = []string{}
	}
	respondJSON(w, status, map[string]any{"errors": msgs})
}

func respondJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	_ = enc.Encode(body) // the client went away; nothing to do
}
