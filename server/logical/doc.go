// Package logical defines the contract between the server's core and the
// things mounted in it: secrets engines and auth methods.
//
// A Request arrives already authenticated and authorised; its Path is relative
// to the mount, and its Storage is the mount's private view, which no other
// mount can reach. Backends answer with a Response (nil for "nothing here")
// or an error built from the sentinels below, which the HTTP layer turns into
// Vault's status codes. This package imports no transport code.
package logical
