package core

import (
	"context"
	"errors"
	"fmt"

	"github.com/cofre-io/cofre/server/token"
)

// destroyCubbyhole deletes the cubbyhole of a revoked or expired token. It
// is a token store revocation hook (registered with Store.OnRevoke in New):
// it runs for every revoked token, including expired and used-up ones,
// once the token has stopped working and before its records are deleted. Batch tokens (no accessor) and servers without a
// cubbyhole mount have nothing to destroy. While the mounts are not loaded
// (the server is sealing) it fails, so the token store retries the
// revocation later instead of leaving the data behind.
func (c *Core) destroyCubbyhole(ctx context.Context, te *token.Entry) error {
	if te == nil || te.Accessor == "" {
		return nil
	}
	cub, err := c.cubbyhole()
	if errors.Is(err, errNoCubbyhole) {
		// Secrets mounts start before auth mounts, so with the token method
		// routed every secrets mount is loaded and this server simply has
		// no cubbyhole. (The mount table lock is not taken: hooks may run
		// under it.) Should a seal race this check, the data left behind
		// is unreachable, as accessors are never reused.
		if _, _, loaded := c.mounts.Route("auth/token/"); loaded {
			return nil
		}
		return fmt.Errorf("core: destroy cubbyhole: mounts are not loaded: %w", err)
	}
	if err != nil {
		return err
	}
	if err := cub.Destroy(ctx, te.Accessor); err != nil {
		return fmt.Errorf("core: destroy cubbyhole: %w", err)
	}
	return nil
}
