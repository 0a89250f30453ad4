package session

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	vault "github.com/hashicorp/vault/api"

	"github.com/cofre-io/cofre/provider/cache"
)

// Key identifies a session: one login token per pod, role and server.
// The pod's namespace and ServiceAccount are part of it, so a token is
// only ever reused for the identity it was verified for.
type Key struct {
	Target         Target
	AuthMount      string
	Role           string
	PodUID         string
	Namespace      string
	ServiceAccount string
}

// Expect is the identity a login must verify: the pod's.
type Expect struct {
	Namespace      string
	ServiceAccount string
	PodUID         string
}

// JWTFunc returns the ServiceAccount token to log in with. It is called
// only when a login is needed.
type JWTFunc func(ctx context.Context) (string, error)

// Observer is told about logins and token renewals (for metrics). Its
// methods must be safe for concurrent use; nil means nobody listens.
type Observer interface {
	Login(err error)
	TokenRenewal(err error)
}

// Config configures a Manager.
type Config struct {
	Clients *Clients
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Idle is how long an unused session is kept (default 15 minutes).
	Idle     time.Duration
	Logger   *slog.Logger
	Observer Observer
}

func (c *Config) validate() error {
	if c.Clients == nil {
		return errors.New("session: Clients is required")
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Idle <= 0 {
		c.Idle = 15 * time.Minute
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return nil
}

// Manager keeps the login tokens.
type Manager struct {
	cfg      Config
	sessions *cache.Store[Key, *session]
}

// NewManager returns a Manager.
func NewManager(cfg Config) (*Manager, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &Manager{cfg: cfg, sessions: cache.NewStore[Key, *session](cfg.Idle)}, nil
}

// session holds the current token of one key; mu serialises its logins
// and renewals.
type session struct {
	mu  sync.Mutex
	cur *Token
}

// Token is a login token in use. Its client carries the token; the state
// behind Owner changes as the token is renewed or found dead.
type Token struct {
	client *vault.Client

	mu    sync.Mutex
	state cache.Token
	dead  bool
}

// Client is a Vault API client holding the token. It must not be modified.
func (t *Token) Client() *vault.Client { return t.client }

// Owner is the token's state as an owner of leases.
func (t *Token) Owner() cache.Owner {
	t.mu.Lock()
	defer t.mu.Unlock()
	return cache.Owner{Expiry: t.state.Expiry(), Dead: t.dead}
}

func (t *Token) expiry() time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.state.Expiry()
}

func (t *Token) markDead() {
	t.mu.Lock()
	t.dead = true
	t.mu.Unlock()
}

// Sessions is the number of sessions kept.
func (m *Manager) Sessions() int { return m.sessions.Len() }

// Token returns a usable token for k: the kept one, renewed if due, or a
// new one from a login with jwt's token, whose verified identity must be
// expect.
func (m *Manager) Token(ctx context.Context, k Key, expect Expect, jwt JWTFunc) (*Token, error) {
	now := m.cfg.Now()
	m.sessions.Sweep(now)
	s := m.sessions.GetOrCreate(k, now, func() *session { return &session{} })
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.cur; t != nil {
		t.mu.Lock()
		plan, dead := t.state.Plan(m.cfg.Now()), t.dead
		t.mu.Unlock()
		switch {
		case dead:
		case plan == cache.Use:
			return t, nil
		case plan == cache.Renew:
			if m.renew(ctx, t) {
				m.sessions.Keep(k, t.expiry())
				return t, nil
			}
		}
	}
	t, err := m.login(ctx, k, expect, jwt)
	if err != nil {
		return nil, err
	}
	s.cur = t
	m.sessions.Keep(k, t.expiry())
	return t, nil
}

// renew renews t (renew-self) and reports whether it is still worth
// using.
func (m *Manager) renew(ctx context.Context, t *Token) bool {
	t.mu.Lock()
	inc := int(t.state.OriginalTTL / time.Second)
	t.mu.Unlock()
	sec, err := t.client.Auth().Token().RenewSelfWithContext(ctx, inc)
	if err == nil && (sec == nil || sec.Auth == nil) {
		err = errors.New("renewal answered without auth")
	}
	if m.cfg.Observer != nil {
		m.cfg.Observer.TokenRenewal(err)
	}
	if err != nil {
		m.cfg.Logger.Info("token renewal failed; logging in again", "err", Classify(err))
		return false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.state.Renewed(m.cfg.Now(), time.Duration(sec.Auth.LeaseDuration)*time.Second)
}

// Refused is called after the server answered 403 to a request made with
// t. It asks the server whether t is still valid (lookup-self): if not, t
// is marked dead, the next Token call logs in again, and Refused reports
// true (worth retrying). A valid token means a policy denial: false.
func (m *Manager) Refused(ctx context.Context, t *Token) bool {
	_, err := t.client.Auth().Token().LookupSelfWithContext(ctx)
	if errors.Is(Classify(err), ErrDenied) {
		t.markDead()
		return true
	}
	return false
}

// Forget drops the session of k (after its identity could not be
// verified, say).
func (m *Manager) Forget(k Key) { m.sessions.Delete(k) }

// login logs in and checks the identity the server verified.
func (m *Manager) login(ctx context.Context, k Key, expect Expect, jwt JWTFunc) (*Token, error) {
	tok, err := m.doLogin(ctx, k, expect, jwt)
	if m.cfg.Observer != nil {
		m.cfg.Observer.Login(err)
	}
	return tok, err
}

func (m *Manager) doLogin(ctx context.Context, k Key, expect Expect, jwt JWTFunc) (*Token, error) {
	base, err := m.cfg.Clients.For(k.Target)
	if err != nil {
		return nil, err
	}
	sa, err := jwt(ctx)
	if err != nil {
		return nil, err
	}
	before := m.cfg.Now()
	sec, err := base.Logical().WriteWithContext(ctx, "auth/"+k.AuthMount+"/login", map[string]any{"jwt": sa, "role": k.Role})
	if err != nil {
		err = Classify(err)
		if errors.Is(err, ErrUnavailable) {
			return nil, fmt.Errorf("login at auth/%s as role %q: %w", k.AuthMount, k.Role, err)
		}
		return nil, fmt.Errorf("%w: auth/%s role %q: %w", ErrLoginRefused, k.AuthMount, k.Role, err)
	}
	if sec == nil || sec.Auth == nil || sec.Auth.ClientToken == "" {
		return nil, fmt.Errorf("%w: auth/%s answered without a token", ErrLoginRefused, k.AuthMount)
	}
	client, err := base.Clone()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	client.ClearNamespace()
	client.SetToken(sec.Auth.ClientToken)
	if err := checkIdentity(sec.Auth.Metadata, expect); err != nil {
		// Not the pod's token: do not keep (or leave valid) what it got.
		if rerr := client.Auth().Token().RevokeSelfWithContext(ctx, ""); rerr != nil {
			m.cfg.Logger.Warn("could not revoke a mismatched login's token", "err", Classify(rerr))
		}
		return nil, err
	}
	ttl := time.Duration(sec.Auth.LeaseDuration) * time.Second
	return &Token{client: client, state: cache.Token{
		TTL: ttl, OriginalTTL: ttl, Refreshed: before, Renewable: sec.Auth.Renewable,
	}}, nil
}

// checkIdentity compares the identity the server verified with the pod's.
func checkIdentity(md map[string]string, want Expect) error {
	if md["service_account_namespace"] != want.Namespace || md["service_account_name"] != want.ServiceAccount {
		return fmt.Errorf("%w: the token belongs to ServiceAccount %s/%s, the pod runs as %s/%s", ErrIdentityMismatch,
			md["service_account_namespace"], md["service_account_name"], want.Namespace, want.ServiceAccount)
	}
	if uid := md["pod_uid"]; uid != "" && uid != want.PodUID {
		return fmt.Errorf("%w: the token is bound to pod UID %s, not %s", ErrIdentityMismatch, uid, want.PodUID)
	}
	return nil
}
