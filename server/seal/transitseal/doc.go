// Package transitseal is the transit auto seal: a seal.Wrapper whose key
// lives in another Cofre (or Vault) server's transit engine, reached with the
// official Vault client. It is the one seal that does network I/O, so it
// lives apart from package seal, which the key ceremonies import.
//
// The additional data is carried inside the plaintext sent to the other
// server and checked on the way back, so any transit server works. The
// seal's token is renewed in the background (a goroutine owned by the
// wrapper, stopped by Close) unless renewal is disabled.
package transitseal
