package objversion

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// SecretKey is the data key of the Kubernetes Secret holding the HMAC key.
const SecretKey = "key"

// keySize is the size of generated keys.
const keySize = 32

// KeyFromFile reads a key from a file (surrounding whitespace trimmed).
func KeyFromFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("HMAC key file: %w", err)
	}
	b = bytes.TrimSpace(b)
	if len(b) < MinKeySize {
		return nil, fmt.Errorf("HMAC key file %s: %w", path, ErrShortKey)
	}
	return b, nil
}

// RandomKey returns a fresh random key (versions then change when the
// provider restarts).
func RandomKey() ([]byte, error) {
	k := make([]byte, keySize)
	if _, err := rand.Read(k); err != nil {
		return nil, err
	}
	return k, nil
}

// KeyFromSecret reads the key from Secret namespace/name, creating the
// Secret with a random key when it does not exist. Two providers racing to
// create it end up with the same key (the loser reads the winner's).
func KeyFromSecret(ctx context.Context, cs kubernetes.Interface, namespace, name string) ([]byte, error) {
	secrets := cs.CoreV1().Secrets(namespace)
	s, err := secrets.Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		k, kerr := RandomKey()
		if kerr != nil {
			return nil, kerr
		}
		s, err = secrets.Create(ctx, &corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace,
				Labels: map[string]string{"app.kubernetes.io/managed-by": "cofre-provider"}},
			Type: corev1.SecretTypeOpaque,
			Data: map[string][]byte{SecretKey: k},
		}, metav1.CreateOptions{})
		if apierrors.IsAlreadyExists(err) {
			s, err = secrets.Get(ctx, name, metav1.GetOptions{})
		}
	}
	if err != nil {
		return nil, fmt.Errorf("HMAC key Secret %s/%s: %w", namespace, name, err)
	}
	k := s.Data[SecretKey]
	if len(k) < MinKeySize {
		return nil, fmt.Errorf("HMAC key Secret %s/%s: %w", namespace, name, errors.Join(ErrShortKey, fmt.Errorf("data key %q has %d bytes", SecretKey, len(k))))
	}
	return k, nil
}
