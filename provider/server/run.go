package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"google.golang.org/grpc"
	"sigs.k8s.io/secrets-store-csi-driver/provider/v1alpha1"
)

// Servers are what Run serves.
type Servers struct {
	// Service answers on GRPC.
	Service *Service
	GRPC    net.Listener
	// Health serves /healthz and /readyz (nil: not served).
	Health net.Listener
	// Metrics serves /metrics from Registry (nil: not served). It may be
	// the same listener as Health.
	Metrics  net.Listener
	Registry *prometheus.Registry
	// StopTimeout bounds the graceful stop of in-flight Mounts (default
	// 10 s).
	StopTimeout time.Duration
	Logger      *slog.Logger
}

// Run serves until ctx ends, then stops gracefully: new calls are
// refused, in-flight Mounts get StopTimeout to finish. It returns the
// first serving error, or nil after a clean stop. Run closes the
// listeners.
func Run(ctx context.Context, s Servers) error {
	if s.StopTimeout <= 0 {
		s.StopTimeout = 10 * time.Second
	}
	if s.Logger == nil {
		s.Logger = slog.New(slog.DiscardHandler)
	}
	gs := grpc.NewServer()
	v1alpha1.RegisterCSIDriverProviderServer(gs, s.Service)
	var serving atomic.Bool

	var https []*http.Server
	mux := func(health, metrics bool) *http.ServeMux {
		m := http.NewServeMux()
		if health {
			ok := func(w http.ResponseWriter, _ *http.Request) {
				if !serving.Load() {
					http.Error(w, "not serving", http.StatusServiceUnavailable)
					return
				}
				_, _ = w.Write([]byte("ok\n"))
			}
			m.HandleFunc("GET /healthz", ok)
			m.HandleFunc("GET /readyz", ok)
		}
		if metrics && s.Registry != nil {
			m.Handle("GET /metrics", promhttp.HandlerFor(s.Registry, promhttp.HandlerOpts{}))
		}
		return m
	}
	if s.Health != nil {
		https = append(https, &http.Server{Handler: mux(true, s.Metrics == s.Health), ReadHeaderTimeout: 10 * time.Second})
	}
	if s.Metrics != nil && s.Metrics != s.Health {
		https = append(https, &http.Server{Handler: mux(false, true), ReadHeaderTimeout: 10 * time.Second})
	}
	listeners := []net.Listener{}
	if s.Health != nil {
		listeners = append(listeners, s.Health)
	}
	if s.Metrics != nil && s.Metrics != s.Health {
		listeners = append(listeners, s.Metrics)
	}

	errc := make(chan error, 1+len(https))
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		serving.Store(true)
		errc <- gs.Serve(s.GRPC)
	}()
	for i, h := range https {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := h.Serve(listeners[i]); !errors.Is(err, http.ErrServerClosed) {
				errc <- err
			}
		}()
	}
	s.Logger.Info("provider serving", "socket", s.GRPC.Addr().String())

	var err error
	select {
	case <-ctx.Done():
	case err = <-errc:
		s.Logger.Error("serving failed", "err", err)
	}
	serving.Store(false)
	stopped := make(chan struct{})
	go func() {
		gs.GracefulStop()
		close(stopped)
	}()
	timer := time.NewTimer(s.StopTimeout)
	select {
	case <-stopped:
	case <-timer.C:
		s.Logger.Warn("in-flight mounts did not finish in time; stopping")
		gs.Stop()
		<-stopped
	}
	timer.Stop()
	for _, h := range https {
		sctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_ = h.Shutdown(sctx)
		cancel()
	}
	wg.Wait()
	s.Logger.Info("provider stopped")
	return err
}
