package kubernetes

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	authv1 "k8s.io/api/authentication/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/cofre-io/cofre/server/logical"
)

// Keys of the TokenReview's user.extra that name the pod a token is bound to.
const (
	ExtraPodName = "authentication.kubernetes.io/pod-name"
	ExtraPodUID  = "authentication.kubernetes.io/pod-uid"
)

const saUserPrefix = "system:serviceaccount:"

// uidPattern bounds what a UID may look like before it becomes part of a
// storage key (Kubernetes UIDs are RFC 4122 strings).
var uidPattern = regexp.MustCompile(`^[A-Za-z0-9-]{1,128}$`)

// identity is who the API server says a token belongs to.
type identity struct {
	Namespace string
	Name      string
	UID       string // the ServiceAccount's UID
	PodName   string // set for pod-bound tokens
	PodUID    string
}

// review asks the API server who jwt belongs to. audience, when set, is
// required both in the request and in the answer. The result says nothing
// about roles; that check is the caller's.
func review(ctx context.Context, cn *conn, jwt, audience string) (*identity, error) {
	tr := &authv1.TokenReview{Spec: authv1.TokenReviewSpec{Token: jwt}}
	if audience != "" {
		tr.Spec.Audiences = []string{audience}
	}
	if cn.source == reviewerClient {
		ctx = withBearer(ctx, jwt)
	}
	out, err := cn.client.AuthenticationV1().TokenReviews().Create(ctx, tr, metav1.CreateOptions{})
	if err != nil {
		return nil, reviewError(cn, err)
	}
	st := out.Status
	if !st.Authenticated {
		reason := ErrNotAuthenticated
		if st.Error != "" {
			return nil, denied(fmt.Errorf("%w: %s", reason, st.Error))
		}
		return nil, denied(reason)
	}
	if audience != "" && !slices.Contains(st.Audiences, audience) {
		return nil, denied(fmt.Errorf("%w: review audiences lack the role's", ErrAudience))
	}
	rest, ok := strings.CutPrefix(st.User.Username, saUserPrefix)
	ns, name, ok2 := strings.Cut(rest, ":")
	if !ok || !ok2 || ns == "" || name == "" || strings.Contains(name, ":") {
		return nil, denied(ErrNotServiceAccount)
	}
	id := &identity{Namespace: ns, Name: name, UID: st.User.UID}
	if v := st.User.Extra[ExtraPodName]; len(v) == 1 {
		id.PodName = v[0]
	}
	if v := st.User.Extra[ExtraPodUID]; len(v) == 1 {
		id.PodUID = v[0]
		if !uidPattern.MatchString(id.PodUID) {
			return nil, denied(fmt.Errorf("%w: malformed pod UID in token review", ErrNotServiceAccount))
		}
	}
	return id, nil
}

// reviewError turns a failed TokenReview call into the client's answer.
// A 401 when the login JWT was its own bearer means the JWT is not valid
// (403); anything else is a server-side problem (500) whose message names
// the API server and the failure, never a token.
func reviewError(cn *conn, err error) error {
	cause := fmt.Errorf("%w: %w", ErrAPIServer, err)
	switch {
	case apierrors.IsUnauthorized(err) && cn.source == reviewerClient:
		return denied(fmt.Errorf("%w: the API server refused the login JWT as bearer", ErrNotAuthenticated))
	case apierrors.IsUnauthorized(err):
		return &logical.Error{Kind: logical.ErrInternal, Err: cause,
			Msg: fmt.Sprintf("the Kubernetes API server refused the %s (401 Unauthorized)", cn.source)}
	case apierrors.IsForbidden(err):
		return &logical.Error{Kind: logical.ErrInternal, Err: cause,
			Msg: fmt.Sprintf("the %s may not create TokenReviews (403 Forbidden); bind it to system:auth-delegator", cn.source)}
	}
	var st apierrors.APIStatus
	if errors.As(err, &st) {
		return &logical.Error{Kind: logical.ErrInternal, Err: cause,
			Msg: fmt.Sprintf("kubernetes TokenReview failed: %d %s", st.Status().Code, st.Status().Reason)}
	}
	return &logical.Error{Kind: logical.ErrInternal, Err: cause,
		Msg: fmt.Sprintf("could not reach the Kubernetes API server at %s: %v", cn.cfg.Host, err)}
}
