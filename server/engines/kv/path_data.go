package kv

import (
	"context"
	"fmt"
	"time"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
	"github.com/cofre-io/cofre/server/storage"
)

// errNoSecret is the 404 of a patch with nothing to patch.
var errNoSecret = logical.Errorf(logical.ErrNotFound, "no secret to patch: the latest version is missing, deleted or destroyed")

// metaExists is the existence check of data/ and metadata/: a key exists
// when it has metadata.
func (b *Backend) metaExists(ctx context.Context, _ *logical.Request, d *framework.FieldData) (bool, error) {
	path := d.String("path")
	if checkPath(path) != nil {
		return false, nil
	}
	e, err := b.st.view.Get(ctx, metaKey(path))
	if err != nil {
		return false, fmt.Errorf("kv: read metadata: %w", err)
	}
	return e != nil, nil
}

// readVersion loads the metadata and the wanted version (0 = current). It
// returns a nil meta when the key or version does not exist, and nil data
// when the version exists but is deleted or destroyed.
func (b *Backend) readVersion(ctx context.Context, path string, want uint64) (*keyMeta, *versionMeta, map[string]any, error) {
	// The version can vanish (destroy, pruning) between the two reads; the
	// metadata read again then says why.
	for range 3 {
		m, err := b.st.meta(ctx, path)
		if err != nil || m == nil {
			return nil, nil, nil, err
		}
		n := want
		if n == 0 {
			n = m.Current
		}
		v := m.find(n)
		if v == nil {
			return nil, nil, nil, nil
		}
		if v.Destroyed || v.deleted(b.now().UnixNano()) {
			return m, v, nil, nil
		}
		e, err := b.st.view.Get(ctx, versionKey(path, n))
		if err != nil {
			return nil, nil, nil, fmt.Errorf("kv: read version: %w", err)
		}
		if e == nil {
			continue
		}
		data, err := decodeData(e.Value)
		if err != nil {
			return nil, nil, nil, err
		}
		return m, v, data, nil
	}
	return nil, nil, nil, nil
}

func (b *Backend) dataRead(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	path := d.String("path")
	if err := checkPath(path); err != nil {
		return nil, err
	}
	want, err := parseVersion(d.Get("version"))
	if err != nil {
		return nil, err
	}
	m, v, data, err := b.readVersion(ctx, path, want)
	if err != nil || m == nil {
		return nil, err
	}
	if data == nil {
		return notFoundWithData(req, map[string]any{"data": nil, "metadata": versionResponse(v, m.Custom)})
	}
	return &logical.Response{Data: map[string]any{"data": data, "metadata": versionResponse(v, m.Custom)}}, nil
}

func (b *Backend) dataWrite(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	path := d.String("path")
	if err := checkPath(path); err != nil {
		return nil, err
	}
	data, err := dataParam(d)
	if err != nil {
		return nil, err
	}
	opts, err := parseOptions(d.Get("options"))
	if err != nil {
		return nil, err
	}
	enc, err := b.encodeData(data)
	if err != nil {
		return nil, err
	}
	return b.putVersion(ctx, path, opts, func(*keyMeta) ([]byte, error) { return enc, nil })
}

func (b *Backend) dataPatch(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	path := d.String("path")
	if err := checkPath(path); err != nil {
		return nil, err
	}
	patch, err := dataParam(d)
	if err != nil {
		return nil, err
	}
	opts, err := parseOptions(d.Get("options"))
	if err != nil {
		return nil, err
	}
	return b.putVersion(ctx, path, opts, func(m *keyMeta) ([]byte, error) {
		v := m.find(m.Current)
		if v == nil || v.Destroyed || v.deleted(b.now().UnixNano()) {
			return nil, errNoSecret
		}
		e, err := b.st.view.Get(ctx, versionKey(path, v.Version))
		if err != nil {
			return nil, fmt.Errorf("kv: read version: %w", err)
		}
		if e == nil {
			return nil, errNoSecret
		}
		cur, err := decodeData(e.Value)
		if err != nil {
			return nil, err
		}
		return b.encodeData(mergePatch(cur, patch).(map[string]any))
	})
}

// dataParam is the "data" object of a write or patch.
func dataParam(d *framework.FieldData) (map[string]any, error) {
	raw := d.Get("data")
	if raw == nil {
		return nil, badRequest(msgNoData)
	}
	data, ok := raw.(map[string]any)
	if !ok {
		return nil, badRequest("data must be a JSON object")
	}
	return data, nil
}

// putVersion adds a version to path under the key's lock: it checks
// check-and-set, asks build for the encoded value (build sees the current
// metadata, for patches), prunes versions past the limit, and writes.
func (b *Backend) putVersion(ctx context.Context, path string, opts writeOptions, build func(*keyMeta) ([]byte, error)) (*logical.Response, error) {
	cfg, err := b.config(ctx)
	if err != nil {
		return nil, err
	}
	mu := b.locks.lock(path)
	defer mu.Unlock()
	m, err := b.st.meta(ctx, path)
	if err != nil {
		return nil, err
	}
	if m == nil {
		m = &keyMeta{}
	}
	if opts.hasCAS {
		if opts.cas != m.Current {
			return nil, badRequest(msgCASMismatch)
		}
	} else if cfg.CASRequired || m.CASRequired {
		return nil, badRequest(msgCASRequired)
	}
	enc, err := build(m)
	if err != nil {
		return nil, err
	}
	now := b.now().UnixNano()
	v := versionMeta{Version: m.Current + 1, Created: now}
	if dva := deleteAfter(cfg, m); dva > 0 {
		v.Deletion = now + int64(dva)
	}
	m.Versions = append(m.Versions, v)
	m.Current, m.Updated = v.Version, now
	if m.Created == 0 {
		m.Created = now
	}
	gone := m.prune(maxVersions(cfg, m))
	menc, err := m.encode()
	if err != nil {
		return nil, err
	}
	dels := make([]string, len(gone))
	for i, n := range gone {
		dels[i] = versionKey(path, n)
	}
	puts := []storage.Entry{{Key: versionKey(path, v.Version), Value: enc}, {Key: metaKey(path), Value: menc}}
	if err := b.st.apply(ctx, puts, dels); err != nil {
		return nil, err
	}
	return &logical.Response{Data: versionResponse(&v, m.Custom)}, nil
}

// maxVersions is the key's limit, else the engine's, else 10.
func maxVersions(cfg *engineConfig, m *keyMeta) uint64 {
	switch {
	case m.MaxVersions > 0:
		return uint64(m.MaxVersions)
	case cfg.MaxVersions > 0:
		return uint64(cfg.MaxVersions)
	}
	return defaultMaxVersions
}

// deleteAfter is the key's delete_version_after, capped by the engine's;
// 0 means versions are kept until deleted.
func deleteAfter(cfg *engineConfig, m *keyMeta) time.Duration {
	if m.DeleteAfter > 0 && (cfg.DeleteAfter == 0 || m.DeleteAfter < cfg.DeleteAfter) {
		return m.DeleteAfter
	}
	return cfg.DeleteAfter
}

// dataDelete soft-deletes the current version.
func (b *Backend) dataDelete(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	path := d.String("path")
	if err := checkPath(path); err != nil {
		return nil, err
	}
	return nil, b.changeMeta(ctx, path, func(m *keyMeta, now int64) (bool, []string) {
		v := m.find(m.Current)
		if v == nil || v.Destroyed || v.deleted(now) {
			return false, nil
		}
		v.Deletion = now
		return true, nil
	})
}
