package core

import (
	"context"

	"github.com/cofre-io/cofre/server/logical"
)

// SealWithToken seals the server if token may update sys/seal with sudo.
func (c *Core) SealWithToken(ctx context.Context, tok string) error {
	if err := c.checkSudo(ctx, tok, "sys/seal"); err != nil {
		return err
	}
	c.Seal(ctx)
	return nil
}

// checkSudo authorises an update with sudo on path outside the router.
func (c *Core) checkSudo(ctx context.Context, tok, path string) error {
	c.stateLock.RLock()
	defer c.stateLock.RUnlock()
	if c.barrier.Sealed() {
		return logical.ErrSealed
	}
	te, err := c.resolveToken(ctx, tok)
	if err != nil {
		return err
	}
	route, rel, _ := c.mounts.Route(path)
	req := &logical.Request{Operation: logical.UpdateOperation, Path: path}
	c.prepare(req, route, rel, te)
	return c.authorize(ctx, te, route, path, req)
}

// LeaderInfo is what sys/leader reports.
type LeaderInfo struct {
	HAEnabled     bool
	IsSelf        bool
	LeaderAddress string
	ClusterAddr   string
}

// haBackend is implemented by storage that elects a leader (Raft).
type haBackend interface {
	IsLeader() bool
	LeaderAddr() string
}

// Leader reports the HA state for sys/leader and sys/health.
func (c *Core) Leader() LeaderInfo {
	ha, ok := c.cfg.Physical.(haBackend)
	if !ok {
		return LeaderInfo{IsSelf: true}
	}
	return LeaderInfo{HAEnabled: true, IsSelf: ha.IsLeader(), LeaderAddress: ha.LeaderAddr()}
}
