// A stand-in for monis.app/mlog, which the Go module proxy does not
// serve, holding only what the Secrets Store CSI driver v1.6.0 calls.
// build-driver.sh builds the driver with a replace directive pointing
// here. Written for Cofre; not a copy of the original.
module monis.app/mlog

go 1.22

require k8s.io/klog/v2 v2.120.1
