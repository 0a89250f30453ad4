// Package pkg is the root of code shared by the server, the provider and the
// CSI driver. Shared packages live in its subdirectories.
package pkg
