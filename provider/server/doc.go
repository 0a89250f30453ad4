// Package server is the provider's gRPC edge: the CSIDriverProvider
// service (Version, Mount) of the Secrets Store CSI driver's provider API
// v1alpha1 on a unix socket, and the HTTP endpoints for health and
// metrics.
//
// Service turns Mount requests into calls of a Mounter and its results
// into the protocol's files and object versions, adds the refresh hint
// header (pkg/providerapi), and turns failures into gRPC status errors
// with a stable code; nothing else speaks gRPC. Listen prepares the
// socket (stale sockets removed, a live one refused, mode 0600).
//
// Service is safe for concurrent use; Run owns the servers' goroutines
// and returns when they have stopped.
package server
