// Package provider is `cofre provider`, the Secrets Store CSI provider: a
// DaemonSet that answers the Secrets Store CSI driver's Mount calls on a
// unix socket by logging in to Cofre with the pod's ServiceAccount token
// and returning the secret files. It works with the upstream driver
// (sigs.k8s.io/secrets-store-csi-driver) and with `cofre csi`.
//
// This package only wires: Main parses flags into a Config, Run builds
// the parts and serves until its context ends. The work is done in the
// sub-packages:
//
//	params      SecretProviderClass parameters and the Mount request
//	identity    the pod's ServiceAccount token (driver or TokenRequest)
//	session     server clients and login tokens per pod and role
//	cache       lease-aware reuse decisions and the idle-evicting store
//	render      secrets into files (keys, directories, templates)
//	objversion  HMAC object versions and their key
//	mount       one Mount from start to end
//	metrics     Prometheus metrics
//	server      the gRPC service, socket, health and metrics endpoints
//	providertest  an in-process server for tests
//
// docs/provider-protocol.md describes the protocol as the provider speaks
// it, including Cofre's refresh hint and error codes.
package provider
