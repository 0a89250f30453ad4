package csi

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/cofre-io/cofre/csi/mounter"
	"github.com/cofre-io/cofre/csi/volume"
)

func TestEndpointSocket(t *testing.T) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "run", "csi.sock")
	cfg := Config{Endpoint: "unix://" + sock, NodeID: "n", DriverName: DefaultDriverName, ProvidersDir: dir,
		RotationInterval: time.Minute, ProviderTimeout: time.Second, LogLevel: "info"}
	// A stale socket file (a crashed driver) is replaced.
	lis, err := net.ListenUnix("unix", &net.UnixAddr{Name: mustMkdir(t, sock), Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	lis.SetUnlinkOnClose(false)
	lis.Close()
	d, err := NewDriver(cfg, Deps{Mounter: mounter.Dir{}, Classes: noClasses{}})
	if err != nil {
		t.Fatalf("over a stale socket: %v", err)
	}
	// A live one is refused.
	if _, err := NewDriver(cfg, Deps{Mounter: mounter.Dir{}, Classes: noClasses{}}); !errors.Is(err, ErrEndpointInUse) {
		t.Errorf("second driver on a live socket: %v, want ErrEndpointInUse", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Serve(ctx) }()
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Serve: %v", err)
	}
}

type noClasses struct{ volume.Classes }

func mustMkdir(t *testing.T, sock string) string {
	t.Helper()
	if err := mkdirAll(filepath.Dir(sock)); err != nil {
		t.Fatal(err)
	}
	return sock
}

func TestHTTPEndpoints(t *testing.T) {
	reg := prometheus.NewRegistry()
	if _, err := volume.NewMetrics(reg); err != nil {
		t.Fatal(err)
	}
	var notReady error
	srvs := httpServers(Config{MetricsAddr: ":1", HealthAddr: ":2"}, reg, func(context.Context) error { return notReady })
	if len(srvs) != 2 {
		t.Fatalf("%d servers", len(srvs))
	}
	get := func(h http.Handler, path string) (int, string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec.Code, rec.Body.String()
	}
	if code, body := get(srvs[0].Handler, "/metrics"); code != 200 || !strings.Contains(body, "cofre_csi_volumes") {
		t.Errorf("/metrics: %d %.200s", code, body)
	}
	if code, _ := get(srvs[1].Handler, "/healthz"); code != 200 {
		t.Errorf("/healthz: %d", code)
	}
	if code, _ := get(srvs[1].Handler, "/readyz"); code != 200 {
		t.Errorf("/readyz: %d", code)
	}
	notReady = errors.New("providers directory missing")
	if code, body := get(srvs[1].Handler, "/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "providers") {
		t.Errorf("/readyz when not ready: %d %s", code, body)
	}
}
