// Package kube is the test control plane of Cofre's Kubernetes-facing
// tests: it runs a real etcd and kube-apiserver (no kubelet, scheduler or
// controller manager) on 127.0.0.1 and hands tests admin clients, a CA, a
// kubeconfig and helpers for namespaces, service accounts, pods and
// TokenRequest/TokenReview. Only tests import it.
//
// Start generates a CA, the apiserver's serving certificate, an admin client
// certificate (group system:masters) and a service-account signing key in a
// temporary directory, starts etcd and kube-apiserver on free loopback
// ports, waits for /readyz and installs the CRDs of the upstream Secrets
// Store CSI driver (read at run time from the Go module cache, module
// CSIDriverModule at CSIDriverVersion). Stop kills both processes and
// removes the directory. On Linux the children also die with the test
// binary, however it ends (parent-death signal).
//
// A package shares one cluster through a Suite (see its example); a test
// wanting its own calls StartForTest.
//
// Binaries: kube-apiserver from $COFRE_KUBE_APISERVER or
// $COFRE_CACHE/kube/v<KubeVersion>/kube-apiserver (COFRE_CACHE defaults to
// ~/.cache/cofre), etcd from $COFRE_ETCD or /usr/bin/etcd; `make e2e-deps`
// provides both. When they are missing, tests fail and say so.
//
// Quick inner loop: COFRE_SKIP_E2E=1 or `go test -short` skips every test
// that asks for a cluster. CI sets neither.
//
// A Cluster's methods may be called from concurrent tests; tests sharing
// one should each use their own namespace.
package kube
