package identity

import (
	"context"
	"errors"
	"fmt"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"

	"github.com/cofre-io/cofre/provider/params"
)

// ErrUnavailable: no token for the pod could be found or requested.
var ErrUnavailable = errors.New("no ServiceAccount token for the pod")

// Source says where a token came from.
type Source string

// The sources of a token.
const (
	FromDriver       Source = "driver"
	FromTokenRequest Source = "token-request"
)

// Requester asks the API server for a token of the pod's ServiceAccount,
// bound to the pod, for audience ("" meaning the API server's own).
type Requester interface {
	RequestToken(ctx context.Context, pod params.Pod, audience string) (string, error)
}

// minValidity is how long a driver token must still be valid to be used:
// the login must finish before it expires.
const minValidity = 30 * time.Second

// Token returns the JWT to log in with for req at now: the driver's token
// for the class's audience if it is still valid, else one from r (which
// may be nil: no fallback).
func Token(ctx context.Context, req *params.Request, r Requester, now time.Time) (string, Source, error) {
	aud := req.Class.Audience
	if t, ok := req.Tokens[aud]; ok && (t.Expiry.IsZero() || t.Expiry.Sub(now) > minValidity) {
		return t.Token, FromDriver, nil
	}
	if r == nil {
		return "", "", fmt.Errorf("%w: the driver passed none for audience %q and the provider has no Kubernetes client", ErrUnavailable, aud)
	}
	tok, err := r.RequestToken(ctx, req.Pod, aud)
	if err != nil {
		return "", "", fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return tok, FromTokenRequest, nil
}

// DefaultTokenTTL is the lifetime of requested tokens: the API server's
// minimum. They are used for one login.
const DefaultTokenTTL = 10 * time.Minute

// KubeRequester requests tokens with client-go. The provider's own
// ServiceAccount needs "create" on serviceaccounts/token.
type KubeRequester struct {
	Client kubernetes.Interface
	// TTL is the requested lifetime (default DefaultTokenTTL).
	TTL time.Duration
}

var _ Requester = (*KubeRequester)(nil)

// RequestToken implements Requester.
func (k *KubeRequester) RequestToken(ctx context.Context, pod params.Pod, audience string) (string, error) {
	ttl := k.TTL
	if ttl <= 0 {
		ttl = DefaultTokenTTL
	}
	secs := int64(ttl / time.Second)
	spec := authenticationv1.TokenRequestSpec{
		ExpirationSeconds: &secs,
		BoundObjectRef: &authenticationv1.BoundObjectReference{
			Kind: "Pod", APIVersion: "v1", Name: pod.Name, UID: types.UID(pod.UID),
		},
	}
	if audience != "" {
		spec.Audiences = []string{audience}
	}
	resp, err := k.Client.CoreV1().ServiceAccounts(pod.Namespace).CreateToken(ctx, pod.ServiceAccount,
		&authenticationv1.TokenRequest{Spec: spec}, metav1.CreateOptions{})
	if err != nil {
		return "", fmt.Errorf("token request for %s/%s (pod %s): %w", pod.Namespace, pod.ServiceAccount, pod.Name, err)
	}
	if resp.Status.Token == "" {
		return "", fmt.Errorf("token request for %s/%s: empty token", pod.Namespace, pod.ServiceAccount)
	}
	return resp.Status.Token, nil
}
