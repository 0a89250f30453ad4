package leasetest

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	vault "github.com/hashicorp/vault/api"

	"github.com/cofre-io/cofre/server/core"
	"github.com/cofre-io/cofre/server/engines/cubbyhole"
	"github.com/cofre-io/cofre/server/engines/kv"
	"github.com/cofre-io/cofre/server/httpapi"
	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/mount"
	"github.com/cofre-io/cofre/server/storage"
	"github.com/cofre-io/cofre/server/storage/inmem"
	"github.com/cofre-io/cofre/server/storage/raft"
	"github.com/cofre-io/cofre/server/unseal"
)

// EngineType is the mount type under which Start registers the Engine.
const EngineType = "leasetest"

// Options tune Start.
type Options struct {
	// RaftDir, when set, keeps the data in Raft storage there; otherwise
	// in memory. Either way Restart keeps the data.
	RaftDir string
	// Engine is mounted as type EngineType; nil makes a new one.
	Engine *Engine
	// Defaults are the server's lease TTLs (default 768h both).
	Defaults mount.Defaults
	// Now is the core's clock (default time.Now).
	Now func() time.Time
}

// Server is a running core with the HTTP API on a loopback port, the
// engine available, kv and cubbyhole mountable.
type Server struct {
	Core *core.Core
	// Addr is the base URL.
	Addr string
	// Client is a Vault API client holding the root token.
	Client *vault.Client
	Root   string
	Engine *Engine

	opts Options
	key  []byte
	phys storage.Backend
	http *httptest.Server
}

func (o *Options) logger() *slog.Logger {
	if os.Getenv("COFRE_TEST_LOG") == "1" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// Start initialises and unseals a server; it stops at test end.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	if opts.Engine == nil {
		opts.Engine = NewEngine()
	}
	s := &Server{opts: opts, Engine: opts.Engine}
	s.phys = s.openStorage(t)
	s.Core = s.newCore(t)
	ctx := context.Background()
	res, err := s.Core.Init(ctx, unseal.InitRequest{SecretShares: 1, SecretThreshold: 1})
	if err != nil {
		t.Fatalf("init: %v", err)
	}
	s.key, s.Root = res.Keys[0], res.RootToken
	if _, err := s.Core.Unseal(ctx, s.key); err != nil {
		t.Fatalf("unseal: %v", err)
	}
	s.serve(t)
	t.Cleanup(s.Stop)
	return s
}

func (s *Server) openStorage(t testing.TB) storage.Backend {
	t.Helper()
	if s.opts.RaftDir == "" {
		return inmem.New()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b, err := raft.New(ctx, raft.Config{Path: s.opts.RaftDir, ClusterAddr: "127.0.0.1:0", Logger: s.opts.logger()})
	if err != nil {
		t.Fatalf("raft: %v", err)
	}
	return b
}

func (s *Server) newCore(t testing.TB) *core.Core {
	t.Helper()
	c, err := core.New(core.Config{
		Physical:    s.phys,
		StorageType: "inmem",
		Factories: map[string]logical.Factory{
			EngineType:  s.Engine.Factory,
			"kv":        kv.Factory,
			"cubbyhole": cubbyhole.Factory,
		},
		Defaults: s.opts.Defaults,
		Logger:   s.opts.logger(),
		Now:      s.opts.Now,
	})
	if err != nil {
		t.Fatalf("core: %v", err)
	}
	return c
}

func (s *Server) serve(t testing.TB) {
	t.Helper()
	s.http = httptest.NewServer(httpapi.New(httpapi.Config{Core: s.Core, Version: core.Version}))
	s.Addr = s.http.URL
	s.Client = s.NewClient(t, s.Root)
}

// NewClient returns a Vault API client for the server holding token.
func (s *Server) NewClient(t testing.TB, token string) *vault.Client {
	t.Helper()
	cfg := vault.DefaultConfig()
	cfg.Address = s.Addr
	cfg.MaxRetries = 0
	c, err := vault.NewClient(cfg)
	if err != nil {
		t.Fatalf("vault client: %v", err)
	}
	c.SetToken(token)
	return c
}

// Mount enables the engine at path (e.g. "db").
func (s *Server) Mount(t testing.TB, path string, config *vault.MountConfigInput) {
	t.Helper()
	in := &vault.MountInput{Type: EngineType}
	if config != nil {
		in.Config = *config
	}
	if err := s.Client.Sys().Mount(path, in); err != nil {
		t.Fatalf("mount %s: %v", path, err)
	}
}

// Restart stops the HTTP server, seals, closes the storage, opens it again,
// builds a new core over it and unseals it; the root token and the engine
// carry over.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	s.stop()
	if s.opts.RaftDir != "" {
		s.phys = s.openStorage(t)
	}
	s.Core = s.newCore(t)
	if _, err := s.Core.Unseal(context.Background(), s.key); err != nil {
		t.Fatalf("unseal after restart: %v", err)
	}
	s.serve(t)
}

// Stop stops the server; safe to call more than once.
func (s *Server) Stop() { s.stop() }

func (s *Server) stop() {
	if s.http != nil {
		s.http.Close()
		s.http = nil
	}
	if s.Core != nil {
		s.Core.Seal(context.Background())
		s.Core = nil
	}
	if c, ok := s.phys.(storage.Closer); ok && s.opts.RaftDir != "" {
		_ = c.Close()
		s.phys = nil
	}
}
