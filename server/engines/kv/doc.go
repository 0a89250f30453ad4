// Package kv is the key/value secrets engine, in its two flavours: version 1
// (one unversioned value per path) and version 2 (versioned values with
// metadata, soft delete, undelete, destroy, check-and-set and merge patch),
// served on Vault's paths and with Vault's JSON shapes.
//
// Storage layout inside the mount's view (paths are stored as given; secret
// values never appear in keys):
//
//	v1/<path>        a version 1 value: the JSON object as written, in a
//	                 compact tagged binary form (see valuecodec.go)
//	config           version 2 engine configuration (JSON)
//	meta/<path>      version 2 key metadata: versions, times, settings
//	                 (compact binary, see codec.go)
//	ver/<path>@<n>   version 2 value n of <path>, encoded as v1/ values are
//	upgraded         written once a version 1 mount finished upgrading to 2
//
// A read touches at most two entries (metadata, then the version) and never
// lists. Every change to one key happens under that key's lock (a striped
// mutex), so concurrent writers never lose a version and exactly one of two
// racing check-and-set writers wins; the server has one active node, so an
// in-process lock is enough. When the storage view is transactional a write
// is one transaction; otherwise the version is written before the metadata
// that names it, and versions are deleted only after the metadata stopped
// naming them, so a crash leaves at worst an unreferenced entry.
//
// A Backend is safe for concurrent use. It owns at most one goroutine, the
// version 1 to 2 upgrade, which Cleanup stops and waits for.
package kv
