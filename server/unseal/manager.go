package unseal

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"

	"github.com/cofre-io/cofre/server/barrier"
	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/seal"
	"github.com/cofre-io/cofre/server/shamir"
	"github.com/cofre-io/cofre/server/storage"
)

// Errors of the ceremonies. Client mistakes wrap logical.ErrInvalidRequest
// through logical.Errorf so the HTTP layer answers 400.
var (
	ErrNotInitialized     = errors.New("server is not initialized")
	ErrAlreadyInitialized = errors.New("server is already initialized")
	ErrBadShares          = errors.New("key shares do not reconstruct the unseal key")
	ErrNoCeremony         = errors.New("no ceremony in progress")
	ErrNonce              = errors.New("nonce does not match the ceremony in progress")
)

// Hooks connect the ceremonies to the rest of the server.
type Hooks struct {
	// PostUnseal runs right after the barrier unseals; if it fails the
	// barrier is sealed again and the error returned.
	PostUnseal func(ctx context.Context) error
	// PreSeal runs right before the barrier seals.
	PreSeal func(ctx context.Context)
	// CreateRootToken mints a root token with the given value ("" to
	// generate one) and returns the value.
	CreateRootToken func(ctx context.Context, value string) (string, error)
}

// Config constructs a Manager.
type Config struct {
	Physical storage.Backend
	Barrier  *barrier.Barrier
	// AutoSeal, when set, wraps the root key so the server unseals itself;
	// otherwise the seal is Shamir.
	AutoSeal seal.Wrapper
	Hooks    Hooks
	Rand     io.Reader
	Logger   *slog.Logger
}

// Manager runs the ceremonies.
type Manager struct {
	cfg Config

	mu          sync.Mutex
	migrateFrom seal.Wrapper // a disabled seal being migrated away from
	unseal      *progress
	rekey       *rekeyState
	genRoot     *genRootState
}

// progress collects key shares for one ceremony.
type progress struct {
	nonce string
	keys  [][]byte
}

func (p *progress) add(key []byte) {
	for _, k := range p.keys {
		if subtle.ConstantTimeCompare(k, key) == 1 {
			return
		}
	}
	p.keys = append(p.keys, append([]byte(nil), key...))
}

// submit checks a share against the ceremony in progress (p is nil when
// none is) and adds it.
func submit(p *progress, what, nonce string, key []byte) error {
	if p == nil {
		return logical.Errorf(logical.ErrInvalidRequest, "no %s in progress", what)
	}
	if nonce != p.nonce {
		return logical.Errorf(logical.ErrInvalidRequest, "incorrect nonce supplied")
	}
	p.add(key)
	return nil
}

func (p *progress) wipe() {
	for _, k := range p.keys {
		clear(k)
	}
	p.keys = nil
}

// New returns a Manager.
func New(cfg Config) (*Manager, error) {
	if cfg.Physical == nil || cfg.Barrier == nil {
		return nil, fmt.Errorf("unseal: physical storage and barrier are required")
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Manager{cfg: cfg}, nil
}

// SealType is the configured seal's type.
func (m *Manager) SealType() string {
	if m.cfg.AutoSeal != nil {
		return m.cfg.AutoSeal.Type()
	}
	return seal.TypeShamir
}

func (m *Manager) random(n int) ([]byte, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(m.cfg.Rand, b); err != nil {
		return nil, fmt.Errorf("random: %w", err)
	}
	return b, nil
}

func (m *Manager) nonce() (string, error) {
	b, err := m.random(16)
	if err != nil {
		return "", err
	}
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32], nil
}

// Status is what sys/seal-status reports.
type Status struct {
	Type         string
	Initialized  bool
	Sealed       bool
	Threshold    int
	Shares       int
	Progress     int
	Nonce        string
	RecoverySeal bool
	// Migration is set while the stored seal differs from the configured
	// one: the server waits for an unseal with migrate=true.
	Migration bool
}

// Status reads the seal state.
func (m *Manager) Status(ctx context.Context) (Status, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.statusLocked(ctx)
}

func (m *Manager) statusLocked(ctx context.Context) (Status, error) {
	st := Status{Type: m.SealType(), Sealed: m.cfg.Barrier.Sealed(), RecoverySeal: m.cfg.AutoSeal != nil}
	rec, err := readRecord(ctx, m.cfg.Physical)
	if err != nil {
		return st, err
	}
	if rec == nil {
		return st, nil
	}
	st.Initialized = true
	st.Type = rec.Config.Type
	if rec.Config.Type == seal.TypeShamir {
		st.Threshold, st.Shares = rec.Config.SecretThreshold, rec.Config.SecretShares
	} else {
		st.Threshold, st.Shares = rec.Config.RecoveryThreshold, rec.Config.RecoveryShares
	}
	if m.unseal != nil {
		st.Progress, st.Nonce = len(m.unseal.keys), m.unseal.nonce
	}
	st.Migration = rec.Config.Type != m.SealType()
	return st, nil
}

// Initialized reports whether the server has a seal record.
func (m *Manager) Initialized(ctx context.Context) (bool, error) {
	rec, err := readRecord(ctx, m.cfg.Physical)
	return rec != nil, err
}

// splitKey splits key into shares; a 1-of-1 split is the key itself.
func splitKey(key []byte, shares, threshold int) ([][]byte, error) {
	if shares == 1 && threshold == 1 {
		return [][]byte{append([]byte(nil), key...)}, nil
	}
	return shamir.Split(key, shares, threshold)
}

// combineKey reverses splitKey.
func combineKey(keys [][]byte, threshold int) ([]byte, error) {
	if threshold == 1 {
		if len(keys[0]) != 32 {
			return nil, logical.Errorf(logical.ErrInvalidRequest, "unseal key must be 32 bytes, got %d", len(keys[0]))
		}
		return append([]byte(nil), keys[0]...), nil
	}
	k, err := shamir.Combine(keys)
	if err != nil {
		return nil, logical.Errorf(logical.ErrInvalidRequest, "combining key shares: %v", err)
	}
	return k, nil
}

func validateShares(name string, shares, threshold int) error {
	switch {
	case shares < 1:
		return logical.Errorf(logical.ErrInvalidRequest, "%s_shares must be at least one", name)
	case shares > 255:
		return logical.Errorf(logical.ErrInvalidRequest, "%s_shares must be at most 255", name)
	case threshold < 1:
		return logical.Errorf(logical.ErrInvalidRequest, "%s_threshold must be at least one", name)
	case threshold > shares:
		return logical.Errorf(logical.ErrInvalidRequest, "%s_threshold cannot be larger than %s_shares", name, name)
	case shares > 1 && threshold == 1:
		return logical.Errorf(logical.ErrInvalidRequest, "%s_threshold must be greater than one for multiple shares", name)
	}
	return nil
}
