package core

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cofre-io/cofre/server/expire"
	"github.com/cofre-io/cofre/server/lease"
	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/mount"
	"github.com/cofre-io/cofre/server/policy"
	"github.com/cofre-io/cofre/server/storage"
	"github.com/cofre-io/cofre/server/token"
)

// leaseStoragePrefix is the expiration manager's view of the barrier.
const leaseStoragePrefix = "sys/expire/"

// newLeaseManager builds the expiration manager over the encrypted storage
// and registers its token revocation hook.
func (c *Core) newLeaseManager(encrypted storage.Backend) error {
	m, err := lease.New(lease.Config{
		Storage: storage.NewView(encrypted, leaseStoragePrefix),
		Mounts:  leaseMounts{c},
		Tokens:  leaseTokens{c},
		Clock:   coreClock{c.cfg.Now},
		Rand:    c.cfg.Rand,
		Logger:  c.cfg.Logger.With("component", "leases"),
	})
	if err != nil {
		return err
	}
	c.leases = m
	c.tokens.OnRevoke(c.revokeTokenLeases)
	return nil
}

// Leases exposes the expiration manager to the system backend.
func (c *Core) Leases() *lease.Manager { return c.leases }

// registerLease gives a response's secret a lease tied to the token that
// read it (see lease.Manager.Register). Nothing is registered when the
// secret already has a lease (an unwrapped or renewed response), or comes
// from a KV mount (its ttl is advisory: Vault gives no lease). Leases
// obtained with a batch token are tied to the batch token's parent (none
// for an orphan batch token) and never outlive the batch token itself.
func (c *Core) registerLease(ctx context.Context, req *logical.Request, route *mount.Route, te *token.Entry, resp *logical.Response) error {
	s := resp.Secret
	if s.LeaseID != "" || route.Entry.Type == "kv" {
		return nil
	}
	reg := lease.Registration{
		MountPath:     route.Entry.RoutePath(),
		MountAccessor: route.Entry.Accessor,
		MountType:     route.Entry.Type,
		Path:          req.Path,
		Secret:        s,
		RequestData:   req.Data,
	}
	if route.System != nil {
		reg.Limits = lease.Limits{DefaultTTL: route.System.DefaultLeaseTTL(), MaxTTL: route.System.MaxLeaseTTL()}
	} else {
		d := c.mounts.Defaults()
		reg.Limits = lease.Limits{DefaultTTL: d.DefaultLeaseTTL, MaxTTL: d.MaxLeaseTTL}
	}
	if te != nil {
		reg.Token, reg.IndexToken = te.HashedID, te.HashedID
		if te.Type == token.TypeBatch {
			reg.IndexToken, reg.NotAfter = te.Parent, te.ExpireTime
		}
	}
	e, err := c.leases.Register(ctx, reg)
	if err != nil {
		return fmt.Errorf("core: register lease: %w", err)
	}
	if e == nil {
		return nil
	}
	s.LeaseID = e.ID
	s.TTL = e.ExpireTime.Sub(e.IssueTime)
	s.IssueTime = e.IssueTime
	s.Renewable = e.Renewable
	if !e.MaxExpire.IsZero() {
		s.MaxTTL = e.MaxExpire.Sub(e.IssueTime)
	}
	return nil
}

// revokeTokenLeases is the token store's revocation hook: it revokes (or
// queues) the leases tied to a revoked token. The store runs it for every
// token of a revoked subtree.
func (c *Core) revokeTokenLeases(ctx context.Context, te *token.Entry) error {
	if te == nil || te.Type == token.TypeBatch {
		return nil
	}
	return c.leases.RevokeByToken(ctx, te.HashedID)
}

// errLeasesPending refuses to disable a mount whose leases are still being
// revoked in the background.
var errLeasesPending = errors.New("leases are still being revoked")

// revokeMountLeases runs before a mount is disabled: it revokes the
// mount's leases, and refuses the unmount when a revocation failed or more
// leases remain than one call revokes (they are queued; disabling again
// later succeeds once they are gone).
func (c *Core) revokeMountLeases(ctx context.Context, e *mount.Entry) error {
	res, err := c.leases.RevokeMount(ctx, e.RoutePath(), e.Accessor)
	if err != nil {
		return logical.Errorf(logical.ErrInvalidRequest, "failed to revoke the leases of %s: %s", e.RoutePath(), logical.CodedMessage(err))
	}
	if res.Queued > 0 {
		return &logical.Error{Kind: logical.ErrInvalidRequest, Err: errLeasesPending,
			Msg: fmt.Sprintf("%d leases of %s are still being revoked in the background; disable it again once they are gone", res.Queued, e.RoutePath())}
	}
	return nil
}

// LeaseAccess reports whether the caller may renew or look up a lease: it
// is the root token, the token that obtained the lease, or holds "update"
// on path (e.g. sys/leases/renew/<lease id>).
func (c *Core) LeaseAccess(ctx context.Context, caller *logical.Caller, e *lease.Entry, path string) bool {
	if caller == nil {
		return false
	}
	if caller.Root {
		return true
	}
	if e.Token != "" {
		if h, err := c.tokens.Hash(caller.TokenID); err == nil && h == e.Token {
			return true
		}
	}
	acl, err := c.policies.ACL(caller.Policies)
	if err != nil {
		return false
	}
	return acl.Allowed(policy.Request{Op: policy.Update, Path: strings.TrimPrefix(path, "/")}).Allowed
}

// leaseMounts finds a lease's backend by route path and accessor.
type leaseMounts struct{ c *Core }

func (m leaseMounts) Mount(path, accessor string) (*lease.Mount, error) {
	route, rel, ok := m.c.mounts.Route(path)
	if !ok || rel != "" || route.Entry.Accessor != accessor {
		return nil, fmt.Errorf("%w (was at %s)", lease.ErrMountGone, path)
	}
	mt := &lease.Mount{Backend: route.Backend, Storage: route.View, Type: route.Entry.Type}
	if route.System != nil {
		mt.MaxTTL = route.System.MaxLeaseTTL()
	}
	return mt, nil
}

// leaseTokens tells lease tidy which tokens still exist.
type leaseTokens struct{ c *Core }

func (t leaseTokens) TokenExists(ctx context.Context, hashed string) (bool, error) {
	_, err := t.c.tokens.LookupHashed(ctx, hashed)
	if errors.Is(err, token.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// coreClock is the core's Now with real timers.
type coreClock struct{ now func() time.Time }

func (k coreClock) Now() time.Time { return k.now() }

func (coreClock) NewTimer(d time.Duration) expire.Timer { return expire.RealClock{}.NewTimer(d) }
