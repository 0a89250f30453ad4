package volume

import "errors"

// Errors of Publish and Unpublish; the node service maps them to gRPC
// codes. Errors from the dependencies (kubeapi.ErrClassNotFound,
// providerclient errors, atomicwriter errors) are wrapped, not replaced.
var (
	// ErrConflict: the target path is published for another volume, class
	// or pod.
	ErrConflict = errors.New("target path published for another volume")
	// ErrBadClass: the SecretProviderClass cannot be used (no provider, a
	// bad annotation, bad secretObjects).
	ErrBadClass = errors.New("unusable SecretProviderClass")
	// ErrNotMounted: the volume's file system is no longer mounted, so
	// nothing is written to the directory underneath.
	ErrNotMounted = errors.New("volume not mounted")
	// ErrNotFound: Unpublish named a target published for another volume.
	ErrNotFound = errors.New("volume not published at target")
)
