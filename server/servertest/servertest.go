package servertest

import (
	"context"
	"io"
	"os"
	"testing"
	"time"

	vault "github.com/hashicorp/vault/api"

	"github.com/cofre-io/cofre/server/config"
	"github.com/cofre-io/cofre/server/serve"
)

// Server is a running test server.
type Server struct {
	*serve.Server
	// Addr is the base URL, e.g. http://127.0.0.1:41234.
	Addr string
	// Client is a Vault API client with the root token (dev servers) or no
	// token (servers that still need init).
	Client *vault.Client
}

// Options tune a test server.
type Options struct {
	// RaftDir, when set, uses Raft storage in that directory instead of
	// memory, and the server starts uninitialised (unless Dev).
	RaftDir string
	// Dev initialises and unseals with one key share and a root token.
	Dev bool
	// RootToken is the dev root token value ("" generates one).
	RootToken string
	// Seals are seal blocks (auto-unseal) for non-dev servers.
	Seals []config.Seal
	// Getenv feeds the server's environment lookups (seal keys).
	Getenv func(string) string
	// LogOutput receives the server log; nil discards it unless
	// COFRE_TEST_LOG=1.
	LogOutput io.Writer
}

// StartDev starts an in-memory dev server with KV v2 at secret/ (when the
// engine exists) and returns it with a root client. It stops at test end.
func StartDev(t testing.TB) *Server {
	t.Helper()
	return Start(t, Options{Dev: true})
}

// Start starts a server as opts say. It stops at test end.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	st := &config.Storage{Type: "inmem"}
	if opts.RaftDir != "" {
		st = &config.Storage{Type: "raft", Path: opts.RaftDir, Options: map[string]string{}}
	}
	cfg := &config.Config{
		DefaultLeaseTTL: 768 * time.Hour,
		MaxLeaseTTL:     768 * time.Hour,
		LogLevel:        "debug",
		Listeners:       []config.Listener{{Type: "tcp", Address: "127.0.0.1:0", TLSDisable: true, MaxRequestSize: 32 << 20, MaxRequestDuration: 90 * time.Second}},
		Storage:         st,
		ClusterAddr:     "127.0.0.1:0",
		Seals:           opts.Seals,
	}
	logOut := opts.LogOutput
	if logOut == nil {
		logOut = io.Discard
		if os.Getenv("COFRE_TEST_LOG") == "1" {
			logOut = os.Stderr
		}
	}
	getenv := opts.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	o := &serve.Options{Dev: opts.Dev, DevRootTokenID: opts.RootToken, Config: cfg}
	s, err := serve.Start(context.Background(), o, logOut, getenv)
	if err != nil {
		t.Fatalf("start server: %v", err)
	}
	srv := &Server{Server: s, Addr: "http://" + s.Addrs[0]}
	t.Cleanup(func() { srv.Stop() })
	srv.Client = srv.NewClient(t, s.RootToken)
	return srv
}

// Stop stops the server; safe to call more than once.
func (s *Server) Stop() {
	if s.Server == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s.Server.Stop(ctx)
	s.Server = nil
}

// NewClient returns a Vault API client for the server with token.
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
