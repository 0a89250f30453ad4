// Package sysbackend is the system backend mounted at sys/: mount and auth
// tables, barrier key rotation, and (as they arrive) policies, leases and
// audit devices. Seal, unseal, init, health, rekey and generate-root are
// served by the HTTP layer directly, because they run while sealed or change
// the seal state.
//
// It reaches the rest of the server only through the Core interface.
package sysbackend
