package csi

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// httpServers returns the metrics and health servers the config asks for:
// /healthz answers while the process serves, /readyz asks ready.
func httpServers(cfg Config, reg *prometheus.Registry, ready func(context.Context) error) []*http.Server {
	var out []*http.Server
	if cfg.MetricsAddr != "" {
		mux := http.NewServeMux()
		mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
		out = append(out, newHTTPServer(cfg.MetricsAddr, mux))
	}
	if cfg.HealthAddr != "" {
		mux := http.NewServeMux()
		ok := func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			_, _ = w.Write([]byte("ok\n"))
		}
		mux.HandleFunc("/healthz", ok)
		mux.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) {
			if err := ready(r.Context()); err != nil {
				http.Error(w, err.Error(), http.StatusServiceUnavailable)
				return
			}
			ok(w, r)
		})
		out = append(out, newHTTPServer(cfg.HealthAddr, mux))
	}
	return out
}

func newHTTPServer(addr string, h http.Handler) *http.Server {
	return &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 10 * time.Second}
}
