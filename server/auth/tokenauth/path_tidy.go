package tokenauth

import (
	"context"
	"fmt"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
)

func (b *backend) tidyPaths() []*framework.Path {
	return []*framework.Path{{
		Pattern:    "tidy",
		Operations: map[logical.Operation]framework.OperationFunc{logical.UpdateOperation: b.handleTidy},
	}}
}

// handleTidy repairs the token store's indexes. Vault runs tidy in the
// background and answers at once; this runs it within the request (the
// store has no unbounded cache to balloon) and reports what it did.
func (b *backend) handleTidy(ctx context.Context, _ *logical.Request, _ *framework.FieldData) (*logical.Response, error) {
	res, err := b.core.Tokens().Tidy(ctx)
	if err != nil {
		return nil, err
	}
	return &logical.Response{
		Data: map[string]any{
			"dangling_parents":   res.DanglingParents,
			"orphaned_children":  res.OrphanedChildren,
			"dangling_accessors": res.DanglingAccessors,
			"revoked_invalid":    res.RevokedInvalid,
		},
		Warnings: []string{fmt.Sprintf("Tidy operation successfully completed: %d dangling parent indexes, %d orphaned children, %d dangling accessors, %d invalid tokens revoked.", res.DanglingParents, res.OrphanedChildren, res.DanglingAccessors, res.RevokedInvalid)},
	}, nil
}
