// Package kubeclient builds client-go configurations for Cofre's
// Kubernetes-facing programs: in-cluster (the pod's ServiceAccount), or
// from a kubeconfig file for running out of a cluster. It reads the common
// subset of kubeconfig (the current context's cluster with server,
// certificate authority and TLS server name; its user with a bearer token,
// token file or client certificate, inline or as paths) without pulling in
// client-go's clientcmd and its dependencies. Exec and auth-provider
// plugins are refused with ErrUnsupported.
//
// Load has no state and may be called concurrently.
package kubeclient
