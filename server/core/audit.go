package core

import (
	"context"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/token"
)

// auditRequest records a request (with the error of its authentication, if
// any) on the enabled audit devices. It returns an error when devices are
// enabled and none could record it: the request must then not run.
func (c *Core) auditRequest(ctx context.Context, path string, req *logical.Request, te *token.Entry, authErr error) error {
	return nil
}

// auditResponse records what the client is about to receive. An error means
// no device could record it: the response must not be returned.
func (c *Core) auditResponse(ctx context.Context, path string, req *logical.Request, te *token.Entry, resp *logical.Response, respErr error) error {
	return nil
}

// auditedError records a refused request's error as its response and
// returns the error the client gets (the audit failure if recording fails).
func (c *Core) auditedError(ctx context.Context, path string, req *logical.Request, te *token.Entry, err error) error {
	if aerr := c.auditResponse(ctx, path, req, te, nil, err); aerr != nil {
		return aerr
	}
	return err
}
