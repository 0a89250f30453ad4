// Package attributes parses what the kubelet passes in NodePublishVolume
// for a Secrets Store inline volume: the volume attributes (the pod's
// volumeAttributes plus what a CSIDriver with podInfoOnMount and
// tokenRequests adds) and the volume mount group (the pod's fsGroup, with
// fsGroupPolicy File and the VOLUME_MOUNT_GROUP capability).
//
// It also builds the attributes a provider receives: the
// SecretProviderClass parameters overlaid with every volume attribute, as
// the upstream driver sends them.
//
// Everything here is pure and safe for concurrent use. Errors wrap
// ErrInvalid and name the attribute, never its value when it may be a
// secret (tokens).
package attributes
