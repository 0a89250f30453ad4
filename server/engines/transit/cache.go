package transit

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/cofre-io/cofre/server/storage"
)

// keyPrefix is where named keys live in the mount's view.
const keyPrefix = "policy/"

// keyCache holds the named keys in memory, loaded from the mount's view on
// first use. The backend is the only writer of its view (one active node),
// so the cache is authoritative once loaded.
//
// Each key has a handle with its own mutex, which serialises loading and
// every change of that key; the published keyRing is swapped atomically,
// so encrypt, decrypt and sign take no lock. Handles of keys that do not
// exist are dropped when their lock is released, so probing missing names
// does not grow the cache.
type keyCache struct {
	view storage.Backend

	mu      sync.RWMutex
	handles map[string]*keyHandle
}

type keyHandle struct {
	ring atomic.Pointer[keyRing] // nil when the key does not exist

	mu     sync.Mutex
	loaded bool // guarded by mu
	dead   bool // guarded by mu: removed from the cache; look again
}

func newKeyCache(view storage.Backend) *keyCache {
	return &keyCache{view: view, handles: make(map[string]*keyHandle)}
}

// get returns the named key, or nil when it does not exist.
func (c *keyCache) get(ctx context.Context, name string) (*keyRing, error) {
	c.mu.RLock()
	h := c.handles[name]
	c.mu.RUnlock()
	if h != nil {
		if r := h.ring.Load(); r != nil {
			return r, nil
		}
	}
	h, err := c.lock(ctx, name)
	if err != nil {
		return nil, err
	}
	r := h.ring.Load()
	c.unlock(name, h)
	return r, nil
}

// update runs fn on the named key (nil when missing) with the key locked.
// When fn returns a ring other than cur it is stored (nil deletes the key)
// and then published. fn must not change cur.
func (c *keyCache) update(ctx context.Context, name string, fn func(cur *keyRing) (*keyRing, error)) (*keyRing, error) {
	h, err := c.lock(ctx, name)
	if err != nil {
		return nil, err
	}
	defer c.unlock(name, h)
	cur := h.ring.Load()
	next, err := fn(cur)
	if err != nil || next == cur {
		return cur, err
	}
	if next == nil {
		if err := c.view.Delete(ctx, keyPrefix+name); err != nil {
			return cur, fmt.Errorf("transit: delete key: %w", err)
		}
	} else {
		enc, err := encodeRing(next)
		if err != nil {
			return cur, err
		}
		if err := c.view.Put(ctx, &storage.Entry{Key: keyPrefix + name, Value: enc}); err != nil {
			return cur, fmt.Errorf("transit: store key: %w", err)
		}
	}
	h.ring.Store(next)
	return next, nil
}

// names lists the stored keys.
func (c *keyCache) names(ctx context.Context) ([]string, error) {
	keys, err := c.view.List(ctx, keyPrefix)
	if err != nil {
		return nil, fmt.Errorf("transit: list keys: %w", err)
	}
	return keys, nil
}

// lock returns name's handle, locked and loaded.
func (c *keyCache) lock(ctx context.Context, name string) (*keyHandle, error) {
	for {
		c.mu.Lock()
		h := c.handles[name]
		if h == nil {
			h = &keyHandle{}
			c.handles[name] = h
		}
		c.mu.Unlock()
		h.mu.Lock()
		if h.dead {
			h.mu.Unlock()
			continue
		}
		if !h.loaded {
			r, err := c.load(ctx, name)
			if err != nil {
				c.unlock(name, h)
				return nil, err
			}
			h.ring.Store(r)
			h.loaded = true
		}
		return h, nil
	}
}

// unlock releases a handle from lock, dropping it when its key is missing.
func (c *keyCache) unlock(name string, h *keyHandle) {
	if h.ring.Load() == nil {
		c.mu.Lock()
		if c.handles[name] == h {
			delete(c.handles, name)
		}
		c.mu.Unlock()
		h.dead = true
	}
	h.mu.Unlock()
}

func (c *keyCache) load(ctx context.Context, name string) (*keyRing, error) {
	e, err := c.view.Get(ctx, keyPrefix+name)
	if err != nil {
		return nil, fmt.Errorf("transit: read key: %w", err)
	}
	if e == nil {
		return nil, nil
	}
	r, err := decodeRing(e.Value)
	if err != nil {
		return nil, fmt.Errorf("key %q: %w", name, err)
	}
	return r, nil
}
