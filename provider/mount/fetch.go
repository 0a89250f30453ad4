package mount

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"strconv"
	"time"

	vault "github.com/hashicorp/vault/api"

	"github.com/cofre-io/cofre/provider/cache"
	"github.com/cofre-io/cofre/provider/params"
	"github.com/cofre-io/cofre/provider/session"
)

// fetched is what one request gave: the secret's data (nil with notFound
// when the server has none) and when it next needs attention.
type fetched struct {
	data     map[string]any
	notFound bool
	next     time.Time
	// owner is the token a kept secret was issued under; nil when it came
	// from the server in this Mount.
	owner *session.Token
}

// get obtains the secret o asks for: kept, renewed, or from the server.
// Calls for one pod are serialised by the caller, so the kept entry is
// not shared with another goroutine.
func (p *Provider) get(ctx context.Context, m *mountCtx, o *params.Object) (fetched, error) {
	now := p.cfg.Now()
	k := secretKey{session: m.key, request: o.RequestKey()}
	if kp, ok := p.secrets.Get(k, now); ok {
		owner := kp.owner.Owner()
		switch kp.secret.Plan(now, owner) {
		case cache.Use:
			p.cfg.Observer.Secret("hit")
			return fetched{data: kp.secret.Data, next: kp.secret.Next(owner), owner: kp.owner}, nil
		case cache.Renew:
			if p.renew(ctx, m, kp) {
				p.cfg.Observer.Secret("renewed")
				p.secrets.Keep(k, kp.secret.KeepUntil())
				return fetched{data: kp.secret.Data, next: kp.secret.Next(kp.owner.Owner()), owner: kp.owner}, nil
			}
		}
	}
	sec, tok, err := p.request(ctx, m, o)
	if errors.Is(err, session.ErrNotFound) {
		p.secrets.Delete(k)
		return fetched{notFound: true}, nil
	}
	if err != nil {
		return fetched{}, fmt.Errorf("%s: %w", describe(o), err)
	}
	s := newSecret(sec, o, p.cfg.Now())
	if s.Plan(p.cfg.Now(), tok.Owner()) == cache.Issue {
		// Not worth keeping (a read): read again next time.
		p.secrets.Delete(k)
		p.cfg.Observer.Secret("read")
		return fetched{data: s.Data}, nil
	}
	p.secrets.Put(k, &kept{secret: s, owner: tok}, p.cfg.Now(), s.KeepUntil())
	p.cfg.Observer.Secret("issued")
	return fetched{data: s.Data, next: s.Next(tok.Owner())}, nil
}

// renew renews the kept lease with the Mount's current token and reports
// whether the secret may still be used.
func (p *Provider) renew(ctx context.Context, m *mountCtx, kp *kept) bool {
	inc := int(kp.secret.OriginalTTL / time.Second)
	tok, err := m.token(ctx)
	if err != nil {
		return false
	}
	sec, err := tok.Client().Sys().RenewWithContext(ctx, kp.secret.LeaseID, inc)
	if err == nil && sec == nil {
		err = errors.New("renewal answered nothing")
	}
	p.cfg.Observer.LeaseRenewal(err)
	if err != nil {
		p.cfg.Logger.Info("lease renewal failed; issuing anew", "pod", m.req.Pod.Namespace+"/"+m.req.Pod.Name, "err", session.Classify(err))
		return false
	}
	keep := kp.secret.Renewed(p.cfg.Now(), time.Duration(sec.LeaseDuration)*time.Second)
	if !keep {
		p.cfg.Logger.Info("lease near its max TTL; issuing anew", "pod", m.req.Pod.Namespace+"/"+m.req.Pod.Name)
	}
	return keep
}

// request asks the server for o's secret with the Mount's token. A 403
// with a token the server no longer knows (revoked, expired) is retried
// once after logging in again. It returns the token that succeeded. A
// missing secret is session.ErrNotFound.
func (p *Provider) request(ctx context.Context, m *mountCtx, o *params.Object) (*vault.Secret, *session.Token, error) {
	tok, err := m.token(ctx)
	if err != nil {
		return nil, nil, err
	}
	sec, err := do(ctx, tok.Client(), o)
	if errors.Is(err, session.ErrDenied) && p.cfg.Sessions.Refused(ctx, tok) {
		if tok, err = m.token(ctx); err != nil {
			return nil, nil, err
		}
		sec, err = do(ctx, tok.Client(), o)
	}
	if err != nil {
		return nil, nil, err
	}
	if sec == nil {
		return nil, nil, session.ErrNotFound
	}
	return sec, tok, nil
}

func do(ctx context.Context, c *vault.Client, o *params.Object) (*vault.Secret, error) {
	var sec *vault.Secret
	var err error
	if o.Method == params.MethodGet {
		sec, err = c.Logical().ReadWithDataWithContext(ctx, o.Path, o.Query)
	} else {
		sec, err = c.Logical().WriteWithContext(ctx, o.Path, o.Args)
	}
	return sec, session.Classify(err)
}

// newSecret turns an answer into what the cache keeps.
func newSecret(sec *vault.Secret, o *params.Object, now time.Time) cache.Secret {
	ttl := time.Duration(sec.LeaseDuration) * time.Second
	s := cache.Secret{
		Data: sec.Data, LeaseID: sec.LeaseID, Renewable: sec.Renewable,
		TTL: ttl, OriginalTTL: ttl, Refreshed: now, Issued: now, Write: o.IsWrite(),
	}
	if s.Write && s.LeaseID == "" {
		s.NotAfter = notAfter(sec.Data)
	}
	return s
}

// notAfter finds the validity end of an issued secret: the "expiration"
// field (Unix seconds, as pki/issue returns it), else the NotAfter of a
// "certificate" in PEM.
func notAfter(data map[string]any) time.Time {
	switch e := data["expiration"].(type) {
	case json.Number:
		if n, err := e.Int64(); err == nil && n > 0 {
			return time.Unix(n, 0)
		}
	case string:
		if n, err := strconv.ParseInt(e, 10, 64); err == nil && n > 0 {
			return time.Unix(n, 0)
		}
	}
	if c, ok := data["certificate"].(string); ok {
		if b, _ := pem.Decode([]byte(c)); b != nil && b.Type == "CERTIFICATE" {
			if cert, err := x509.ParseCertificate(b.Bytes); err == nil {
				return cert.NotAfter
			}
		}
	}
	return time.Time{}
}
