// Package identity is the driver's CSI Identity service: its name and
// version, its (absent) plugin capabilities, and readiness. Safe for
// concurrent use.
package identity
