// Package node is the driver's CSI Node service. It checks every field of
// a request, turns it into a volume.Request and maps the result to gRPC
// codes: InvalidArgument for a malformed request (each with the reason),
// NotFound for a missing SecretProviderClass, FailedPrecondition for a
// class or provider that cannot be used, AlreadyExists for a target path
// used by another volume, Unavailable when the provider does not answer.
//
// Only inline ephemeral volumes are served, and they must be read-only.
// Publishing an already published volume is not an error (it refreshes the
// volume when due, which is how the kubelet's requiresRepublish works);
// unpublishing an unknown or already removed target succeeds.
//
// Safe for concurrent use; the volume.Manager serialises calls per target.
package node
