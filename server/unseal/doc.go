// Package unseal runs the key ceremonies of a server: initialisation,
// unsealing with Shamir shares or an auto-unseal wrapper, rekeying (new
// shares, no data re-encrypted) and root-token generation.
//
// Its one record lives outside the barrier, in the physical backend at
// core/seal/state: the seal configuration and the root key wrapped by the
// unseal key (Shamir) or by the auto seal. It is written with a single Put,
// so a crash leaves either the old or the new record.
//
// A Manager serialises its ceremonies with one mutex; it is safe for
// concurrent use. Callers that must keep requests out while the barrier
// changes state (the core) hold their own lock around Unseal and Seal.
package unseal
