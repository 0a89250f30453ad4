package kubernetes

import (
	"context"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	authv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	k8s "k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/cofre-io/cofre/server/logical"
)

// deadline bounds every wait for the watcher (the test machine is shared).
const deadline = 30 * time.Second

// watchSetup is a backend whose Kubernetes client is a fake clientset that
// answers TokenReviews like fakeAPI, and whose revoker records calls.
type watchSetup struct {
	*harness
	cs    *fake.Clientset
	api   *fakeAPI
	rev   *fakeRevoker
	lists atomic.Int64 // pod LIST calls
}

func newWatchSetup(t *testing.T) *watchSetup {
	t.Helper()
	w := &watchSetup{cs: fake.NewClientset(), api: newFakeAPI(t), rev: newFakeRevoker()}
	w.cs.PrependReactor("create", "tokenreviews", func(a k8stesting.Action) (bool, runtime.Object, error) {
		tr := a.(k8stesting.CreateAction).GetObject().(*authv1.TokenReview).DeepCopy()
		acc, ok := w.api.lookup(tr.Spec.Token)
		tr.Status = w.api.status(tr.Spec, acc, ok)
		return true, tr, nil
	})
	w.cs.PrependReactor("list", "pods", func(k8stesting.Action) (bool, runtime.Object, error) {
		w.lists.Add(1)
		return false, nil, nil
	})
	opts := Options{
		NewClient:         func(ClientConfig) (k8s.Interface, error) { return w.cs, nil },
		ReconcileInterval: 20 * time.Millisecond,
		RevokeGrace:       2 * time.Minute,
	}
	w.harness = newHarness(t, w.rev, opts)
	w.must(logical.CreateOperation, "role/r", map[string]any{"bound_service_account_names": "app", "bound_service_account_namespaces": "ns"})
	return w
}

func (w *watchSetup) configure() {
	w.must(logical.UpdateOperation, "config", map[string]any{"kubernetes_host": "https://fake.invalid", "token_reviewer_jwt": "r"})
}

func (w *watchSetup) createPod(name, uid string) {
	w.t.Helper()
	p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: name, UID: types.UID(uid)}}
	if _, err := w.cs.CoreV1().Pods("ns").Create(context.Background(), p, metav1.CreateOptions{}); err != nil {
		w.t.Fatal(err)
	}
}

func (w *watchSetup) deletePod(name string) {
	w.t.Helper()
	if err := w.cs.CoreV1().Pods("ns").Delete(context.Background(), name, metav1.DeleteOptions{}); err != nil {
		w.t.Fatal(err)
	}
}

// loginFromPod logs in with a fresh token bound to pod name/uid and
// returns the preset accessor.
func (w *watchSetup) loginFromPod(name, uid string) string {
	w.t.Helper()
	k, _ := keys(w.t)
	tok := signJWT(w.t, k, map[string]any{"sub": "system:serviceaccount:ns:app", "jti": name + uid + time.Now().String(), "exp": w.now().Add(time.Hour).Unix()})
	w.api.add(tok, account{Namespace: "ns", Name: "app", UID: "sa", PodName: name, PodUID: uid, Audiences: []string{defaultAPIAudience}})
	resp, err := w.do(logical.UpdateOperation, "login", map[string]any{"role": "r", "jwt": tok})
	if err != nil {
		w.t.Fatalf("login: %v", err)
	}
	if !accessorRE.MatchString(resp.Auth.Accessor) {
		w.t.Fatalf("accessor %q", resp.Auth.Accessor)
	}
	return resp.Auth.Accessor
}

// waitRevoked waits until every accessor has been revoked.
func (w *watchSetup) waitRevoked(accs ...string) {
	w.t.Helper()
	timeout := time.After(deadline)
	for {
		got := w.rev.list()
		all := true
		for _, a := range accs {
			all = all && slices.Contains(got, a)
		}
		if all {
			return
		}
		select {
		case <-w.rev.notify:
		case <-timeout:
			w.t.Fatalf("revoked %v, want %v", got, accs)
		}
	}
}

// waitFor polls cond every few milliseconds until it holds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	end := time.Now().Add(deadline)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("timed out waiting for %s", what)
		}
		<-tick.C
	}
}

func (w *watchSetup) record(uid string) *podRecord {
	w.t.Helper()
	rec, err := getPodRecord(context.Background(), w.view, uid)
	if err != nil {
		w.t.Fatal(err)
	}
	return rec
}

func TestWatcherRevokesOnPodDelete(t *testing.T) {
	w := newWatchSetup(t)
	w.createPod("web-1", "uid-1")
	w.createPod("web-2", "uid-2")
	w.configure()
	a1, a2 := w.loginFromPod("web-1", "uid-1"), w.loginFromPod("web-1", "uid-1")
	other := w.loginFromPod("web-2", "uid-2")
	waitFor(t, "the first list", func() bool { return w.lists.Load() > 0 })

	w.deletePod("web-1")
	w.waitRevoked(a1, a2)
	if slices.Contains(w.rev.list(), other) {
		t.Fatal("a live pod's token was revoked")
	}
	// The record stays, marked gone, during the grace period: no login
	// may add to it.
	rec := w.record("uid-1")
	if rec == nil || rec.GoneSince.IsZero() {
		t.Fatalf("record %+v", rec)
	}
	k, _ := keys(t)
	late := signJWT(t, k, map[string]any{"sub": "late", "exp": w.now().Add(time.Hour).Unix()})
	w.api.add(late, account{Namespace: "ns", Name: "app", UID: "sa", PodName: "web-1", PodUID: "uid-1", Audiences: []string{defaultAPIAudience}})
	_, err := w.do(logical.UpdateOperation, "login", map[string]any{"role": "r", "jwt": late})
	wantErr(t, err, logical.ErrPermissionDenied, "permission denied", ErrPodGone)

	// After the grace period a reconcile revokes once more and drops it.
	n := len(w.rev.list())
	w.advance(3 * time.Minute)
	waitFor(t, "the gone pod's record to be dropped", func() bool { return w.record("uid-1") == nil })
	if len(w.rev.list()) <= n {
		t.Fatal("no second revocation before the record was dropped")
	}
	if w.record("uid-2") == nil {
		t.Fatal("a live pod's record was dropped")
	}
}

func TestWatcherReconcilesAtStart(t *testing.T) {
	w := newWatchSetup(t)
	w.createPod("alive", "uid-alive")
	w.createPod("recreated", "uid-new")
	ctx := context.Background()
	put := func(uid, name string, toks ...podToken) {
		if err := putPodRecord(ctx, w.view, uid, &podRecord{Namespace: "ns", Name: name, Tokens: toks, Updated: w.now().Add(-time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	// Pods deleted while the server was down, one of them since recreated
	// under the same name.
	put("uid-ghost", "ghost", podToken{Accessor: "ghost-acc"})
	put("uid-old", "recreated", podToken{Accessor: "old-acc"})
	// A live pod with one live and one expired token.
	put("uid-alive", "alive", podToken{Accessor: "live-acc"}, podToken{Accessor: "expired-acc", Expires: w.now().Add(-time.Minute)})
	w.configure()
	w.waitRevoked("ghost-acc", "old-acc")
	waitFor(t, "records of gone pods to be dropped", func() bool {
		return w.record("uid-ghost") == nil && w.record("uid-old") == nil
	})
	rec := w.record("uid-alive")
	if rec == nil || len(rec.Tokens) != 1 || rec.Tokens[0].Accessor != "live-acc" {
		t.Fatalf("live pod's record %+v", rec)
	}
	for _, a := range w.rev.list() {
		if a == "live-acc" || a == "expired-acc" {
			t.Fatalf("revoked %s", a)
		}
	}
}

func TestWatcherRelistAfterLostWatch(t *testing.T) {
	w := newWatchSetup(t)
	// The first watch is one the test controls and never feeds: a
	// deletion during it goes unseen until the watch fails and the
	// informer relists.
	first := watch.NewFake()
	var watches atomic.Int64
	w.cs.PrependWatchReactor("pods", func(k8stesting.Action) (bool, watch.Interface, error) {
		if watches.Add(1) == 1 {
			return true, first, nil
		}
		return false, nil, nil
	})
	w.createPod("web", "uid-web")
	w.configure()
	acc := w.loginFromPod("web", "uid-web")
	waitFor(t, "the first watch", func() bool { return watches.Load() > 0 })
	w.deletePod("web")
	// Reconciles run meanwhile but trust the (stale) cache: nothing yet.
	passes := w.b.reconciles.Load()
	waitFor(t, "three reconcile passes", func() bool { return w.b.reconciles.Load() >= passes+3 })
	if len(w.rev.list()) != 0 || w.lists.Load() != 1 {
		t.Fatalf("revoked %v before the relist (%d lists)", w.rev.list(), w.lists.Load())
	}
	first.Error(&metav1.Status{Status: metav1.StatusFailure, Code: 410, Reason: metav1.StatusReasonExpired, Message: "too old resource version"})
	w.waitRevoked(acc)
	if w.lists.Load() < 2 {
		t.Fatalf("revoked without a relist (%d lists)", w.lists.Load())
	}
}

func TestWatcherRetriesFailedRevocation(t *testing.T) {
	w := newWatchSetup(t)
	w.createPod("web", "uid-web")
	w.configure()
	acc := w.loginFromPod("web", "uid-web")
	w.rev.mu.Lock()
	w.rev.fail = logical.ErrSealed
	w.rev.mu.Unlock()
	w.deletePod("web")
	waitFor(t, "the record to be marked gone", func() bool {
		r := w.record("uid-web")
		return r != nil && !r.GoneSince.IsZero()
	})
	w.rev.mu.Lock()
	w.rev.fail = nil
	w.rev.mu.Unlock()
	w.waitRevoked(acc)
}

func TestWatcherLifecycle(t *testing.T) {
	w := newWatchSetup(t)
	// No config, no watcher.
	if w.lists.Load() != 0 {
		t.Fatal("watching before any config")
	}
	w.configure()
	waitFor(t, "the first list", func() bool { return w.lists.Load() == 1 })
	// A new config restarts the watcher, which lists again.
	w.configure()
	waitFor(t, "the restarted watcher's list", func() bool { return w.lists.Load() == 2 })
	// Without a credential of its own (no reviewer JWT, not in a pod) it
	// cannot watch.
	w.must(logical.UpdateOperation, "config", map[string]any{"kubernetes_host": "https://fake.invalid"})
	stopped := make(chan struct{})
	go func() {
		w.b.watchers.Wait()
		close(stopped)
	}()
	select {
	case <-stopped:
	case <-time.After(deadline):
		t.Fatal("the watcher did not stop when its credential went away")
	}
	// Cleanup stops a running watcher and waits for it; later config
	// writes start none.
	w.configure()
	waitFor(t, "the third list", func() bool { return w.lists.Load() == 3 })
	begin := time.Now()
	w.b.Cleanup(context.Background())
	if time.Since(begin) >= w.b.opts.StopTimeout {
		t.Fatal("Cleanup waited its full timeout")
	}
	done := make(chan struct{})
	go func() {
		w.b.watchers.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(deadline):
		t.Fatal("the watcher did not stop on Cleanup")
	}
	w.configure()
	if w.b.stopWatch != nil {
		t.Fatal("a watcher started after Cleanup")
	}
}

func TestWatcherStartsWithStoredConfig(t *testing.T) {
	w := newWatchSetup(t)
	w.createPod("web", "uid-web")
	w.configure()
	acc := w.loginFromPod("web", "uid-web")
	w.b.Cleanup(context.Background())
	// A new backend over the same storage (a restart) watches at once.
	rev := newFakeRevoker()
	be, err := New(context.Background(), &logical.BackendConfig{
		StorageView: w.view, Tokens: rev,
		System: logical.StaticSystemView{MaxTTL: 24 * time.Hour, Clock: w.now},
	}, Options{NewClient: func(ClientConfig) (k8s.Interface, error) { return w.cs, nil }, Now: w.now, ReadFile: noFiles, ReconcileInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer be.Cleanup(context.Background())
	w.rev = rev
	w.deletePod("web")
	w.waitRevoked(acc)
}
