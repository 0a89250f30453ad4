// Package session keeps the provider's connections and login tokens.
//
// Clients builds one Vault API client per server target (address and TLS
// settings) and shares its connection pool. Manager keeps one login token
// per (target, auth mount, role, pod UID): a pod's Mount calls reuse it
// until two thirds of its TTL have passed, renew it (renew-self) while the
// grant stays worth it, and log in again otherwise, or when the server
// says the token is gone (Refused). Logging in needs the pod's
// ServiceAccount token, which Manager asks for only then. The identity the
// server reports after a login (namespace, ServiceAccount, pod UID) must be
// the pod's, or the login's token is revoked and ErrIdentityMismatch
// returned.
//
// Tokens that were replaced stay valid until they expire; secrets leased
// under them learn that deadline from Token.Owner.
//
// Manager and Clients are safe for concurrent use: logins for one key are
// serialised, different keys proceed in parallel. Entries unused for
// Config.Idle are dropped.
package session
