package pki

import (
	"context"
	"time"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
	"github.com/cofre-io/cofre/server/storage"
)

func (b *Backend) tidyPaths() []*framework.Path {
	return []*framework.Path{
		{
			Pattern: "tidy",
			Fields: map[string]*framework.FieldSchema{
				"tidy_cert_store":                       {Type: framework.TypeBool, Description: "Remove expired certificates."},
				"tidy_revoked_certs":                    {Type: framework.TypeBool, Description: "Remove revocations of expired certificates."},
				"tidy_revoked_cert_issuer_associations": {Type: framework.TypeBool, Description: "Accepted; associations are made at revocation."},
				"safety_buffer":                         {Type: framework.TypeDurationSecond, Default: "72h", Description: "How long past expiry entries are kept."},
			},
			Operations:   map[logical.Operation]framework.OperationFunc{logical.UpdateOperation: b.tidy},
			HelpSynopsis: "Remove expired certificates and revocations.",
		},
		{
			Pattern:      "tidy-status",
			Operations:   map[logical.Operation]framework.OperationFunc{logical.ReadOperation: b.tidyStatus},
			HelpSynopsis: "The outcome of the last tidy.",
		},
	}
}

// tidy runs in the request (no background work): it deletes certificates
// that expired more than safety_buffer ago and, for revocations, both the
// revocation and the certificate; CRLs are rebuilt when a revocation went.
func (b *Backend) tidy(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	buffer := d.Duration("safety_buffer")
	if buffer <= 0 {
		return nil, badRequest("safety_buffer must be positive")
	}
	started := b.now()
	cutoff := started.Add(-buffer)
	status := map[string]any{
		"state": "Finished", "safety_buffer": int64(buffer / time.Second),
		"tidy_cert_store": d.Bool("tidy_cert_store"), "tidy_revoked_certs": d.Bool("tidy_revoked_certs"),
		"time_started": started.UTC().Format(time.RFC3339Nano), "error": nil,
		"cert_store_deleted_count": 0, "revoked_cert_deleted_count": 0,
	}
	b.revMu.Lock()
	certsDeleted, revokedDeleted, err := b.tidyLocked(ctx, cutoff, d.Bool("tidy_cert_store"), d.Bool("tidy_revoked_certs"))
	b.revMu.Unlock()
	if err == nil && revokedDeleted > 0 {
		err = b.rebuildCRLs(ctx)
	}
	status["cert_store_deleted_count"], status["revoked_cert_deleted_count"] = certsDeleted, revokedDeleted
	status["time_finished"] = b.now().UTC().Format(time.RFC3339Nano)
	if err != nil {
		status["state"], status["error"] = "Error", err.Error()
	}
	b.tidyMu.Lock()
	b.lastTidy = status
	b.tidyMu.Unlock()
	if err != nil {
		return nil, err
	}
	return &logical.Response{Data: status}, nil
}

func (b *Backend) tidyLocked(ctx context.Context, cutoff time.Time, certStore, revoked bool) (certs, revs int, err error) {
	if certStore {
		keys, err := b.view.List(ctx, prefixCert)
		if err != nil {
			return 0, 0, err
		}
		for _, k := range keys {
			if err := ctx.Err(); err != nil {
				return certs, revs, err
			}
			e, err := b.view.Get(ctx, prefixCert+k)
			if err != nil {
				return certs, revs, err
			}
			if e == nil {
				continue
			}
			c, perr := parseDER(e.Value)
			if perr == nil && !c.NotAfter.Before(cutoff) {
				continue
			}
			if err := b.view.Delete(ctx, prefixCert+k); err != nil {
				return certs, revs, err
			}
			certs++
		}
	}
	if revoked {
		keys, err := b.view.List(ctx, prefixRevoked)
		if err != nil {
			return certs, 0, err
		}
		for _, k := range keys {
			var r revokedRecord
			if _, err := getJSON(ctx, b.view, prefixRevoked+k, &r); err != nil {
				return certs, revs, err
			}
			if !time.Unix(r.NotAfter, 0).Before(cutoff) {
				continue
			}
			ops := []storage.TxnOp{
				{Delete: true, Entry: storage.Entry{Key: prefixRevoked + k}},
				{Delete: true, Entry: storage.Entry{Key: prefixCert + k}},
			}
			if err := apply(ctx, b.view, ops); err != nil {
				return certs, revs, err
			}
			revs++
		}
	}
	return certs, revs, nil
}

func (b *Backend) tidyStatus(_ context.Context, _ *logical.Request, _ *framework.FieldData) (*logical.Response, error) {
	b.tidyMu.Lock()
	defer b.tidyMu.Unlock()
	if b.lastTidy == nil {
		return &logical.Response{Data: map[string]any{"state": "Inactive"}}, nil
	}
	return &logical.Response{Data: b.lastTidy}, nil
}
