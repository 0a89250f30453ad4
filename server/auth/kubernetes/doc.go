// Package kubernetes is the Kubernetes auth method: a pod logs in with its
// ServiceAccount token and a role name, and gets a token whose policies
// the role names.
//
// Who a token belongs to is decided only by the API server, through a
// TokenReview (authentication.k8s.io/v1) made with client-go; the JWT is
// parsed locally just to turn away garbage, expired tokens, wrong
// audiences and (when pem_keys are configured) bad signatures before that
// call. Nothing about a review is cached, so a token the API server stops
// accepting stops logging in at once. The review's bearer is the
// configured token_reviewer_jwt, else the server pod's own ServiceAccount
// token (re-read as the kubelet rotates it), else the login JWT itself.
//
// A pod's credentials die with the pod. When a login presents a
// pod-bound token (the review names a pod UID), the method chooses the
// new token's accessor and records it under the pod's UID before the
// token exists. A pod watcher (a client-go informer on all pods, with the
// reviewer's credentials) revokes a deleted pod's tokens through
// BackendConfig.Tokens; relists after a lost watch, and a reconcile pass
// at start and every ReconcileInterval, catch deletions it did not see.
//
// Storage layout (relative to the mount view):
//
//	config          the configuration (token_reviewer_jwt never read back)
//	role/<name>     a role
//	pod/<pod UID>   accessors of the tokens issued from that pod's tokens
//
// Concurrency: requests may run concurrently. Role writes are serialised;
// a pod's record is changed under a per-pod (striped) lock by logins and
// by the watcher. The watcher goroutine is owned by the backend: started
// when a configuration exists, restarted when it changes, stopped by
// Cleanup. It is the only caller of RevokeAccessor, which takes the core's
// state lock and so is never called while handling a request.
package kubernetes
