package transit

import (
	"context"
	"time"
)

// minAutoRotatePeriod is the shortest auto_rotate_period accepted, as Vault.
const minAutoRotatePeriod = time.Hour

// rotationLoop runs one auto-rotation pass per tick until ctx ends.
func (b *Backend) rotationLoop(ctx context.Context, ticks <-chan time.Time) {
	for {
		select {
		case <-ctx.Done():
			return
		case _, ok := <-ticks:
			if !ok {
				return
			}
			b.rotateDue(ctx)
		}
	}
}

// rotateDue rotates every key whose auto_rotate_period has passed since its
// latest version was made, and returns how many it rotated. Errors are
// logged (by key name only) and the pass goes on with the next key.
func (b *Backend) rotateDue(ctx context.Context) int {
	names, err := b.keys.names(ctx)
	if err != nil {
		b.log.Warn("auto-rotation: cannot list keys", "err", err)
		return 0
	}
	rotated := 0
	for _, name := range names {
		if ctx.Err() != nil {
			return rotated
		}
		r, err := b.keys.get(ctx, name)
		if err != nil {
			b.log.Warn("auto-rotation: cannot load key", "key", name, "err", err)
			continue
		}
		if r == nil || !b.due(r) {
			continue
		}
		_, err = b.keys.update(ctx, name, func(cur *keyRing) (*keyRing, error) {
			if cur == nil || !b.due(cur) {
				return cur, nil // deleted or rotated meanwhile
			}
			next := cur.clone()
			return next, next.rotate(b.now())
		})
		if err != nil {
			b.log.Warn("auto-rotation failed", "key", name, "err", err)
			continue
		}
		rotated++
		b.log.Info("auto-rotated key", "key", name)
	}
	return rotated
}

// due reports whether r's auto-rotation period has passed.
func (b *Backend) due(r *keyRing) bool {
	if r.autoRotate <= 0 {
		return false
	}
	return !b.now().Before(r.vers[r.latest].created.Add(r.autoRotate))
}
