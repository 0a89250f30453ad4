// Package providerclient is a client of the Secrets Store CSI provider
// protocol (sigs.k8s.io/secrets-store-csi-driver provider/v1alpha1, service
// CSIDriverProvider) over a provider's unix socket, as a CSI driver calls
// it: any provider (Cofre's, AWS, Azure, GCP, Vault) answers it.
//
// Requests are encoded exactly as the upstream driver encodes them:
// attributes and secrets as JSON objects of strings, the permission as the
// JSON number of the file mode ("420" for 0644). Responses are checked
// (every file mode between 0 and 0777; object versions present) before the
// caller sees them. Cofre's refresh hint (pkg/providerapi) is read from the
// response header and returned as MountResponse.RefreshAfter; other
// providers send none and nothing changes for them.
//
// A Pool keeps one connection per provider name, dialling
// <dir>/<name>.sock lazily; gRPC reconnects by itself when a provider
// restarts. Client and Pool are safe for concurrent use.
package providerclient
