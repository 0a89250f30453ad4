package core

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/cofre-io/cofre/server/auth/tokenauth"
	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/mount"
	"github.com/cofre-io/cofre/server/policy"
	"github.com/cofre-io/cofre/server/token"
)

// useToken counts one use of a token with num_uses. On its last use the
// token stops resolving at once; the request in flight still runs, and
// revokeIfUsedUp (or, failing that, the token store's expiry scheduler)
// revokes it afterwards.
func (c *Core) useToken(ctx context.Context, te *token.Entry) error {
	if te.NumUses == 0 {
		return nil
	}
	updated, err := c.tokens.Use(ctx, te)
	if errors.Is(err, token.ErrNotFound) {
		return errPermissionDenied
	}
	if err != nil {
		return err
	}
	te.NumUses = updated.NumUses
	return nil
}

// revokeIfUsedUp revokes te if the request just handled was its last use.
// HandleRequest should defer it right after useToken.
func (c *Core) revokeIfUsedUp(ctx context.Context, te *token.Entry) {
	if te == nil || !te.RevocationPending() {
		return
	}
	if err := c.tokens.Revoke(context.WithoutCancel(ctx), te); err != nil {
		c.log.Warn("revoking used-up token failed; the expiry scheduler will retry", "accessor", te.Accessor, "err", err)
	}
}

// checkBoundCIDRs refuses a token bound to CIDR blocks when the request
// comes from outside them (Vault answers 403).
func checkBoundCIDRs(te *token.Entry, req *logical.Request) error {
	if te == nil || len(te.BoundCIDRs) == 0 {
		return nil
	}
	remote := ""
	if req.Connection != nil {
		remote = req.Connection.RemoteAddr
	}
	if !token.AddrAllowed(remote, te.BoundCIDRs) {
		return errPermissionDenied
	}
	return nil
}

// issueAuth turns a login's Auth into an orphan token and fills the Auth
// with what the client sees. Auths from the token backend itself (created
// or renewed tokens) pass through untouched.
func (c *Core) issueAuth(ctx context.Context, req *logical.Request, me *mount.Entry, parent *token.Entry, a *logical.Auth) error {
	if a.ClientToken != "" || me.Type == "token" {
		return nil
	}
	_ = parent // logins create orphans, whoever called
	asked := a.TokenPolicies
	if len(asked) == 0 {
		asked = a.Policies
	}
	if slices.Contains(token.SanitizePolicies(asked, false), token.RootPolicy) {
		return logical.Errorf(logical.ErrInvalidRequest, "auth methods cannot create root tokens")
	}
	policies := token.SanitizePolicies(asked, !a.NoDefaultPolicy)
	typ := loginTokenType(a.TokenType, me.Config.TokenType)
	now := c.cfg.Now().UTC()
	period, explicit, numUses, renewable := a.Period, a.ExplicitMaxTTL, a.NumUses, a.Renewable
	if typ == token.TypeBatch {
		period, numUses, renewable = 0, 0, false
	}
	ttl, _, err := token.CalculateTTL(token.TTLRequest{
		Now: now, TTL: a.TTL, Period: period, BackendMaxTTL: a.MaxTTL,
		ExplicitMaxTTL: explicit, Limits: c.mountLimits(me.RoutePath()),
	})
	if err != nil {
		return err
	}
	source := strings.ReplaceAll(strings.TrimPrefix(req.MountPoint, "auth/"), "/", "-")
	e := &token.Entry{
		Policies:       policies,
		Path:           req.MountPoint + req.Path,
		Meta:           a.Metadata,
		DisplayName:    strings.TrimRight(source+a.DisplayName, "-"),
		NumUses:        numUses,
		CreationTime:   now,
		TTL:            ttl,
		ExplicitMaxTTL: explicit,
		Period:         period,
		ExpireTime:     now.Truncate(time.Second).Add(ttl),
		Type:           typ,
		Renewable:      renewable,
		EntityID:       a.EntityID,
		BoundCIDRs:     a.BoundCIDRs,
		InternalData:   a.InternalData,
	}
	if typ == token.TypeService {
		// A method may choose the accessor (kubernetes auth indexes it by
		// pod so it can revoke the pod's tokens later).
		e.Accessor = a.Accessor
	}
	created, err := c.tokens.Create(ctx, e)
	if err != nil {
		return err
	}
	a.ClientToken = created.ID
	a.Accessor = created.Accessor
	a.Policies = created.Policies
	a.TokenPolicies = created.Policies
	a.TTL = created.TTL
	a.Period = created.Period
	a.ExplicitMaxTTL = created.ExplicitMaxTTL
	a.Renewable = created.Renewable
	a.TokenType = created.Type
	a.Orphan = true
	a.NumUses = created.NumUses
	a.IssueTime = created.CreationTime
	return nil
}

// loginTokenType picks a login token's type: a mount tuned to "service" or
// "batch" decides; otherwise the auth method's choice; otherwise the
// mount's default ("default-batch" or service).
func loginTokenType(asked, mountType string) string {
	switch mountType {
	case token.TypeService, token.TypeBatch:
		return mountType
	}
	switch asked {
	case token.TypeService, token.TypeBatch:
		return asked
	}
	if mountType == "default-batch" {
		return token.TypeBatch
	}
	return token.TypeService
}

// mountLimits returns the TTL limits of the mount serving path.
func (c *Core) mountLimits(path string) token.Limits {
	if route, _, ok := c.mounts.Route(path); ok && route.System != nil {
		return token.Limits{DefaultTTL: route.System.DefaultLeaseTTL(), MaxTTL: route.System.MaxLeaseTTL()}
	}
	d := c.mounts.Defaults()
	return token.Limits{DefaultTTL: d.DefaultLeaseTTL, MaxTTL: d.MaxLeaseTTL}
}

// sudoPrivilege reports whether te holds sudo on path.
func (c *Core) sudoPrivilege(te *token.Entry, path string) bool {
	if te == nil {
		return false
	}
	if te.IsRoot() {
		return true
	}
	acl, err := c.policies.ACL(te.Policies)
	if err != nil {
		return false
	}
	res := acl.Allowed(policy.Request{Op: policy.Update, Path: strings.TrimPrefix(path, "/")})
	return res.Sudo
}

// tokenBackendCore is what the auth/token/ backend sees of the core.
type tokenBackendCore struct{ c *Core }

var (
	_ tokenauth.Core          = tokenBackendCore{}
	_ tokenauth.PolicyChecker = tokenBackendCore{}
	_ tokenauth.AuthRenewer   = tokenBackendCore{}
)

func (t tokenBackendCore) RenewAuth(ctx context.Context, te *token.Entry, increment time.Duration) (time.Duration, error) {
	return t.c.RenewAuth(ctx, te, increment)
}

func (t tokenBackendCore) Tokens() *token.Store { return t.c.tokens }

func (t tokenBackendCore) SudoPrivilege(_ context.Context, te *token.Entry, path string) bool {
	return t.c.sudoPrivilege(te, path)
}

func (t tokenBackendCore) TokenLimits(path string) token.Limits { return t.c.mountLimits(path) }

func (t tokenBackendCore) PolicyExists(name string) bool {
	if name == policy.DefaultPolicyName {
		return true
	}
	_, ok := t.c.policies.Get(name)
	return ok
}

// tokenFactory builds the auth/token/ backend.
func (c *Core) tokenFactory(ctx context.Context, conf *logical.BackendConfig) (logical.Backend, error) {
	return tokenauth.New(tokenBackendCore{c}, conf)
}

// RevokeAccessor revokes the token (and its tree) with the given accessor.
// Auth methods call it from their own goroutines (the kubernetes method's
// pod watcher); a missing token is not an error.
func (c *Core) RevokeAccessor(ctx context.Context, accessor string) error {
	c.stateLock.RLock()
	defer c.stateLock.RUnlock()
	if c.barrier.Sealed() {
		return logical.ErrSealed
	}
	te, err := c.tokens.LookupAccessor(ctx, accessor)
	if errors.Is(err, token.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return c.tokens.Revoke(ctx, te)
}

// RenewAuth asks the auth method that issued te whether it may be renewed
// (the role or user still exists and still matches) and returns the max TTL
// the method's role or user sets now (0: none); tokens of the token store
// itself need no such check. It runs inside the renewing request and takes
// no lock.
func (c *Core) RenewAuth(ctx context.Context, te *token.Entry, increment time.Duration) (time.Duration, error) {
	route, rel, ok := c.mounts.Route(te.Path)
	if !ok || route.Entry.Type == "token" {
		return 0, nil
	}
	req := &logical.Request{
		Operation:     logical.RenewOperation,
		Path:          rel,
		MountPoint:    route.Entry.RoutePath(),
		MountType:     route.Entry.Type,
		MountAccessor: route.Entry.Accessor,
		Storage:       route.View,
		Auth: &logical.Auth{
			Accessor:       te.Accessor,
			DisplayName:    te.DisplayName,
			Policies:       te.Policies,
			TokenPolicies:  te.Policies,
			Metadata:       te.Meta,
			TTL:            increment,
			ExplicitMaxTTL: te.ExplicitMaxTTL,
			Period:         te.Period,
			NumUses:        te.NumUses,
			Renewable:      te.Renewable,
			TokenType:      te.Type,
			EntityID:       te.EntityID,
			BoundCIDRs:     te.BoundCIDRs,
			InternalData:   te.InternalData,
			IssueTime:      te.CreationTime,
		},
	}
	resp, err := route.Backend.HandleRequest(ctx, req)
	if err != nil {
		if errors.Is(err, logical.ErrUnsupportedOperation) {
			return 0, nil // the method has no renewal check
		}
		return 0, err
	}
	if resp != nil && resp.Auth != nil {
		return resp.Auth.MaxTTL, nil
	}
	return 0, nil
}
