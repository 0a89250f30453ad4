// Package provider will hold `cofre provider`, the Secrets Store CSI
// provider (see docs/architecture.md). Nothing is implemented yet.
package provider
