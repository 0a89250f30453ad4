// Package volume is the heart of the CSI driver: it publishes Secrets Store
// volumes (mount, call the provider, write the files), refreshes them when
// they are due, and unpublishes them.
//
// A volume is identified by its target path. Publish on a new target reads
// the SecretProviderClass from the pod's namespace, mounts an empty file
// system (the injected Mounter), calls the provider the class names with
// the class parameters merged with the volume attributes, writes the files
// with pkg/atomicwriter, records a SecretProviderClassPodStatus and syncs
// the class's secretObjects. Any failure before the files are in place
// unmounts again and returns the error, so a volume is either whole or
// absent.
//
// A published volume is refreshed when it is due (rotation.Policy: the
// class's interval, from the annotation AnnotationRotationInterval or the
// driver's default, or earlier when the provider hinted a time): by the
// Manager's own scheduler, or when the kubelet calls Publish again
// (CSIDriver requiresRepublish), which also brings fresh ServiceAccount
// tokens. A refresh that fails keeps the files as they are, records a
// Warning event and is retried with backoff; a volume is never emptied by
// a failure. A refresh whose files equal the mounted ones changes nothing
// (..version included).
//
// Publish and Unpublish calls for one target are serialised; different
// targets proceed in parallel. Run owns the scheduler goroutine.
package volume
