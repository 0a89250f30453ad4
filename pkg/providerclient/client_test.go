package providerclient_test

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"sigs.k8s.io/secrets-store-csi-driver/provider/v1alpha1"

	"github.com/cofre-io/cofre/pkg/providerapi"
	"github.com/cofre-io/cofre/pkg/providerclient"
	"github.com/cofre-io/cofre/pkg/providerclient/providertest"
)

func pool(t *testing.T, dir string) *providerclient.Pool {
	t.Helper()
	p := providerclient.NewPool(dir, providerclient.Options{})
	t.Cleanup(func() { _ = p.Close() })
	return p
}

func client(t *testing.T, p *providerclient.Pool, name string) *providerclient.Client {
	t.Helper()
	c, err := p.Get(name)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestMountWireFormat(t *testing.T) {
	dir := t.TempDir()
	hint := time.Date(2030, 1, 2, 3, 4, 5, 6, time.UTC)
	fake := providertest.Start(t, dir, "fake", func(ctx context.Context, req *v1alpha1.MountRequest) (*v1alpha1.MountResponse, error) {
		if err := providerapi.SetRefreshAfter(ctx, hint); err != nil {
			return nil, err
		}
		return &v1alpha1.MountResponse{
			ObjectVersion: []*v1alpha1.ObjectVersion{{Id: "db", Version: "v2"}},
			Files:         []*v1alpha1.File{{Path: "db/password", Mode: 0o640, Contents: []byte("pw")}},
		}, nil
	})
	c := client(t, pool(t, dir), "fake")
	resp, err := c.Mount(t.Context(), &providerclient.MountRequest{
		Attributes:            map[string]string{"roleName": "app", "csi.storage.k8s.io/pod.name": "p"},
		TargetPath:            "/var/lib/kubelet/pods/x/volumes/v",
		Permission:            0o644,
		CurrentObjectVersions: []providerclient.ObjectVersion{{ID: "db", Version: "v1"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	reqs := fake.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	got := reqs[0]
	if want := `{"csi.storage.k8s.io/pod.name":"p","roleName":"app"}`; got.Attributes != want {
		t.Errorf("attributes = %s, want %s", got.Attributes, want)
	}
	if got.Secrets != "null" || got.Permission != "420" || got.TargetPath != "/var/lib/kubelet/pods/x/volumes/v" {
		t.Errorf("secrets %q permission %q target %q", got.Secrets, got.Permission, got.TargetPath)
	}
	if cv := got.CurrentObjectVersion; len(cv) != 1 || cv[0].Id != "db" || cv[0].Version != "v1" {
		t.Errorf("current object versions = %v", cv)
	}
	if len(resp.Files) != 1 || resp.Files[0].Path != "db/password" || resp.Files[0].Mode != 0o640 || string(resp.Files[0].Contents) != "pw" {
		t.Errorf("files = %+v", resp.Files)
	}
	if len(resp.ObjectVersions) != 1 || resp.ObjectVersions[0] != (providerclient.ObjectVersion{ID: "db", Version: "v2"}) {
		t.Errorf("object versions = %+v", resp.ObjectVersions)
	}
	if !resp.RefreshAfter.Equal(hint) {
		t.Errorf("refresh hint = %v, want %v", resp.RefreshAfter, hint)
	}
	v, err := c.Version(t.Context())
	if err != nil || v.RuntimeName != "providertest" {
		t.Errorf("Version = %+v, %v", v, err)
	}
}

func TestNoHintFromOtherProviders(t *testing.T) {
	dir := t.TempDir()
	providertest.Start(t, dir, "other", providertest.Files(map[string]string{"a": "1"}))
	resp, err := client(t, pool(t, dir), "other").Mount(t.Context(), &providerclient.MountRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if !resp.RefreshAfter.IsZero() {
		t.Errorf("refresh hint %v from a provider that sent none", resp.RefreshAfter)
	}
}

func TestMountErrors(t *testing.T) {
	tests := []struct {
		name     string
		handler  providertest.Handler
		want     error
		wantCode string
	}{
		{"response error code", func(context.Context, *v1alpha1.MountRequest) (*v1alpha1.MountResponse, error) {
			return &v1alpha1.MountResponse{Error: &v1alpha1.Error{Code: "AccessDenied"}}, nil
		}, providerclient.ErrProvider, "AccessDenied"},
		{"cofre code", func(context.Context, *v1alpha1.MountRequest) (*v1alpha1.MountResponse, error) {
			return nil, providerapi.Status(providerapi.CodePermissionDenied, "no")
		}, providerclient.ErrProvider, "PermissionDenied"},
		{"plain status", func(context.Context, *v1alpha1.MountRequest) (*v1alpha1.MountResponse, error) {
			return nil, status.Error(codes.Internal, "boom")
		}, providerclient.ErrProvider, "Internal"},
		{"no object versions", func(context.Context, *v1alpha1.MountRequest) (*v1alpha1.MountResponse, error) {
			return &v1alpha1.MountResponse{}, nil
		}, providerclient.ErrBadResponse, ""},
		{"bad mode", func(context.Context, *v1alpha1.MountRequest) (*v1alpha1.MountResponse, error) {
			return &v1alpha1.MountResponse{ObjectVersion: []*v1alpha1.ObjectVersion{}, Files: []*v1alpha1.File{{Path: "a", Mode: 0o4755}}}, nil
		}, providerclient.ErrBadResponse, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			providertest.Start(t, dir, "p", tt.handler)
			_, err := client(t, pool(t, dir), "p").Mount(t.Context(), &providerclient.MountRequest{})
			if !errors.Is(err, tt.want) {
				t.Fatalf("Mount = %v, want %v", err, tt.want)
			}
			var pe *providerclient.Error
			if tt.wantCode != "" && (!errors.As(err, &pe) || pe.Code != tt.wantCode) {
				t.Errorf("error %v: code want %q", err, tt.wantCode)
			}
		})
	}
}

func TestProviderDown(t *testing.T) {
	dir := t.TempDir()
	p := pool(t, dir)
	if _, err := p.Get("absent"); !errors.Is(err, providerclient.ErrNoProvider) {
		t.Errorf("Get(absent) = %v, want ErrNoProvider", err)
	}
	for _, bad := range []string{"", "../x", "a/b", ".hidden", "with space", "averyveryveryverylongprovidername"} {
		if _, err := p.Get(bad); !errors.Is(err, providerclient.ErrBadProviderName) {
			t.Errorf("Get(%q) = %v, want ErrBadProviderName", bad, err)
		}
	}
	// A socket file nobody listens on any more (a crashed provider).
	sock := filepath.Join(dir, "crashed.sock")
	lis, err := net.ListenUnix("unix", &net.UnixAddr{Name: sock, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	lis.SetUnlinkOnClose(false)
	lis.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	_, err = client(t, p, "crashed").Mount(ctx, &providerclient.MountRequest{})
	if !errors.Is(err, providerclient.ErrUnavailable) {
		t.Fatalf("Mount on a dead socket = %v, want ErrUnavailable", err)
	}

	// A provider that stops and comes back is reached again.
	fake := providertest.Start(t, dir, "flaky", providertest.Files(map[string]string{"a": "1"}))
	c := client(t, p, "flaky")
	if _, err := c.Mount(ctx, &providerclient.MountRequest{}); err != nil {
		t.Fatal(err)
	}
	fake.Stop()
	if _, err := p.Get("flaky"); !errors.Is(err, providerclient.ErrNoProvider) {
		t.Errorf("Get after the provider stopped = %v, want ErrNoProvider", err)
	}
	fake.Restart(t)
	if _, err := client(t, p, "flaky").Mount(ctx, &providerclient.MountRequest{}); err != nil {
		t.Errorf("Mount after restart: %v", err)
	}
	if err := p.Close(); err != nil {
		t.Error(err)
	}
	if _, err := p.Get("flaky"); !errors.Is(err, providerclient.ErrClosed) {
		t.Errorf("Get after Close = %v", err)
	}
}
