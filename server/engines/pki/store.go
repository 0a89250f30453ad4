package pki

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/cofre-io/cofre/server/storage"
)

// Storage key prefixes and entries; see doc.go.
const (
	prefixIssuer    = "issuer/"
	prefixKey       = "key/"
	prefixRole      = "role/"
	prefixCert      = "certs/"
	prefixRevoked   = "revoked/"
	prefixCRL       = "crls/"
	keyConfigIssuer = "config/issuers"
	keyConfigKeys   = "config/keys"
	keyConfigURLs   = "config/urls"
	keyConfigCRL    = "config/crl"
)

// getJSON decodes the entry at key into v; found is false when it is
// missing.
func getJSON(ctx context.Context, view storage.Backend, key string, v any) (found bool, err error) {
	e, err := view.Get(ctx, key)
	if err != nil {
		return false, fmt.Errorf("pki: read %s: %w", key, err)
	}
	if e == nil {
		return false, nil
	}
	if err := json.Unmarshal(e.Value, v); err != nil {
		return false, fmt.Errorf("%w: %s: %v", ErrCorrupt, key, err)
	}
	return true, nil
}

// jsonOp encodes v as a Put of key.
func jsonOp(key string, v any) (storage.TxnOp, error) {
	buf, err := json.Marshal(v)
	if err != nil {
		return storage.TxnOp{}, fmt.Errorf("pki: encode %s: %w", key, err)
	}
	return storage.TxnOp{Entry: storage.Entry{Key: key, Value: buf}}, nil
}

// apply writes ops atomically when the view is transactional, else in
// order (puts are idempotent, so a retry after a crash converges).
func apply(ctx context.Context, view storage.Backend, ops []storage.TxnOp) error {
	if len(ops) == 0 {
		return nil
	}
	if t, ok := view.(storage.Transactional); ok && len(ops) > 1 {
		if err := t.Transaction(ctx, ops); err != nil {
			return fmt.Errorf("pki: write: %w", err)
		}
		return nil
	}
	for _, op := range ops {
		var err error
		if op.Delete {
			err = view.Delete(ctx, op.Entry.Key)
		} else {
			e := op.Entry
			err = view.Put(ctx, &e)
		}
		if err != nil {
			return fmt.Errorf("pki: write %s: %w", op.Entry.Key, err)
		}
	}
	return nil
}
