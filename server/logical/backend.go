package logical

import (
	"context"
	"log/slog"
	"time"

	"github.com/cofre-io/cofre/server/storage"
)

// BackendType says whether a backend is a secrets engine or an auth method.
type BackendType int

// Backend types.
const (
	TypeSecrets BackendType = iota
	TypeCredential
)

// Paths lists a backend's special paths, relative to its mount. A trailing
// "*" matches any suffix.
type Paths struct {
	// Root paths need the sudo capability in addition to the operation's.
	Root []string
	// Unauthenticated paths are served without a token (login endpoints).
	Unauthenticated []string
	// SealWrap etc. are not supported.
}

// Backend is a mounted secrets engine or auth method. HandleRequest is
// called concurrently; backends guard their own state.
type Backend interface {
	HandleRequest(ctx context.Context, req *Request) (*Response, error)
	SpecialPaths() *Paths
	Type() BackendType
	// Cleanup releases resources when the mount is disabled or the server
	// seals. It must not delete stored data.
	Cleanup(ctx context.Context)
}

// ExistenceChecker is an optional capability: it tells the core whether the
// target of a write exists, so a POST can be authorised as "create" or
// "update". checked is false when the backend does not know for this path
// (the write is then treated as "update").
type ExistenceChecker interface {
	ExistenceCheck(ctx context.Context, req *Request) (checked, exists bool, err error)
}

// SystemView is what a backend may learn from the core about its mount.
type SystemView interface {
	// DefaultLeaseTTL and MaxLeaseTTL are the mount's values, falling back to
	// the server's.
	DefaultLeaseTTL() time.Duration
	MaxLeaseTTL() time.Duration
	// Now is the server's clock.
	Now() time.Time
}

// BackendConfig is what a Factory gets.
type BackendConfig struct {
	// StorageView is the mount's private storage.
	StorageView storage.Backend
	Logger      *slog.Logger
	System      SystemView
	// Config holds the mount's options (e.g. version=2 for KV).
	Config map[string]string
	// MountAccessor identifies the mount.
	MountAccessor string
	// Tokens lets an auth method revoke tokens it issued; nil in tests
	// that do not need it.
	Tokens TokenRevoker
}

// TokenRevoker revokes tokens by accessor. A login may choose its token's
// accessor by setting Auth.Accessor (service tokens only), index it, and
// revoke it later with RevokeAccessor; a missing token is not an error.
type TokenRevoker interface {
	RevokeAccessor(ctx context.Context, accessor string) error
}

// Factory constructs a backend for a new mount.
type Factory func(ctx context.Context, conf *BackendConfig) (Backend, error)

// StaticSystemView is a SystemView with fixed values, for tests and for
// mounts whose tuning never changes.
type StaticSystemView struct {
	DefaultTTL time.Duration
	MaxTTL     time.Duration
	Clock      func() time.Time
}

// DefaultLeaseTTL implements SystemView.
func (s StaticSystemView) DefaultLeaseTTL() time.Duration { return s.DefaultTTL }

// MaxLeaseTTL implements SystemView.
func (s StaticSystemView) MaxLeaseTTL() time.Duration { return s.MaxTTL }

// Now implements SystemView.
func (s StaticSystemView) Now() time.Time {
	if s.Clock != nil {
		return s.Clock()
	}
	return time.Now()
}

// OptionsChanger is an optional capability: a backend told that its mount's
// options were tuned (KV's version=2 upgrade). An error refuses the tune.
type OptionsChanger interface {
	OptionsChanged(ctx context.Context, options map[string]string) error
}
