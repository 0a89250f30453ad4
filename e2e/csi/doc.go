// Package csie2e tests `cofre csi` end to end: a real kube-apiserver (the
// e2e/kube harness, with the Secrets Store CRDs), a real Cofre server with
// kubernetes auth, Cofre's provider and the driver in process, tmpfs
// volumes. The tests play the kubelet: they create pods, mint their
// ServiceAccount tokens with the TokenRequest API and call
// NodePublishVolume and NodeUnpublishVolume on the driver's socket. They
// need root (tmpfs mounts) and skip otherwise.
package csie2e
