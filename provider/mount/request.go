package mount

import (
	"context"
	"fmt"
	"sync"

	"github.com/cofre-io/cofre/provider/identity"
	"github.com/cofre-io/cofre/provider/params"
	"github.com/cofre-io/cofre/provider/session"
)

// mountCtx is what one Mount needs to talk to the server.
type mountCtx struct {
	sessions *session.Manager

	req    *params.Request
	key    session.Key
	expect session.Expect
	jwt    session.JWTFunc
	// mu guards tok: the newest token this Mount knows of. Requests that
	// find it dead get a newer one from the session manager.
	mu  sync.Mutex
	tok *session.Token
}

// token returns the Mount's token, replaced by the session's current one
// (logging in if needed) once it is known dead.
func (m *mountCtx) token(ctx context.Context) (*session.Token, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.tok != nil && !m.tok.Owner().Dead {
		return m.tok, nil
	}
	tok, err := m.sessions.Token(ctx, m.key, m.expect, m.jwt)
	if err != nil {
		return nil, err
	}
	m.tok = tok
	return tok, nil
}

func (p *Provider) newMount(req *params.Request) (*mountCtx, error) {
	c := req.Class
	addr := c.Address
	if addr == "" {
		addr = p.cfg.DefaultAddress
	}
	if addr == "" {
		return nil, ErrNoAddress
	}
	tls := c.TLS
	if tls.CACertPath == "" {
		tls.CACertPath = p.cfg.DefaultCACert
	}
	m := &mountCtx{
		sessions: p.cfg.Sessions,
		req:      req,
		key: session.Key{
			Target: session.Target{Address: addr, TLS: tls}, AuthMount: c.AuthMountPath, Role: c.RoleName,
			PodUID: req.Pod.UID, Namespace: req.Pod.Namespace, ServiceAccount: req.Pod.ServiceAccount,
		},
		expect: session.Expect{
			Namespace: req.Pod.Namespace, ServiceAccount: req.Pod.ServiceAccount, PodUID: req.Pod.UID,
		},
	}
	m.jwt = func(ctx context.Context) (string, error) {
		tok, src, err := identity.Token(ctx, req, p.cfg.Requester, p.cfg.Now())
		if err != nil {
			return "", err
		}
		p.cfg.Logger.Debug("logging in", "pod", req.Pod.Namespace+"/"+req.Pod.Name, "role", c.RoleName, "token_source", string(src))
		return tok, nil
	}
	return m, nil
}

// describe names an object's request in errors (no arguments: they may be
// sensitive).
func describe(o *params.Object) string {
	return fmt.Sprintf("%s %s", o.Method, o.Path)
}
