package core

import (
	"context"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/mount"
	"github.com/cofre-io/cofre/server/token"
)

// registerLease gives a response's secret a lease tied to the token that
// read it. Until the expiration manager exists, secrets are returned as the
// backend made them.
func (c *Core) registerLease(ctx context.Context, req *logical.Request, route *mount.Route, te *token.Entry, resp *logical.Response) error {
	return nil
}
