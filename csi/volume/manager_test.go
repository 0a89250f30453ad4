package volume_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/secrets-store-csi-driver/provider/v1alpha1"

	"github.com/cofre-io/cofre/csi/kubeapi"
	"github.com/cofre-io/cofre/csi/volume"
	"github.com/cofre-io/cofre/pkg/providerapi"
	"github.com/cofre-io/cofre/pkg/providerclient"
)

func setHint(ctx context.Context, t time.Time) error { return providerapi.SetRefreshAfter(ctx, t) }

func TestPublishRotateUnpublish(t *testing.T) {
	c := &content{password: "one"}
	e := newEnv(t, c.handler)
	ctx := t.Context()
	req := e.request("vol")
	if err := e.m.Publish(ctx, req); err != nil {
		t.Fatal(err)
	}
	if got := e.read(t, "vol", "password"); got != "one" {
		t.Errorf("password = %q", got)
	}
	if got := e.read(t, "vol", "config/user"); got != "app" {
		t.Errorf("config/user = %q", got)
	}
	if got := e.read(t, "vol", "..version"); got != "1\n" {
		t.Errorf("..version = %q", got)
	}
	st, _ := os.Stat(filepath.Join(req.Target, "password"))
	if st.Mode().Perm() != 0o600 {
		t.Errorf("password mode %v", st.Mode().Perm())
	}
	if due, ok := e.m.Due(req.Target); !ok || !due.Equal(t0.Add(interval)) {
		t.Errorf("due = %v, %v; want +%v", due, ok, interval)
	}

	// What the provider received: class parameters and volume attributes.
	r := e.provider.Requests()[0]
	for _, want := range []string{`"roleName":"app"`, `"csi.storage.k8s.io/pod.name":"app-0"`, `"secretProviderClass":"db"`} {
		if !strings.Contains(r.Attributes, want) {
			t.Errorf("attributes %s lack %s", r.Attributes, want)
		}
	}
	if r.Permission != "420" || r.TargetPath != req.Target {
		t.Errorf("permission %s target %s", r.Permission, r.TargetPath)
	}

	// Status object and synced Secret.
	status, err := e.dyn.Resource(kubeapi.PodStatusResource).Namespace("ns").Get(ctx, "app-0-ns-db", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("status object: %v", err)
	}
	secret, err := e.kube.CoreV1().Secrets("ns").Get(ctx, "db-secret", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("synced secret: %v", err)
	}
	if string(secret.Data["pw"]) != "one" || len(secret.OwnerReferences) != 1 || secret.OwnerReferences[0].UID != status.GetUID() {
		t.Errorf("secret %v owners %+v (status uid %s)", secret.Data, secret.OwnerReferences, status.GetUID())
	}

	// The kubelet republishes before the volume is due: no provider call.
	if err := e.m.Publish(ctx, req); err != nil {
		t.Fatal(err)
	}
	if n := len(e.provider.Requests()); n != 1 {
		t.Errorf("%d provider calls after an early republish", n)
	}

	// Due: the scheduler refreshes; the new content is written.
	c.set("two")
	e.advance(t, interval)
	waitFor(t, "rotation", func() bool { return slices.Contains(e.events.reasons(), volume.ReasonRotated) })
	if got := e.read(t, "vol", "password"); got != "two" {
		t.Errorf("password after rotation = %q", got)
	}
	if got := e.read(t, "vol", "..version"); got != "2\n" {
		t.Errorf("..version after rotation = %q", got)
	}
	r = e.provider.Requests()[1]
	if len(r.CurrentObjectVersion) != 1 || r.CurrentObjectVersion[0].Version != "one" {
		t.Errorf("current object versions sent: %v", r.CurrentObjectVersion)
	}
	secret, _ = e.kube.CoreV1().Secrets("ns").Get(ctx, "db-secret", metav1.GetOptions{})
	if string(secret.Data["pw"]) != "two" {
		t.Errorf("secret not updated: %q", secret.Data["pw"])
	}

	// Unchanged content: nothing written, no event.
	e.advance(t, interval)
	waitFor(t, "third call", func() bool { return len(e.provider.Requests()) == 3 })
	waitFor(t, "rescheduling", func() bool { d, ok := e.m.Due(req.Target); return ok && d.After(e.clock.Now()) })
	if got := e.read(t, "vol", "..version"); got != "2\n" {
		t.Errorf("..version after an unchanged refresh = %q", got)
	}
	if n := count(e.events.reasons(), volume.ReasonRotated); n != 1 {
		t.Errorf("%d rotation events", n)
	}

	if err := e.m.Unpublish(ctx, "vol-1", req.Target); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(req.Target); !os.IsNotExist(err) {
		t.Errorf("target still there: %v", err)
	}
	if _, err := e.dyn.Resource(kubeapi.PodStatusResource).Namespace("ns").Get(ctx, "app-0-ns-db", metav1.GetOptions{}); err == nil {
		t.Error("status object not deleted")
	}
	if _, ok := e.m.Due(req.Target); ok {
		t.Error("unpublished volume still scheduled")
	}
	if err := e.m.Unpublish(ctx, "vol-1", req.Target); err != nil {
		t.Errorf("second unpublish: %v", err)
	}
}

func TestFailedRefreshKeepsFiles(t *testing.T) {
	c := &content{password: "one"}
	e := newEnv(t, c.handler)
	ctx := t.Context()
	req := e.request("vol")
	if err := e.m.Publish(ctx, req); err != nil {
		t.Fatal(err)
	}
	e.provider.Stop()
	e.advance(t, interval)
	waitFor(t, "failure event", func() bool { return slices.Contains(e.events.reasons(), volume.ReasonRotationFailed) })
	if got := e.read(t, "vol", "password"); got != "one" {
		t.Errorf("password after a failed refresh = %q", got)
	}
	waitFor(t, "retry scheduled", func() bool { d, ok := e.m.Due(req.Target); return ok && d.After(e.clock.Now()) })
	if d, _ := e.m.Due(req.Target); d.Sub(e.clock.Now()) != 5*time.Second {
		t.Errorf("first retry in %v, want 5s", d.Sub(e.clock.Now()))
	}
	// A republish while backing off changes nothing and does not fail.
	if err := e.m.Publish(ctx, req); err != nil {
		t.Errorf("republish during backoff: %v", err)
	}
	e.advance(t, 5*time.Second)
	waitFor(t, "second failure", func() bool { return count(e.events.reasons(), volume.ReasonRotationFailed) == 2 })
	waitFor(t, "second retry", func() bool { d, ok := e.m.Due(req.Target); return ok && d.After(e.clock.Now()) })
	if d, _ := e.m.Due(req.Target); d.Sub(e.clock.Now()) != 10*time.Second {
		t.Errorf("second retry in %v, want 10s", d.Sub(e.clock.Now()))
	}
	// The provider is back with new content: the next retry rotates.
	c.set("two")
	e.provider.Restart(t)
	e.advance(t, 10*time.Second)
	waitFor(t, "rotation", func() bool { return slices.Contains(e.events.reasons(), volume.ReasonRotated) })
	if got := e.read(t, "vol", "password"); got != "two" {
		t.Errorf("password = %q", got)
	}
}

func TestRefreshHintAndClassInterval(t *testing.T) {
	c := &content{password: "one", hint: t0.Add(30 * time.Second)}
	e := newEnv(t, c.handler)
	req := e.request("vol")
	if err := e.m.Publish(t.Context(), req); err != nil {
		t.Fatal(err)
	}
	if due, _ := e.m.Due(req.Target); !due.Equal(t0.Add(30 * time.Second)) {
		t.Errorf("due %v, want the hint %v", due, t0.Add(30*time.Second))
	}
	if err := e.m.Unpublish(t.Context(), "vol-1", req.Target); err != nil {
		t.Fatal(err)
	}
	c.mu.Lock()
	c.hint = time.Time{}
	c.mu.Unlock()
	e.classes.put(class("db", map[string]string{volume.AnnotationRotationInterval: "45s"}))
	if err := e.m.Publish(t.Context(), req); err != nil {
		t.Fatal(err)
	}
	if due, _ := e.m.Due(req.Target); !due.Equal(t0.Add(45 * time.Second)) {
		t.Errorf("due %v, want the class interval", due)
	}
	e.classes.put(class("bad", map[string]string{volume.AnnotationRotationInterval: "soon"}))
	bad := e.request("bad")
	bad.Volume.Class = "bad"
	if err := e.m.Publish(t.Context(), bad); !errors.Is(err, volume.ErrBadClass) {
		t.Errorf("bad annotation: %v", err)
	}
}

func TestFirstPublishFailures(t *testing.T) {
	c := &content{password: "one"}
	e := newEnv(t, c.handler)
	ctx := t.Context()

	missing := e.request("missing")
	missing.Volume.Class = "nope"
	if err := e.m.Publish(ctx, missing); !errors.Is(err, kubeapi.ErrClassNotFound) {
		t.Errorf("missing class: %v", err)
	}
	if _, err := os.Stat(missing.Target); !os.IsNotExist(err) {
		t.Errorf("target created for a missing class: %v", err)
	}

	e.provider.SetHandler(func(context.Context, *v1alpha1.MountRequest) (*v1alpha1.MountResponse, error) {
		return &v1alpha1.MountResponse{Error: &v1alpha1.Error{Code: "Denied"}}, nil
	})
	req := e.request("vol")
	err := e.m.Publish(ctx, req)
	if !errors.Is(err, providerclient.ErrProvider) {
		t.Errorf("provider error: %v", err)
	}
	if _, err := os.Stat(req.Target); !os.IsNotExist(err) {
		t.Errorf("target left after a failed publish: %v", err)
	}
	if !slices.Contains(e.events.reasons(), volume.ReasonMountFailed) {
		t.Errorf("events %v lack %s", e.events.reasons(), volume.ReasonMountFailed)
	}

	// Bad paths from the provider: nothing half-written is left.
	e.provider.SetHandler(func(context.Context, *v1alpha1.MountRequest) (*v1alpha1.MountResponse, error) {
		return &v1alpha1.MountResponse{ObjectVersion: []*v1alpha1.ObjectVersion{}, Files: []*v1alpha1.File{{Path: "../escape", Contents: []byte("x")}}}, nil
	})
	if err := e.m.Publish(ctx, req); err == nil {
		t.Error("a file path escaping the volume was accepted")
	}
	if _, err := os.Stat(filepath.Join(e.dir, "escape")); !os.IsNotExist(err) {
		t.Errorf("file escaped the volume: %v", err)
	}

	// Recovered: the same target publishes.
	e.provider.SetHandler(c.handler)
	if err := e.m.Publish(ctx, req); err != nil {
		t.Fatal(err)
	}
	other := req
	other.VolumeID = "vol-2"
	if err := e.m.Publish(ctx, other); !errors.Is(err, volume.ErrConflict) {
		t.Errorf("another volume on the same target: %v", err)
	}
	if err := e.m.Unpublish(ctx, "vol-2", req.Target); !errors.Is(err, volume.ErrNotFound) {
		t.Errorf("unpublish of another volume id: %v", err)
	}
}

func TestAdoptAfterRestart(t *testing.T) {
	c := &content{password: "one"}
	e := newEnv(t, c.handler)
	req := e.request("vol")
	// A volume published by an earlier process: mounted, with files.
	if err := os.MkdirAll(req.Target, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := e.m.Publish(t.Context(), req); err != nil {
		t.Fatal(err)
	}
	if got := e.read(t, "vol", "password"); got != "one" {
		t.Errorf("password = %q", got)
	}
	if _, ok := e.m.Due(req.Target); !ok {
		t.Error("adopted volume not scheduled")
	}
}

func TestFSGroupOwnsFiles(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("changing groups needs root")
	}
	c := &content{password: "one"}
	e := newEnv(t, c.handler)
	req := e.request("vol")
	gid := int64(3456)
	req.FSGroup = &gid
	if err := e.m.Publish(t.Context(), req); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"", "password", "config/user", "config"} {
		st, err := os.Stat(filepath.Join(req.Target, p))
		if err != nil {
			t.Fatal(err)
		}
		if g := st.Sys().(*syscall.Stat_t).Gid; g != uint32(gid) {
			t.Errorf("%q group %d, want %d", p, g, gid)
		}
	}
	st, _ := os.Stat(filepath.Join(req.Target, "password"))
	if st.Mode().Perm() != 0o640 {
		t.Errorf("password mode %v, want 0640", st.Mode().Perm())
	}
}

func count(list []string, s string) int {
	n := 0
	for _, x := range list {
		if x == s {
			n++
		}
	}
	return n
}
