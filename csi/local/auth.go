package local

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	vault "github.com/hashicorp/vault/api"

	"github.com/cofre-io/cofre/provider/cache"
)

// ErrAuth: no usable credentials, or the server refused them.
var ErrAuth = errors.New("authentication failed")

// login is one token and what is known of its lifetime. The leases a
// secret carries die with the token it was issued under, so kept secrets
// point at their login.
type login struct {
	token string
	mu    sync.Mutex
	state cache.Token
}

// owner is the login's state as the lease rules need it.
func (l *login) owner() cache.Owner {
	l.mu.Lock()
	defer l.mu.Unlock()
	return cache.Owner{Expiry: l.state.Expiry()}
}

// auth hands out a token: the one given (renewed with renew-self while
// renewable), or one from an AppRole login (renewed, and logged in again
// near its max TTL or when refused).
type auth struct {
	base  *vault.Client
	token string // a given token; "" with AppRole
	// AppRole credentials and mount.
	roleID, secretID, mount string
	now                     func() time.Time

	mu  sync.Mutex
	cur *login
}

// client returns a client holding a usable token, and that token's login.
func (a *auth) client(ctx context.Context) (*vault.Client, *login, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.cur == nil {
		if err := a.start(ctx); err != nil {
			return nil, nil, err
		}
	}
	l := a.cur
	l.mu.Lock()
	plan := l.state.Plan(a.now())
	l.mu.Unlock()
	switch plan {
	case cache.Renew:
		if !a.renew(ctx, l) && a.token == "" {
			if err := a.start(ctx); err != nil {
				return nil, nil, err
			}
		}
	case cache.Issue:
		if a.token != "" {
			return nil, nil, fmt.Errorf("%w: the token has expired", ErrAuth)
		}
		if err := a.start(ctx); err != nil {
			return nil, nil, err
		}
	}
	c, err := a.base.Clone()
	if err != nil {
		return nil, nil, err
	}
	c.SetToken(a.cur.token)
	return c, a.cur, nil
}

// refused is called after a 403: with AppRole the next call logs in again.
func (a *auth) refused(l *login) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.token != "" || a.cur != l {
		return a.token == "" // someone already logged in again
	}
	a.cur = nil
	return true
}

// start looks the given token up, or logs in with AppRole (a.mu held).
func (a *auth) start(ctx context.Context) error {
	c, err := a.base.Clone()
	if err != nil {
		return err
	}
	now := a.now()
	if a.token != "" {
		c.SetToken(a.token)
		s, err := c.Auth().Token().LookupSelfWithContext(ctx)
		if err != nil {
			return fmt.Errorf("%w: token lookup: %v", ErrAuth, err)
		}
		ttl, _ := s.TokenTTL()
		renewable, _ := s.TokenIsRenewable()
		a.cur = &login{token: a.token, state: cache.Token{TTL: ttl, OriginalTTL: ttl, Refreshed: now, Renewable: renewable}}
		return nil
	}
	s, err := c.Logical().WriteWithContext(ctx, "auth/"+a.mount+"/login", map[string]any{"role_id": a.roleID, "secret_id": a.secretID})
	if err != nil {
		return fmt.Errorf("%w: AppRole login at auth/%s: %v", ErrAuth, a.mount, err)
	}
	if s == nil || s.Auth == nil || s.Auth.ClientToken == "" {
		return fmt.Errorf("%w: AppRole login returned no token", ErrAuth)
	}
	ttl := time.Duration(s.Auth.LeaseDuration) * time.Second
	a.cur = &login{token: s.Auth.ClientToken, state: cache.Token{TTL: ttl, OriginalTTL: ttl, Refreshed: now, Renewable: s.Auth.Renewable}}
	return nil
}

// renew renews l with renew-self and reports whether it is still worth
// using (a.mu held).
func (a *auth) renew(ctx context.Context, l *login) bool {
	c, err := a.base.Clone()
	if err != nil {
		return false
	}
	c.SetToken(l.token)
	l.mu.Lock()
	inc := int(l.state.OriginalTTL / time.Second)
	l.mu.Unlock()
	s, err := c.Auth().Token().RenewSelfWithContext(ctx, inc)
	if err != nil || s == nil || s.Auth == nil {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.state.Renewed(a.now(), time.Duration(s.Auth.LeaseDuration)*time.Second)
}
