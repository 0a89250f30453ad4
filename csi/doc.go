// Package csi will hold `cofre csi`, Cofre's CSI node driver (see
// docs/architecture.md). Nothing is implemented yet.
package csi
