package kv

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/cofre-io/cofre/server/storage"
)

// Upgrade turns a version 1 mount into a version 2 one, keeping every key's
// value as its version 1, and returns when it is done (or ctx ends; the
// upgrade then goes on in the background). It is resumable: a key is moved
// in one step (or with the version written before the version 1 entry is
// removed), so an interrupted upgrade picks up where it stopped. Requests
// wait while it runs. On a version 2 mount it does nothing.
func (b *Backend) Upgrade(ctx context.Context) error {
	for {
		done, fresh := b.startUpgrade()
		select {
		case <-done:
		case <-ctx.Done():
			return ctx.Err()
		}
		b.modeMu.RLock()
		failed, err := b.mode == modeUpgradeFailed, b.upgradeErr
		b.modeMu.RUnlock()
		if !failed {
			return nil
		}
		// A run started before this call (by a request) may have failed on
		// conditions that have since changed: try once more, ourselves.
		if !fresh {
			continue
		}
		return fmt.Errorf("%w: %w", ErrUpgradeFailed, err)
	}
}

// startUpgrade starts the upgrade goroutine unless it runs already or the
// mount is version 2, and returns a channel closed when it has ended and
// whether this call started it.
func (b *Backend) startUpgrade() (<-chan struct{}, bool) {
	b.modeMu.Lock()
	defer b.modeMu.Unlock()
	switch {
	case b.mode == modeUpgrading:
		return b.upgradeDone, false
	case b.mode == modeV2 || b.closed:
		c := make(chan struct{})
		close(c)
		return c, true
	}
	b.mode = modeUpgrading
	done := make(chan struct{})
	b.upgradeDone = done
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		err := b.migrate(b.life)
		b.modeMu.Lock()
		defer b.modeMu.Unlock()
		if err != nil {
			b.mode, b.upgradeErr = modeUpgradeFailed, err
			b.log.Error("upgrade to KV version 2 failed; it resumes on the next request", "err", err)
		} else {
			b.mode, b.upgradeErr = modeV2, nil
			b.log.Info("upgraded to KV version 2")
		}
		close(done)
	}()
	return done, true
}

// migrate moves every version 1 entry into the version 2 layout and then
// records that the mount is version 2.
func (b *Backend) migrate(ctx context.Context) error {
	if err := b.migrateDir(ctx, ""); err != nil {
		return err
	}
	rec, err := json.Marshal(map[string]any{"from": 1, "to": 2, "time": formatTime(b.now().UnixNano())})
	if err != nil {
		return err
	}
	if err := b.st.view.Put(ctx, &storage.Entry{Key: keyUpgrade, Value: rec}); err != nil {
		return fmt.Errorf("kv: record upgrade: %w", err)
	}
	return nil
}

func (b *Backend) migrateDir(ctx context.Context, dir string) error {
	keys, err := b.st.view.List(ctx, prefixV1+dir)
	if err != nil {
		return fmt.Errorf("kv: upgrade: list: %w", err)
	}
	for _, k := range keys {
		if err := ctx.Err(); err != nil {
			return err
		}
		if strings.HasSuffix(k, "/") {
			err = b.migrateDir(ctx, dir+k)
		} else {
			err = b.migrateKey(ctx, dir+k)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// migrateKey makes the version 1 value at path version 1 of the key, unless
// an earlier, interrupted run already did, and removes the version 1 entry.
func (b *Backend) migrateKey(ctx context.Context, path string) error {
	mu := b.locks.lock(path)
	defer mu.Unlock()
	e, err := b.st.view.Get(ctx, prefixV1+path)
	if err != nil {
		return fmt.Errorf("kv: upgrade: read: %w", err)
	}
	if e == nil {
		return nil
	}
	m, err := b.st.meta(ctx, path)
	if err != nil {
		return err
	}
	var puts []storage.Entry
	if m == nil {
		now := b.now().UnixNano()
		m = &keyMeta{Current: 1, Created: now, Updated: now, Versions: []versionMeta{{Version: 1, Created: now}}}
		enc, err := m.encode()
		if err != nil {
			return err
		}
		puts = []storage.Entry{{Key: versionKey(path, 1), Value: e.Value}, {Key: metaKey(path), Value: enc}}
	}
	return b.st.apply(ctx, puts, []string{prefixV1 + path})
}
