package secretsync

import (
	"bytes"
	"context"
	"fmt"
	"maps"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/util/retry"
)

// Syncer writes Secrets through a Kubernetes client.
type Syncer struct {
	Client kubernetes.Interface
}

// Apply creates want, or updates the managed Secret of that name so that
// it has want's type, data, labels and annotations and owner among its
// owners. It reports whether it wrote anything. Errors wrap ErrNotManaged
// or come from the API.
func (s *Syncer) Apply(ctx context.Context, want *corev1.Secret, owner metav1.OwnerReference) (bool, error) {
	secrets := s.Client.CoreV1().Secrets(want.Namespace)
	changed := false
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		changed = false
		cur, err := secrets.Get(ctx, want.Name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			created := want.DeepCopy()
			created.OwnerReferences = []metav1.OwnerReference{owner}
			_, err = secrets.Create(ctx, created, metav1.CreateOptions{})
			changed = err == nil
			return err
		}
		if err != nil {
			return err
		}
		if cur.Labels[ManagedLabel] != "true" {
			return fmt.Errorf("%w: %s/%s", ErrNotManaged, want.Namespace, want.Name)
		}
		if cur.Type != want.Type {
			// The type of a Secret cannot change: replace it.
			if err := secrets.Delete(ctx, cur.Name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &cur.UID}}); err != nil {
				return err
			}
			return apierrors.NewConflict(corev1.Resource("secrets"), cur.Name, fmt.Errorf("type changed"))
		}
		next := cur.DeepCopy()
		next.Data = want.Data
		next.Labels = merge(cur.Labels, want.Labels)
		next.Annotations = merge(cur.Annotations, want.Annotations)
		next.OwnerReferences = addOwner(cur.OwnerReferences, owner)
		if same(cur, next) {
			return nil
		}
		_, err = secrets.Update(ctx, next, metav1.UpdateOptions{})
		changed = err == nil
		return err
	})
	if err != nil {
		return false, fmt.Errorf("secret %s/%s: %w", want.Namespace, want.Name, err)
	}
	return changed, nil
}

func merge(cur, want map[string]string) map[string]string {
	if len(want) == 0 {
		return cur
	}
	out := maps.Clone(cur)
	if out == nil {
		out = map[string]string{}
	}
	maps.Copy(out, want)
	return out
}

func addOwner(refs []metav1.OwnerReference, owner metav1.OwnerReference) []metav1.OwnerReference {
	for _, r := range refs {
		if r.UID == owner.UID {
			return refs
		}
	}
	return append(append([]metav1.OwnerReference(nil), refs...), owner)
}

func same(a, b *corev1.Secret) bool {
	if len(a.Data) != len(b.Data) || !maps.Equal(a.Labels, b.Labels) || !maps.Equal(a.Annotations, b.Annotations) ||
		len(a.OwnerReferences) != len(b.OwnerReferences) {
		return false
	}
	for k, v := range a.Data {
		if w, ok := b.Data[k]; !ok || !bytes.Equal(v, w) {
			return false
		}
	}
	return true
}
