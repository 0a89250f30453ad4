// Package cache holds what the provider keeps between Mount calls and
// decides, as pure functions of the kept state and the time, when to reuse
// it, renew it or get it anew.
//
// The rules (docs/provider-protocol.md has the reasoning):
//
//   - A leased secret (database credentials, a certificate from a role with
//     generate_lease) is reused until two thirds of its current TTL have
//     passed, then renewed (sys/leases/renew, asking for its original TTL
//     again); it is issued anew only when it is not renewable, renewal is
//     refused, the renewal grants less than a third of the original TTL
//     (max TTL near), it has expired, or the login token it was issued
//     under (whose revocation revokes it) is gone or about to expire.
//   - A secret without a lease that was issued by a write (a certificate
//     from pki/issue without generate_lease) is reused until two thirds of
//     its validity (certificate expiration, else lease_duration) have
//     passed; without any validity it is reused for as long as it is kept.
//   - Anything else (a KV read) is read again on every Mount: reads are
//     cheap, and the content decides whether the object's version changes.
//
// The same two-thirds rule decides when a login token is renewed
// (Token.Plan). Plan and Next take the time as an argument and do no
// I/O. Store is a map safe for concurrent use whose entries are dropped
// once idle.
package cache
