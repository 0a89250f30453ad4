package token

import "errors"

// Errors returned by the Store. Handlers map them to Vault's messages.
var (
	// ErrNotFound: no such token, or it expired or was used up.
	ErrNotFound = errors.New("token not found")
	// ErrNoSalt: the store is not loaded (sealed).
	ErrNoSalt = errors.New("token store is not loaded")
	// ErrBatchRevoke: batch tokens die at their TTL or with their parent.
	ErrBatchRevoke = errors.New("batch tokens cannot be revoked")
	// ErrBatchRenew: batch tokens cannot be renewed.
	ErrBatchRenew = errors.New("batch tokens cannot be renewed")
	// ErrNotRenewable: the token is not renewable or never expires.
	ErrNotRenewable = errors.New("lease is not renewable")
	// ErrPastMaxTTL: a renewal came after the token's max TTL.
	ErrPastMaxTTL = errors.New("past the max TTL, cannot renew")
	// ErrDuplicateID: a custom token value is already in use.
	ErrDuplicateID = errors.New("cannot create a token with a duplicate ID")
	// ErrInvalidType: an unknown token type.
	ErrInvalidType = errors.New("invalid token type")
	// ErrBatchTTL: a batch token needs a TTL.
	ErrBatchTTL = errors.New("batch tokens need a TTL")
)
