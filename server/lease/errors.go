package lease

import "errors"

// Errors returned by the Manager. The system backend maps them to Vault's
// status codes and messages.
var (
	// ErrNotLoaded: the manager is not loaded (the server is sealed).
	ErrNotLoaded = errors.New("lease: expiration manager is not loaded")
	// ErrNotFound: no lease with this id.
	ErrNotFound = errors.New("lease not found")
	// ErrInvalidID: a lease id or prefix that cannot name a lease.
	ErrInvalidID = errors.New("invalid lease id")
	// ErrNotRenewable: the lease was issued (or last renewed) as not renewable.
	ErrNotRenewable = errors.New("lease is not renewable")
	// ErrPastMaxTTL: nothing is left of the lease's max TTL.
	ErrPastMaxTTL = errors.New("past the max TTL, cannot renew")
	// ErrExpired: the lease has expired or its revocation is queued.
	ErrExpired = errors.New("lease has expired or is being revoked")
	// ErrMountGone: the mount that issued the lease was disabled or
	// replaced (another accessor at its path).
	ErrMountGone = errors.New("the mount that issued the lease is no longer mounted")
	// ErrRevokeFailed: the backend refused or failed a revocation; the
	// lease is kept and its revocation retried.
	ErrRevokeFailed = errors.New("failed to revoke lease")
	// ErrTidyRunning: a tidy is already under way.
	ErrTidyRunning = errors.New("lease tidy is already running")
	// ErrNoSecret: Register was called without a secret.
	ErrNoSecret = errors.New("lease: registration without a secret")
)
