package csie2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	csispec "github.com/container-storage-interface/spec/lib/go/csi"
	vault "github.com/hashicorp/vault/api"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/cofre-io/cofre/csi"
	"github.com/cofre-io/cofre/e2e/kube"
	"github.com/cofre-io/cofre/provider"
	"github.com/cofre-io/cofre/server/servertest"
)

// syncBuffer is a log sink safe for concurrent writers.
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

// env is one test's world: a namespace, a Cofre server configured for the
// cluster, the provider and the driver.
type env struct {
	t    *testing.T
	c    *kube.Cluster
	ns   string
	srv  *servertest.Server
	dir  string
	logs *syncBuffer
	node csispec.NodeClient

	providerDir  string
	providerStop func()
}

// audience is the audience of the tokens the kubelet mints for the driver
// (CSIDriver tokenRequests) and the server's role requires.
const audience = "cofre"

func newEnv(t *testing.T, ns string) *env {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("the driver mounts tmpfs volumes: needs root")
	}
	c := suite.Cluster(t)
	ctx := t.Context()
	// Short paths: unix socket paths are limited to 107 bytes.
	dir, err := os.MkdirTemp("", "cofre-csi-e2e-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	e := &env{t: t, c: c, ns: ns, dir: dir, logs: &syncBuffer{}, providerDir: filepath.Join(dir, "providers")}
	if err := c.CreateNamespace(ctx, ns); err != nil {
		t.Fatal(err)
	}
	if err := c.CreateServiceAccount(ctx, ns, "app"); err != nil {
		t.Fatal(err)
	}
	e.srv = servertest.StartDev(t)
	reviewer, err := c.ReviewerToken(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.srv.Client.Sys().EnableAuthWithOptions("kubernetes", &vault.EnableAuthOptions{Type: "kubernetes"}); err != nil {
		t.Fatal(err)
	}
	e.write("auth/kubernetes/config", map[string]any{
		"kubernetes_host": c.Host, "kubernetes_ca_cert": string(c.CACert), "token_reviewer_jwt": reviewer,
	})
	e.write("auth/kubernetes/role/app", map[string]any{
		"bound_service_account_names": "app", "bound_service_account_namespaces": ns,
		"audience": audience, "policies": "app", "ttl": "1h",
	})
	if err := e.srv.Client.Sys().PutPolicy("app", `
path "secret/data/app/*" { capabilities = ["read"] }
path "database/creds/app" { capabilities = ["read"] }
path "sys/leases/renew" { capabilities = ["update"] }
`); err != nil {
		t.Fatal(err)
	}
	e.startProvider()
	e.startDriver()
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("provider and driver logs:\n%s", e.logs.String())
		}
	})
	return e
}

func (e *env) write(path string, data map[string]any) *vault.Secret {
	e.t.Helper()
	s, err := e.srv.Client.Logical().Write(path, data)
	if err != nil {
		e.t.Fatalf("write %s: %v", path, err)
	}
	return s
}

func (e *env) putKV(path string, data map[string]any) {
	e.t.Helper()
	if _, err := e.srv.Client.KVv2("secret").Put(e.t.Context(), path, data); err != nil {
		e.t.Fatalf("kv put %s: %v", path, err)
	}
}

// startProvider runs `cofre provider` in process until stopProvider or
// the end of the test.
func (e *env) startProvider() {
	e.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	key := filepath.Join(e.dir, "hmac.key")
	if err := os.WriteFile(key, bytes.Repeat([]byte{7}, 32), 0o600); err != nil {
		e.t.Fatal(err)
	}
	go func() {
		done <- provider.Main(ctx, []string{
			"-endpoint", filepath.Join(e.providerDir, "cofre.sock"), "-addr", e.srv.Addr,
			"-hmac-key-file", key, "-health-addr", "", "-metrics-addr", "", "-log-level", "debug",
		}, e.logs, e.logs, func(string) string { return "" })
	}()
	var once sync.Once
	e.providerStop = func() {
		once.Do(func() {
			cancel()
			if code := <-done; code != 0 {
				e.t.Errorf("provider exited with %d", code)
			}
		})
	}
	e.t.Cleanup(e.providerStop)
	waitFor(e.t, "the provider's socket", func() bool {
		_, err := os.Stat(filepath.Join(e.providerDir, "cofre.sock"))
		return err == nil
	})
}

// startDriver runs the driver in process, with the production wiring
// (kubeconfig, tmpfs mounter); the rotation interval is long so that
// refreshes come from classes, hints and republishes.
func (e *env) startDriver() {
	e.t.Helper()
	sock := filepath.Join(e.dir, "csi.sock")
	cfg, err := csi.ParseFlags([]string{
		"-endpoint", "unix://" + sock, "-nodeid", "node-1", "-providers-dir", e.providerDir,
		"-kubeconfig", e.c.Kubeconfig, "-rotation-interval", "1h", "-provider-timeout", "20s", "-log-level", "debug",
	}, func(string) string { return "" }, e.logs)
	if err != nil {
		e.t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})).With("component", "csi")
	deps, err := csi.KubeDeps(cfg, logger)
	if err != nil {
		e.t.Fatal(err)
	}
	d, err := csi.NewDriver(cfg, deps)
	if err != nil {
		e.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Serve(ctx) }()
	conn, err := grpc.NewClient("unix://"+sock, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() {
		conn.Close()
		cancel()
		if err := <-done; err != nil {
			e.t.Errorf("driver: %v", err)
		}
	})
	e.node = csispec.NewNodeClient(conn)
}

// createClass creates a SecretProviderClass for provider cofre.
func (e *env) createClass(name string, annotations map[string]string, params map[string]string, secretObjects []any) {
	e.t.Helper()
	p := map[string]any{}
	for k, v := range params {
		p[k] = v
	}
	ann := map[string]any{}
	for k, v := range annotations {
		ann[k] = v
	}
	spec := map[string]any{"provider": "cofre", "parameters": p}
	if secretObjects != nil {
		spec["secretObjects"] = secretObjects
	}
	obj := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": kube.SecretsStoreGroup + "/" + kube.SecretsStoreVersion,
		"kind":       "SecretProviderClass",
		"metadata":   map[string]any{"name": name, "namespace": e.ns, "annotations": ann},
		"spec":       spec,
	}}
	if _, err := e.c.Dynamic.Resource(kube.SecretProviderClassResource()).Namespace(e.ns).Create(e.t.Context(), obj, metav1.CreateOptions{}); err != nil {
		e.t.Fatalf("SecretProviderClass: %v", err)
	}
}

// volume is a pod's inline volume as the kubelet publishes it.
type volume struct {
	e      *env
	pod    *corev1.Pod
	class  string
	target string
	group  string
}

// newVolume creates pod name (ServiceAccount app, fsGroup gid when not 0)
// and prepares its volume of class.
func (e *env) newVolume(name, class string, gid int64) *volume {
	e.t.Helper()
	var opts []kube.PodOption
	group := ""
	if gid != 0 {
		opts = append(opts, kube.WithFSGroup(gid))
		group = fmt.Sprint(gid)
	}
	pod, err := e.c.CreatePod(e.t.Context(), e.ns, name, "app", opts...)
	if err != nil {
		e.t.Fatal(err)
	}
	v := &volume{e: e, pod: pod, class: class, group: group,
		target: filepath.Join(e.dir, "pods", string(pod.UID), "volumes", "kubernetes.io~csi", "secrets", "mount")}
	e.t.Cleanup(func() {
		if mounted(v.target) {
			v.unpublish()
		}
	})
	return v
}

// publish calls NodePublishVolume as the kubelet does, with a fresh
// pod-bound token (CSIDriver tokenRequests) and the pod's fsGroup as the
// volume mount group (fsGroupPolicy File).
func (v *volume) publish() error {
	v.e.t.Helper()
	return v.publishAs("app")
}

// publishAs publishes with the pod running as ServiceAccount sa.
func (v *volume) publishAs(sa string) error {
	t := v.e.t
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	tok, err := v.e.c.TokenRequest(ctx, v.pod.Namespace, sa, []string{audience}, v.pod, 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	tokens, _ := json.Marshal(map[string]any{audience: map[string]string{
		"token": tok, "expirationTimestamp": time.Now().Add(10 * time.Minute).UTC().Format(time.RFC3339),
	}})
	_, err = v.e.node.NodePublishVolume(ctx, &csispec.NodePublishVolumeRequest{
		VolumeId:   "csi-" + string(v.pod.UID),
		TargetPath: v.target,
		VolumeCapability: &csispec.VolumeCapability{
			AccessType: &csispec.VolumeCapability_Mount{Mount: &csispec.VolumeCapability_MountVolume{VolumeMountGroup: v.group}},
			AccessMode: &csispec.VolumeCapability_AccessMode{Mode: csispec.VolumeCapability_AccessMode_SINGLE_NODE_READER_ONLY},
		},
		Readonly: true,
		VolumeContext: map[string]string{
			"secretProviderClass":                      v.class,
			"csi.storage.k8s.io/pod.name":              v.pod.Name,
			"csi.storage.k8s.io/pod.namespace":         v.pod.Namespace,
			"csi.storage.k8s.io/pod.uid":               string(v.pod.UID),
			"csi.storage.k8s.io/serviceAccount.name":   sa,
			"csi.storage.k8s.io/ephemeral":             "true",
			"csi.storage.k8s.io/serviceAccount.tokens": string(tokens),
		},
	})
	return err
}

func (v *volume) mustPublish() {
	v.e.t.Helper()
	if err := v.publish(); err != nil {
		v.e.t.Fatalf("publish: %v", err)
	}
}

func (v *volume) unpublish() {
	t := v.e.t
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if _, err := v.e.node.NodeUnpublishVolume(ctx, &csispec.NodeUnpublishVolumeRequest{
		VolumeId: "csi-" + string(v.pod.UID), TargetPath: v.target,
	}); err != nil {
		t.Errorf("unpublish: %v", err)
	}
}

// read returns a file of the volume ("" when missing).
func (v *volume) read(name string) string {
	b, err := os.ReadFile(filepath.Join(v.target, name))
	if err != nil {
		return ""
	}
	return string(b)
}
