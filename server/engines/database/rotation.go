package database

import (
	"context"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/cofre-io/cofre/server/engines/database/dbplugin"
	"github.com/cofre-io/cofre/server/logical"
)

// retryAfter is how long a failed static rotation waits before the next try.
const retryAfter = 10 * time.Second

// schedule holds when each static role is next due. It is memory only,
// rebuilt from storage when the backend is made.
type schedule struct {
	mu  sync.Mutex
	due map[string]time.Time
}

func newSchedule() *schedule { return &schedule{due: make(map[string]time.Time)} }

func (s *schedule) set(name string, at time.Time) {
	s.mu.Lock()
	s.due[name] = at
	s.mu.Unlock()
}

func (s *schedule) remove(name string) {
	s.mu.Lock()
	delete(s.due, name)
	s.mu.Unlock()
}

// dueBy returns the roles due at or before now, sorted.
func (s *schedule) dueBy(now time.Time) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for name, at := range s.due {
		if !at.After(now) {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// loadSchedule reads every static role and schedules its next rotation; a
// role whose last rotation was cut short is due at once.
func (b *Backend) loadSchedule(ctx context.Context) error {
	names, err := b.view.List(ctx, prefixStaticRole)
	if err != nil {
		return err
	}
	for _, name := range names {
		if strings.HasSuffix(name, "/") {
			continue
		}
		r, err := b.loadStaticRole(ctx, name)
		if err != nil {
			return err
		}
		if r == nil {
			continue
		}
		at := r.LastRotation.Add(r.RotationPeriod)
		if r.PendingPassword != "" {
			at = time.Time{}
		}
		b.sched.set(name, at)
	}
	return nil
}

// rotator rotates static roles when they are due until ctx ends.
func (b *Backend) rotator(ctx context.Context, every time.Duration) {
	defer b.wg.Done()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			b.RotateDue(ctx)
		}
	}
}

// RotateDue rotates every static role whose rotation is due by the
// backend's clock. The rotator calls it; tests with the rotator disabled
// call it directly. Failures are logged and retried later.
func (b *Backend) RotateDue(ctx context.Context) {
	for _, name := range b.sched.dueBy(b.now()) {
		if ctx.Err() != nil {
			return
		}
		if err := b.rotateStatic(ctx, name); err != nil {
			b.log.Warn("static role rotation failed", "role", name, "error", logical.CodedMessage(err))
			b.sched.set(name, b.now().Add(retryAfter))
		}
	}
}

// rotateStatic gives a static role's user a new password. The new password
// is stored as pending before the database changes, so a crash in between
// leaves a role that is rotated again at the next start rather than a
// password nobody knows.
func (b *Backend) rotateStatic(ctx context.Context, name string) error {
	b.staticMu.Lock()
	defer b.staticMu.Unlock()
	r, err := b.loadStaticRole(ctx, name)
	if err != nil {
		return err
	}
	if r == nil {
		b.sched.remove(name)
		return nil
	}
	return b.rotateStaticLocked(ctx, name, r)
}

// rotateStaticLocked is rotateStatic for a loaded role, with staticMu held.
// On success r holds the new password and is stored and scheduled.
func (b *Backend) rotateStaticLocked(ctx context.Context, name string, r *staticRole) error {
	_, db, err := b.conn(ctx, r.DBName)
	if err != nil {
		return err
	}
	pw, err := generatePassword(b.rand)
	if err != nil {
		return err
	}
	r.PendingPassword = pw
	if err := putJSON(ctx, b.view, prefixStaticRole+name, r); err != nil {
		return err
	}
	err = db.ChangePassword(ctx, dbplugin.ChangePasswordRequest{Username: r.Username, Password: pw, Statements: r.RotationStatements})
	if err != nil {
		r.PendingPassword = ""
		return dbError(logical.ErrInternal, "failed to rotate the password of "+r.Username, err, pw)
	}
	r.Password, r.PendingPassword = pw, ""
	r.LastRotation = b.now()
	if err := putJSON(ctx, b.view, prefixStaticRole+name, r); err != nil {
		return err
	}
	b.sched.set(name, r.LastRotation.Add(r.RotationPeriod))
	return nil
}
