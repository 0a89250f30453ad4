package lease

import (
	"context"
	"fmt"
	"strings"
	"sync"
)

// TidyResult counts what Tidy did.
type TidyResult struct {
	// Leases were examined.
	Leases int
	// Queued leases belonged to tokens that no longer exist and were
	// queued for revocation.
	Queued int
	// DanglingIndexes were token index entries without their lease.
	DanglingIndexes int
}

// Tidy queues the revocation of every lease whose token no longer exists
// (when Config.Tokens is set) and deletes token index entries whose lease
// is gone. It reads every lease: use sparingly.
func (m *Manager) Tidy(ctx context.Context) (TidyResult, error) {
	var res TidyResult
	if _, err := m.scheduler(); err != nil {
		return res, err
	}
	// The index first: the revocations queued below delete their own
	// index entries concurrently.
	n, err := m.tidyTokenIndex(ctx)
	res.DanglingIndexes = n
	if err != nil {
		return res, err
	}
	ids, err := m.collect(ctx, "")
	if err != nil {
		return res, err
	}
	live := map[string]bool{}
	for _, id := range ids {
		e, err := m.read(ctx, id)
		if err != nil {
			return res, err
		}
		if e == nil {
			continue
		}
		res.Leases++
		if e.IndexToken == "" || m.cfg.Tokens == nil {
			continue
		}
		ok, seen := live[e.IndexToken]
		if !seen {
			if ok, err = m.cfg.Tokens.TokenExists(ctx, e.IndexToken); err != nil {
				return res, fmt.Errorf("lease: tidy: %w", err)
			}
			live[e.IndexToken] = ok
		}
		if !ok {
			if err := m.queue(ctx, id); err != nil {
				return res, err
			}
			res.Queued++
		}
	}
	return res, nil
}

func (m *Manager) tidyTokenIndex(ctx context.Context) (int, error) {
	tokens, err := m.view.List(ctx, tokenPrefix)
	if err != nil {
		return 0, fmt.Errorf("lease: tidy: %w", err)
	}
	n := 0
	for _, dir := range tokens {
		if !strings.HasSuffix(dir, "/") {
			continue
		}
		hashed := strings.TrimSuffix(dir, "/")
		keys, err := m.view.List(ctx, tokenPrefix+dir)
		if err != nil {
			return n, fmt.Errorf("lease: tidy: %w", err)
		}
		for _, k := range keys {
			if id, ok := parseFlatKey(k); ok && ValidateID(id) == nil {
				e, err := m.read(ctx, id)
				if err != nil {
					return n, err
				}
				if e != nil && e.IndexToken == hashed {
					continue
				}
			}
			if err := m.view.Delete(ctx, tokenPrefix+dir+k); err != nil {
				return n, fmt.Errorf("lease: tidy: %w", err)
			}
			n++
		}
	}
	return n, nil
}

// tidyState tracks the background tidy started by StartTidy.
type tidyState struct {
	mu      sync.Mutex
	running bool
	cancel  context.CancelFunc
	wg      sync.WaitGroup
}

// StartTidy runs Tidy in a goroutine the Manager owns (Unload cancels and
// waits for it) and returns at once; ErrTidyRunning if one is running. The
// outcome is logged.
func (m *Manager) StartTidy() error {
	if _, err := m.scheduler(); err != nil {
		return err
	}
	t := &m.tidy
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.running {
		return ErrTidyRunning
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.running, t.cancel = true, cancel
	t.wg.Add(1)
	go func() {
		defer t.wg.Done()
		defer cancel()
		res, err := m.Tidy(ctx)
		t.mu.Lock()
		t.running = false
		t.mu.Unlock()
		if err != nil {
			m.cfg.Logger.Warn("lease tidy failed", "err", err, "leases", res.Leases, "queued", res.Queued, "dangling_indexes", res.DanglingIndexes)
			return
		}
		m.cfg.Logger.Info("lease tidy done", "leases", res.Leases, "queued", res.Queued, "dangling_indexes", res.DanglingIndexes)
	}()
	return nil
}

// stopTidy cancels a running tidy and waits for it.
func (m *Manager) stopTidy() {
	t := &m.tidy
	t.mu.Lock()
	if t.cancel != nil {
		t.cancel()
	}
	t.mu.Unlock()
	t.wg.Wait()
}

// TidyRunning reports whether a background tidy is under way.
func (m *Manager) TidyRunning() bool {
	m.tidy.mu.Lock()
	defer m.tidy.mu.Unlock()
	return m.tidy.running
}
