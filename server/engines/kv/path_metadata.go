package kv

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
	"github.com/cofre-io/cofre/server/storage"
)

// Limits on custom_metadata, as Vault has them.
const (
	maxCustomKeys     = 64
	maxCustomKeyLen   = 128
	maxCustomValueLen = 512
)

var errNoMetadata = logical.Errorf(logical.ErrNotFound, "no metadata at this path")

func (b *Backend) metadataRead(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	path := d.String("path")
	if err := checkPath(path); err != nil {
		return nil, err
	}
	m, err := b.st.meta(ctx, path)
	if err != nil || m == nil {
		return nil, err
	}
	return &logical.Response{Data: metadataResponse(m)}, nil
}

func (b *Backend) metadataList(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	path := d.String("path")
	if err := checkListPath(path); err != nil {
		return nil, err
	}
	keys, err := b.st.view.List(ctx, metaKey(path))
	if err != nil {
		return nil, fmt.Errorf("kv: list: %w", err)
	}
	return framework.ListResponse(keys), nil
}

// metadataWrite creates or updates a key's settings; fields left out keep
// their values. It adds no version.
func (b *Backend) metadataWrite(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	return b.updateMetadata(ctx, d, false)
}

// metadataPatch changes the settings of an existing key; custom_metadata is
// merge-patched (a null member removes that key).
func (b *Backend) metadataPatch(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	return b.updateMetadata(ctx, d, true)
}

func (b *Backend) updateMetadata(ctx context.Context, d *framework.FieldData, patch bool) (*logical.Response, error) {
	path := d.String("path")
	if err := checkPath(path); err != nil {
		return nil, err
	}
	mu := b.locks.lock(path)
	defer mu.Unlock()
	m, err := b.st.meta(ctx, path)
	if err != nil {
		return nil, err
	}
	now := b.now().UnixNano()
	if m == nil {
		if patch {
			return nil, errNoMetadata
		}
		m = &keyMeta{Created: now}
	}
	if v, ok := d.GetOk("max_versions"); ok {
		n := v.(int)
		if n < 0 {
			return nil, badRequest("max_versions must not be negative")
		}
		m.MaxVersions = uint32(n)
	}
	if v, ok := d.GetOk("cas_required"); ok {
		m.CASRequired = v.(bool)
	}
	if v, ok := d.GetOk("delete_version_after"); ok {
		m.DeleteAfter = v.(time.Duration)
	}
	if v, ok := d.GetOk("custom_metadata"); ok {
		if m.Custom, err = customMetadata(m.Custom, v, patch); err != nil {
			return nil, err
		}
	}
	m.Updated = now
	enc, err := m.encode()
	if err != nil {
		return nil, err
	}
	if err := b.st.view.Put(ctx, &storage.Entry{Key: metaKey(path), Value: enc}); err != nil {
		return nil, fmt.Errorf("kv: write metadata: %w", err)
	}
	return nil, nil
}

// customMetadata computes new custom metadata from the current one and the
// request's value: a replacement, or (patch) a merge patch. null clears it.
func customMetadata(cur map[string]string, v any, patch bool) (map[string]string, error) {
	if v == nil {
		return nil, nil
	}
	in, ok := v.(map[string]any)
	if !ok {
		return nil, badRequest("custom_metadata must be an object of strings")
	}
	out := make(map[string]string, len(in)+len(cur))
	if patch {
		for k, s := range cur {
			out[k] = s
		}
	}
	for k, raw := range in {
		if raw == nil && patch {
			delete(out, k)
			continue
		}
		s, ok := metadataString(raw)
		if !ok {
			return nil, badRequest("custom_metadata value of %q must be a string", k)
		}
		out[k] = s
	}
	if len(out) > maxCustomKeys {
		return nil, badRequest("custom_metadata has %d keys, over the limit of %d", len(out), maxCustomKeys)
	}
	for k, s := range out {
		if k == "" || len(k) > maxCustomKeyLen {
			return nil, badRequest("custom_metadata keys must be 1 to %d bytes long", maxCustomKeyLen)
		}
		if len(s) > maxCustomValueLen {
			return nil, badRequest("custom_metadata value of %q is longer than %d bytes", k, maxCustomValueLen)
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

func metadataString(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

// metadataDelete removes every version and the metadata of a key. Versions
// go first: an interruption leaves metadata naming missing versions (they
// read as not found), never unreferenced secret data.
func (b *Backend) metadataDelete(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	path := d.String("path")
	if err := checkPath(path); err != nil {
		return nil, err
	}
	mu := b.locks.lock(path)
	defer mu.Unlock()
	m, err := b.st.meta(ctx, path)
	if err != nil || m == nil {
		return nil, err
	}
	dels := make([]string, 0, len(m.Versions)+1)
	for _, v := range m.Versions {
		if !v.Destroyed {
			dels = append(dels, versionKey(path, v.Version))
		}
	}
	dels = append(dels, metaKey(path))
	return nil, b.st.apply(ctx, nil, dels)
}
