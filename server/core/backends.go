package core

import (
	"context"

	"github.com/cofre-io/cofre/server/barrier"
	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/sysbackend"
)

// Rotate adds a barrier key term (sys/rotate).
func (c *Core) Rotate(ctx context.Context) (barrier.KeyInfo, error) { return c.barrier.Rotate(ctx) }

// KeyStatus reports the active barrier key term (sys/key-status).
func (c *Core) KeyStatus() (barrier.KeyInfo, error) { return c.barrier.KeyStatus() }

func (c *Core) systemFactory(ctx context.Context, conf *logical.BackendConfig) (logical.Backend, error) {
	return sysbackend.New(c)
}
