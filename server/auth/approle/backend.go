package approle

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
)

// Options tune a backend; the zero value is production behaviour.
type Options struct {
	// Rand is the source of role IDs, secret IDs, accessors and the HMAC
	// key. Defaults to crypto/rand.
	Rand io.Reader
	// Now is the clock for secret ID expiry. Defaults to the mount's
	// SystemView clock.
	Now func() time.Time
}

// Factory builds an AppRole backend for a new mount.
func Factory(ctx context.Context, conf *logical.BackendConfig) (logical.Backend, error) {
	return New(ctx, conf, Options{})
}

// New builds an AppRole backend with explicit options.
func New(_ context.Context, conf *logical.BackendConfig, opts Options) (logical.Backend, error) {
	if conf == nil {
		return nil, fmt.Errorf("approle: %w: nil backend config", logical.ErrInternal)
	}
	b := &backend{rand: opts.Rand, now: opts.Now, log: conf.Logger}
	if b.rand == nil {
		b.rand = rand.Reader
	}
	if b.now == nil {
		if conf.System != nil {
			b.now = conf.System.Now
		} else {
			b.now = time.Now
		}
	}
	if b.log == nil {
		b.log = slog.New(slog.DiscardHandler)
	}
	b.keys.rand = b.rand
	b.fw = &framework.Backend{
		BackendType:  logical.TypeCredential,
		PathsSpecial: &logical.Paths{Unauthenticated: []string{"login"}},
		Paths:        b.paths(),
	}
	if err := b.fw.Init(); err != nil {
		return nil, err
	}
	return b, nil
}

// backend is the AppRole auth method. Its fields are set at construction;
// the lock sets and the key cache guard themselves.
type backend struct {
	fw   *framework.Backend
	rand io.Reader
	now  func() time.Time
	log  *slog.Logger

	keys        keyCache
	roleIDMu    sync.Mutex // serialises role ID index changes
	roleLocks   lockSet
	secretLocks lockSet
}

var (
	_ logical.Backend          = (*backend)(nil)
	_ logical.ExistenceChecker = (*backend)(nil)
)

func (b *backend) paths() []*framework.Path {
	var ps []*framework.Path
	ps = append(ps, b.pathLogin(), b.pathTidy(), b.pathRoleList(), b.pathRole())
	ps = append(ps, b.pathRoleID())
	ps = append(ps, b.pathSecretIDs()...)
	ps = append(ps, b.pathRoleFields()...)
	return ps
}

// HandleRequest implements logical.Backend. Token renewals (RenewOperation
// carrying Auth) are answered here; everything else goes to the paths.
func (b *backend) HandleRequest(ctx context.Context, req *logical.Request) (*logical.Response, error) {
	if req.Operation == logical.RenewOperation && req.Auth != nil {
		return b.renew(ctx, req)
	}
	return b.fw.HandleRequest(ctx, req)
}

// ExistenceCheck implements logical.ExistenceChecker.
func (b *backend) ExistenceCheck(ctx context.Context, req *logical.Request) (bool, bool, error) {
	return b.fw.ExistenceCheck(ctx, req)
}

// SpecialPaths implements logical.Backend: login needs no token.
func (b *backend) SpecialPaths() *logical.Paths { return b.fw.SpecialPaths() }

// Type implements logical.Backend.
func (b *backend) Type() logical.BackendType { return logical.TypeCredential }

// Cleanup implements logical.Backend. It forgets the cached HMAC key; stored
// data stays.
func (b *backend) Cleanup(context.Context) { b.keys.forget() }
