package pki

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
	"github.com/cofre-io/cofre/server/storage"
)

// secretTypeCert is the InternalData["secret_type"] of a certificate's
// lease (roles with generate_lease).
const secretTypeCert = "cert"

// Options tune a Backend beyond what the mount says.
type Options struct {
	// Now is the clock; nil means the mount's SystemView clock.
	Now func() time.Time
}

// Backend is a mounted PKI engine.
type Backend struct {
	*framework.Backend

	view storage.Backend
	sys  logical.SystemView
	now  func() time.Time
	log  *slog.Logger

	caMu sync.Mutex // serialises loads and changes of issuers and keys
	ca   atomic.Pointer[caState]

	rolesMu sync.RWMutex // guards roles and serialises role writes
	roles   map[string]*role

	cfgMu  sync.Mutex // serialises loads and writes of config/urls and config/crl
	urls   atomic.Pointer[urlsConfig]
	crlCfg atomic.Pointer[crlConfig]

	revMu sync.Mutex // serialises revocations and tidy
	crlMu sync.Mutex // serialises CRL builds

	tidyMu   sync.Mutex
	lastTidy map[string]any
}

var _ logical.Backend = (*Backend)(nil)

// Factory builds a PKI engine for a new mount.
func Factory(ctx context.Context, conf *logical.BackendConfig) (logical.Backend, error) {
	return New(ctx, conf, Options{})
}

// New builds a PKI engine. Nothing is read from storage until the first
// request needs it.
func New(_ context.Context, conf *logical.BackendConfig, opts Options) (*Backend, error) {
	if conf == nil || conf.StorageView == nil {
		return nil, fmt.Errorf("pki: a storage view is required")
	}
	b := &Backend{view: conf.StorageView, sys: conf.System, now: opts.Now, log: conf.Logger, roles: map[string]*role{}}
	if b.log == nil {
		b.log = slog.New(slog.DiscardHandler)
	}
	if b.sys == nil {
		b.sys = logical.StaticSystemView{}
	}
	if b.now == nil {
		b.now = b.sys.Now
	}
	b.Backend = &framework.Backend{
		BackendType: logical.TypeSecrets,
		Paths:       b.paths(),
		PathsSpecial: &logical.Paths{
			Root: []string{"root", "root/sign-self-issued"},
			// "+" segments need a router that understands them; until then
			// those entries match nothing and the paths need a token.
			Unauthenticated: []string{
				"cert/*", "ca/pem", "ca_chain", "ca", "crl", "crl/pem", "issuers/",
				"issuer/+/crl/der", "issuer/+/crl/pem", "issuer/+/crl",
				"issuer/+/pem", "issuer/+/der", "issuer/+/json",
			},
		},
		Secrets: map[string]*framework.Secret{
			secretTypeCert: {Revoke: b.certLeaseRevoke},
		},
	}
	if err := b.Backend.Init(); err != nil {
		return nil, err
	}
	return b, nil
}

func (b *Backend) paths() []*framework.Path {
	var ps []*framework.Path
	// Issuance first: the router tries patterns in order.
	for _, group := range [][]*framework.Path{
		b.issuePaths(),
		b.fetchPaths(),
		b.rolePaths(),
		b.rootPaths(),
		b.intermediatePaths(),
		b.importPaths(),
		b.issuerPaths(),
		b.keyPaths(),
		b.revokePaths(),
		b.crlPaths(),
		b.urlsPaths(),
		b.tidyPaths(),
	} {
		ps = append(ps, group...)
	}
	return ps
}

// state returns the current snapshot of issuers and keys, loading it from
// storage when there is none.
func (b *Backend) state(ctx context.Context) (*caState, error) {
	if s := b.ca.Load(); s != nil {
		return s, nil
	}
	b.caMu.Lock()
	defer b.caMu.Unlock()
	return b.stateLocked(ctx)
}

// defaultsConfig is config/issuers and config/keys as stored.
type defaultsConfig struct {
	Default              string `json:"default"`
	DefaultFollowsLatest bool   `json:"default_follows_latest_issuer,omitempty"`
}

// stateLocked is state with caMu held.
func (b *Backend) stateLocked(ctx context.Context) (*caState, error) {
	if s := b.ca.Load(); s != nil {
		return s, nil
	}
	ids, err := b.view.List(ctx, prefixIssuer)
	if err != nil {
		return nil, fmt.Errorf("pki: list issuers: %w", err)
	}
	irs := make([]issuerRecord, 0, len(ids))
	for _, id := range ids {
		var r issuerRecord
		if ok, err := getJSON(ctx, b.view, prefixIssuer+id, &r); err != nil {
			return nil, err
		} else if ok {
			irs = append(irs, r)
		}
	}
	ids, err = b.view.List(ctx, prefixKey)
	if err != nil {
		return nil, fmt.Errorf("pki: list keys: %w", err)
	}
	krs := make([]keyRecord, 0, len(ids))
	for _, id := range ids {
		var r keyRecord
		if ok, err := getJSON(ctx, b.view, prefixKey+id, &r); err != nil {
			return nil, err
		} else if ok {
			krs = append(krs, r)
		}
	}
	var di, dk defaultsConfig
	if _, err := getJSON(ctx, b.view, keyConfigIssuer, &di); err != nil {
		return nil, err
	}
	if _, err := getJSON(ctx, b.view, keyConfigKeys, &dk); err != nil {
		return nil, err
	}
	s, err := newCAState(irs, krs, di.Default, dk.Default)
	if err != nil {
		return nil, err
	}
	b.ca.Store(s)
	return s, nil
}

// changeCA runs fn with the current snapshot under caMu, applies the
// storage operations it returns, and returns the reloaded snapshot. fn must
// not change s.
func (b *Backend) changeCA(ctx context.Context, fn func(s *caState) ([]storage.TxnOp, error)) (*caState, error) {
	b.caMu.Lock()
	defer b.caMu.Unlock()
	s, err := b.stateLocked(ctx)
	if err != nil {
		return nil, err
	}
	ops, err := fn(s)
	if err != nil {
		return nil, err
	}
	err = apply(ctx, b.view, ops)
	b.ca.Store(nil) // reload even after a partial write
	if err != nil {
		return nil, err
	}
	return b.stateLocked(ctx)
}

// newID returns a random identifier in UUID layout.
func newID() (string, error) {
	var r [16]byte
	if _, err := rand.Read(r[:]); err != nil {
		return "", fmt.Errorf("pki: random id: %w", err)
	}
	h := hex.EncodeToString(r[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32], nil
}
