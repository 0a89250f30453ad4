package providere2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/cofre-io/cofre/e2e/kube"
)

const appPolicy = `path "secret/data/shop/*" { capabilities = ["read"] }`

const objects = `
- objectName: db-username
  secretPath: secret/data/shop/db
  secretKey: username
- objectName: db-password
  secretPath: secret/data/shop/db
  secretKey: password
  filePermission: 0600
- objectName: db
  secretPath: secret/data/shop/db
- objectName: app.env
  secretPath: secret/data/shop/db
  template: |
    DB_USER={{ .username }}
    DB_PASSWORD={{ env .password }}
`

// TestUpstreamDriverMount: the real driver mounts a tmpfs and writes the
// files the provider returns; a KV update reaches the files at the next
// republish; a pod of another ServiceAccount is refused and gets no
// volume.
func TestUpstreamDriverMount(t *testing.T) {
	e := newEnv(t)
	c, ctx := e.c, t.Context()
	const ns = "provider-e2e"
	if err := c.CreateNamespace(ctx, ns); err != nil {
		t.Fatal(err)
	}
	for _, sa := range []string{"app", "intruder"} {
		if err := c.CreateServiceAccount(ctx, ns, sa); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.srv.Client.Sys().PutPolicy("shop", appPolicy); err != nil {
		t.Fatal(err)
	}
	e.write("auth/kubernetes/role/shop", map[string]any{
		"bound_service_account_names": "app", "bound_service_account_namespaces": ns,
		"audience": "cofre", "policies": "shop", "ttl": "1h",
	})
	if _, err := e.srv.Client.KVv2("secret").Put(ctx, "shop/db", map[string]any{"username": "shop", "password": "s3cret"}); err != nil {
		t.Fatal(err)
	}
	e.createClass(ns, "shop", map[string]string{"roleName": "shop", "audience": "cofre", "objects": objects})
	pod, err := c.CreatePod(ctx, ns, "shop-web", "app")
	if err != nil {
		t.Fatal(err)
	}

	v := e.newVolume(pod, "shop", "cofre")
	if err := e.publish(v); err != nil {
		t.Fatalf("publish: %v", err)
	}
	if !mounted(v.target) {
		t.Fatal("no tmpfs at the target")
	}
	want := map[string]string{
		"db-username": "shop", "db-password": "s3cret", "db/username": "shop", "db/password": "s3cret",
		"app.env": "DB_USER=shop\nDB_PASSWORD=\"s3cret\"\n",
	}
	for name, contents := range want {
		b, err := os.ReadFile(filepath.Join(v.target, name))
		if err != nil || string(b) != contents {
			t.Fatalf("%s: %q %v", name, b, err)
		}
		st, err := os.Stat(filepath.Join(v.target, name))
		mode := os.FileMode(0o644)
		if name == "db-password" {
			mode = 0o600
		}
		if err != nil || st.Mode().Perm() != mode {
			t.Fatalf("%s: mode %v %v", name, st.Mode(), err)
		}
	}
	// The driver recorded the object versions the provider returned.
	status := e.podStatus(ns, "shop-web-"+ns+"-shop")
	objs, _, _ := unstructured.NestedSlice(status.Object, "status", "objects")
	if len(objs) != 4 {
		t.Fatalf("SecretProviderClassPodStatus objects %v", objs)
	}
	versionOf := func(objs []any, id string) string {
		for _, o := range objs {
			m := o.(map[string]any)
			if m["id"] == id {
				return m["version"].(string)
			}
		}
		return ""
	}
	userVersion := versionOf(objs, "db-username")
	if userVersion == "" || strings.Contains(userVersion, "shop") {
		t.Fatalf("version %q", userVersion)
	}

	// A KV update: republishing (the kubelet's requiresRepublish) rewrites
	// the files; the driver calls the provider at most every 2 seconds.
	if _, err := e.srv.Client.KVv2("secret").Put(ctx, "shop/db", map[string]any{"username": "shop", "password": "n3w"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the new password in the volume", func() bool {
		if err := e.publish(v); err != nil {
			t.Fatalf("republish: %v", err)
		}
		b, _ := os.ReadFile(filepath.Join(v.target, "db-password"))
		return string(b) == "n3w"
	})
	objs, _, _ = unstructured.NestedSlice(e.podStatus(ns, "shop-web-"+ns+"-shop").Object, "status", "objects")
	if versionOf(objs, "db-username") != userVersion || versionOf(objs, "db-password") == "" {
		t.Fatalf("versions after the update: %v", objs)
	}

	// A pod of another ServiceAccount using the same class is refused.
	intruder, err := c.CreatePod(ctx, ns, "intruder", "intruder")
	if err != nil {
		t.Fatal(err)
	}
	iv := e.newVolume(intruder, "shop", "cofre")
	err = e.publish(iv)
	if err == nil || !strings.Contains(err.Error(), "AuthenticationFailed") {
		t.Fatalf("intruder: %v", err)
	}
	if mounted(iv.target) {
		t.Fatal("the refused volume stayed mounted")
	}
	if entries, _ := os.ReadDir(iv.target); len(entries) != 0 {
		t.Fatalf("the refused volume has files: %v", entries)
	}

	e.unpublish(v)
	if mounted(v.target) {
		t.Fatal("still mounted after unpublish")
	}
	if strings.Contains(e.logs.String(), "s3cret") || strings.Contains(e.driver.logs.String(), "s3cret") {
		t.Fatal("a secret value reached the logs")
	}
}

// podStatus reads a SecretProviderClassPodStatus.
func (e *env) podStatus(ns, name string) *unstructured.Unstructured {
	e.t.Helper()
	obj, err := e.c.Dynamic.Resource(kube.SecretProviderClassPodStatusResource()).Namespace(ns).Get(e.t.Context(), name, metav1.GetOptions{})
	if err != nil {
		e.t.Fatalf("SecretProviderClassPodStatus %s/%s: %v", ns, name, err)
	}
	return obj
}

// TestProviderRequestsToken: without tokenRequests on the CSIDriver (no
// serviceAccount.tokens in the volume context) the provider requests a
// pod-bound token itself with the TokenRequest API, and the login carries
// the pod's identity.
func TestProviderRequestsToken(t *testing.T) {
	e := newEnv(t)
	c, ctx := e.c, t.Context()
	const ns = "provider-e2e-tr"
	if err := c.CreateNamespace(ctx, ns); err != nil {
		t.Fatal(err)
	}
	if err := c.CreateServiceAccount(ctx, ns, "app"); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.Client.Sys().PutPolicy("shop", appPolicy); err != nil {
		t.Fatal(err)
	}
	e.write("auth/kubernetes/role/shop", map[string]any{
		"bound_service_account_names": "app", "bound_service_account_namespaces": ns, "policies": "shop",
	})
	if _, err := e.srv.Client.KVv2("secret").Put(ctx, "shop/db", map[string]any{"username": "shop", "password": "s3cret"}); err != nil {
		t.Fatal(err)
	}
	e.createClass(ns, "shop", map[string]string{"roleName": "shop",
		"objects": "- {objectName: password, secretPath: secret/data/shop/db, secretKey: password}"})
	pod, err := c.CreatePod(ctx, ns, "web", "app")
	if err != nil {
		t.Fatal(err)
	}
	v := e.newVolume(pod, "shop", "unused")
	delete(v.ctx, "csi.storage.k8s.io/serviceAccount.tokens")
	if err := e.publish(v); err != nil {
		t.Fatalf("publish: %v", err)
	}
	if b, err := os.ReadFile(filepath.Join(v.target, "password")); err != nil || string(b) != "s3cret" {
		t.Fatalf("%q %v", b, err)
	}
	if !strings.Contains(e.logs.String(), "token_source=token-request") {
		t.Fatalf("the provider did not request the token:\n%s", e.logs.String())
	}
	// The login was pod-bound: the server indexed the token under the pod.
	list, err := e.srv.Client.Logical().List("auth/token/accessors")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, a := range list.Data["keys"].([]any) {
		sec, err := e.srv.Client.Logical().Write("auth/token/lookup-accessor", map[string]any{"accessor": a})
		if err != nil {
			continue
		}
		if meta, ok := sec.Data["meta"].(map[string]any); ok && meta["pod_uid"] == string(pod.UID) {
			found = true
		}
	}
	if !found {
		t.Fatal("no token bound to the pod")
	}
	e.unpublish(v)
}
