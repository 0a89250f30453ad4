package userpass

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"sync"

	"golang.org/x/crypto/bcrypt"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
)

// Options tune a backend; the zero value is production behaviour.
type Options struct {
	// BcryptCost is the cost of new password hashes; 0 means
	// bcrypt.DefaultCost (10). Tests use bcrypt.MinCost.
	BcryptCost int
	// Rand seeds the dummy hash used for unknown users. Defaults to
	// crypto/rand.
	Rand io.Reader
}

// Factory builds a userpass backend for a new mount.
func Factory(ctx context.Context, conf *logical.BackendConfig) (logical.Backend, error) {
	return New(ctx, conf, Options{})
}

// New builds a userpass backend with explicit options.
func New(_ context.Context, conf *logical.BackendConfig, opts Options) (logical.Backend, error) {
	if conf == nil {
		return nil, fmt.Errorf("userpass: %w: nil backend config", logical.ErrInternal)
	}
	cost := opts.BcryptCost
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	if cost < bcrypt.MinCost || cost > bcrypt.MaxCost {
		return nil, fmt.Errorf("userpass: %w: bcrypt cost %d out of range", logical.ErrInvalidRequest, cost)
	}
	b := &backend{cost: cost, rand: opts.Rand}
	if b.rand == nil {
		b.rand = rand.Reader
	}
	b.fw = &framework.Backend{
		BackendType:  logical.TypeCredential,
		PathsSpecial: &logical.Paths{Unauthenticated: []string{"login/*"}},
		Paths:        []*framework.Path{b.pathLogin(), b.pathUserList(), b.pathUser(), b.pathPassword(), b.pathPolicies()},
	}
	if err := b.fw.Init(); err != nil {
		return nil, err
	}
	return b, nil
}

// backend is the userpass auth method.
type backend struct {
	fw   *framework.Backend
	cost int
	rand io.Reader

	writeMu sync.Mutex // serialises changes to users

	dummyOnce sync.Once
	dummy     []byte
	dummyErr  error
}

var (
	_ logical.Backend          = (*backend)(nil)
	_ logical.ExistenceChecker = (*backend)(nil)
)

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

// SpecialPaths implements logical.Backend: login/* needs no token.
func (b *backend) SpecialPaths() *logical.Paths { return b.fw.SpecialPaths() }

// Type implements logical.Backend.
func (b *backend) Type() logical.BackendType { return logical.TypeCredential }

// Cleanup implements logical.Backend; the backend holds nothing to release.
func (b *backend) Cleanup(context.Context) {}

// dummyHash is a bcrypt hash of a random password at the backend's cost,
// compared against when a user does not exist. Made on first need, since
// it costs one bcrypt.
func (b *backend) dummyHash() ([]byte, error) {
	b.dummyOnce.Do(func() {
		pw := make([]byte, 32)
		if _, err := io.ReadFull(b.rand, pw); err != nil {
			b.dummyErr = fmt.Errorf("dummy password: %w", err)
			return
		}
		b.dummy, b.dummyErr = bcrypt.GenerateFromPassword(pw, b.cost)
	})
	return b.dummy, b.dummyErr
}
