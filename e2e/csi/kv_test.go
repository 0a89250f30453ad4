package csie2e

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	secretsstorev1 "sigs.k8s.io/secrets-store-csi-driver/apis/v1"

	"github.com/cofre-io/cofre/csi/kubeapi"
	csivolume "github.com/cofre-io/cofre/csi/volume"
)

const kvObjects = `
- objectName: password
  secretPath: secret/data/app/db
  secretKey: password
  filePermission: "0400"
- objectName: username
  secretPath: secret/data/app/db
  secretKey: username
- objectName: all
  secretPath: secret/data/app/db
`

// TestKVVolume: a pod's volume from KV v2, its files owned by the pod's
// fsGroup, a synced Secret, a KV update reaching both, a provider outage
// leaving the files alone, and unpublish removing everything.
func TestKVVolume(t *testing.T) {
	e := newEnv(t, "csi-kv")
	ctx := t.Context()
	e.putKV("app/db", map[string]any{"username": "appuser", "password": "s3cret"})
	e.createClass("db", map[string]string{csivolume.AnnotationRotationInterval: "1s"},
		map[string]string{"roleName": "app", "audience": audience, "objects": kvObjects},
		[]any{map[string]any{
			"secretName": "db-creds", "type": "Opaque", "labels": map[string]any{"team": "a"},
			"data": []any{
				map[string]any{"objectName": "password", "key": "password"},
				map[string]any{"objectName": "username", "key": "username"},
			},
		}})
	const gid = 2000
	v := e.newVolume("app-0", "db", gid)
	v.mustPublish()

	// Files, modes, group.
	if !mounted(v.target) {
		t.Fatal("no tmpfs at the target")
	}
	for name, want := range map[string]string{"password": "s3cret", "username": "appuser", "all/password": "s3cret", "all/username": "appuser", "..version": "1\n"} {
		if got := v.read(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	for name, mode := range map[string]os.FileMode{"": 0o750, "password": 0o440, "username": 0o644, "all": 0o750, "all/username": 0o644} {
		st, err := os.Stat(filepath.Join(v.target, name))
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != mode || st.Sys().(*syscall.Stat_t).Gid != gid {
			t.Errorf("%q: mode %v group %d, want %v group %d", name, st.Mode().Perm(), st.Sys().(*syscall.Stat_t).Gid, mode, gid)
		}
	}

	// The pod status object, as the upstream driver keeps it.
	statusName := "app-0-" + e.ns + "-db"
	u, err := e.c.Dynamic.Resource(kubeapi.PodStatusResource).Namespace(e.ns).Get(ctx, statusName, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("SecretProviderClassPodStatus: %v", err)
	}
	var spcps secretsstorev1.SecretProviderClassPodStatus
	if err := fromUnstructured(u.Object, &spcps); err != nil {
		t.Fatal(err)
	}
	st := spcps.Status
	if st.PodName != "app-0" || st.SecretProviderClassName != "db" || !st.Mounted || st.TargetPath != v.target || len(st.Objects) != 3 {
		t.Errorf("status = %+v", st)
	}
	if spcps.Labels[secretsstorev1.InternalNodeLabel] != "node-1" || len(spcps.OwnerReferences) != 1 || spcps.OwnerReferences[0].UID != v.pod.UID {
		t.Errorf("labels %v owners %+v", spcps.Labels, spcps.OwnerReferences)
	}
	versions := map[string]string{}
	for _, o := range st.Objects {
		versions[o.ID] = o.Version
	}

	// The synced Secret, owned by the status object.
	secret, err := e.c.Clientset.CoreV1().Secrets(e.ns).Get(ctx, "db-creds", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("synced secret: %v", err)
	}
	if string(secret.Data["password"]) != "s3cret" || string(secret.Data["username"]) != "appuser" || secret.Type != corev1.SecretTypeOpaque ||
		secret.Labels["team"] != "a" || secret.Labels["secrets-store.csi.k8s.io/managed"] != "true" {
		t.Errorf("secret = %+v", secret)
	}
	if o := secret.OwnerReferences; len(o) != 1 || o[0].UID != spcps.UID || o[0].Kind != "SecretProviderClassPodStatus" {
		t.Errorf("secret owners = %+v", o)
	}

	// A KV update reaches the file and the Secret (the class refreshes every second).
	e.putKV("app/db", map[string]any{"username": "appuser", "password": "n3w"})
	waitFor(t, "the new password in the volume", func() bool { return v.read("password") == "n3w" })
	if got := v.read("..version"); got != "2\n" {
		t.Errorf("..version after the update = %q", got)
	}
	waitFor(t, "the new password in the Secret", func() bool {
		s, err := e.c.Clientset.CoreV1().Secrets(e.ns).Get(ctx, "db-creds", metav1.GetOptions{})
		return err == nil && string(s.Data["password"]) == "n3w"
	})
	waitFor(t, "a rotation event", func() bool { return slices.Contains(e.eventReasons(v), csivolume.ReasonRotated) })
	waitFor(t, "new object versions", func() bool {
		u, err := e.c.Dynamic.Resource(kubeapi.PodStatusResource).Namespace(e.ns).Get(ctx, statusName, metav1.GetOptions{})
		if err != nil || fromUnstructured(u.Object, &spcps) != nil {
			return false
		}
		for _, o := range spcps.Status.Objects {
			if o.ID == "password" {
				return o.Version != versions["password"]
			}
		}
		return false
	})

	// The provider goes down: refreshes fail, the files stay as they are.
	e.providerStop()
	e.putKV("app/db", map[string]any{"username": "appuser", "password": "third"})
	if err := v.publish(); err != nil { // the kubelet's periodic republish
		t.Errorf("republish with the provider down: %v", err)
	}
	waitFor(t, "a failed rotation event", func() bool { return slices.Contains(e.eventReasons(v), csivolume.ReasonRotationFailed) })
	if got := v.read("password"); got != "n3w" {
		t.Errorf("password with the provider down = %q", got)
	}
	if got := v.read("..version"); got != "2\n" || !mounted(v.target) {
		t.Errorf("..version %q, mounted %v with the provider down", got, mounted(v.target))
	}

	// Unpublish removes the mount, the files and the status object.
	v.unpublish()
	if mounted(v.target) {
		t.Error("tmpfs still mounted after unpublish")
	}
	if _, err := os.Stat(v.target); !os.IsNotExist(err) {
		t.Errorf("target still there: %v", err)
	}
	if _, err := e.c.Dynamic.Resource(kubeapi.PodStatusResource).Namespace(e.ns).Get(ctx, statusName, metav1.GetOptions{}); err == nil {
		t.Error("status object still there after unpublish")
	}
	v.unpublish() // idempotent
}

// TestPublishRefusals: a missing class and a pod whose ServiceAccount the
// role does not allow fail the publish and leave nothing behind.
func TestPublishRefusals(t *testing.T) {
	e := newEnv(t, "csi-refusals")
	e.putKV("app/db", map[string]any{"password": "s3cret"})
	missing := e.newVolume("no-class", "nope", 0)
	err := missing.publish()
	if status.Code(err) != codes.NotFound {
		t.Errorf("missing class: %v, want NotFound", err)
	}
	if _, err := os.Stat(missing.target); !os.IsNotExist(err) {
		t.Errorf("target left for a missing class: %v", err)
	}

	e.createClass("db", nil, map[string]string{"roleName": "app", "audience": audience, "objects": kvObjects}, nil)
	if err := e.c.CreateServiceAccount(t.Context(), e.ns, "intruder"); err != nil {
		t.Fatal(err)
	}
	pod, err := e.c.CreatePod(t.Context(), e.ns, "intruder-0", "intruder")
	if err != nil {
		t.Fatal(err)
	}
	v := e.newVolume("app-0", "db", 0)
	v.pod = pod // the intruder's pod and token, same class
	err = v.publishAs("intruder")
	if err == nil || !strings.Contains(err.Error(), "AuthenticationFailed") {
		t.Errorf("a pod of another ServiceAccount: %v, want the provider's AuthenticationFailed", err)
	}
	if mounted(v.target) || v.read("password") != "" {
		t.Error("refused publish left a volume")
	}
}
