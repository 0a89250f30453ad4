// Package token is the token store: every request's identity.
//
// Service tokens are persisted. A token's value is never stored: entries are
// keyed by an HMAC-SHA256 of the value under a random salt kept behind the
// barrier (HashedID), so a copy of storage does not yield usable tokens.
// Accessors are indexed the same way, and each child is indexed under its
// parent so revocation cascades down the tree.
//
// Batch tokens are not persisted at all: the value is "hvb." followed by the
// base64url form of an AES-GCM encryption of a compact entry, under a key
// kept in the store's view. They cannot be renewed, revoked or used to
// create tokens; they end at their TTL or when their parent is revoked.
//
// Expiry: every service token with an expire time has an entry in an
// expire.Scheduler over the store's view, so tokens are revoked on time,
// also after a restart. Revocation taints a token first (so it stops
// working at once), runs the OnRevoke hooks (leases, cubbyhole), then
// deletes its records.
//
// Creation writes the entry, its accessor and parent indexes and its
// expiry index in one transaction when the storage is transactional (one
// Raft round); otherwise the indexes first and the entry last, so a crash
// leaves at most dangling indexes, which Tidy removes.
//
// Storage layout inside the view: salt, batch-key, id/<hashed>,
// accessor/<hashed accessor>, parent/<parent hashed>/<child hashed>, and
// expire/... (the scheduler's index).
//
// A Store is safe for concurrent use. The TTL arithmetic (CalculateTTL) and
// policy normalisation (SanitizePolicies) are pure functions.
package token
