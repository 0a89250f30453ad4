// Package mount serves one Mount request from start to end: parse the
// request (params), find the pod's ServiceAccount token (identity), get a
// login token (session), get each distinct secret once — from the
// lease-aware cache when it may be reused, renewing its lease when due,
// from the server otherwise (cache) — render the objects' files (render)
// and version them (objversion).
//
// A Mount either returns every file of every object or fails: no partial
// volume. Errors are *Error values carrying a stable providerapi.Code.
//
// Mount may be called concurrently; calls for the same pod are
// serialised (they share cached leases), calls for different pods run in
// parallel. Kept secrets unused for Config.Idle are forgotten (their
// leases then expire on the server, or are revoked with the pod's token
// when the pod is deleted).
package mount
