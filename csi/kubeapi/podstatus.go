package kubeapi

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/util/retry"
	secretsstorev1 "sigs.k8s.io/secrets-store-csi-driver/apis/v1"

	"github.com/cofre-io/cofre/csi/attributes"
	"github.com/cofre-io/cofre/pkg/providerclient"
)

// PodStatus is what a SecretProviderClassPodStatus records about one
// mounted volume.
type PodStatus struct {
	Pod     attributes.Pod
	Class   string
	Target  string
	NodeID  string
	Objects []providerclient.ObjectVersion
}

// PodStatusName is the object's name, <pod>-<namespace>-<class>, as the
// upstream driver names it.
func PodStatusName(pod attributes.Pod, class string) string {
	return pod.Name + "-" + pod.Namespace + "-" + class
}

// PodStatuses keeps SecretProviderClassPodStatus objects.
type PodStatuses struct {
	Client dynamic.Interface
}

// Upsert creates or updates the status object of s, owned by the pod and
// labelled with the node, and returns an owner reference to it (for the
// Secrets synced from the volume). It writes nothing when the object is
// already as wanted.
func (p *PodStatuses) Upsert(ctx context.Context, s PodStatus) (metav1.OwnerReference, error) {
	want := desired(s)
	res := p.Client.Resource(PodStatusResource).Namespace(s.Pod.Namespace)
	var out *secretsstorev1.SecretProviderClassPodStatus
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		u, err := toUnstructured(want)
		if err != nil {
			return err
		}
		created, err := res.Create(ctx, u, metav1.CreateOptions{})
		if err == nil {
			out, err = fromUnstructured(created)
			return err
		}
		if !apierrors.IsAlreadyExists(err) {
			return err
		}
		cur, err := res.Get(ctx, want.Name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		curObj, err := fromUnstructured(cur)
		if err != nil {
			return err
		}
		next := curObj.DeepCopy()
		if next.Labels == nil {
			next.Labels = map[string]string{}
		}
		next.Labels[secretsstorev1.InternalNodeLabel] = s.NodeID
		next.Status = want.Status
		next.OwnerReferences = want.OwnerReferences
		if maps.Equal(next.Labels, curObj.Labels) && reflect.DeepEqual(next.Status, curObj.Status) &&
			reflect.DeepEqual(next.OwnerReferences, curObj.OwnerReferences) {
			out = curObj
			return nil
		}
		u, err = toUnstructured(next)
		if err != nil {
			return err
		}
		updated, err := res.Update(ctx, u, metav1.UpdateOptions{})
		if err != nil {
			return err
		}
		out, err = fromUnstructured(updated)
		return err
	})
	if err != nil {
		return metav1.OwnerReference{}, fmt.Errorf("SecretProviderClassPodStatus %s/%s: %w", s.Pod.Namespace, want.Name, err)
	}
	return metav1.OwnerReference{
		APIVersion: secretsstorev1.GroupVersion.String(), Kind: "SecretProviderClassPodStatus",
		Name: out.Name, UID: out.UID,
	}, nil
}

// Delete deletes the status object of the volume at target on node,
// leaving it alone when it now describes a mount elsewhere (the pod's
// name reused on another node). A missing object is not an error.
func (p *PodStatuses) Delete(ctx context.Context, pod attributes.Pod, class, target, nodeID string) error {
	name := PodStatusName(pod, class)
	res := p.Client.Resource(PodStatusResource).Namespace(pod.Namespace)
	u, err := res.Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("SecretProviderClassPodStatus %s/%s: %w", pod.Namespace, name, err)
	}
	cur, err := fromUnstructured(u)
	if err != nil {
		return err
	}
	if cur.Status.TargetPath != target || cur.Labels[secretsstorev1.InternalNodeLabel] != nodeID {
		return nil
	}
	uid := cur.UID
	err = res.Delete(ctx, name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid}})
	if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
		return fmt.Errorf("SecretProviderClassPodStatus %s/%s: %w", pod.Namespace, name, err)
	}
	return nil
}

func desired(s PodStatus) *secretsstorev1.SecretProviderClassPodStatus {
	var objs []secretsstorev1.SecretProviderClassObject // nil when empty, as read back
	for _, o := range s.Objects {
		objs = append(objs, secretsstorev1.SecretProviderClassObject{ID: o.ID, Version: o.Version})
	}
	slices.SortFunc(objs, func(a, b secretsstorev1.SecretProviderClassObject) int { return strings.Compare(a.ID, b.ID) })
	return &secretsstorev1.SecretProviderClassPodStatus{
		TypeMeta: metav1.TypeMeta{APIVersion: secretsstorev1.GroupVersion.String(), Kind: "SecretProviderClassPodStatus"},
		ObjectMeta: metav1.ObjectMeta{
			Name:      PodStatusName(s.Pod, s.Class),
			Namespace: s.Pod.Namespace,
			Labels:    map[string]string{secretsstorev1.InternalNodeLabel: s.NodeID},
			OwnerReferences: []metav1.OwnerReference{{
				APIVersion: "v1", Kind: "Pod", Name: s.Pod.Name, UID: types.UID(s.Pod.UID),
			}},
		},
		Status: secretsstorev1.SecretProviderClassPodStatusStatus{
			PodName:                 s.Pod.Name,
			SecretProviderClassName: s.Class,
			Mounted:                 true,
			TargetPath:              s.Target,
			Objects:                 objs,
		},
	}
}

func toUnstructured(obj *secretsstorev1.SecretProviderClassPodStatus) (*unstructured.Unstructured, error) {
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return nil, err
	}
	u := &unstructured.Unstructured{Object: m}
	u.SetAPIVersion(secretsstorev1.GroupVersion.String())
	u.SetKind("SecretProviderClassPodStatus")
	return u, nil
}

func fromUnstructured(u *unstructured.Unstructured) (*secretsstorev1.SecretProviderClassPodStatus, error) {
	var out secretsstorev1.SecretProviderClassPodStatus
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
