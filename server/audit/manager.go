package audit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/cofre-io/cofre/server/storage"
)

// testTimeout bounds a device's reachability test when it is enabled;
// loadTestTimeout the informational one on unseal, which holds up the
// unseal.
const (
	testTimeout     = 10 * time.Second
	loadTestTimeout = 2 * time.Second
)

// ManagerConfig constructs a Manager.
type ManagerConfig struct {
	// Storage is the barrier: the table and the salts are secrets.
	Storage storage.Backend
	// Factories build devices by type (default Factories()).
	Factories map[string]Factory
	// Broker receives the devices (default: a new one with Logger).
	Broker *Broker
	Logger *slog.Logger
	Now    func() time.Time
	Rand   io.Reader
	// Stdout is where file_path=stdout devices write (default os.Stdout).
	Stdout io.Writer
}

func (c *ManagerConfig) validate() error {
	if c.Storage == nil {
		return fmt.Errorf("audit: storage is required")
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Factories == nil {
		c.Factories = Factories()
	}
	if c.Broker == nil {
		c.Broker = NewBroker(BrokerConfig{Logger: c.Logger})
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Rand == nil {
		c.Rand = rand.Reader
	}
	return nil
}

// Manager owns the audit table: it enables and disables devices, persists
// them with their salts, restores them on Load and hands them to its
// Broker. Safe for concurrent use; table changes are serialised.
type Manager struct {
	cfg ManagerConfig

	mu      sync.Mutex
	loaded  bool
	entries []*TableEntry
	formats map[string]*Formatter // by path
}

// NewManager returns a Manager; call Load after unseal.
func NewManager(cfg ManagerConfig) (*Manager, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &Manager{cfg: cfg, formats: map[string]*Formatter{}}, nil
}

// Broker is where entries are logged.
func (m *Manager) Broker() *Broker { return m.cfg.Broker }

// Load reads the table and registers every device. A device that cannot
// be rebuilt (its type or options are no longer valid) is registered as
// one that always fails, so auditing stays closed rather than silently
// losing it; one that cannot reach its destination keeps trying on each
// write. Load fails only if storage does.
func (m *Manager) Load(ctx context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	entries, err := readTable(ctx, m.cfg.Storage)
	if err != nil {
		return err
	}
	for _, e := range entries {
		salt, err := m.salt(ctx, e.UUID)
		if err != nil {
			m.unloadLocked()
			return err
		}
		dev, f, err := m.build(e, salt)
		if err != nil {
			m.cfg.Logger.Error("audit device cannot be restored; requests fail until it is fixed or disabled", "device", e.Path, "err", err)
			dev, f = brokenDevice{err}, NewFormatter(FormatOptions{HMACAccessor: true}, salt)
		} else if t, ok := dev.(Tester); ok {
			tctx, cancel := context.WithTimeout(ctx, loadTestTimeout)
			err := t.Test(tctx)
			cancel()
			if err != nil {
				m.cfg.Logger.Warn("audit device is not reachable; it retries on each write", "device", e.Path, "err", err)
			}
		}
		m.cfg.Broker.Register(e.Path, dev, f)
		m.formats[e.Path] = f
	}
	m.entries = entries
	m.loaded = true
	return nil
}

// Unload closes every device and forgets the table (on seal).
func (m *Manager) Unload() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.unloadLocked()
}

func (m *Manager) unloadLocked() {
	m.cfg.Broker.Close()
	m.entries = nil
	m.formats = map[string]*Formatter{}
	m.loaded = false
}

// salt reads a device's salt, creating it if it is missing.
func (m *Manager) salt(ctx context.Context, uuid string) (*Salt, error) {
	raw, err := m.cfg.Storage.Get(ctx, saltKey(uuid))
	if err != nil {
		return nil, fmt.Errorf("audit: read salt: %w", err)
	}
	if raw != nil {
		return NewSalt(raw.Value)
	}
	return m.newSalt(ctx, uuid)
}

func (m *Manager) newSalt(ctx context.Context, uuid string) (*Salt, error) {
	key, err := generateSalt(m.cfg.Rand)
	if err != nil {
		return nil, err
	}
	if err := m.cfg.Storage.Put(ctx, &storage.Entry{Key: saltKey(uuid), Value: key}); err != nil {
		return nil, fmt.Errorf("audit: write salt: %w", err)
	}
	return NewSalt(key)
}

// build validates e's options and constructs its device and formatter.
func (m *Manager) build(e *TableEntry, salt *Salt) (Device, *Formatter, error) {
	factory, ok := m.cfg.Factories[e.Type]
	if !ok {
		return nil, nil, invalid(ErrUnknownType, "unknown audit device type %q", e.Type)
	}
	fo, err := ParseFormatOptions(e.Options)
	if err != nil {
		return nil, nil, err
	}
	dev, err := factory(DeviceConfig{
		Path:    e.Path,
		Options: e.Options,
		Logger:  m.cfg.Logger.With("device", e.Path),
		Stdout:  m.cfg.Stdout,
	})
	if err != nil {
		return nil, nil, err
	}
	return dev, NewFormatter(fo, salt), nil
}

// Enable validates e, tests the device (unless skip_test), stores its salt
// and the table, and starts auditing to it. e.Path and e.Type are
// required. On error nothing is stored.
func (m *Manager) Enable(ctx context.Context, e TableEntry) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.loaded {
		return ErrNotLoaded
	}
	ent := e.clone()
	ent.Path = NormalizePath(ent.Path)
	if ent.Path == "" {
		return invalid(ErrInvalidOption, "audit device path is required")
	}
	for _, other := range m.entries {
		if strings.HasPrefix(other.Path, ent.Path) || strings.HasPrefix(ent.Path, other.Path) {
			return invalid(ErrPathInUse, "path already in use")
		}
	}
	if ent.Type == "" {
		return invalid(ErrInvalidOption, "audit device type is required")
	}
	// The salt is not stored yet: a throwaway one serves the test.
	dev, f, err := m.build(ent, nil)
	if err != nil {
		return err
	}
	if err := m.test(ctx, dev, f); err != nil {
		dev.Close()
		return err
	}
	if ent.UUID, err = newUUID(m.cfg.Rand); err != nil {
		dev.Close()
		return err
	}
	ent.CreatedAt = m.cfg.Now().UTC()
	salt, err := m.newSalt(ctx, ent.UUID)
	if err != nil {
		dev.Close()
		return err
	}
	f = NewFormatter(f.opts, salt)
	entries := append(append([]*TableEntry(nil), m.entries...), ent)
	if err := writeTable(ctx, m.cfg.Storage, entries); err != nil {
		dev.Close()
		m.deleteSalt(ctx, ent)
		return err
	}
	m.entries = entries
	m.formats[ent.Path] = f
	m.cfg.Broker.Register(ent.Path, dev, f)
	return nil
}

func (m *Manager) test(ctx context.Context, dev Device, f *Formatter) error {
	t, ok := dev.(Tester)
	if !ok || f.opts.SkipTest {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, testTimeout)
	defer cancel()
	if err := t.Test(ctx); err != nil {
		return invalid(ErrDeviceTest, "audit device test failed: %v", err)
	}
	return nil
}

// Disable stops auditing to the device at path and forgets it and its
// salt. It reports whether there was one; a missing device is not an
// error.
func (m *Manager) Disable(ctx context.Context, path string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.loaded {
		return false, ErrNotLoaded
	}
	path = NormalizePath(path)
	var gone *TableEntry
	entries := make([]*TableEntry, 0, len(m.entries))
	for _, e := range m.entries {
		if e.Path == path {
			gone = e
			continue
		}
		entries = append(entries, e)
	}
	if gone == nil {
		return false, nil
	}
	if err := writeTable(ctx, m.cfg.Storage, entries); err != nil {
		return false, err
	}
	m.entries = entries
	delete(m.formats, path)
	m.cfg.Broker.Deregister(path)
	m.deleteSalt(ctx, gone)
	return true, nil
}

func (m *Manager) deleteSalt(ctx context.Context, e *TableEntry) {
	if err := m.cfg.Storage.Delete(ctx, saltKey(e.UUID)); err != nil {
		m.cfg.Logger.Warn("deleting an audit salt failed", "device", e.Path, "err", err)
	}
}

// List returns copies of the enabled devices, sorted by path.
func (m *Manager) List() ([]TableEntry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.loaded {
		return nil, ErrNotLoaded
	}
	out := make([]TableEntry, 0, len(m.entries))
	for _, e := range m.entries {
		out = append(out, *e.clone())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// Hash returns input's HMAC with the salt of the device at path, as that
// device writes it (sys/audit-hash).
func (m *Manager) Hash(path, input string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.loaded {
		return "", ErrNotLoaded
	}
	f, ok := m.formats[NormalizePath(path)]
	if !ok {
		return "", invalid(ErrNoSuchDevice, "unknown audit backend %s", NormalizePath(path))
	}
	return f.Hash(input), nil
}

// Reopen reopens every device (SIGHUP).
func (m *Manager) Reopen() error { return m.cfg.Broker.Reopen() }

func newUUID(r io.Reader) (string, error) {
	b := make([]byte, 16)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", fmt.Errorf("audit: generate device id: %w", err)
	}
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32], nil
}

// brokenDevice stands for a stored device that cannot be rebuilt: it fails
// every write so that auditing stays closed.
type brokenDevice struct{ err error }

func (d brokenDevice) Write(context.Context, []byte) error { return d.err }
func (brokenDevice) Reopen() error                         { return nil }
func (brokenDevice) Close() error                          { return nil }
