package core

import (
	"context"

	"github.com/cofre-io/cofre/server/unseal"
)

// Init initialises the server (sys/init).
func (c *Core) Init(ctx context.Context, req unseal.InitRequest) (*unseal.InitResult, error) {
	c.stateLock.Lock()
	defer c.stateLock.Unlock()
	return c.keys.Init(ctx, req)
}

// Initialized reports whether sys/init has run.
func (c *Core) Initialized(ctx context.Context) (bool, error) { return c.keys.Initialized(ctx) }

// SealStatus reports the seal state (sys/seal-status).
func (c *Core) SealStatus(ctx context.Context) (unseal.Status, error) { return c.keys.Status(ctx) }

// Unseal adds a key share (sys/unseal).
func (c *Core) Unseal(ctx context.Context, key []byte) (unseal.Status, error) {
	if !c.barrier.Sealed() {
		return c.keys.Status(ctx)
	}
	c.stateLock.Lock()
	defer c.stateLock.Unlock()
	return c.keys.Unseal(ctx, key)
}

// ResetUnseal discards unseal progress.
func (c *Core) ResetUnseal() { c.keys.ResetUnseal() }

// AutoUnseal unseals with the auto seal, if one is configured.
// The key keeper is asked without holding the state lock, so requests are
// not held up by an unreachable transit server.
func (c *Core) AutoUnseal(ctx context.Context) error {
	rootKey, err := c.keys.AutoUnsealKey(ctx)
	if err != nil || rootKey == nil {
		return err
	}
	defer clear(rootKey)
	c.stateLock.Lock()
	defer c.stateLock.Unlock()
	return c.keys.UnsealWithRootKey(ctx, rootKey)
}

// Seal seals the server. In-flight requests finish first.
func (c *Core) Seal(ctx context.Context) {
	c.stateLock.Lock()
	defer c.stateLock.Unlock()
	c.keys.Seal(ctx)
}

// Keys exposes the rekey and generate-root ceremonies.
func (c *Core) Keys() *unseal.Manager { return c.keys }
