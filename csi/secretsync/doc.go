// Package secretsync turns a SecretProviderClass's spec.secretObjects into
// native Kubernetes Secrets built from the files of a mounted volume, and
// keeps them up to date.
//
// Build is pure: for each secretObject it picks the files named by
// data[].objectName into data[].key, defaulting the type to Opaque. For
// kubernetes.io/tls Secrets the object is a PEM bundle and is split: key
// tls.crt gets every CERTIFICATE block, key tls.key the private key block.
// Every Secret carries the label secrets-store.csi.k8s.io/managed=true, as
// the upstream driver's do.
//
// Syncer creates or updates the Secrets. Each Secret is owned (an
// ownerReference) by the SecretProviderClassPodStatus of every pod that
// mounts it; those are owned by their pods, so Kubernetes' garbage
// collector deletes the Secret with its last pod. Syncer refuses to touch
// a Secret of the same name that lacks the managed label: a user's Secret
// is never overwritten. Syncer is safe for concurrent use.
package secretsync
