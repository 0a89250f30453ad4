// Package objversion computes the object_version the provider reports for
// each object: an HMAC-SHA256, under a key only the provider holds, of the
// object's files (paths, modes and contents). Equal content gives an
// equal version, so a Mount that finds nothing new churns nothing; and
// since the version is keyed, it does not let anyone who can read
// SecretProviderClassPodStatus objects test guesses of a secret.
//
// The key comes from a file, or from a Kubernetes Secret the provider
// creates on first use (every provider pod of a cluster then agrees on
// versions and keeps them across restarts).
//
// A Hasher is immutable and safe for concurrent use.
package objversion
