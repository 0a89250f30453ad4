package kv

import (
	"context"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
	"github.com/cofre-io/cofre/server/storage"
)

// changeMeta runs fn on path's metadata under the key's lock and writes the
// result when fn reports a change, then deletes the entries fn names (which
// the new metadata no longer references). A missing key is not an error.
func (b *Backend) changeMeta(ctx context.Context, path string, fn func(m *keyMeta, now int64) (changed bool, deletes []string)) error {
	mu := b.locks.lock(path)
	defer mu.Unlock()
	m, err := b.st.meta(ctx, path)
	if err != nil || m == nil {
		return err
	}
	changed, dels := fn(m, b.now().UnixNano())
	if !changed {
		return nil
	}
	enc, err := m.encode()
	if err != nil {
		return err
	}
	return b.st.apply(ctx, []storage.Entry{{Key: metaKey(path), Value: enc}}, dels)
}

// versionsArgs reads the path and "versions" of delete, undelete, destroy.
func versionsArgs(d *framework.FieldData) (string, []uint64, error) {
	path := d.String("path")
	if err := checkPath(path); err != nil {
		return "", nil, err
	}
	vs, err := parseVersions(d.Get("versions"))
	return path, vs, err
}

// versionsDelete soft-deletes the given versions; unknown, destroyed or
// already deleted ones are left alone.
func (b *Backend) versionsDelete(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	path, vs, err := versionsArgs(d)
	if err != nil {
		return nil, err
	}
	return nil, b.changeMeta(ctx, path, func(m *keyMeta, now int64) (bool, []string) {
		changed := false
		for _, n := range vs {
			if v := m.find(n); v != nil && !v.Destroyed && !v.deleted(now) {
				v.Deletion, changed = now, true
			}
		}
		return changed, nil
	})
}

// versionsUndelete clears the deletion time of the given versions.
func (b *Backend) versionsUndelete(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	path, vs, err := versionsArgs(d)
	if err != nil {
		return nil, err
	}
	return nil, b.changeMeta(ctx, path, func(m *keyMeta, now int64) (bool, []string) {
		changed := false
		for _, n := range vs {
			if v := m.find(n); v != nil && !v.Destroyed && v.Deletion != 0 {
				v.Deletion, changed = 0, true
			}
		}
		return changed, nil
	})
}

// versionsDestroy marks the given versions destroyed and removes their data.
func (b *Backend) versionsDestroy(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	path, vs, err := versionsArgs(d)
	if err != nil {
		return nil, err
	}
	return nil, b.changeMeta(ctx, path, func(m *keyMeta, now int64) (bool, []string) {
		var dels []string
		for _, n := range vs {
			if v := m.find(n); v != nil && !v.Destroyed {
				v.Destroyed = true
				dels = append(dels, versionKey(path, n))
			}
		}
		return len(dels) > 0, dels
	})
}
