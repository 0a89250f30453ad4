package server

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"sigs.k8s.io/secrets-store-csi-driver/provider/v1alpha1"

	"github.com/cofre-io/cofre/pkg/providerapi"
	"github.com/cofre-io/cofre/provider/metrics"
	"github.com/cofre-io/cofre/provider/mount"
	"github.com/cofre-io/cofre/provider/render"
)

// stubMounter answers with res or err and records the last call.
type stubMounter struct {
	res     *mount.Result
	err     error
	gotArgs []string
	block   chan struct{}
	entered chan struct{} // closed when a blocking call has arrived
}

func (s *stubMounter) Mount(ctx context.Context, a, sec, perm, target string) (*mount.Result, error) {
	s.gotArgs = []string{a, sec, perm, target}
	if s.block != nil {
		close(s.entered)
		select {
		case <-s.block:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return s.res, s.err
}

// serve runs the service on a socket in a temporary directory and returns
// a client; everything stops at test end.
func serve(t *testing.T, m Mounter) (v1alpha1.CSIDriverProviderClient, string, *prometheus.Registry) {
	t.Helper()
	dir := t.TempDir()
	sock := filepath.Join(dir, "providers", "cofre.sock")
	lis, err := Listen(sock)
	if err != nil {
		t.Fatal(err)
	}
	health, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	met, err := metrics.New(reg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Servers{Service: NewService(m, "v0.1.0", met, nil), GRPC: lis, Health: health, Metrics: health, Registry: reg})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	})
	conn, err := grpc.NewClient("unix:"+sock, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return v1alpha1.NewCSIDriverProviderClient(conn), "http://" + health.Addr().String(), reg
}

func TestVersionAndMount(t *testing.T) {
	hint := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	m := &stubMounter{res: &mount.Result{
		Files:        []render.File{{Path: "db/user", Mode: 0o640, Contents: []byte("u")}, {Path: "tls.key", Mode: 0o600, Contents: []byte("k")}},
		Versions:     []mount.Version{{ID: "db", Version: "v1"}, {ID: "tls.key", Version: "v2"}},
		RefreshAfter: hint,
	}}
	c, httpAddr, _ := serve(t, m)
	ctx := context.Background()
	v, err := c.Version(ctx, &v1alpha1.VersionRequest{Version: "v1alpha1"})
	if err != nil || v.RuntimeName != "cofre" || v.Version != "v1alpha1" || v.RuntimeVersion != "v0.1.0" {
		t.Fatalf("%v %v", v, err)
	}
	var hdr metadata.MD
	resp, err := c.Mount(ctx, &v1alpha1.MountRequest{Attributes: `{"a":"b"}`, Secrets: "{}", Permission: "420", TargetPath: "/t"}, grpc.Header(&hdr))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(m.gotArgs, "|") != `{"a":"b"}|{}|420|/t` {
		t.Fatalf("args %q", m.gotArgs)
	}
	if len(resp.Files) != 2 || resp.Files[0].Path != "db/user" || resp.Files[0].Mode != 0o640 || string(resp.Files[1].Contents) != "k" {
		t.Fatalf("files %v", resp.Files)
	}
	if len(resp.ObjectVersion) != 2 || resp.ObjectVersion[1].Id != "tls.key" || resp.ObjectVersion[1].Version != "v2" {
		t.Fatalf("versions %v", resp.ObjectVersion)
	}
	if got, ok := providerapi.RefreshAfter(hdr); !ok || !got.Equal(hint) {
		t.Fatalf("hint %v %v (%v)", got, ok, hdr)
	}
	// No hint when there is nothing to refresh.
	m.res.RefreshAfter = time.Time{}
	hdr = nil
	if _, err := c.Mount(ctx, &v1alpha1.MountRequest{Attributes: "{}"}, grpc.Header(&hdr)); err != nil {
		t.Fatal(err)
	}
	if _, ok := providerapi.RefreshAfter(hdr); ok {
		t.Fatal("hint without a refresh point")
	}

	for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
		body := get(t, httpAddr+path)
		if path == "/metrics" && !strings.Contains(body, `cofre_provider_mounts_total{result="ok"} 2`) {
			t.Fatalf("metrics:\n%s", body)
		}
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d %s", url, resp.StatusCode, b)
	}
	return string(b)
}

func TestMountErrors(t *testing.T) {
	m := &stubMounter{err: &mount.Error{Code: providerapi.CodePermissionDenied, Err: errors.New("GET secret/data/x: permission denied")}}
	c, httpAddr, _ := serve(t, m)
	ctx := context.Background()
	_, err := c.Mount(ctx, &v1alpha1.MountRequest{Attributes: "{}"})
	if code, ok := providerapi.CodeOf(err); !ok || code != providerapi.CodePermissionDenied || status.Code(err) != codes.PermissionDenied ||
		!strings.Contains(status.Convert(err).Message(), "PermissionDenied: GET secret/data/x") {
		t.Fatalf("%v", err)
	}
	m.err = errors.New("unexpected")
	if _, err := c.Mount(ctx, &v1alpha1.MountRequest{Attributes: "{}"}); status.Code(err) != codes.Internal {
		t.Fatalf("%v", err)
	}
	_, err = c.Mount(ctx, &v1alpha1.MountRequest{})
	if code, _ := providerapi.CodeOf(err); code != providerapi.CodeInvalidRequest || status.Code(err) != codes.InvalidArgument {
		t.Fatalf("no attributes: %v", err)
	}
	body := get(t, httpAddr+"/metrics")
	for _, want := range []string{`cofre_provider_mount_errors_total{code="PermissionDenied"} 1`, `cofre_provider_mount_errors_total{code="Internal"} 1`,
		`cofre_provider_mount_errors_total{code="InvalidRequest"} 1`} {
		if !strings.Contains(body, want) {
			t.Fatalf("no %s in\n%s", want, body)
		}
	}
}

func TestListen(t *testing.T) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "p.sock")
	lis, err := Listen(sock)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(sock)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v %v", st.Mode(), err)
	}
	go func() {
		for {
			c, err := lis.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	if _, err := Listen(sock); !errors.Is(err, ErrSocketInUse) {
		t.Fatalf("live socket: %v", err)
	}
	// A stale socket: the file stays, nobody answers.
	ul := lis.(*net.UnixListener)
	ul.SetUnlinkOnClose(false)
	lis.Close()
	if _, err := os.Stat(sock); err != nil {
		t.Fatal(err)
	}
	lis2, err := Listen(sock)
	if err != nil {
		t.Fatalf("stale socket: %v", err)
	}
	lis2.Close()
	notSock := filepath.Join(dir, "file")
	os.WriteFile(notSock, nil, 0o600)
	if _, err := Listen(notSock); err == nil {
		t.Fatal("listened over a file")
	}
}

// TestGracefulStop: a Mount in flight when the context ends finishes
// (within StopTimeout), and new connections are refused afterwards.
func TestGracefulStop(t *testing.T) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "p.sock")
	lis, err := Listen(sock)
	if err != nil {
		t.Fatal(err)
	}
	m := &stubMounter{res: &mount.Result{}, block: make(chan struct{}), entered: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Servers{Service: NewService(m, "v", nil, nil), GRPC: lis, StopTimeout: 10 * time.Second})
	}()
	conn, err := grpc.NewClient("unix:"+sock, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	c := v1alpha1.NewCSIDriverProviderClient(conn)
	mounted := make(chan error, 1)
	go func() {
		_, err := c.Mount(context.Background(), &v1alpha1.MountRequest{Attributes: "{}"})
		mounted <- err
	}()
	// Wait until the call is in the mounter, then stop.
	select {
	case <-m.entered:
	case <-time.After(10 * time.Second):
		t.Fatal("the mount never arrived")
	}
	cancel()
	close(m.block)
	if err := <-mounted; err != nil {
		t.Fatalf("in-flight mount: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(sock); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("socket left behind: %v", err)
	}
}
