// Package providere2e holds the provider's end-to-end tests: the real
// upstream Secrets Store CSI driver (v1.6.0, built by
// e2e/driverbin/build-driver.sh, or $COFRE_CSI_DRIVER) runs against the
// test control plane's kube-apiserver (e2e/kube) and calls `cofre
// provider` (in process) on its socket; the test plays kubelet and calls
// NodePublishVolume on the driver's CSI socket, so the driver mounts a
// tmpfs and writes the files the provider returns. Mounting needs root;
// the tests skip otherwise. Only tests live here.
package providere2e
