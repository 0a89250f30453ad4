package providere2e

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/container-storage-interface/spec/lib/go/csi"
	vault "github.com/hashicorp/vault/api"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/cofre-io/cofre/e2e/kube"
	"github.com/cofre-io/cofre/provider"
	"github.com/cofre-io/cofre/server/servertest"
)

// env is a Cofre server configured for the cluster, the provider and the
// upstream driver, ready for NodePublishVolume calls.
type env struct {
	t      *testing.T
	c      *kube.Cluster
	srv    *servertest.Server
	driver *driver
	dir    string
	logs   *syncBuffer // the provider's
}

func newEnv(t *testing.T) *env {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("the driver mounts tmpfs volumes: needs root")
	}
	c := suite.Cluster(t)
	ctx := t.Context()
	e := &env{t: t, c: c, dir: t.TempDir(), logs: &syncBuffer{}}
	e.srv = servertest.StartDev(t)
	reviewer, err := c.ReviewerToken(ctx)
	if err != nil {
		t.Fatal(err)
	}
	root := e.srv.Client
	if err := root.Sys().EnableAuthWithOptions("kubernetes", &vault.EnableAuthOptions{Type: "kubernetes"}); err != nil {
		t.Fatal(err)
	}
	e.write("auth/kubernetes/config", map[string]any{
		"kubernetes_host": c.Host, "kubernetes_ca_cert": string(c.CACert), "token_reviewer_jwt": reviewer,
	})

	// The provider, in process, exactly as `cofre provider` runs.
	if err := c.CreateNamespace(ctx, "cofre-system"); err != nil && !strings.Contains(err.Error(), "already exists") {
		t.Fatal(err)
	}
	providerDir := filepath.Join(e.dir, "providers")
	pctx, stop := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- provider.Main(pctx, []string{
			"-endpoint", filepath.Join(providerDir, "cofre.sock"), "-addr", e.srv.Addr, "-kubeconfig", c.Kubeconfig,
			"-hmac-secret-name", "cofre-system/cofre-provider-hmac-key", "-health-addr", "", "-metrics-addr", "", "-log-level", "debug",
		}, e.logs, e.logs, func(string) string { return "" })
	}()
	t.Cleanup(func() {
		stop()
		if code := <-done; code != 0 {
			t.Errorf("provider exited with %d", code)
		}
		if t.Failed() {
			t.Logf("provider log:\n%s", e.logs.String())
		}
	})
	waitFor(t, "the provider's socket", func() bool {
		_, err := os.Stat(filepath.Join(providerDir, "cofre.sock"))
		return err == nil
	})
	e.driver = startDriver(t, c.Kubeconfig, e.dir, providerDir)
	return e
}

func (e *env) write(path string, data map[string]any) {
	e.t.Helper()
	if _, err := e.srv.Client.Logical().Write(path, data); err != nil {
		e.t.Fatalf("write %s: %v", path, err)
	}
}

// createClass creates SecretProviderClass ns/name for provider cofre.
func (e *env) createClass(ns, name string, params map[string]string) {
	e.t.Helper()
	p := map[string]any{}
	for k, v := range params {
		p[k] = v
	}
	obj := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": kube.SecretsStoreGroup + "/" + kube.SecretsStoreVersion,
		"kind":       "SecretProviderClass",
		"metadata":   map[string]any{"name": name, "namespace": ns},
		"spec":       map[string]any{"provider": "cofre", "parameters": p},
	}}
	if _, err := e.c.Dynamic.Resource(kube.SecretProviderClassResource()).Namespace(ns).Create(e.t.Context(), obj, metav1.CreateOptions{}); err != nil {
		e.t.Fatalf("SecretProviderClass: %v", err)
	}
}

// volume is a pod's CSI volume as the kubelet would publish it.
type volume struct {
	pod    *corev1.Pod
	class  string
	target string
	ctx    map[string]string
}

// newVolume prepares pod's volume of class, with a token for audience
// minted by the TokenRequest API and bound to the pod, as the kubelet does
// for a CSIDriver with tokenRequests. The target is unmounted at test end.
func (e *env) newVolume(pod *corev1.Pod, class, audience string) *volume {
	e.t.Helper()
	tok, err := e.c.TokenRequest(e.t.Context(), pod.Namespace, pod.Spec.ServiceAccountName, []string{audience}, pod, 10*time.Minute)
	if err != nil {
		e.t.Fatal(err)
	}
	tokens, _ := json.Marshal(map[string]any{audience: map[string]string{
		"token": tok, "expirationTimestamp": time.Now().Add(10 * time.Minute).UTC().Format(time.RFC3339),
	}})
	v := &volume{
		pod: pod, class: class,
		target: filepath.Join(e.dir, "pods", string(pod.UID), "volumes", "kubernetes.io~csi", "secrets", "mount"),
		ctx: map[string]string{
			"secretProviderClass":                      class,
			"csi.storage.k8s.io/pod.name":              pod.Name,
			"csi.storage.k8s.io/pod.namespace":         pod.Namespace,
			"csi.storage.k8s.io/pod.uid":               string(pod.UID),
			"csi.storage.k8s.io/serviceAccount.name":   pod.Spec.ServiceAccountName,
			"csi.storage.k8s.io/ephemeral":             "true",
			"csi.storage.k8s.io/serviceAccount.tokens": string(tokens),
		},
	}
	e.t.Cleanup(func() {
		if mounted(v.target) {
			_ = syscall.Unmount(v.target, syscall.MNT_DETACH)
		}
	})
	return v
}

// publish calls NodePublishVolume as the kubelet does.
func (e *env) publish(v *volume) error {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.t.Context(), 60*time.Second)
	defer cancel()
	_, err := e.driver.node.NodePublishVolume(ctx, &csi.NodePublishVolumeRequest{
		VolumeId:   "csi-" + string(v.pod.UID),
		TargetPath: v.target,
		VolumeCapability: &csi.VolumeCapability{
			AccessType: &csi.VolumeCapability_Mount{Mount: &csi.VolumeCapability_MountVolume{}},
			AccessMode: &csi.VolumeCapability_AccessMode{Mode: csi.VolumeCapability_AccessMode_SINGLE_NODE_READER_ONLY},
		},
		Readonly:      true,
		VolumeContext: v.ctx,
	})
	return err
}

// unpublish calls NodeUnpublishVolume.
func (e *env) unpublish(v *volume) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.t.Context(), 60*time.Second)
	defer cancel()
	if _, err := e.driver.node.NodeUnpublishVolume(ctx, &csi.NodeUnpublishVolumeRequest{
		VolumeId: "csi-" + string(v.pod.UID), TargetPath: v.target,
	}); err != nil {
		e.t.Fatalf("unpublish: %v", err)
	}
}

// mounted reports whether a tmpfs is mounted at path.
func mounted(path string) bool {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 5 || fields[4] != path {
			continue
		}
		for i, x := range fields {
			if x == "-" && i+1 < len(fields) && fields[i+1] == "tmpfs" {
				return true
			}
		}
	}
	return false
}

// waitFor polls cond every 50 ms for up to 30 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.NewTimer(30 * time.Second)
	defer deadline.Stop()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-deadline.C:
			t.Fatalf("timed out waiting for %s", what)
		case <-tick.C:
		}
	}
}
