// Package local is `cofre csi mount`: it renders a SecretProviderClass from
// a file into a local directory with the driver's atomic writer and refresh
// loop, authenticating to the Cofre server with a token or AppRole instead
// of a pod identity.
package local
