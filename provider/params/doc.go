// Package params parses what a Secrets Store CSI driver sends to Mount:
// the attributes JSON (SecretProviderClass parameters merged with the
// pod's volume attributes and the pod information the kubelet adds), the
// secrets JSON, the default file permission and the target path.
//
// Parsing is strict, because a typo must not silently mount nothing:
// unknown parameters, malformed objects YAML, unknown object fields,
// duplicate object names and file paths that could leave the volume are
// errors wrapping ErrInvalid whose message names the parameter or object.
// Attributes the driver and kubelet add (csi.storage.k8s.io/*,
// secretProviderClass, providerName) are accepted.
//
// Parameter names of vault-csi-provider (vaultAddress, vaultAuthMountPath,
// vaultKubernetesMountPath, vaultCACertPath, vaultTLSServerName,
// vaultSkipTLSVerify, vaultTLSClientCertPath, vaultTLSClientKeyPath) are
// aliases of Cofre's own, so manifests written for it work unchanged;
// setting both names of one parameter to different values is an error.
//
// Nothing here does I/O; Parse is safe for concurrent use.
package params
