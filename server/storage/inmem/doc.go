// Package inmem is a map-backed storage.Backend for dev mode and tests.
//
// Nothing is persisted: "durable" in the storage contract means "until the
// process exits". Values are copied on the way in and on the way out, so
// callers and the backend never share memory. Keys are kept in a sorted
// slice next to the map so List costs O(log n + children) rather than a scan.
// Transaction applies its operations under one lock, so readers see all of a
// transaction or none of it.
//
// A Backend is safe for concurrent use; the zero value is not usable, call New.
package inmem
