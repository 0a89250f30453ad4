package mount

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/storage"
)

// Errors returned by the Manager. Each wraps logical.ErrInvalidRequest: the
// client is at fault, and the HTTP layer answers 400.
var (
	ErrPathInUse     = fmt.Errorf("path is already in use: %w", logical.ErrInvalidRequest)
	ErrNoSuchMount   = fmt.Errorf("no mount at this path: %w", logical.ErrInvalidRequest)
	ErrProtected     = fmt.Errorf("mount is protected: %w", logical.ErrInvalidRequest)
	ErrUnknownType   = fmt.Errorf("unknown mount type: %w", logical.ErrInvalidRequest)
	ErrReservedPath  = fmt.Errorf("path is reserved: %w", logical.ErrInvalidRequest)
	ErrInvalidConfig = fmt.Errorf("invalid mount configuration: %w", logical.ErrInvalidRequest)
)

// singleton types may be mounted once: the core's own backends.
var singleton = map[string]bool{"system": true, "cubbyhole": true, "token": true, "identity": true}

// Storage keys of the mount tables in the barrier.
const (
	secretsTableKey = "core/mounts"
	authTableKey    = "core/auth"
)

// Defaults are the server-wide lease TTLs that mounts fall back to.
type Defaults struct {
	DefaultLeaseTTL time.Duration
	MaxLeaseTTL     time.Duration
}

// ManagerConfig constructs a Manager.
type ManagerConfig struct {
	// Storage is the barrier (an unsealed, encrypting backend).
	Storage storage.Backend
	// Factories build secrets engines by type; AuthFactories build auth methods.
	Factories     map[string]logical.Factory
	AuthFactories map[string]logical.Factory
	// Builtin are created on first load when the tables do not exist yet;
	// Protected may never be disabled (route paths such as "sys/").
	Builtin   []*Entry
	Protected []string
	Defaults  Defaults
	Logger    *slog.Logger
	Now       func() time.Time
	Rand      io.Reader
	// Tokens is handed to every backend (see logical.BackendConfig.Tokens).
	Tokens logical.TokenRevoker
	// BeforeUnmount runs before a mount is removed (lease revocation hooks).
	BeforeUnmount func(ctx context.Context, e *Entry) error
}

func (c *ManagerConfig) validate() error {
	if c.Storage == nil {
		return fmt.Errorf("mount: storage is required")
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Rand == nil {
		c.Rand = rand.Reader
	}
	if c.Defaults.DefaultLeaseTTL == 0 {
		c.Defaults.DefaultLeaseTTL = 768 * time.Hour
	}
	if c.Defaults.MaxLeaseTTL == 0 {
		c.Defaults.MaxLeaseTTL = 768 * time.Hour
	}
	return nil
}

// Manager owns the mount tables and the router.
type Manager struct {
	cfg    ManagerConfig
	mu     sync.Mutex // serialises table changes
	router *router
	tables map[string][]*Entry
}

// NewManager returns a Manager; call Load after unseal.
func NewManager(cfg ManagerConfig) (*Manager, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &Manager{cfg: cfg, router: newRouter(), tables: map[string][]*Entry{}}, nil
}

// Load reads both tables (creating the builtin mounts the first time) and
// starts every backend. On error nothing stays mounted.
func (m *Manager) Load(ctx context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, table := range []string{TableSecrets, TableAuth} {
		entries, found, err := m.readTable(ctx, table)
		if err != nil {
			return err
		}
		if !found {
			for _, b := range m.cfg.Builtin {
				if b.Table == table {
					e := b.clone()
					if err := m.fill(e); err != nil {
						return err
					}
					entries = append(entries, e)
				}
			}
			if err := m.writeTable(ctx, table, entries); err != nil {
				return err
			}
		}
		for _, e := range entries {
			if err := m.start(ctx, e); err != nil {
				m.unloadLocked(ctx)
				return fmt.Errorf("mount %s: %w", e.RoutePath(), err)
			}
		}
		m.tables[table] = entries
	}
	return nil
}

// Unload stops every backend and forgets the tables (on seal).
func (m *Manager) Unload(ctx context.Context) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.unloadLocked(ctx)
}

func (m *Manager) unloadLocked(ctx context.Context) {
	for _, rt := range m.router.all() {
		rt.Backend.Cleanup(ctx)
		m.router.remove(rt.Entry.RoutePath())
	}
	m.tables = map[string][]*Entry{}
}

func (m *Manager) fill(e *Entry) error {
	if e.UUID == "" {
		e.UUID = m.randomID(16)
	}
	if e.Accessor == "" {
		e.Accessor = e.Type + "_" + m.randomID(4)
	}
	if e.CreatedAt.IsZero() {
		e.CreatedAt = m.cfg.Now().UTC()
	}
	if e.Options == nil {
		e.Options = map[string]string{}
	}
	return nil
}

func (m *Manager) randomID(n int) string {
	b := make([]byte, n)
	if _, err := io.ReadFull(m.cfg.Rand, b); err != nil {
		panic(fmt.Sprintf("mount: random source failed: %v", err)) // crypto/rand never fails on Linux
	}
	if n == 16 {
		h := hex.EncodeToString(b)
		return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
	}
	return hex.EncodeToString(b)
}

func (m *Manager) start(ctx context.Context, e *Entry) error {
	factories := m.cfg.Factories
	if e.Table == TableAuth {
		factories = m.cfg.AuthFactories
	}
	f, ok := factories[e.Type]
	if !ok {
		return logical.Errorf(ErrUnknownType, "unknown %s type: %s", kindName(e.Table), e.Type)
	}
	view := storage.NewView(m.cfg.Storage, e.ViewPrefix())
	sys := &systemView{m: m, routePath: e.RoutePath()}
	opts := make(map[string]string, len(e.Options))
	for k, v := range e.Options {
		opts[k] = v
	}
	b, err := f(ctx, &logical.BackendConfig{
		StorageView:   view,
		Logger:        m.cfg.Logger.With("mount", e.RoutePath(), "type", e.Type),
		System:        sys,
		Config:        opts,
		MountAccessor: e.Accessor,
		Tokens:        m.cfg.Tokens,
	})
	if err != nil {
		return err
	}
	m.router.add(e.RoutePath(), &Route{Entry: e, Backend: b, View: view, System: sys})
	return nil
}

func kindName(table string) string {
	if table == TableAuth {
		return "auth method"
	}
	return "secrets engine"
}

func (m *Manager) readTable(ctx context.Context, table string) ([]*Entry, bool, error) {
	key := secretsTableKey
	if table == TableAuth {
		key = authTableKey
	}
	raw, err := m.cfg.Storage.Get(ctx, key)
	if err != nil {
		return nil, false, fmt.Errorf("read %s table: %w", table, err)
	}
	if raw == nil {
		return nil, false, nil
	}
	var t struct {
		Entries []*Entry `json:"entries"`
	}
	if err := json.Unmarshal(raw.Value, &t); err != nil {
		return nil, false, fmt.Errorf("decode %s table: %w", table, err)
	}
	return t.Entries, true, nil
}

func (m *Manager) writeTable(ctx context.Context, table string, entries []*Entry) error {
	key := secretsTableKey
	if table == TableAuth {
		key = authTableKey
	}
	if entries == nil {
		entries = []*Entry{}
	}
	buf, err := json.Marshal(struct {
		Entries []*Entry `json:"entries"`
	}{entries})
	if err != nil {
		return fmt.Errorf("encode %s table: %w", table, err)
	}
	if err := m.cfg.Storage.Put(ctx, &storage.Entry{Key: key, Value: buf}); err != nil {
		return fmt.Errorf("write %s table: %w", table, err)
	}
	return nil
}

// Route finds the mount serving path and the path relative to it.
func (m *Manager) Route(path string) (*Route, string, bool) {
	rt, rel := m.router.match(path)
	return rt, rel, rt != nil
}

// List returns copies of a table's entries sorted by path.
func (m *Manager) List(table string) []*Entry {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]*Entry, 0, len(m.tables[table]))
	for _, e := range m.tables[table] {
		out = append(out, e.clone())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// Get returns a copy of the entry at path in table, or nil.
func (m *Manager) Get(table, path string) *Entry {
	m.mu.Lock()
	defer m.mu.Unlock()
	path = NormalizePath(path)
	for _, e := range m.tables[table] {
		if e.Path == path {
			return e.clone()
		}
	}
	return nil
}

// Enable validates e, starts its backend, persists the table and routes it.
// e.Table, Path and Type are required; UUID and Accessor are generated.
func (m *Manager) Enable(ctx context.Context, e *Entry) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	e = e.clone()
	e.Path = NormalizePath(e.Path)
	if err := m.check(e); err != nil {
		return err
	}
	if err := m.fill(e); err != nil {
		return err
	}
	if singleton[e.Type] {
		for _, other := range m.tables[e.Table] {
			if other.Type == e.Type {
				return logical.Errorf(ErrInvalidConfig, "only one %q mount may exist (at %s)", e.Type, other.RoutePath())
			}
		}
	}
	if existing, ok := m.router.conflict(e.RoutePath()); ok {
		return logical.Errorf(ErrPathInUse, "path is already in use at %s", existing)
	}
	if err := m.start(ctx, e); err != nil {
		return err
	}
	entries := append(append([]*Entry(nil), m.tables[e.Table]...), e)
	if err := m.writeTable(ctx, e.Table, entries); err != nil {
		if rt := m.router.remove(e.RoutePath()); rt != nil {
			rt.Backend.Cleanup(ctx)
		}
		return err
	}
	m.tables[e.Table] = entries
	return nil
}

func (m *Manager) check(e *Entry) error {
	if e.Path == "" || e.Path == "/" {
		return logical.Errorf(logical.ErrInvalidRequest, "path cannot be empty")
	}
	if strings.Contains(e.Path, "..") || strings.ContainsAny(e.Path, "*+") {
		return logical.Errorf(logical.ErrInvalidRequest, "invalid mount path %q", e.Path)
	}
	if e.Table == TableSecrets {
		for _, r := range []string{"sys/", "auth/", "cubbyhole/", "identity/"} {
			if strings.HasPrefix(e.Path, r) || strings.HasPrefix(r, e.Path) {
				if e.Type == "system" || e.Type == "cubbyhole" || e.Type == "identity" {
					continue
				}
				return logical.Errorf(ErrReservedPath, "cannot mount %q: %s is reserved", e.Path, r)
			}
		}
	}
	if e.Table != TableSecrets && e.Table != TableAuth {
		return logical.Errorf(logical.ErrInvalidRequest, "unknown mount table %q", e.Table)
	}
	if e.Config.MaxLeaseTTL != 0 && e.Config.DefaultLeaseTTL > e.Config.MaxLeaseTTL {
		return logical.Errorf(ErrInvalidConfig, "default_lease_ttl (%s) cannot exceed max_lease_ttl (%s)", e.Config.DefaultLeaseTTL, e.Config.MaxLeaseTTL)
	}
	return nil
}

// Disable removes the mount at path from table and deletes its data.
func (m *Manager) Disable(ctx context.Context, table, path string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	path = NormalizePath(path)
	idx := -1
	for i, e := range m.tables[table] {
		if e.Path == path {
			idx = i
		}
	}
	if idx < 0 {
		return logical.Errorf(ErrNoSuchMount, "no %s mounted at %s", kindName(table), path)
	}
	e := m.tables[table][idx]
	for _, p := range m.cfg.Protected {
		if p == e.RoutePath() {
			return logical.Errorf(ErrProtected, "cannot disable %s: it is protected", e.RoutePath())
		}
	}
	if m.cfg.BeforeUnmount != nil {
		if err := m.cfg.BeforeUnmount(ctx, e); err != nil {
			return fmt.Errorf("disable %s: %w", e.RoutePath(), err)
		}
	}
	entries := append(append([]*Entry(nil), m.tables[table][:idx]...), m.tables[table][idx+1:]...)
	if err := m.writeTable(ctx, table, entries); err != nil {
		return err
	}
	m.tables[table] = entries
	if rt := m.router.remove(e.RoutePath()); rt != nil {
		rt.Backend.Cleanup(ctx)
	}
	// The table no longer names the mount, so its data is unreachable even
	// if clearing is interrupted; clear it anyway.
	if err := storage.ClearPrefix(ctx, m.cfg.Storage, e.ViewPrefix()); err != nil {
		m.cfg.Logger.Warn("clearing disabled mount's data", "mount", e.RoutePath(), "err", err)
	}
	return nil
}

// Tune applies fn to a copy of the entry's config (and description/options)
// and persists the result.
func (m *Manager) Tune(ctx context.Context, table, path string, fn func(e *Entry) error) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	path = NormalizePath(path)
	for i, e := range m.tables[table] {
		if e.Path != path {
			continue
		}
		c := e.clone()
		if err := fn(c); err != nil {
			return err
		}
		if err := m.check(c); err != nil {
			return err
		}
		if rt, _ := m.router.match(c.RoutePath()); rt != nil && !maps.Equal(rt.Entry.Options, c.Options) {
			if oc, ok := rt.Backend.(logical.OptionsChanger); ok {
				if err := oc.OptionsChanged(ctx, c.Options); err != nil {
					return err
				}
			}
		}
		entries := append([]*Entry(nil), m.tables[table]...)
		entries[i] = c
		if err := m.writeTable(ctx, table, entries); err != nil {
			return err
		}
		m.tables[table] = entries
		if rt, _ := m.router.match(c.RoutePath()); rt != nil {
			nrt := *rt
			nrt.Entry = c
			m.router.add(c.RoutePath(), &nrt)
		}
		return nil
	}
	return logical.Errorf(ErrNoSuchMount, "no %s mounted at %s", kindName(table), path)
}

// Defaults returns the server-wide TTL defaults.
func (m *Manager) Defaults() Defaults { return m.cfg.Defaults }

// systemView answers a backend's questions about its mount, reading the
// current (possibly tuned) entry on each call.
type systemView struct {
	m         *Manager
	routePath string
}

func (s *systemView) entry() *Entry {
	if rt, rel := s.m.router.match(s.routePath); rt != nil && rel == "" {
		return rt.Entry
	}
	return nil
}

func (s *systemView) DefaultLeaseTTL() time.Duration {
	d := s.m.cfg.Defaults.DefaultLeaseTTL
	if e := s.entry(); e != nil && e.Config.DefaultLeaseTTL != 0 {
		d = e.Config.DefaultLeaseTTL
	}
	if max := s.MaxLeaseTTL(); d > max {
		d = max
	}
	return d
}

func (s *systemView) MaxLeaseTTL() time.Duration {
	if e := s.entry(); e != nil && e.Config.MaxLeaseTTL != 0 {
		return e.Config.MaxLeaseTTL
	}
	return s.m.cfg.Defaults.MaxLeaseTTL
}

func (s *systemView) Now() time.Time { return s.m.cfg.Now() }
