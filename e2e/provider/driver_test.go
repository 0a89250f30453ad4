package providere2e

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/container-storage-interface/spec/lib/go/csi"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// Where the driver binary is found.
const (
	envDriver     = "COFRE_CSI_DRIVER"
	driverVersion = "v1.6.0"
)

func driverBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv(envDriver); p != "" {
		return p
	}
	cache := os.Getenv("COFRE_CACHE")
	if cache == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			t.Fatalf("no COFRE_CACHE and no home: %v", err)
		}
		cache = filepath.Join(home, ".cache", "cofre")
	}
	p := filepath.Join(cache, "csi-driver", driverVersion, "secrets-store-csi-driver")
	if st, err := os.Stat(p); err != nil || st.Mode()&0o111 == 0 {
		t.Fatalf("%s not found; run `make e2e-deps` (e2e/driverbin/build-driver.sh) or set %s", p, envDriver)
	}
	return p
}

// syncBuffer is a bytes.Buffer safe for a process writing and a test
// reading.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// driver is a running upstream driver and a CSI client of it.
type driver struct {
	node csi.NodeClient
	logs *syncBuffer
}

// startDriver runs the driver against the cluster (kubeconfig), serving
// CSI on a socket in dir and looking for providers in providerDir, with
// rotation on so that a republish calls the provider again (at most every
// 2 seconds). It is killed at test end; its log is printed if t failed.
func startDriver(t *testing.T, kubeconfig, dir, providerDir string) *driver {
	t.Helper()
	sock := filepath.Join(dir, "csi.sock")
	logs := &syncBuffer{}
	cmd := exec.Command(driverBinary(t),
		"--endpoint=unix://"+sock,
		"--nodeid=cofre-e2e-node",
		"--provider-volume="+providerDir,
		"--additional-provider-volume-paths="+providerDir,
		"--metrics-addr=0",
		"--enable-secret-rotation=true",
		"--rotation-poll-interval=2s",
		"--kubeconfig="+kubeconfig,
		"-v=2",
	)
	cmd.Stdout, cmd.Stderr = logs, logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start driver: %v", err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
		if t.Failed() {
			t.Logf("driver log:\n%s", logs.String())
		}
	})
	conn, err := grpc.NewClient("unix:"+sock, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	// Ready when the identity service answers a probe.
	ident := csi.NewIdentityClient(conn)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for {
		_, err := ident.Probe(ctx, &csi.ProbeRequest{}, grpc.WaitForReady(true))
		if err == nil {
			break
		}
		select {
		case <-exited:
			t.Fatalf("driver exited:\n%s", logs.String())
		case <-ctx.Done():
			t.Fatalf("driver not ready: %v\n%s", err, logs.String())
		case <-time.After(100 * time.Millisecond):
		}
	}
	return &driver{node: csi.NewNodeClient(conn), logs: logs}
}
