// Package tokenauth is the auth/token/ API: creating, looking up, renewing
// and revoking tokens, and token roles. It is mounted once, by the core, at
// auth/token/, and works on the core's token store through the narrow Core
// interface; it keeps only its roles in its own storage view.
//
// Authorisation happens in the core before a handler runs. Handlers add
// Vault's own extra rules: sudo (or root) for orphans, custom ids and
// periodic tokens; children's policies a subset of the parent's; batch and
// limited-use tokens cannot create tokens.
//
// The Backend is safe for concurrent use.
package tokenauth
