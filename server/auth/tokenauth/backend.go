package tokenauth

import (
	"context"
	"errors"
	"time"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
	"github.com/cofre-io/cofre/server/token"
)

// Core is what the token backend needs from the server.
type Core interface {
	// Tokens is the token store.
	Tokens() *token.Store
	// SudoPrivilege reports whether te holds sudo on path (a full request
	// path such as "auth/token/create"); root tokens always do.
	SudoPrivilege(ctx context.Context, te *token.Entry, path string) bool
	// TokenLimits returns the TTL limits of the mount serving path (a
	// token's creation path), for renewals.
	TokenLimits(path string) token.Limits
}

// AuthRenewer is an optional capability of Core: it asks the auth method
// that issued a token whether the token may be renewed, and returns the max
// TTL the method's role or user sets (0: none).
type AuthRenewer interface {
	RenewAuth(ctx context.Context, te *token.Entry, increment time.Duration) (time.Duration, error)
}

// PolicyChecker is an optional capability of Core: when present, creating
// a token with a policy that does not exist draws Vault's warning.
type PolicyChecker interface {
	PolicyExists(name string) bool
}

// New returns the auth/token/ backend.
func New(c Core, conf *logical.BackendConfig) (logical.Backend, error) {
	b := &backend{core: c, sys: conf.System}
	if b.sys == nil {
		b.sys = logical.StaticSystemView{DefaultTTL: 768 * time.Hour, MaxTTL: 768 * time.Hour}
	}
	fb := &framework.Backend{
		BackendType: logical.TypeCredential,
		PathsSpecial: &logical.Paths{
			Root: []string{"revoke-orphan/*", "accessors*"},
		},
	}
	fb.Paths = append(fb.Paths, b.createPaths()...)
	fb.Paths = append(fb.Paths, b.lookupPaths()...)
	fb.Paths = append(fb.Paths, b.renewPaths()...)
	fb.Paths = append(fb.Paths, b.revokePaths()...)
	fb.Paths = append(fb.Paths, b.rolePaths()...)
	fb.Paths = append(fb.Paths, b.tidyPaths()...)
	if err := fb.Init(); err != nil {
		return nil, err
	}
	return fb, nil
}

type backend struct {
	core Core
	sys  logical.SystemView
}

func (b *backend) now() time.Time { return b.sys.Now() }

func (b *backend) limits() token.Limits {
	return token.Limits{DefaultTTL: b.sys.DefaultLeaseTTL(), MaxTTL: b.sys.MaxLeaseTTL()}
}

func badRequest(format string, args ...any) error {
	return logical.Errorf(logical.ErrInvalidRequest, format, args...)
}

// caller returns the requesting token's live entry.
func (b *backend) caller(ctx context.Context, req *logical.Request) (*token.Entry, error) {
	if req.Caller == nil || req.Caller.TokenID == "" {
		return nil, token.ErrNotFound
	}
	return b.core.Tokens().Lookup(ctx, req.Caller.TokenID)
}

// storeErr maps token store errors that clients caused to 400s with
// Vault's messages; other errors pass through as internal.
func storeErr(err error) error {
	switch {
	case errors.Is(err, token.ErrBatchRevoke),
		errors.Is(err, token.ErrBatchRenew),
		errors.Is(err, token.ErrNotRenewable),
		errors.Is(err, token.ErrPastMaxTTL),
		errors.Is(err, token.ErrDuplicateID):
		return logical.Errorf(logical.ErrInvalidRequest, "%s", baseMessage(err))
	}
	return err
}

// baseMessage is the sentinel's text, without wrapping context.
func baseMessage(err error) string {
	for _, s := range []error{token.ErrBatchRevoke, token.ErrBatchRenew, token.ErrNotRenewable, token.ErrPastMaxTTL, token.ErrDuplicateID} {
		if errors.Is(err, s) {
			return s.Error()
		}
	}
	return err.Error()
}
