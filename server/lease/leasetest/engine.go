package leasetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
)

// SecretType is the secret_type the engine stores in InternalData.
const SecretType = "creds"

// ErrDown is what renewals and revocations fail with while the engine is
// down.
var ErrDown = errors.New("leasetest: the credential service is down")

// Call is one renewal or revocation the engine received.
type Call struct {
	LeaseID  string
	Username string
	// TTL is req.Secret.TTL (the proposed TTL on renewal).
	TTL    time.Duration
	MaxTTL time.Duration
	// Data is the original request's data.
	Data map[string]any
}

// Engine is a secrets engine for lease tests: reading (or writing)
// creds/<role> issues {"username": "<role>-<n>", "password": ...} with
// the engine's lease settings; a "ttl" field (seconds or a duration)
// overrides the TTL. Every backend its Factory makes shares one Engine.
// Safe for concurrent use.
type Engine struct {
	mu        sync.Mutex
	ttl       time.Duration
	maxTTL    time.Duration
	renewable bool
	renewCap  time.Duration
	down      bool
	n         int
	live      map[string]bool
	renewals  []Call
	revokes   []Call
	changed   chan struct{}
}

// NewEngine returns an engine issuing renewable secrets with a one-hour TTL
// and no max TTL of its own.
func NewEngine() *Engine {
	return &Engine{ttl: time.Hour, renewable: true, live: map[string]bool{}, changed: make(chan struct{})}
}

// SetLeases sets the TTL, max TTL and renewability of secrets issued from
// now on (0 TTL: the mount's default; 0 max: the mount's).
func (e *Engine) SetLeases(ttl, maxTTL time.Duration, renewable bool) {
	e.mu.Lock()
	e.ttl, e.maxTTL, e.renewable = ttl, maxTTL, renewable
	e.mu.Unlock()
}

// SetRenewCap makes renewals answer with a TTL of at most d (0: answer
// the proposed TTL).
func (e *Engine) SetRenewCap(d time.Duration) {
	e.mu.Lock()
	e.renewCap = d
	e.mu.Unlock()
}

// SetDown makes renewals and revocations fail with ErrDown (true) or
// succeed again (false).
func (e *Engine) SetDown(down bool) {
	e.mu.Lock()
	e.down = down
	e.mu.Unlock()
}

// Live returns the usernames issued and not yet revoked, sorted.
func (e *Engine) Live() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]string, 0, len(e.live))
	for u := range e.live {
		out = append(out, u)
	}
	slices.Sort(out)
	return out
}

// IsLive reports whether username was issued and not revoked.
func (e *Engine) IsLive(username string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.live[username]
}

// Renewals returns the renewals received, in order.
func (e *Engine) Renewals() []Call {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.renewals)
}

// Revocations returns the successful revocations received, in order.
func (e *Engine) Revocations() []Call {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.revokes)
}

// Changed returns a channel closed at the next renewal or revocation
// (successful or not), so tests can wait without sleeping.
func (e *Engine) Changed() <-chan struct{} {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.changed
}

// notify wakes Changed's waiters; e.mu is held.
func (e *Engine) notify() {
	close(e.changed)
	e.changed = make(chan struct{})
}

// Factory builds a backend over the engine (a logical.Factory).
func (e *Engine) Factory(ctx context.Context, conf *logical.BackendConfig) (logical.Backend, error) {
	b := e.Backend()
	return b, nil
}

// Backend returns a backend over the engine.
func (e *Engine) Backend() logical.Backend {
	fields := map[string]*framework.FieldSchema{
		"role": {Type: framework.TypeString},
		"ttl":  {Type: framework.TypeDurationSecond},
	}
	b := &framework.Backend{
		BackendType: logical.TypeSecrets,
		Paths: []*framework.Path{{
			Pattern: "creds/" + framework.GenericNameRegex("role"),
			Fields:  fields,
			Operations: map[logical.Operation]framework.OperationFunc{
				logical.ReadOperation:   e.issue,
				logical.UpdateOperation: e.issue,
			},
		}},
		Secrets: map[string]*framework.Secret{SecretType: {Renew: e.renew, Revoke: e.revoke}},
	}
	if err := b.Init(); err != nil {
		panic(err) // constant patterns
	}
	return b
}

func (e *Engine) issue(_ context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.n++
	user := fmt.Sprintf("%s-%d", d.String("role"), e.n)
	e.live[user] = true
	ttl := e.ttl
	if t := d.Duration("ttl"); t > 0 {
		ttl = t
	}
	return &logical.Response{
		Data: map[string]any{"username": user, "password": "pw-" + user},
		Secret: &logical.Secret{
			TTL: ttl, MaxTTL: e.maxTTL, Renewable: e.renewable,
			InternalData: map[string]any{"secret_type": SecretType, "username": user},
		},
	}, nil
}

func (e *Engine) call(req *logical.Request) Call {
	u, _ := req.Secret.InternalData["username"].(string)
	return Call{LeaseID: req.Secret.LeaseID, Username: u, TTL: req.Secret.TTL, MaxTTL: req.Secret.MaxTTL, Data: req.Data}
}

func (e *Engine) renew(_ context.Context, req *logical.Request, _ *framework.FieldData) (*logical.Response, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	defer e.notify()
	if e.down {
		return nil, ErrDown
	}
	c := e.call(req)
	if !e.live[c.Username] {
		return nil, logical.Errorf(logical.ErrInvalidRequest, "no such user %q", c.Username)
	}
	e.renewals = append(e.renewals, c)
	s := *req.Secret
	if e.renewCap > 0 && s.TTL > e.renewCap {
		s.TTL = e.renewCap
	}
	return &logical.Response{Secret: &s}, nil
}

func (e *Engine) revoke(_ context.Context, req *logical.Request, _ *framework.FieldData) (*logical.Response, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	defer e.notify()
	if e.down {
		return nil, ErrDown
	}
	c := e.call(req)
	delete(e.live, c.Username) // revoking twice is fine, as revocation must be idempotent
	e.revokes = append(e.revokes, c)
	return nil, nil
}
