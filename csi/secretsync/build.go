package secretsync

import (
	"bytes"
	"encoding/pem"
	"errors"
	"fmt"
	"maps"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	secretsstorev1 "sigs.k8s.io/secrets-store-csi-driver/apis/v1"
)

// ManagedLabel marks Secrets the driver created and may update.
const ManagedLabel = "secrets-store.csi.k8s.io/managed"

// Errors of Build and Syncer.
var (
	// ErrInvalid: a secretObject is malformed (no name, no data, a bad key).
	ErrInvalid = errors.New("invalid secretObjects entry")
	// ErrMissingObject: data names an object the volume does not have.
	ErrMissingObject = errors.New("secretObjects names an object not in the volume")
	// ErrTLS: a kubernetes.io/tls object is not a PEM certificate and key.
	ErrTLS = errors.New("cannot split certificate and key")
	// ErrNotManaged: a Secret of that name exists and is not the driver's.
	ErrNotManaged = errors.New("secret exists and is not managed by the driver")
)

// Build returns the Secrets that objs describe in namespace, with data
// taken from files (volume path to content). Errors name the secret and
// object, never content.
func Build(namespace string, objs []*secretsstorev1.SecretObject, files map[string][]byte) ([]*corev1.Secret, error) {
	var out []*corev1.Secret
	seen := map[string]bool{}
	for _, o := range objs {
		if o == nil {
			continue
		}
		s, err := build(namespace, o, files)
		if err != nil {
			return nil, err
		}
		if seen[s.Name] {
			return nil, fmt.Errorf("%w: secret %q listed twice", ErrInvalid, s.Name)
		}
		seen[s.Name] = true
		out = append(out, s)
	}
	return out, nil
}

func build(namespace string, o *secretsstorev1.SecretObject, files map[string][]byte) (*corev1.Secret, error) {
	name := strings.TrimSpace(o.SecretName)
	if name == "" {
		return nil, fmt.Errorf("%w: secretName is empty", ErrInvalid)
	}
	if errs := validation.IsDNS1123Subdomain(name); len(errs) > 0 {
		return nil, fmt.Errorf("%w: secretName %q: %s", ErrInvalid, name, strings.Join(errs, "; "))
	}
	if len(o.Data) == 0 {
		return nil, fmt.Errorf("%w: secret %q has no data", ErrInvalid, name)
	}
	typ := corev1.SecretType(o.Type)
	if typ == "" {
		typ = corev1.SecretTypeOpaque
	}
	labels := maps.Clone(o.Labels)
	if labels == nil {
		labels = map[string]string{}
	}
	labels[ManagedLabel] = "true"
	s := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace, Labels: labels, Annotations: maps.Clone(o.Annotations)},
		Type:       typ,
		Data:       map[string][]byte{},
	}
	for _, d := range o.Data {
		if d == nil {
			continue
		}
		obj, key := strings.TrimSpace(d.ObjectName), strings.TrimSpace(d.Key)
		if obj == "" || key == "" {
			return nil, fmt.Errorf("%w: secret %q: data entry without objectName or key", ErrInvalid, name)
		}
		if errs := validation.IsConfigMapKey(key); len(errs) > 0 {
			return nil, fmt.Errorf("%w: secret %q: key %q: %s", ErrInvalid, name, key, strings.Join(errs, "; "))
		}
		content, ok := files[obj]
		if !ok {
			return nil, fmt.Errorf("%w: secret %q: object %q", ErrMissingObject, name, obj)
		}
		if typ == corev1.SecretTypeTLS {
			part, err := tlsPart(content, key)
			if err != nil {
				return nil, fmt.Errorf("secret %q: object %q: %w", name, obj, err)
			}
			content = part
		}
		s.Data[key] = bytes.Clone(content)
	}
	return s, nil
}

// tlsPart returns the certificates (key tls.crt) or the private key (key
// tls.key) of a PEM bundle.
func tlsPart(bundle []byte, key string) ([]byte, error) {
	var certs, priv []byte
	for rest := bundle; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		switch {
		case block.Type == "CERTIFICATE":
			certs = append(certs, pem.EncodeToMemory(block)...)
		case strings.HasSuffix(block.Type, "PRIVATE KEY") && priv == nil:
			priv = pem.EncodeToMemory(block)
		}
	}
	switch key {
	case corev1.TLSCertKey:
		if certs == nil {
			return nil, fmt.Errorf("%w: no CERTIFICATE block", ErrTLS)
		}
		return certs, nil
	case corev1.TLSPrivateKeyKey:
		if priv == nil {
			return nil, fmt.Errorf("%w: no PRIVATE KEY block", ErrTLS)
		}
		return priv, nil
	default:
		return nil, fmt.Errorf("%w: key %q: a kubernetes.io/tls secret has only tls.crt and tls.key", ErrTLS, key)
	}
}
