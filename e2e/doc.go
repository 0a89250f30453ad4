// Package e2e will hold the end-to-end tests against a real kube-apiserver
// and etcd (see docs/architecture.md). Nothing is implemented yet.
package e2e
