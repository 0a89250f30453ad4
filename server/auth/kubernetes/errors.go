package kubernetes

import (
	"errors"

	"github.com/cofre-io/cofre/server/auth/kubernetes/internal/jwt"
	"github.com/cofre-io/cofre/server/logical"
)

// Reasons a login is refused. Clients see only "permission denied" (or the
// binding messages below); the reason is wrapped as the cause so tests and
// the server log can tell them apart with errors.Is.
var (
	// ErrMalformedJWT is wrapped by every pre-parse failure.
	ErrMalformedJWT = jwt.ErrMalformed
	// ErrTokenExpired: the JWT's exp claim is in the past.
	ErrTokenExpired = jwt.ErrExpired
	// ErrTokenNotYetValid: the JWT's nbf claim is in the future.
	ErrTokenNotYetValid = jwt.ErrNotYetValid
	// ErrAudience: the JWT or the TokenReview lacks the role's audience.
	ErrAudience = errors.New("audience not accepted")
	// ErrIssuer: the iss claim differs from the configured issuer.
	ErrIssuer = errors.New("issuer not accepted")
	// ErrSignature: pem_keys are configured and none verifies the JWT.
	ErrSignature = errors.New("signature not verified by any configured pem_keys")
	// ErrNotAuthenticated: the TokenReview said the token is not valid.
	ErrNotAuthenticated = errors.New("token review did not authenticate the token")
	// ErrNotServiceAccount: the reviewed identity is not a ServiceAccount.
	ErrNotServiceAccount = errors.New("token does not belong to a service account")
	// ErrPodGone: the token is bound to a pod that is already gone.
	ErrPodGone = errors.New("token's pod is gone")
	// ErrNameNotBound: the ServiceAccount name is not bound to the role.
	ErrNameNotBound = errors.New("service account name not authorized")
	// ErrNamespaceNotBound: the namespace is not bound to the role.
	ErrNamespaceNotBound = errors.New("namespace not authorized")
	// ErrNotConfigured: the method has no config yet.
	ErrNotConfigured = errors.New("could not load backend configuration")
	// ErrAPIServer: the Kubernetes API server could not be reached or
	// refused the reviewer's credentials.
	ErrAPIServer = errors.New("kubernetes API server request failed")
)

// denied is the answer to a credential that does not authenticate: a 403
// that says nothing about why; reason is kept as the cause.
func denied(reason error) error {
	return &logical.Error{Kind: logical.ErrPermissionDenied, Msg: "permission denied", Err: reason}
}

// refused is a 403 whose message names the failed binding, as Vault does.
func refused(reason error) error {
	return &logical.Error{Kind: logical.ErrPermissionDenied, Msg: reason.Error(), Err: reason}
}
