// Package token is the token store: every request's identity.
//
// A token's value is never stored: entries are keyed by an HMAC-SHA256 of the
// value under a random salt kept behind the barrier, so a copy of storage
// does not yield usable tokens. Accessors are indexed the same way. Children
// are indexed under their parent so revocation cascades down the tree.
//
// A Store is safe for concurrent use.
package token
