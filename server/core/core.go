package core

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/cofre-io/cofre/server/audit"
	"github.com/cofre-io/cofre/server/barrier"
	"github.com/cofre-io/cofre/server/lease"
	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/mount"
	"github.com/cofre-io/cofre/server/policystore"
	"github.com/cofre-io/cofre/server/seal"
	"github.com/cofre-io/cofre/server/storage"
	"github.com/cofre-io/cofre/server/token"
	"github.com/cofre-io/cofre/server/unseal"
)

// Version is the server version reported by health and seal-status.
const Version = "0.1.0"

// Config constructs a Core.
type Config struct {
	Physical storage.Backend
	// StorageType names the physical backend for seal-status ("raft", "inmem").
	StorageType string
	// AutoSeal, when set, replaces Shamir unsealing.
	AutoSeal seal.Wrapper
	// Factories and AuthFactories build secrets engines and auth methods by
	// type; the core adds its own (system, token) to them.
	Factories     map[string]logical.Factory
	AuthFactories map[string]logical.Factory
	Defaults      mount.Defaults
	Logger        *slog.Logger
	Now           func() time.Time
	Rand          io.Reader
	ClusterName   string
}

func (c *Config) validate() error {
	if c.Physical == nil {
		return fmt.Errorf("core: physical storage is required")
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
	if c.Factories == nil {
		c.Factories = map[string]logical.Factory{}
	}
	if c.AuthFactories == nil {
		c.AuthFactories = map[string]logical.Factory{}
	}
	if c.ClusterName == "" {
		c.ClusterName = "cofre-cluster"
	}
	return nil
}

// Core is the assembled server.
type Core struct {
	cfg      Config
	log      *slog.Logger
	barrier  *barrier.Barrier
	keys     *unseal.Manager
	audit    *audit.Manager
	mounts   *mount.Manager
	tokens   *token.Store
	policies *policystore.Store
	leases   *lease.Manager

	// stateLock: requests hold it shared, seal and unseal exclusively.
	stateLock sync.RWMutex
	clusterID string
}

// New builds a Core. It starts sealed.
func New(cfg Config) (*Core, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	b, err := barrier.New(cfg.Physical, barrier.Options{Now: cfg.Now, Rand: cfg.Rand})
	if err != nil {
		return nil, fmt.Errorf("core: %w", err)
	}
	c := &Core{cfg: cfg, log: cfg.Logger, barrier: b}
	// encrypted is the barrier as a storage.Backend that is transactional
	// whenever the physical storage is, so views can batch writes.
	encrypted := b.Backend()
	c.tokens, err = token.NewStore(token.Config{Storage: storage.NewView(encrypted, "sys/token/"), Now: cfg.Now, Rand: cfg.Rand, Logger: cfg.Logger.With("component", "tokens")})
	if err != nil {
		return nil, err
	}
	c.tokens.OnRevoke(c.destroyCubbyhole)
	if err := c.newLeaseManager(encrypted); err != nil {
		return nil, err
	}
	c.policies = policystore.New(storage.NewView(encrypted, "sys/policy/"))
	if c.audit, err = audit.NewManager(audit.ManagerConfig{Storage: encrypted, Logger: cfg.Logger.With("component", "audit"), Now: cfg.Now, Rand: cfg.Rand}); err != nil {
		return nil, err
	}
	factories := copyFactories(cfg.Factories)
	factories["system"] = c.systemFactory
	authFactories := copyFactories(cfg.AuthFactories)
	if _, ok := authFactories["token"]; !ok {
		authFactories["token"] = c.tokenFactory
	}
	c.mounts, err = mount.NewManager(mount.ManagerConfig{
		Storage:       encrypted,
		Factories:     factories,
		AuthFactories: authFactories,
		Builtin:       builtinMounts(factories),
		Protected:     []string{"sys/", "auth/token/", "cubbyhole/"},
		Tokens:        c,
		BeforeUnmount: c.revokeMountLeases,
		Defaults:      cfg.Defaults,
		Logger:        cfg.Logger.With("component", "mounts"),
		Now:           cfg.Now,
		Rand:          cfg.Rand,
	})
	if err != nil {
		return nil, err
	}
	c.keys, err = unseal.New(unseal.Config{
		Physical: cfg.Physical,
		Barrier:  b,
		AutoSeal: cfg.AutoSeal,
		Rand:     cfg.Rand,
		Logger:   cfg.Logger.With("component", "seal"),
		Hooks: unseal.Hooks{
			PostUnseal:      c.postUnseal,
			PreSeal:         c.preSeal,
			CreateRootToken: c.createRootToken,
		},
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

func copyFactories(in map[string]logical.Factory) map[string]logical.Factory {
	out := make(map[string]logical.Factory, len(in)+2)
	for k, v := range in {
		out[k] = v
	}
	return out
}

// builtinMounts are created when the mount tables are first written.
func builtinMounts(factories map[string]logical.Factory) []*mount.Entry {
	out := []*mount.Entry{
		{Table: mount.TableSecrets, Path: "sys/", Type: "system", Description: "system endpoints used for control, policy and debugging"},
		{Table: mount.TableAuth, Path: "token/", Type: "token", Description: "token based credentials"},
	}
	if _, ok := factories["cubbyhole"]; ok {
		out = append(out, &mount.Entry{Table: mount.TableSecrets, Path: "cubbyhole/", Type: "cubbyhole", Description: "per-token private secret storage", Local: true})
	}
	return out
}

// postUnseal loads what lives behind the barrier.
func (c *Core) postUnseal(ctx context.Context) error {
	if err := c.tokens.Load(ctx); err != nil {
		return err
	}
	if err := c.policies.Load(ctx); err != nil {
		c.tokens.Unload()
		return err
	}
	if err := c.mounts.Load(ctx); err != nil {
		c.tokens.Unload()
		c.policies.Unload()
		return err
	}
	// After the mounts: expiring leases call their backends.
	if err := c.leases.Load(ctx); err != nil {
		c.mounts.Unload(ctx)
		c.tokens.Unload()
		c.policies.Unload()
		return err
	}
	// Audit devices last; if they cannot be restored, undo the rest.
	if err := c.audit.Load(ctx); err != nil {
		c.preSeal(ctx)
		return err
	}
	return nil
}

func (c *Core) preSeal(ctx context.Context) {
	c.audit.Unload()
	c.leases.Unload()
	c.mounts.Unload(ctx)
	c.policies.Unload()
	c.tokens.Unload()
}

func (c *Core) createRootToken(ctx context.Context, value string) (string, error) {
	e, err := c.tokens.Create(ctx, &token.Entry{
		ID:          value,
		Policies:    []string{"root"},
		Path:        "auth/token/root",
		DisplayName: "root",
		Orphan:      true,
		Type:        token.TypeService,
	})
	if err != nil {
		return "", err
	}
	return e.ID, nil
}

// Sealed reports whether the barrier is sealed.
func (c *Core) Sealed() bool { return c.barrier.Sealed() }

// Logger returns the core's logger.
func (c *Core) Logger() *slog.Logger { return c.log }

// Mounts exposes the mount manager to the system backend.
func (c *Core) Mounts() *mount.Manager { return c.mounts }

// Tokens exposes the token store to the token backend.
func (c *Core) Tokens() *token.Store { return c.tokens }

// StorageType names the physical backend.
func (c *Core) StorageType() string { return c.cfg.StorageType }

// ClusterName is reported by health.
func (c *Core) ClusterName() string { return c.cfg.ClusterName }

// Now is the core's clock.
func (c *Core) Now() time.Time { return c.cfg.Now() }
