package lease

import (
	"context"
	"fmt"
	"maps"
	"time"

	"github.com/cofre-io/cofre/server/logical"
)

// Registration describes a secret a backend just issued.
type Registration struct {
	// MountPath, MountAccessor and MountType name the issuing mount;
	// Path is the request path relative to it.
	MountPath     string
	MountAccessor string
	MountType     string
	Path          string
	Secret        *logical.Secret
	// RequestData is the request's data, kept for the backend's renew and
	// revoke calls.
	RequestData map[string]any
	// Token is the HashedID of the token that read the secret ("" for
	// none); IndexToken is the token whose revocation revokes the lease
	// (Token, or a batch token's parent; "" for none).
	Token      string
	IndexToken string
	// NotAfter, when set, bounds the lease's whole life (a batch token's
	// expiry).
	NotAfter time.Time
	Limits   Limits
}

// Register gives a secret a lease: it computes the TTL (IssueTTL), stores
// the lease with its indexes and arms its expiry. It returns nil, nil when
// the TTL works out to zero (no lease). If the lease cannot be stored the
// secret is revoked at the backend right away (best effort) so it does not
// outlive a lease nobody knows of, and the storage error is returned.
func (m *Manager) Register(ctx context.Context, r Registration) (*Entry, error) {
	if r.Secret == nil {
		return nil, ErrNoSecret
	}
	sc, err := m.scheduler()
	if err != nil {
		return nil, err
	}
	now := m.now()
	ttl, maxExpire := IssueTTL(now, r.Secret, r.Limits, r.NotAfter)
	if ttl <= 0 {
		return nil, nil
	}
	rel := validUTF8Path(r.Path)
	path, err := leasePath(validUTF8Path(r.MountPath), rel)
	if err != nil {
		return nil, err
	}
	suffix, err := randomSuffix(m.cfg.Rand)
	if err != nil {
		return nil, err
	}
	e := &Entry{
		ID:            path + "/" + suffix,
		Path:          rel,
		MountPath:     r.MountPath,
		MountAccessor: r.MountAccessor,
		MountType:     r.MountType,
		Token:         r.Token,
		IndexToken:    r.IndexToken,
		IssueTime:     now,
		ExpireTime:    now.Add(ttl),
		TTL:           ttl,
		MaxExpire:     maxExpire,
		Renewable:     r.Secret.Renewable,
		InternalData:  maps.Clone(r.Secret.InternalData),
		RequestData:   maps.Clone(r.RequestData),
	}
	buf, err := encodeEntry(e)
	if err != nil {
		return nil, err
	}
	// Held while writing: without transactions the expiry is armed before
	// the entry exists, and must not fire in between.
	unlock := m.locks.lock(e.ID)
	defer unlock()
	if err := m.writeNew(ctx, sc, e, buf); err != nil {
		m.abandon(ctx, buf)
		return nil, fmt.Errorf("lease: register: %w", err)
	}
	return e, nil
}

// abandon revokes at the backend a secret whose lease could not be stored.
func (m *Manager) abandon(ctx context.Context, buf []byte) {
	e, err := decodeEntry(buf) // the backend sees what it would after a reload
	if err != nil {
		m.cfg.Logger.Error("a secret whose lease could not be stored may outlive its TTL", "err", err)
		return
	}
	if err := m.callBackendRevoke(context.WithoutCancel(ctx), e); err != nil {
		m.cfg.Logger.Error("revoking a secret whose lease could not be stored failed; it may outlive its TTL", "path", e.FullPath(), "err", err)
	}
}
