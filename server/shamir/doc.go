// Package shamir implements Shamir's secret sharing over GF(2^8).
//
// Split turns a secret into n shares of which any k reconstruct it and any
// k-1 reveal nothing about it; Combine reconstructs. Each byte of the secret
// is shared independently with its own random polynomial of degree k-1 whose
// constant term is that byte. A share is the polynomial values at one point
// followed by that point's x coordinate (a single non-zero byte), so a share
// is one byte longer than the secret.
//
// The field is GF(2^8) with the reduction polynomial x^8+x^4+x^3+x+1 (the
// AES field). Multiplication and inversion are written without table
// look-ups or secret-dependent branches, so their timing does not depend on
// the secret.
//
// Shares do not record the threshold they were made with: the caller keeps
// that (the seal configuration does) and must hand Combine at least that
// many shares. Combine with too few shares of a larger split returns a value
// that is not the secret, and no error, because nothing in the shares can
// tell it apart.
//
// All functions are safe for concurrent use; the package has no state.
package shamir
