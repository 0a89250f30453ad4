package provider

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"k8s.io/client-go/kubernetes"

	"github.com/cofre-io/cofre/pkg/kubeclient"
	"github.com/cofre-io/cofre/provider/identity"
	"github.com/cofre-io/cofre/provider/metrics"
	"github.com/cofre-io/cofre/provider/mount"
	"github.com/cofre-io/cofre/provider/objversion"
	"github.com/cofre-io/cofre/provider/server"
	"github.com/cofre-io/cofre/provider/session"
)

// Main runs `cofre provider` with args until ctx ends and returns the
// exit code.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	cfg, err := ParseFlags(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		if !errors.Is(err, errReported) {
			fmt.Fprintln(stderr, err)
		}
		return 2
	}
	if cfg.ShowVersion {
		fmt.Fprintf(stdout, "cofre provider %s\n", Version)
		return 0
	}
	log := newLogger(cfg, stderr)
	if err := Run(ctx, cfg, log); err != nil {
		log.Error("provider failed", "err", err)
		return 1
	}
	return 0
}

func newLogger(cfg *Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogJSON {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// Run builds the provider from cfg and serves until ctx ends. Its parts
// log to base with their component names.
func Run(ctx context.Context, cfg *Config, base *slog.Logger) error {
	log := base.With("component", "provider")
	kube, err := kubeClient(cfg, log)
	if err != nil {
		return err
	}
	hasher, err := hmacHasher(ctx, cfg, kube, log)
	if err != nil {
		return err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	met, err := metrics.New(reg)
	if err != nil {
		return err
	}
	sessions, err := session.NewManager(session.Config{
		Clients: session.NewClients(cfg.RequestTimeout), Idle: cfg.CacheIdle,
		Logger: base.With("component", "provider.session"), Observer: met,
	})
	if err != nil {
		return err
	}
	mcfg := mount.Config{
		Sessions: sessions, Hasher: hasher, DefaultAddress: cfg.Addr, DefaultCACert: cfg.CACert,
		Idle: cfg.CacheIdle, Logger: base.With("component", "provider.mount"), Observer: met,
	}
	if kube != nil {
		mcfg.Requester = &identity.KubeRequester{Client: kube}
	}
	p, err := mount.New(mcfg)
	if err != nil {
		return err
	}
	srv := server.Servers{
		Service:     server.NewService(p, Version, met, base.With("component", "provider.server")),
		Registry:    reg,
		StopTimeout: cfg.StopTimeout,
		Logger:      log,
	}
	if err := listenAll(cfg, &srv); err != nil {
		return err
	}
	return server.Run(ctx, srv)
}

// listenAll opens the socket and the HTTP listeners (one when health and
// metrics share an address); on failure it closes what it opened.
func listenAll(cfg *Config, srv *server.Servers) (err error) {
	var opened []net.Listener
	defer func() {
		if err != nil {
			for _, l := range opened {
				l.Close()
			}
		}
	}()
	if srv.GRPC, err = server.Listen(cfg.Endpoint); err != nil {
		return err
	}
	opened = append(opened, srv.GRPC)
	if cfg.HealthAddr != "" {
		if srv.Health, err = net.Listen("tcp", cfg.HealthAddr); err != nil {
			return fmt.Errorf("-health-addr: %w", err)
		}
		opened = append(opened, srv.Health)
	}
	switch {
	case cfg.MetricsAddr == "":
	case cfg.MetricsAddr == cfg.HealthAddr:
		srv.Metrics = srv.Health
	default:
		if srv.Metrics, err = net.Listen("tcp", cfg.MetricsAddr); err != nil {
			return fmt.Errorf("-metrics-addr: %w", err)
		}
		opened = append(opened, srv.Metrics)
	}
	return nil
}

// kubeClient returns a client from -kubeconfig, else in-cluster; out of a
// cluster without -kubeconfig it returns nil (no TokenRequest fallback).
func kubeClient(cfg *Config, log *slog.Logger) (kubernetes.Interface, error) {
	rc, err := kubeclient.Load(cfg.Kubeconfig, "cofre-provider/"+Version)
	if err != nil {
		if cfg.Kubeconfig != "" {
			return nil, err
		}
		log.Warn("no Kubernetes client (not in a cluster, no -kubeconfig): only tokens from the driver can be used", "err", err)
		return nil, nil
	}
	return kubernetes.NewForConfig(rc)
}

// hmacHasher loads the object version key: -hmac-key-file, else the
// Kubernetes Secret, else (no client) a random key.
func hmacHasher(ctx context.Context, cfg *Config, kube kubernetes.Interface, log *slog.Logger) (*objversion.Hasher, error) {
	var key []byte
	var err error
	switch {
	case cfg.HMACKeyFile != "":
		key, err = objversion.KeyFromFile(cfg.HMACKeyFile)
	case kube != nil && cfg.HMACSecretName != "":
		ns := cfg.HMACSecretNamespace
		if ns == "" {
			ns = inClusterNamespace()
		}
		if ns == "" {
			return nil, errors.New("no namespace for the HMAC key Secret: set POD_NAMESPACE or -hmac-secret-name namespace/name")
		}
		key, err = objversion.KeyFromSecret(ctx, kube, ns, cfg.HMACSecretName)
	default:
		log.Warn("no HMAC key file or Secret: using a random key (object versions change when the provider restarts)")
		key, err = objversion.RandomKey()
	}
	if err != nil {
		return nil, err
	}
	return objversion.New(key)
}

func inClusterNamespace() string {
	b, err := os.ReadFile(serviceAccountNamespaceFile)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}
