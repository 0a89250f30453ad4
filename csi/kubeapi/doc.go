// Package kubeapi is the driver's Kubernetes API glue: it reads
// SecretProviderClasses, keeps SecretProviderClassPodStatus objects as the
// upstream Secrets Store CSI driver keeps them, and records Events on pods.
// Everything goes through client-go (the dynamic client for the Secrets
// Store CRDs, converted to the upstream API types).
//
// The driver's ServiceAccount needs: get on secretproviderclasses; get,
// create, update and delete on secretproviderclasspodstatuses; create and
// update on events (and, for Secret sync, get, create, update and delete
// on secrets).
//
// All types here are safe for concurrent use.
package kubeapi
