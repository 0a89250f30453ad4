package kubeapi

import (
	"context"
	"errors"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	secretsstorev1 "sigs.k8s.io/secrets-store-csi-driver/apis/v1"
)

// ErrClassNotFound: no SecretProviderClass of that name in the namespace.
var ErrClassNotFound = errors.New("SecretProviderClass not found")

// The Secrets Store CRDs' resources.
var (
	ClassResource     = schema.GroupVersionResource{Group: secretsstorev1.GroupName, Version: "v1", Resource: "secretproviderclasses"}
	PodStatusResource = schema.GroupVersionResource{Group: secretsstorev1.GroupName, Version: "v1", Resource: "secretproviderclasspodstatuses"}
)

// Classes reads SecretProviderClasses.
type Classes struct {
	Client dynamic.Interface
}

// Get returns SecretProviderClass namespace/name. Errors wrap
// ErrClassNotFound or come from the API.
func (c *Classes) Get(ctx context.Context, namespace, name string) (*secretsstorev1.SecretProviderClass, error) {
	u, err := c.Client.Resource(ClassResource).Namespace(namespace).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, fmt.Errorf("%w: %s/%s", ErrClassNotFound, namespace, name)
	}
	if err != nil {
		return nil, fmt.Errorf("SecretProviderClass %s/%s: %w", namespace, name, err)
	}
	var spc secretsstorev1.SecretProviderClass
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, &spc); err != nil {
		return nil, fmt.Errorf("SecretProviderClass %s/%s: %w", namespace, name, err)
	}
	return &spc, nil
}
