package secretsync

import (
	"errors"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8stypes "k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes/fake"
)

func owner(name, uid string) metav1.OwnerReference {
	return metav1.OwnerReference{APIVersion: "secrets-store.csi.x-k8s.io/v1", Kind: "SecretProviderClassPodStatus", Name: name, UID: k8stypes.UID("uid-" + uid)}
}

func secret(data string) *corev1.Secret {
	return &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "db", Namespace: "ns", Labels: map[string]string{ManagedLabel: "true"}},
		Type:       corev1.SecretTypeOpaque,
		Data:       map[string][]byte{"password": []byte(data)},
	}
}

func TestApply(t *testing.T) {
	client := fake.NewClientset()
	s := &Syncer{Client: client}
	ctx := t.Context()
	get := func() *corev1.Secret {
		t.Helper()
		got, err := client.CoreV1().Secrets("ns").Get(ctx, "db", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if changed, err := s.Apply(ctx, secret("one"), owner("pod-a", "a")); err != nil || !changed {
		t.Fatalf("create: %v, %v", changed, err)
	}
	got := get()
	if string(got.Data["password"]) != "one" || len(got.OwnerReferences) != 1 || got.OwnerReferences[0].Name != "pod-a" {
		t.Errorf("created %+v", got)
	}
	if changed, err := s.Apply(ctx, secret("one"), owner("pod-a", "a")); err != nil || changed {
		t.Errorf("unchanged apply: %v, %v", changed, err)
	}
	// A second pod's status becomes a second owner; new data is written.
	if changed, err := s.Apply(ctx, secret("two"), owner("pod-b", "b")); err != nil || !changed {
		t.Fatalf("update: %v, %v", changed, err)
	}
	got = get()
	if string(got.Data["password"]) != "two" || len(got.OwnerReferences) != 2 {
		t.Errorf("updated %+v", got)
	}
	// A type change replaces the Secret.
	tls := secret("x")
	tls.Type = corev1.SecretTypeTLS
	tls.Data = map[string][]byte{"tls.crt": []byte("c"), "tls.key": []byte("k")}
	if changed, err := s.Apply(ctx, tls, owner("pod-a", "a")); err != nil || !changed {
		t.Fatalf("type change: %v, %v", changed, err)
	}
	if got = get(); got.Type != corev1.SecretTypeTLS || len(got.Data) != 2 {
		t.Errorf("after type change %+v", got)
	}
}

func TestApplyRefusesForeignSecret(t *testing.T) {
	mine := secret("user's")
	mine.Labels = nil
	client := fake.NewClientset(mine)
	s := &Syncer{Client: client}
	if _, err := s.Apply(t.Context(), secret("ours"), owner("pod-a", "a")); !errors.Is(err, ErrNotManaged) {
		t.Fatalf("Apply over a user's secret = %v, want ErrNotManaged", err)
	}
	got, _ := client.CoreV1().Secrets("ns").Get(t.Context(), "db", metav1.GetOptions{})
	if string(got.Data["password"]) != "user's" {
		t.Error("user's secret overwritten")
	}
}
