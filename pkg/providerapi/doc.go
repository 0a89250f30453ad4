// Package providerapi is Cofre's small extension of the Secrets Store CSI
// provider protocol (sigs.k8s.io/secrets-store-csi-driver provider/v1alpha1),
// shared by `cofre provider` (which sets it) and `cofre csi` (which reads
// it). Other providers and the upstream driver ignore everything here:
//
//   - A refresh hint: a Mount response may carry the gRPC header
//     HeaderRefreshAfter, an RFC 3339 time at which the provider wants the
//     next Mount call for this volume (a lease's renewal point, a
//     certificate's re-issue point). A driver that honours it calls Mount
//     again at or soon after that time; the hint is absent when nothing in
//     the volume needs the provider's attention before the driver's own poll.
//   - Stable error codes: a failed Mount is a gRPC status error whose
//     details hold an errdetails.ErrorInfo with Domain ErrorDomain and
//     Reason one of the Code values, and whose message starts with
//     "<code>: ".
//
// docs/provider-protocol.md describes both. The functions here have no
// state and may be called concurrently.
package providerapi
