package kubernetes

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/tools/cache"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/storage"
)

// uidIndex indexes the informer's pods by UID.
const uidIndex = "uid"

// watcher revokes the tokens of pods that are gone. It runs in one
// goroutine (plus the informer's), owned by the backend; it is the only
// caller of TokenRevoker.RevokeAccessor, which must not be called while a
// request is being handled.
//
// A client-go informer lists and watches all pods (slimmed to their
// names and UIDs) and relists on its own when a watch is lost; pods found
// missing by a relist arrive as deletions too. Every ReconcileInterval, and
// once the first list is in, the watcher also walks its records: pods not
// in the informer's cache are looked up directly (a 404 or a new UID under
// the same name means gone), which covers pods deleted while this server
// was down, and tokens past their bound are dropped.
type watcher struct {
	cn     *conn
	view   storage.Backend
	locks  *podLocks
	tokens logical.TokenRevoker
	log    *slog.Logger
	now    func() time.Time
	every  time.Duration // reconcile interval
	grace  time.Duration // how long a gone pod's record is kept
	gone   chan string   // UIDs of deleted pods, from the informer
	passes *atomic.Int64 // completed reconcile passes
}

func (w *watcher) run(ctx context.Context) {
	ctx = logr.NewContext(ctx, logr.FromSlogHandler(w.log.Handler()))
	ictx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer stop()

	store, ctrl := cache.NewInformerWithOptions(cache.InformerOptions{
		ListerWatcher: w.listWatch(),
		ObjectType:    &corev1.Pod{},
		Handler:       cache.ResourceEventHandlerFuncs{DeleteFunc: func(obj any) { w.deleted(ictx, obj) }},
		Indexers:      cache.Indexers{uidIndex: podUIDs},
		Transform:     slimPod,
	})
	wg.Add(1)
	go func() {
		defer wg.Done()
		ctrl.RunWithContext(ictx)
	}()
	indexer, _ := store.(cache.Indexer)

	w.log.Info("pod watcher started", "host", w.cn.cfg.Host, "credential", w.cn.source.String())
	poll := time.NewTicker(50 * time.Millisecond)
	defer poll.Stop()
	tick := time.NewTicker(w.every)
	defer tick.Stop()
	synced := false
	for {
		select {
		case <-ctx.Done():
			w.log.Info("pod watcher stopped")
			return
		case uid := <-w.gone:
			w.podGone(ctx, uid)
		case <-poll.C:
			if ctrl.HasSynced() {
				poll.Stop()
				synced = true
				w.reconcile(ctx, indexer)
			}
		case <-tick.C:
			if synced {
				w.reconcile(ctx, indexer)
			}
		}
	}
}

// listWatch lists and watches pods in every namespace. Clients that
// cannot stream a watch-list (the fake clientset) say so, and the
// reflector then lists and watches the classic way.
func (w *watcher) listWatch() cache.ListerWatcher {
	pods := w.cn.client.CoreV1().Pods(metav1.NamespaceAll)
	return cache.ToListWatcherWithWatchListSemantics(&cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			return pods.List(ctx, o)
		},
		WatchFuncWithContext: func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
			return pods.Watch(ctx, o)
		},
	}, w.cn.client)
}

// slimPod keeps only what the watcher needs, so a large cluster's pods
// cost little memory.
func slimPod(obj any) (any, error) {
	p, ok := obj.(*corev1.Pod)
	if !ok {
		return obj, nil
	}
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{
		Name: p.Name, Namespace: p.Namespace, UID: p.UID, ResourceVersion: p.ResourceVersion,
	}}, nil
}

func podUIDs(obj any) ([]string, error) {
	m, err := metaOf(obj)
	if err != nil {
		return nil, err
	}
	return []string{string(m.GetUID())}, nil
}

func metaOf(obj any) (metav1.Object, error) {
	if t, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = t.Obj
	}
	if p, ok := obj.(*corev1.Pod); ok {
		return p, nil
	}
	return nil, errNotPod
}

// deleted hands a deletion (seen on the watch or found by a relist) to
// the watcher's goroutine.
func (w *watcher) deleted(ctx context.Context, obj any) {
	m, err := metaOf(obj)
	if err != nil || m.GetUID() == "" {
		return
	}
	select {
	case w.gone <- string(m.GetUID()):
	case <-ctx.Done():
	}
}

// reconcile walks the records: it revokes again for pods already gone,
// drops tokens past their bound, and checks pods the informer does not
// know with a direct lookup.
func (w *watcher) reconcile(ctx context.Context, known cache.Indexer) {
	defer w.passes.Add(1)
	uids, err := w.view.List(ctx, podPrefix)
	if err != nil {
		w.log.Warn("pod watcher cannot list records", "err", err)
		return
	}
	for _, uid := range uids {
		if ctx.Err() != nil {
			return
		}
		rec, err := w.prune(ctx, uid)
		if err != nil {
			w.log.Warn("pod watcher cannot read a record", "pod_uid", uid, "err", err)
			continue
		}
		switch {
		case rec == nil:
		case !rec.GoneSince.IsZero():
			w.podGone(ctx, uid)
		case !inIndex(known, uid) && w.confirmGone(ctx, uid, rec):
			w.podGone(ctx, uid)
		}
	}
}

func inIndex(known cache.Indexer, uid string) bool {
	if known == nil {
		return false
	}
	objs, err := known.ByIndex(uidIndex, uid)
	return err == nil && len(objs) > 0
}

// confirmGone asks the API server whether the recorded pod still exists.
// Errors count as "not gone": the next reconcile asks again.
func (w *watcher) confirmGone(ctx context.Context, uid string, rec *podRecord) bool {
	p, err := w.cn.client.CoreV1().Pods(rec.Namespace).Get(ctx, rec.Name, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
		return true
	case err != nil:
		w.log.Warn("pod watcher cannot look up a pod", "namespace", rec.Namespace, "pod", rec.Name, "err", err)
		return false
	}
	return string(p.UID) != uid
}

// prune drops a record's expired tokens, and the record itself when none
// are left and its pod is not known gone. It returns the record as left.
func (w *watcher) prune(ctx context.Context, uid string) (*podRecord, error) {
	l := w.locks.get(uid)
	l.Lock()
	defer l.Unlock()
	rec, err := getPodRecord(ctx, w.view, uid)
	if err != nil || rec == nil {
		return nil, err
	}
	n := len(rec.Tokens)
	rec.prune(w.now())
	switch {
	case len(rec.Tokens) == n:
		return rec, nil
	case len(rec.Tokens) == 0 && rec.GoneSince.IsZero():
		return nil, w.view.Delete(ctx, podKey(uid))
	}
	return rec, putPodRecord(ctx, w.view, uid, rec)
}

// podGone revokes every token recorded for a gone pod. The record is
// marked gone first (so no login adds to it) and deleted once the grace
// period after its last addition has passed; until then each reconcile
// revokes again, catching a token whose login raced the deletion. A
// failed revocation leaves the record for the next reconcile.
func (w *watcher) podGone(ctx context.Context, uid string) {
	l := w.locks.get(uid)
	l.Lock()
	rec, err := getPodRecord(ctx, w.view, uid)
	if err == nil && rec != nil && rec.GoneSince.IsZero() {
		rec.GoneSince = w.now()
		err = putPodRecord(ctx, w.view, uid, rec)
	}
	l.Unlock()
	if err != nil {
		w.log.Warn("pod watcher cannot mark a pod gone", "pod_uid", uid, "err", err)
		return
	}
	if rec == nil {
		return
	}
	for _, t := range rec.Tokens {
		if err := w.tokens.RevokeAccessor(ctx, t.Accessor); err != nil {
			w.log.Warn("pod watcher cannot revoke a token; will retry", "pod_uid", uid, "accessor", t.Accessor, "err", err)
			return
		}
	}
	if len(rec.Tokens) > 0 {
		w.log.Info("revoked the tokens of a deleted pod", "namespace", rec.Namespace, "pod", rec.Name, "pod_uid", uid, "tokens", len(rec.Tokens))
	}
	if w.now().Sub(rec.Updated) < w.grace {
		return
	}
	l.Lock()
	defer l.Unlock()
	cur, err := getPodRecord(ctx, w.view, uid)
	if err == nil && cur != nil && len(cur.Tokens) == len(rec.Tokens) {
		err = w.view.Delete(ctx, podKey(uid))
	}
	if err != nil {
		w.log.Warn("pod watcher cannot drop a record", "pod_uid", uid, "err", err)
	}
}
