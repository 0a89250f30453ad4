// Package integration holds cross-component tests of the server: the seed
// scenarios driven through the official Vault Go client and the cofre CLI
// against real servers. It has no non-test code.
package integration
