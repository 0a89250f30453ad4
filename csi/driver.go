package csi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	csispec "github.com/container-storage-interface/spec/lib/go/csi"
	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc"
	"google.golang.org/grpc/status"

	"github.com/cofre-io/cofre/csi/identity"
	"github.com/cofre-io/cofre/csi/mounter"
	"github.com/cofre-io/cofre/csi/node"
	"github.com/cofre-io/cofre/csi/rotation"
	"github.com/cofre-io/cofre/csi/volume"
	"github.com/cofre-io/cofre/pkg/providerclient"
)

// Version is the driver's version reported by GetPluginInfo.
const Version = "0.1.0"

// Deps are the driver's side effects, injected. Classes is required;
// Statuses, Secrets and Events may be nil (nothing recorded).
type Deps struct {
	// Mounter defaults to a tmpfs mounter.
	Mounter  mounter.Mounter
	Classes  volume.Classes
	Statuses volume.PodStatuses
	Secrets  volume.SecretSyncer
	Events   volume.Events
	// Clock defaults to the wall clock.
	Clock rotation.Clock
	// Registry receives the metrics (default: a new registry).
	Registry *prometheus.Registry
	Logger   *slog.Logger
}

// Driver serves the CSI Identity and Node services; see the package doc.
type Driver struct {
	cfg     Config
	log     *slog.Logger
	lis     net.Listener
	grpc    *grpc.Server
	manager *volume.Manager
	pool    *providerclient.Pool
	http    []*http.Server
}

// NewDriver builds the driver and starts listening on the endpoint (a
// stale socket file is replaced), so a client may connect as soon as it
// returns; Serve serves.
func NewDriver(cfg Config, deps Deps) (*Driver, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if deps.Classes == nil {
		return nil, fmt.Errorf("%w: no SecretProviderClass source", ErrConfig)
	}
	if deps.Mounter == nil {
		deps.Mounter = mounter.Tmpfs{SizeBytes: cfg.TmpfsSize}
	}
	if deps.Registry == nil {
		deps.Registry = prometheus.NewRegistry()
	}
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	metrics, err := volume.NewMetrics(deps.Registry)
	if err != nil {
		return nil, err
	}
	d := &Driver{cfg: cfg, log: deps.Logger, pool: providerclient.NewPool(cfg.ProvidersDir, providerclient.Options{})}
	d.manager, err = volume.New(volume.Config{
		NodeID: cfg.NodeID, Mounter: deps.Mounter, Classes: deps.Classes,
		Providers: volume.PoolProviders{Pool: d.pool}, Statuses: deps.Statuses, Secrets: deps.Secrets, Events: deps.Events,
		Policy: rotation.Policy{Interval: cfg.RotationInterval}, Clock: deps.Clock,
		ProviderTimeout: cfg.ProviderTimeout, Logger: deps.Logger.With("component", "volume"), Metrics: metrics,
	})
	if err != nil {
		return nil, err
	}
	ids, err := identity.New(cfg.DriverName, Version, d.ready)
	if err != nil {
		return nil, err
	}
	d.grpc = grpc.NewServer(grpc.ChainUnaryInterceptor(logCalls(deps.Logger.With("component", "grpc"))))
	csispec.RegisterIdentityServer(d.grpc, ids)
	csispec.RegisterNodeServer(d.grpc, node.New(cfg.NodeID, d.manager))
	if d.lis, err = listenUnix(cfg.Endpoint); err != nil {
		return nil, err
	}
	d.http = httpServers(cfg, deps.Registry, d.ready)
	return d, nil
}

// ready reports whether the driver can serve volumes: the providers
// directory exists (providers create their sockets in it).
func (d *Driver) ready(context.Context) error {
	st, err := os.Stat(d.cfg.ProvidersDir)
	if err != nil {
		return fmt.Errorf("providers directory: %w", err)
	}
	if !st.IsDir() {
		return fmt.Errorf("providers directory %s is not a directory", d.cfg.ProvidersDir)
	}
	return nil
}

// Manager is the driver's volume manager (tests inspect it).
func (d *Driver) Manager() *volume.Manager { return d.manager }

// Serve serves until ctx ends, then stops gracefully (calls under way may
// finish for up to 10 seconds) and returns. It returns early with an
// error when a listener fails.
func (d *Driver) Serve(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, 1+len(d.http))
	wg.Add(1)
	go func() {
		defer wg.Done()
		d.manager.Run(ctx)
	}()
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := d.grpc.Serve(d.lis); err != nil {
			errs <- fmt.Errorf("csi endpoint: %w", err)
		}
	}()
	for _, srv := range d.http {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errs <- fmt.Errorf("%s: %w", srv.Addr, err)
			}
		}()
	}
	d.log.Info("cofre csi serving", "endpoint", d.cfg.Endpoint, "driver", d.cfg.DriverName, "node", d.cfg.NodeID,
		"providers_dir", d.cfg.ProvidersDir, "rotation_interval", d.cfg.RotationInterval)
	var err error
	select {
	case <-ctx.Done():
	case err = <-errs:
	}
	cancel()
	d.stop()
	wg.Wait()
	_ = d.pool.Close()
	return err
}

func (d *Driver) stop() {
	stopped := make(chan struct{})
	go func() {
		d.grpc.GracefulStop()
		close(stopped)
	}()
	timer := time.NewTimer(10 * time.Second)
	defer timer.Stop()
	select {
	case <-stopped:
	case <-timer.C:
		d.grpc.Stop()
		<-stopped
	}
	for _, srv := range d.http {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = srv.Shutdown(sctx)
		cancel()
	}
}

// ErrEndpointInUse: another process answers on the endpoint's socket.
var ErrEndpointInUse = errors.New("csi endpoint in use")

// listenUnix listens on the endpoint's socket, replacing a stale one (a
// socket file nobody answers on); a live one is refused.
func listenUnix(endpoint string) (net.Listener, error) {
	path, err := socketPath(endpoint)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, err
	}
	if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
		c.Close()
		return nil, fmt.Errorf("%w: %s", ErrEndpointInUse, path)
	}
	if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
		return nil, err
	}
	lis, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("csi endpoint: %w", err)
	}
	return lis, nil
}

// logCalls logs failed calls by method and code (never request fields:
// they hold tokens).
func logCalls(log *slog.Logger) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		start := time.Now()
		resp, err := handler(ctx, req)
		if err != nil {
			st, _ := status.FromError(err)
			log.Warn("call failed", "method", info.FullMethod, "code", st.Code().String(), "message", st.Message(), "duration", time.Since(start))
		} else {
			log.Debug("call", "method", info.FullMethod, "duration", time.Since(start))
		}
		return resp, err
	}
}
