package kv

import (
	"context"
	"fmt"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
	"github.com/cofre-io/cofre/server/storage"
)

// v1Backend serves version 1: the request path is the key and the request
// body is the value. Handlers read req.Path and req.Data directly, so a
// value may have any field names (even "path").
func (b *Backend) v1Backend() *framework.Backend {
	return &framework.Backend{
		BackendType: logical.TypeSecrets,
		Paths: []*framework.Path{{
			Pattern:             `.*`,
			TakesArbitraryInput: true,
			Operations: map[logical.Operation]framework.OperationFunc{
				logical.ReadOperation:   b.v1Read,
				logical.UpdateOperation: b.v1Write,
				logical.DeleteOperation: b.v1Delete,
				logical.ListOperation:   b.v1List,
			},
			ExistenceCheck: b.v1Exists,
			HelpSynopsis:   "Pass-through secret storage (KV version 1).",
		}},
	}
}

func (b *Backend) v1Exists(ctx context.Context, req *logical.Request, _ *framework.FieldData) (bool, error) {
	if checkPath(req.Path) != nil {
		return false, nil
	}
	e, err := b.st.view.Get(ctx, prefixV1+req.Path)
	if err != nil {
		return false, fmt.Errorf("kv: read: %w", err)
	}
	return e != nil, nil
}

func (b *Backend) v1Read(ctx context.Context, req *logical.Request, _ *framework.FieldData) (*logical.Response, error) {
	if err := checkPath(req.Path); err != nil {
		return nil, err
	}
	e, err := b.st.view.Get(ctx, prefixV1+req.Path)
	if err != nil {
		return nil, fmt.Errorf("kv: read: %w", err)
	}
	if e == nil {
		return nil, nil
	}
	data, err := decodeData(e.Value)
	if err != nil {
		return nil, err
	}
	resp := &logical.Response{Data: data}
	// A "ttl" member is advisory: it becomes the lease_duration clients
	// use as a refresh interval. No lease is created.
	if raw, ok := data["ttl"]; ok {
		if ttl, err := framework.ParseDuration(raw); err == nil && ttl > 0 {
			resp.Secret = &logical.Secret{TTL: ttl}
		}
	}
	return resp, nil
}

func (b *Backend) v1Write(ctx context.Context, req *logical.Request, _ *framework.FieldData) (*logical.Response, error) {
	if err := checkPath(req.Path); err != nil {
		return nil, err
	}
	if len(req.Data) == 0 {
		return nil, badRequest("missing data fields")
	}
	if raw, ok := req.Data["ttl"]; ok {
		if _, err := framework.ParseDuration(raw); err != nil {
			return nil, badRequest("invalid ttl: %v", err)
		}
	}
	enc, err := b.encodeData(req.Data)
	if err != nil {
		return nil, err
	}
	if err := b.st.view.Put(ctx, &storage.Entry{Key: prefixV1 + req.Path, Value: enc}); err != nil {
		return nil, fmt.Errorf("kv: write: %w", err)
	}
	return nil, nil
}

func (b *Backend) v1Delete(ctx context.Context, req *logical.Request, _ *framework.FieldData) (*logical.Response, error) {
	if err := checkPath(req.Path); err != nil {
		return nil, err
	}
	if err := b.st.view.Delete(ctx, prefixV1+req.Path); err != nil {
		return nil, fmt.Errorf("kv: delete: %w", err)
	}
	return nil, nil
}

func (b *Backend) v1List(ctx context.Context, req *logical.Request, _ *framework.FieldData) (*logical.Response, error) {
	if err := checkListPath(req.Path); err != nil {
		return nil, err
	}
	keys, err := b.st.view.List(ctx, prefixV1+req.Path)
	if err != nil {
		return nil, fmt.Errorf("kv: list: %w", err)
	}
	return framework.ListResponse(keys), nil
}

// encodeData is the stored form of a secret's value (see valuecodec.go),
// refused (400) when larger than the entry limit.
func (b *Backend) encodeData(data map[string]any) ([]byte, error) {
	enc, err := encodeValue(data)
	if err != nil {
		// The cause may quote the value; keep it out of the message.
		return nil, badRequest("secret data holds a value that cannot be stored as JSON")
	}
	if len(enc) > b.maxEntry {
		return nil, badRequest("secret data is %d bytes encoded, over the limit of %d bytes", len(enc), b.maxEntry)
	}
	return enc, nil
}

// decodeData reads a stored value with numbers kept exact.
func decodeData(raw []byte) (map[string]any, error) { return decodeValue(raw) }
