package kubeapi

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"

	"github.com/cofre-io/cofre/csi/attributes"
)

// Event types.
const (
	EventNormal  = corev1.EventTypeNormal
	EventWarning = corev1.EventTypeWarning
)

// repeatWindow is how long a repeated event (same pod, reason and
// message) updates the earlier one's count instead of adding another.
const repeatWindow = 10 * time.Minute

// Events records Events about pods. Recording is best effort: a failure is
// logged, never returned, so it cannot fail a mount.
type Events struct {
	Client kubernetes.Interface
	// Component is the event source (e.g. "cofre-csi"); Host the node.
	Component, Host string
	Logger          *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time

	mu     sync.Mutex
	recent map[string]recentEvent
}

type recentEvent struct {
	name  string
	count int32
	at    time.Time
}

// Event records an event of type typ (EventNormal or EventWarning) on pod.
// message must hold no secret.
func (e *Events) Event(ctx context.Context, pod attributes.Pod, typ, reason, message string) {
	now := time.Now
	if e.Now != nil {
		now = e.Now
	}
	t := now()
	key := pod.UID + "\x00" + typ + "\x00" + reason + "\x00" + message
	e.mu.Lock()
	if e.recent == nil {
		e.recent = map[string]recentEvent{}
	}
	for k, r := range e.recent {
		if t.Sub(r.at) > repeatWindow {
			delete(e.recent, k)
		}
	}
	prev, repeat := e.recent[key]
	e.mu.Unlock()

	events := e.Client.CoreV1().Events(pod.Namespace)
	if repeat {
		ev, err := events.Get(ctx, prev.name, metav1.GetOptions{})
		if err == nil {
			ev.Count = prev.count + 1
			ev.LastTimestamp = metav1.NewTime(t)
			if _, err = events.Update(ctx, ev, metav1.UpdateOptions{}); err == nil {
				e.remember(key, recentEvent{name: prev.name, count: ev.Count, at: t})
				return
			}
		}
	}
	ev := &corev1.Event{
		ObjectMeta: metav1.ObjectMeta{
			Name:      fmt.Sprintf("%s.%s", pod.Name, strconv.FormatInt(t.UnixNano(), 16)),
			Namespace: pod.Namespace,
		},
		InvolvedObject: corev1.ObjectReference{
			APIVersion: "v1", Kind: "Pod", Namespace: pod.Namespace, Name: pod.Name, UID: types.UID(pod.UID),
		},
		Reason:              reason,
		Message:             message,
		Type:                typ,
		Count:               1,
		FirstTimestamp:      metav1.NewTime(t),
		LastTimestamp:       metav1.NewTime(t),
		Source:              corev1.EventSource{Component: e.Component, Host: e.Host},
		ReportingController: e.Component,
		ReportingInstance:   e.Component + "-" + e.Host,
	}
	created, err := events.Create(ctx, ev, metav1.CreateOptions{})
	if err != nil {
		if e.Logger != nil {
			e.Logger.Warn("recording event failed", "pod", pod.Namespace+"/"+pod.Name, "reason", reason, "err", err)
		}
		return
	}
	e.remember(key, recentEvent{name: created.Name, count: 1, at: t})
}

func (e *Events) remember(key string, r recentEvent) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.recent[key] = r
}
