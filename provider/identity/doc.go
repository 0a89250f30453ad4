// Package identity finds the ServiceAccount token a Mount logs in with:
// the token the kubelet minted for the class's audience (passed by the
// driver in csi.storage.k8s.io/serviceAccount.tokens when the CSIDriver
// has tokenRequests), else a short-lived token bound to the pod that the
// provider requests itself with the TokenRequest API.
//
// Neither token is trusted here: the server verifies it with a
// TokenReview at login, and the caller checks that the identity the
// server reports is the pod's. No token is ever taken from a
// SecretProviderClass parameter.
//
// Token and KubeRequester are safe for concurrent use.
package identity
