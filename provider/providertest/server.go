package providertest

import (
	"context"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	vault "github.com/hashicorp/vault/api"

	"github.com/cofre-io/cofre/server/core"
	"github.com/cofre-io/cofre/server/httpapi"
	"github.com/cofre-io/cofre/server/lease/leasetest"
	"github.com/cofre-io/cofre/server/mount"
	"github.com/cofre-io/cofre/server/serve"
	"github.com/cofre-io/cofre/server/storage/inmem"
	"github.com/cofre-io/cofre/server/unseal"
)

// LeaseEngineType is the mount type of the lease test engine.
const LeaseEngineType = leasetest.EngineType

// Server is a running in-process server.
type Server struct {
	Core *core.Core
	// Addr is the base URL (http, loopback).
	Addr string
	// Root is a client holding the root token.
	Root *vault.Client
	// Leases is the lease test engine every leasetest mount shares.
	Leases *leasetest.Engine
	Clock  *Clock

	http *httptest.Server
	mu   sync.Mutex
	reqs map[string]int
}

// StartServer starts an initialised, unsealed server whose clock is
// clock, with KV v2 at secret/. It stops at test end.
func StartServer(t testing.TB, clock *Clock) *Server {
	t.Helper()
	s := &Server{Leases: leasetest.NewEngine(), Clock: clock, reqs: map[string]int{}}
	factories := serve.SecretFactories()
	factories[LeaseEngineType] = s.Leases.Factory
	c, err := core.New(core.Config{
		Physical:      inmem.New(),
		StorageType:   "inmem",
		Factories:     factories,
		AuthFactories: serve.AuthFactories(),
		Defaults:      mount.Defaults{DefaultLeaseTTL: 768 * time.Hour, MaxLeaseTTL: 768 * time.Hour},
		Logger:        logger(),
		Now:           clock.Now,
	})
	if err != nil {
		t.Fatalf("core: %v", err)
	}
	s.Core = c
	ctx := context.Background()
	res, err := c.Init(ctx, unseal.InitRequest{SecretShares: 1, SecretThreshold: 1})
	if err != nil {
		t.Fatalf("init: %v", err)
	}
	if _, err := c.Unseal(ctx, res.Keys[0]); err != nil {
		t.Fatalf("unseal: %v", err)
	}
	api := httpapi.New(httpapi.Config{Core: c, Version: core.Version, Logger: logger()})
	s.http = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.reqs[r.Method+" "+r.URL.Path]++
		s.mu.Unlock()
		api.ServeHTTP(w, r)
	}))
	s.Addr = s.http.URL
	t.Cleanup(s.stop)
	s.Root = s.NewClient(t, res.RootToken)
	if err := s.Root.Sys().Mount("secret", &vault.MountInput{Type: "kv", Options: map[string]string{"version": "2"}}); err != nil {
		t.Fatalf("mount secret/: %v", err)
	}
	s.ResetRequests()
	return s
}

func logger() *slog.Logger {
	if os.Getenv("COFRE_TEST_LOG") == "1" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

func (s *Server) stop() {
	s.http.Close()
	s.Core.Seal(context.Background())
}

// NewClient returns a client of the server holding token.
func (s *Server) NewClient(t testing.TB, token string) *vault.Client {
	t.Helper()
	cfg := vault.DefaultConfig()
	cfg.Address = s.Addr
	cfg.MaxRetries = 0
	c, err := vault.NewClient(cfg)
	if err != nil {
		t.Fatalf("client: %v", err)
	}
	c.SetToken(token)
	return c
}

// Requests returns the requests served since the last reset, by
// "METHOD /v1/path".
func (s *Server) Requests() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.reqs)
}

// ResetRequests zeroes the request counts.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reqs = map[string]int{}
}

// EnableKubernetes enables the kubernetes auth method at mount and points
// it at k.
func (s *Server) EnableKubernetes(t testing.TB, mount string, k *Kube) {
	t.Helper()
	if err := s.Root.Sys().EnableAuthWithOptions(mount, &vault.EnableAuthOptions{Type: "kubernetes"}); err != nil {
		t.Fatalf("enable kubernetes auth: %v", err)
	}
	reviewer := k.Mint(Account{Namespace: "cofre", ServiceAccount: "cofre-server"})
	s.Write(t, "auth/"+mount+"/config", map[string]any{
		"kubernetes_host": k.URL(), "kubernetes_ca_cert": k.CAPEM(), "token_reviewer_jwt": reviewer,
	})
}

// Write writes data at path with the root token, failing t on error.
func (s *Server) Write(t testing.TB, path string, data map[string]any) *vault.Secret {
	t.Helper()
	sec, err := s.Root.Logical().Write(path, data)
	if err != nil {
		t.Fatalf("write %s: %v", path, err)
	}
	return sec
}

// PutKV writes a KV v2 secret under secret/.
func (s *Server) PutKV(t testing.TB, path string, data map[string]any) {
	t.Helper()
	if _, err := s.Root.KVv2("secret").Put(context.Background(), path, data); err != nil {
		t.Fatalf("kv put %s: %v", path, err)
	}
}

// Policy writes an ACL policy.
func (s *Server) Policy(t testing.TB, name, hcl string) {
	t.Helper()
	if err := s.Root.Sys().PutPolicy(name, hcl); err != nil {
		t.Fatalf("policy %s: %v", name, err)
	}
}
