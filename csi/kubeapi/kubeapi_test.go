package kubeapi

import (
	"errors"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynfake "k8s.io/client-go/dynamic/fake"
	"k8s.io/client-go/kubernetes/fake"
	secretsstorev1 "sigs.k8s.io/secrets-store-csi-driver/apis/v1"

	"github.com/cofre-io/cofre/csi/attributes"
	"github.com/cofre-io/cofre/pkg/providerclient"
)

func dynamicClient(objs ...runtime.Object) *dynfake.FakeDynamicClient {
	return dynfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), map[schema.GroupVersionResource]string{
		ClassResource:     "SecretProviderClassList",
		PodStatusResource: "SecretProviderClassPodStatusList",
	}, objs...)
}

var pod = attributes.Pod{Name: "app-0", Namespace: "ns", UID: "pod-uid", ServiceAccount: "app"}

func TestClassesGet(t *testing.T) {
	spc := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "secrets-store.csi.x-k8s.io/v1", "kind": "SecretProviderClass",
		"metadata": map[string]any{"name": "db", "namespace": "ns", "annotations": map[string]any{"a": "b"}},
		"spec": map[string]any{
			"provider":   "cofre",
			"parameters": map[string]any{"roleName": "app"},
			"secretObjects": []any{map[string]any{
				"secretName": "db", "type": "Opaque",
				"data": []any{map[string]any{"objectName": "password", "key": "pw"}},
			}},
		},
	}}
	c := &Classes{Client: dynamicClient(spc)}
	got, err := c.Get(t.Context(), "ns", "db")
	if err != nil {
		t.Fatal(err)
	}
	if got.Spec.Provider != "cofre" || got.Spec.Parameters["roleName"] != "app" || got.Annotations["a"] != "b" {
		t.Errorf("class = %+v", got)
	}
	if so := got.Spec.SecretObjects; len(so) != 1 || so[0].SecretName != "db" || so[0].Data[0].Key != "pw" {
		t.Errorf("secretObjects = %+v", so)
	}
	if _, err := c.Get(t.Context(), "other", "db"); !errors.Is(err, ErrClassNotFound) {
		t.Errorf("Get in another namespace = %v, want ErrClassNotFound", err)
	}
}

func TestPodStatuses(t *testing.T) {
	client := dynamicClient()
	p := &PodStatuses{Client: client}
	ctx := t.Context()
	st := PodStatus{Pod: pod, Class: "db", Target: "/t", NodeID: "node-1",
		Objects: []providerclient.ObjectVersion{{ID: "b", Version: "2"}, {ID: "a", Version: "1"}}}
	ref, err := p.Upsert(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if ref.Name != "app-0-ns-db" || ref.Kind != "SecretProviderClassPodStatus" || ref.APIVersion != "secrets-store.csi.x-k8s.io/v1" {
		t.Errorf("owner ref = %+v", ref)
	}
	get := func() *secretsstorev1.SecretProviderClassPodStatus {
		t.Helper()
		u, err := client.Resource(PodStatusResource).Namespace("ns").Get(ctx, "app-0-ns-db", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		out, err := fromUnstructured(u)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	got := get()
	s := got.Status
	if s.PodName != "app-0" || s.SecretProviderClassName != "db" || !s.Mounted || s.TargetPath != "/t" ||
		len(s.Objects) != 2 || s.Objects[0].ID != "a" || s.Objects[1].Version != "2" {
		t.Errorf("status = %+v", s)
	}
	if got.Labels[secretsstorev1.InternalNodeLabel] != "node-1" {
		t.Errorf("labels = %v", got.Labels)
	}
	if o := got.OwnerReferences; len(o) != 1 || o[0].Kind != "Pod" || o[0].UID != "pod-uid" || o[0].Name != "app-0" {
		t.Errorf("owners = %+v", o)
	}

	// Unchanged: no update.
	client.ClearActions()
	if _, err := p.Upsert(ctx, st); err != nil {
		t.Fatal(err)
	}
	for _, a := range client.Actions() {
		if a.GetVerb() == "update" {
			t.Errorf("unchanged upsert updated the object")
		}
	}
	// New versions, another node: updated.
	st.Objects = []providerclient.ObjectVersion{{ID: "a", Version: "3"}}
	st.NodeID = "node-2"
	if _, err := p.Upsert(ctx, st); err != nil {
		t.Fatal(err)
	}
	if got = get(); len(got.Status.Objects) != 1 || got.Status.Objects[0].Version != "3" || got.Labels[secretsstorev1.InternalNodeLabel] != "node-2" {
		t.Errorf("after update: %+v %v", got.Status, got.Labels)
	}

	// Delete leaves an object that describes another node's mount.
	if err := p.Delete(ctx, pod, "db", "/t", "node-1"); err != nil {
		t.Fatal(err)
	}
	get()
	if err := p.Delete(ctx, pod, "db", "/t", "node-2"); err != nil {
		t.Fatal(err)
	}
	if _, err := client.Resource(PodStatusResource).Namespace("ns").Get(ctx, "app-0-ns-db", metav1.GetOptions{}); err == nil {
		t.Error("status object not deleted")
	}
	if err := p.Delete(ctx, pod, "db", "/t", "node-2"); err != nil {
		t.Errorf("deleting a missing object: %v", err)
	}
}

func TestEventsAggregateRepeats(t *testing.T) {
	client := fake.NewClientset()
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	e := &Events{Client: client, Component: "cofre-csi", Host: "node-1", Now: func() time.Time { return now }}
	ctx := t.Context()
	e.Event(ctx, pod, EventWarning, "FailedToRotate", "provider cofre: unavailable")
	now = now.Add(time.Minute)
	e.Event(ctx, pod, EventWarning, "FailedToRotate", "provider cofre: unavailable")
	e.Event(ctx, pod, EventNormal, "SecretRotated", "volume updated to version 2")
	list, err := client.CoreV1().Events("ns").List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Items) != 2 {
		t.Fatalf("%d events, want 2", len(list.Items))
	}
	for _, ev := range list.Items {
		if ev.InvolvedObject.UID != "pod-uid" || ev.Source.Component != "cofre-csi" || ev.Source.Host != "node-1" {
			t.Errorf("event %+v", ev)
		}
		switch ev.Reason {
		case "FailedToRotate":
			if ev.Count != 2 || ev.Type != corev1.EventTypeWarning || !ev.LastTimestamp.Time.Equal(now) {
				t.Errorf("repeated event count %d type %s last %v", ev.Count, ev.Type, ev.LastTimestamp)
			}
		case "SecretRotated":
			if ev.Count != 1 || ev.Type != corev1.EventTypeNormal {
				t.Errorf("event %+v", ev)
			}
		}
	}
}
