// Package e2e holds Cofre's end-to-end tests: code run against real
// components rather than fakes. Subpackage kube runs a real etcd and
// kube-apiserver on 127.0.0.1 for every Kubernetes-facing test (kubernetes
// auth method, CSI provider and driver); kubebin/build-apiserver.sh builds
// the kube-apiserver it runs. `make e2e-deps` prepares the binaries;
// COFRE_SKIP_E2E=1 or `go test -short` skips these tests for a quick inner
// loop.
package e2e
