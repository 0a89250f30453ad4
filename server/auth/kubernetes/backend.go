package kubernetes

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
	"github.com/cofre-io/cofre/server/storage"
)

var errNotPod = errors.New("not a pod")

// Options tune a backend; the zero value is production behaviour.
type Options struct {
	// NewClient builds Kubernetes clients. Defaults to NewClient.
	NewClient ClientFactory
	// ReadFile reads the local ServiceAccount token and CA. Defaults to
	// os.ReadFile.
	ReadFile func(path string) ([]byte, error)
	// Rand is the source of token accessors. Defaults to crypto/rand.
	Rand io.Reader
	// Now is the clock. Defaults to the mount's SystemView clock.
	Now func() time.Time
	// LocalTokenRefresh is how long a read local token is reused before
	// the file is read again. Default 1 minute.
	LocalTokenRefresh time.Duration
	// ReviewTimeout bounds one TokenReview. Default 10 seconds.
	ReviewTimeout time.Duration
	// ReconcileInterval is how often the pod watcher walks its records.
	// Default 1 minute.
	ReconcileInterval time.Duration
	// RevokeGrace is how long a gone pod's record is kept (and revoked
	// again) after its last token was added: longer than a login takes.
	// Default 2 minutes.
	RevokeGrace time.Duration
	// StopTimeout bounds how long Cleanup waits for the pod watcher. It
	// can only be reached while the watcher is inside RevokeAccessor
	// waiting for the core's state lock (a seal in progress); the watcher
	// then exits on its own. Default 10 seconds.
	StopTimeout time.Duration
}

func (o *Options) fill(conf *logical.BackendConfig) {
	if o.NewClient == nil {
		o.NewClient = NewClient
	}
	if o.ReadFile == nil {
		o.ReadFile = os.ReadFile
	}
	if o.Rand == nil {
		o.Rand = rand.Reader
	}
	if o.Now == nil {
		o.Now = time.Now
		if conf.System != nil {
			o.Now = conf.System.Now
		}
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.LocalTokenRefresh, time.Minute)
	def(&o.ReviewTimeout, 10*time.Second)
	def(&o.ReconcileInterval, time.Minute)
	def(&o.RevokeGrace, 2*time.Minute)
	def(&o.StopTimeout, 10*time.Second)
}

// Factory builds a Kubernetes auth backend for a new mount.
func Factory(ctx context.Context, conf *logical.BackendConfig) (logical.Backend, error) {
	return New(ctx, conf, Options{})
}

// New builds a Kubernetes auth backend with explicit options. When the
// mount already holds a configuration, the pod watcher starts at once.
func New(ctx context.Context, conf *logical.BackendConfig, opts Options) (logical.Backend, error) {
	if conf == nil {
		return nil, fmt.Errorf("kubernetes: %w: nil backend config", logical.ErrInternal)
	}
	opts.fill(conf)
	b := &backend{opts: opts, view: conf.StorageView, sys: conf.System, tokens: conf.Tokens, log: conf.Logger}
	if b.log == nil {
		b.log = slog.New(slog.DiscardHandler)
	}
	b.local = &localCreds{read: opts.ReadFile, now: opts.Now, refresh: opts.LocalTokenRefresh}
	b.fw = &framework.Backend{
		BackendType:  logical.TypeCredential,
		PathsSpecial: &logical.Paths{Unauthenticated: []string{"login"}},
		Paths:        []*framework.Path{b.pathLogin(), b.pathConfig(), b.pathRoleList(), b.pathRole()},
	}
	if err := b.fw.Init(); err != nil {
		return nil, err
	}
	if b.view != nil {
		// A stored config that no longer builds (say, the pod's files are
		// gone) is reported at login; the mount still comes up.
		if _, err := b.connection(ctx, b.view); err != nil && !errors.Is(err, ErrNotConfigured) {
			b.log.Warn("kubernetes auth config unusable", "err", err)
		}
	}
	return b, nil
}

// backend is the Kubernetes auth method. Its fields are set at
// construction except the guarded connection and watcher state.
type backend struct {
	fw     *framework.Backend
	opts   Options
	view   storage.Backend
	sys    logical.SystemView
	tokens logical.TokenRevoker
	log    *slog.Logger
	local  *localCreds

	roleMu   sync.Mutex // serialises role writes
	podLocks podLocks

	connMu sync.Mutex // guards cn, stopWatch, closed
	cn     *conn
	// stopWatch cancels the running pod watcher; watchers tracks it.
	stopWatch context.CancelFunc
	watchers  sync.WaitGroup
	closed    bool
	// reconciles counts the watchers' reconcile passes (for tests and
	// debugging).
	reconciles atomic.Int64
}

var (
	_ logical.Backend          = (*backend)(nil)
	_ logical.ExistenceChecker = (*backend)(nil)
)

func (b *backend) now() time.Time { return b.opts.Now() }

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

// connection returns the live connection, building it from the stored
// config on first use. It answers ErrNotConfigured (500, Vault's message)
// when there is no config.
func (b *backend) connection(ctx context.Context, s storage.Backend) (*conn, error) {
	b.connMu.Lock()
	defer b.connMu.Unlock()
	if b.cn != nil {
		return b.cn, nil
	}
	c, err := getConfig(ctx, s)
	if err != nil {
		return nil, err
	}
	if c == nil {
		return nil, &logical.Error{Kind: logical.ErrInternal, Msg: ErrNotConfigured.Error(), Err: ErrNotConfigured}
	}
	cn, err := newConn(c, b.local, b.opts.NewClient)
	if err != nil {
		return nil, err
	}
	b.setConnLocked(cn)
	return cn, nil
}

// setConnLocked installs a connection and restarts the pod watcher with
// it. The old watcher is cancelled, not awaited: it may be inside
// RevokeAccessor, and it exits on its own. Callers hold connMu.
func (b *backend) setConnLocked(cn *conn) {
	b.cn = cn
	if b.stopWatch != nil {
		b.stopWatch()
		b.stopWatch = nil
	}
	if b.closed || b.view == nil || b.tokens == nil {
		return
	}
	if !cn.canWatch() {
		b.log.Warn("pod-bound tokens will not be revoked when their pod is deleted: no token_reviewer_jwt and no local service account token to watch pods with")
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	b.stopWatch = cancel
	w := &watcher{
		cn: cn, view: b.view, locks: &b.podLocks, tokens: b.tokens,
		log: b.log.With("component", "pod-watcher"), now: b.now,
		every: b.opts.ReconcileInterval, grace: b.opts.RevokeGrace,
		gone: make(chan string, 256), passes: &b.reconciles,
	}
	b.watchers.Add(1)
	go func() {
		defer b.watchers.Done()
		w.run(ctx)
	}()
}

// Cleanup implements logical.Backend: it stops the pod watcher and waits
// for it, at most StopTimeout or until ctx ends. Stored data stays.
func (b *backend) Cleanup(ctx context.Context) {
	b.connMu.Lock()
	b.closed = true
	if b.stopWatch != nil {
		b.stopWatch()
		b.stopWatch = nil
	}
	b.connMu.Unlock()
	done := make(chan struct{})
	go func() {
		b.watchers.Wait()
		close(done)
	}()
	t := time.NewTimer(b.opts.StopTimeout)
	defer t.Stop()
	select {
	case <-done:
	case <-ctx.Done():
		b.log.Warn("pod watcher still stopping after cleanup's context ended")
	case <-t.C:
		b.log.Warn("pod watcher still stopping (waiting for the core to revoke a token); it exits on its own")
	}
}
