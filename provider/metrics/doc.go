// Package metrics holds the provider's Prometheus metrics, registered on
// a registry the caller owns (never the global one). Metrics implements
// the observers of the mount and session packages; its methods are safe
// for concurrent use, and a nil *Metrics records nothing.
//
// Exported series:
//
//	cofre_provider_mounts_total{result="ok"|"error"}
//	cofre_provider_mount_errors_total{code}            by providerapi.Code
//	cofre_provider_mount_duration_seconds              histogram
//	cofre_provider_secrets_total{how}                  hit|renewed|read|issued
//	cofre_provider_logins_total{result}                ok|error
//	cofre_provider_token_renewals_total{result}        ok|error
//	cofre_provider_lease_renewals_total{result}        ok|error
package metrics
