package providertest

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"google.golang.org/grpc"
	"sigs.k8s.io/secrets-store-csi-driver/provider/v1alpha1"
)

// Handler answers a Mount call.
type Handler func(ctx context.Context, req *v1alpha1.MountRequest) (*v1alpha1.MountResponse, error)

// Provider is a fake provider serving on <dir>/<name>.sock. Its methods
// are safe for concurrent use.
type Provider struct {
	v1alpha1.UnimplementedCSIDriverProviderServer

	// Socket is the socket's path.
	Socket string

	mu       sync.Mutex
	handler  Handler
	requests []*v1alpha1.MountRequest
	srv      *grpc.Server
	done     chan struct{}
}

// Start serves a fake provider called name in dir until the test ends or
// Stop is called.
func Start(t testing.TB, dir, name string, h Handler) *Provider {
	t.Helper()
	p := &Provider{Socket: filepath.Join(dir, name+".sock"), handler: h}
	p.serve(t)
	t.Cleanup(p.Stop)
	return p
}

func (p *Provider) serve(t testing.TB) {
	t.Helper()
	_ = os.Remove(p.Socket)
	lis, err := net.Listen("unix", p.Socket)
	if err != nil {
		t.Fatalf("provider socket: %v", err)
	}
	srv := grpc.NewServer()
	v1alpha1.RegisterCSIDriverProviderServer(srv, p)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(lis)
	}()
	p.mu.Lock()
	p.srv, p.done = srv, done
	p.mu.Unlock()
}

// Stop stops serving and removes the socket (a provider that is down).
func (p *Provider) Stop() {
	p.mu.Lock()
	srv, done := p.srv, p.done
	p.srv = nil
	p.mu.Unlock()
	if srv == nil {
		return
	}
	srv.Stop()
	<-done
	_ = os.Remove(p.Socket)
}

// Restart serves again after Stop.
func (p *Provider) Restart(t testing.TB) {
	t.Helper()
	p.Stop()
	p.serve(t)
}

// SetHandler replaces the Mount handler.
func (p *Provider) SetHandler(h Handler) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.handler = h
}

// Requests returns the Mount requests received so far.
func (p *Provider) Requests() []*v1alpha1.MountRequest {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]*v1alpha1.MountRequest(nil), p.requests...)
}

// Mount implements v1alpha1.CSIDriverProviderServer.
func (p *Provider) Mount(ctx context.Context, req *v1alpha1.MountRequest) (*v1alpha1.MountResponse, error) {
	p.mu.Lock()
	p.requests = append(p.requests, req)
	h := p.handler
	p.mu.Unlock()
	return h(ctx, req)
}

// Version implements v1alpha1.CSIDriverProviderServer.
func (p *Provider) Version(context.Context, *v1alpha1.VersionRequest) (*v1alpha1.VersionResponse, error) {
	return &v1alpha1.VersionResponse{Version: "v1alpha1", RuntimeName: "providertest", RuntimeVersion: "0.0.1"}, nil
}

// Files is a Handler answering with fixed files (path to content, mode
// 0644) and one object version per file (the content itself).
func Files(files map[string]string) Handler {
	return func(context.Context, *v1alpha1.MountRequest) (*v1alpha1.MountResponse, error) {
		resp := &v1alpha1.MountResponse{ObjectVersion: []*v1alpha1.ObjectVersion{}}
		for path, content := range files {
			resp.Files = append(resp.Files, &v1alpha1.File{Path: path, Mode: 0o644, Contents: []byte(content)})
			resp.ObjectVersion = append(resp.ObjectVersion, &v1alpha1.ObjectVersion{Id: path, Version: content})
		}
		return resp, nil
	}
}
