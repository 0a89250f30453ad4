package serve

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/cofre-io/cofre/server/config"
	"github.com/cofre-io/cofre/server/core"
	"github.com/cofre-io/cofre/server/httpapi"
	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/mount"
	"github.com/cofre-io/cofre/server/seal"
	"github.com/cofre-io/cofre/server/seal/transitseal"
	"github.com/cofre-io/cofre/server/storage"
	"github.com/cofre-io/cofre/server/storage/inmem"
	"github.com/cofre-io/cofre/server/storage/raft"
	"github.com/cofre-io/cofre/server/unseal"
)

// Server is a running `cofre server`.
type Server struct {
	Core      *core.Core
	Addrs     []string // listener addresses, host:port
	RootToken string   // dev mode only
	UnsealKey string   // dev mode only (base64)

	log       *slog.Logger
	phys      storage.Backend
	seals     []io.Closer // seal wrappers that own goroutines (transit token renewal)
	listeners []net.Listener
	httpSrv   []*http.Server
	wg        sync.WaitGroup
	hup       *hupWatcher // SIGHUP reopens the audit devices
	unsealer  *autoUnsealer
}

// Start builds and starts a server from opts. Listeners are bound before it
// returns; Stop (or cancelling ctx and calling Wait) ends it.
func Start(ctx context.Context, opts *Options, logOut io.Writer, getenv func(string) string) (*Server, error) {
	cfg := opts.Config
	logger := newLogger(logOut, cfg.LogLevel)
	s := &Server{log: logger}
	var err error
	if s.phys, err = openStorage(ctx, cfg, logger); err != nil {
		return nil, err
	}
	wrapper, oldSeal, err := s.openSeals(cfg, getenv)
	if err != nil {
		s.closeStorage()
		return nil, err
	}
	s.Core, err = core.New(core.Config{
		Physical:      s.phys,
		StorageType:   cfg.Storage.Type,
		AutoSeal:      wrapper,
		Factories:     SecretFactories(),
		AuthFactories: AuthFactories(),
		Defaults:      mount.Defaults{DefaultLeaseTTL: cfg.DefaultLeaseTTL, MaxLeaseTTL: cfg.MaxLeaseTTL},
		Logger:        logger.With("component", "core"),
	})
	if err != nil {
		s.closeSeals()
		s.closeStorage()
		return nil, err
	}
	if oldSeal != nil {
		// A disabled seal block: the seal a migration moves away from.
		s.Core.Keys().SetMigrationSource(oldSeal)
		logger.Info("a disabled seal block is configured: if the root key is still wrapped by it, unseal with migrate=true to move to the enabled seal (or to Shamir)", "disabled_seal", oldSeal.Type())
	}
	if opts.Dev {
		if err := s.devInit(ctx, opts.DevRootTokenID); err != nil {
			s.closeStorage()
			return nil, err
		}
	} else if wrapper != nil {
		// Stays up and sealed while the seal cannot be used; the operator
		// sees why in the log and seal-status, and it unseals by itself
		// once the seal works again.
		s.startAutoUnseal()
	}
	if err := s.listen(cfg); err != nil {
		s.Stop(context.Background())
		return nil, err
	}
	s.watchSIGHUP()
	return s, nil
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	switch strings.ToLower(level) {
	case "trace", "debug":
		l = slog.LevelDebug
	case "warn", "warning":
		l = slog.LevelWarn
	case "error", "err":
		l = slog.LevelError
	default:
		l = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}

func openStorage(ctx context.Context, cfg *config.Config, logger *slog.Logger) (storage.Backend, error) {
	switch cfg.Storage.Type {
	case "inmem":
		return inmem.New(), nil
	case "raft":
		rc := raft.Config{Path: cfg.Storage.Path, NodeID: cfg.Storage.NodeID, Logger: logger.With("component", "raft")}
		if cfg.ClusterAddr != "" {
			addr, err := hostPort(cfg.ClusterAddr)
			if err != nil {
				return nil, fmt.Errorf("cluster_addr: %w", err)
			}
			rc.ClusterAddr = addr
		}
		startCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		b, err := raft.New(startCtx, rc)
		if err != nil {
			return nil, fmt.Errorf("raft storage: %w", err)
		}
		return b, nil
	}
	return nil, fmt.Errorf("storage type %q is not supported", cfg.Storage.Type)
}

// hostPort accepts "host:port" or a URL.
func hostPort(s string) (string, error) {
	if strings.Contains(s, "://") {
		u, err := url.Parse(s)
		if err != nil {
			return "", err
		}
		return u.Host, nil
	}
	return s, nil
}

// openSeals builds the enabled seal (nil means Shamir) and the disabled one
// a seal migration moves away from (nil when there is none). Wrappers with
// goroutines are kept for Stop to close.
func (s *Server) openSeals(cfg *config.Config, getenv func(string) string) (active, old seal.Wrapper, err error) {
	for _, sc := range cfg.Seals {
		w, err := s.openSeal(sc, getenv)
		if err != nil {
			s.closeSeals()
			return nil, nil, err
		}
		if c, ok := w.(io.Closer); ok {
			s.seals = append(s.seals, c)
		}
		if sc.Disabled {
			old = w
		} else {
			active = w
		}
	}
	return active, old, nil
}

func (s *Server) openSeal(sc config.Seal, getenv func(string) string) (seal.Wrapper, error) {
	switch {
	case sc.Type == seal.TypeStatic && sc.Static != nil:
		return seal.NewStatic(seal.StaticConfig{KeyFile: sc.Static.KeyFile, KeyEnv: sc.Static.KeyEnv}, getenv, os.ReadFile)
	case sc.Type == seal.TypeTransit && sc.Transit != nil:
		t := sc.Transit
		return transitseal.New(transitseal.Config{
			Address: t.Address, Token: t.Token, KeyName: t.KeyName, MountPath: t.MountPath, Namespace: t.Namespace,
			TLSCACert: t.TLSCACert, TLSClientCert: t.TLSClientCert, TLSClientKey: t.TLSClientKey,
			TLSServerName: t.TLSServerName, TLSSkipVerify: t.TLSSkipVerify,
			DisableRenewal: sc.Options["disable_renewal"] == "true",
			Logger:         s.log.With("component", "seal", "seal", "transit"),
		}, getenv)
	}
	return nil, fmt.Errorf("seal %q is not supported", sc.Type)
}

// closeSeals stops the seal wrappers' goroutines.
func (s *Server) closeSeals() {
	for _, c := range s.seals {
		if err := c.Close(); err != nil {
			s.log.Error("closing seal", "err", err)
		}
	}
	s.seals = nil
}

func (s *Server) devInit(ctx context.Context, rootToken string) error {
	res, err := s.Core.Init(ctx, unseal.InitRequest{SecretShares: 1, SecretThreshold: 1, RootTokenValue: rootToken})
	if err != nil {
		return fmt.Errorf("dev init: %w", err)
	}
	if _, err := s.Core.Unseal(ctx, res.Keys[0]); err != nil {
		return fmt.Errorf("dev unseal: %w", err)
	}
	s.RootToken = res.RootToken
	s.UnsealKey = encodeB64(res.Keys[0])
	if _, ok := SecretFactories()["kv"]; ok {
		_, err := s.Core.HandleRequest(ctx, &logical.Request{
			Operation:   logical.UpdateOperation,
			Path:        "sys/mounts/secret",
			ClientToken: res.RootToken,
			Data:        map[string]any{"type": "kv", "options": map[string]any{"version": "2"}, "description": "key/value secret storage"},
		})
		if err != nil {
			return fmt.Errorf("dev: mount secret/: %w", err)
		}
	}
	return nil
}

func (s *Server) listen(cfg *config.Config) error {
	for _, lc := range cfg.Listeners {
		ln, err := net.Listen("tcp", lc.Address)
		if err != nil {
			return fmt.Errorf("listener %s: %w", lc.Address, err)
		}
		if !lc.TLSDisable {
			tc, err := tlsConfig(lc)
			if err != nil {
				ln.Close()
				return err
			}
			ln = tls.NewListener(ln, tc)
		}
		h := httpapi.New(httpapi.Config{
			Core:               s.Core,
			Logger:             s.log.With("component", "http"),
			MaxRequestSize:     lc.MaxRequestSize,
			MaxRequestDuration: lc.MaxRequestDuration,
			Version:            core.Version,
		})
		srv := &http.Server{
			Handler:           h,
			ReadHeaderTimeout: 10 * time.Second,
			IdleTimeout:       5 * time.Minute,
			ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		}
		s.listeners = append(s.listeners, ln)
		s.httpSrv = append(s.httpSrv, srv)
		s.Addrs = append(s.Addrs, ln.Addr().String())
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				s.log.Error("listener stopped", "addr", ln.Addr().String(), "err", err)
			}
		}()
		s.log.Info("listening", "addr", ln.Addr().String(), "tls", !lc.TLSDisable)
	}
	return nil
}

func tlsConfig(lc config.Listener) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(lc.TLSCertFile, lc.TLSKeyFile)
	if err != nil {
		return nil, fmt.Errorf("listener %s: load TLS key pair: %w", lc.Address, err)
	}
	min := uint16(tls.VersionTLS12)
	switch lc.TLSMinVersion {
	case "tls10":
		min = tls.VersionTLS10
	case "tls11":
		min = tls.VersionTLS11
	case "tls13":
		min = tls.VersionTLS13
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: min}, nil
}

// Stop shuts the listeners down gracefully, seals and closes storage.
func (s *Server) Stop(ctx context.Context) {
	s.stopSIGHUP()
	s.stopAutoUnseal()
	for _, srv := range s.httpSrv {
		if err := srv.Shutdown(ctx); err != nil {
			srv.Close()
		}
	}
	s.wg.Wait()
	if s.Core != nil {
		s.Core.Seal(ctx)
	}
	s.closeStorage()
	s.closeSeals()
}

func (s *Server) closeStorage() {
	if c, ok := s.phys.(storage.Closer); ok {
		if err := c.Close(); err != nil {
			s.log.Error("closing storage", "err", err)
		}
	}
}
