package kube

import (
	"context"
	"fmt"
	"time"

	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The identity ReviewerToken speaks for.
const (
	ReviewerNamespace      = "kube-system"
	ReviewerServiceAccount = "cofre-token-reviewer"
	// ReviewerTokenTTL is the lifetime of the tokens ReviewerToken returns.
	ReviewerTokenTTL = 24 * time.Hour
)

// ReviewerToken returns a token of ServiceAccount
// kube-system/cofre-token-reviewer, which may create TokenReviews and
// SubjectAccessReviews (ClusterRole system:auth-delegator) and get, list and
// watch pods: what a Cofre server uses as token_reviewer_jwt. The account
// and its bindings are created on the first call, which returns only once
// RBAC grants them; every call issues a new token (audience: the API).
func (c *Cluster) ReviewerToken(ctx context.Context) (string, error) {
	if err := c.ensureReviewer(ctx); err != nil {
		return "", err
	}
	return c.TokenRequest(ctx, ReviewerNamespace, ReviewerServiceAccount, nil, nil, ReviewerTokenTTL)
}

func (c *Cluster) ensureReviewer(ctx context.Context) error {
	c.reviewerMu.Lock()
	defer c.reviewerMu.Unlock()
	if c.reviewerReady {
		return nil
	}
	cs := c.Clientset
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: ReviewerNamespace, Name: ReviewerServiceAccount}}
	podReader := &rbacv1.ClusterRole{
		ObjectMeta: metav1.ObjectMeta{Name: "cofre-pod-reader"},
		Rules: []rbacv1.PolicyRule{{
			APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"get", "list", "watch"},
		}},
	}
	subject := []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Namespace: ReviewerNamespace, Name: ReviewerServiceAccount}}
	bindings := []*rbacv1.ClusterRoleBinding{
		{
			ObjectMeta: metav1.ObjectMeta{Name: ReviewerServiceAccount + "-auth-delegator"},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "system:auth-delegator"},
			Subjects:   subject,
		},
		{
			ObjectMeta: metav1.ObjectMeta{Name: ReviewerServiceAccount + "-pod-reader"},
			RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: podReader.Name},
			Subjects:   subject,
		},
	}
	if _, err := cs.CoreV1().ServiceAccounts(ReviewerNamespace).Create(ctx, sa, metav1.CreateOptions{}); ignoreExists(err) != nil {
		return fmt.Errorf("reviewer service account: %w", err)
	}
	if _, err := cs.RbacV1().ClusterRoles().Create(ctx, podReader, metav1.CreateOptions{}); ignoreExists(err) != nil {
		return fmt.Errorf("reviewer cluster role: %w", err)
	}
	for _, b := range bindings {
		if _, err := cs.RbacV1().ClusterRoleBindings().Create(ctx, b, metav1.CreateOptions{}); ignoreExists(err) != nil {
			return fmt.Errorf("reviewer binding %s: %w", b.Name, err)
		}
	}
	// The RBAC authorizer reads bindings from an informer: wait until it
	// grants what the reviewer needs.
	user := "system:serviceaccount:" + ReviewerNamespace + ":" + ReviewerServiceAccount
	groups := []string{"system:serviceaccounts", "system:serviceaccounts:" + ReviewerNamespace, "system:authenticated"}
	checks := []authorizationv1.ResourceAttributes{
		{Group: "authentication.k8s.io", Resource: "tokenreviews", Verb: "create"},
		{Resource: "pods", Verb: "get", Namespace: "any"},
	}
	for _, attrs := range checks {
		err := poll(ctx, func() (bool, error) {
			sar := &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{
				User: user, Groups: groups, ResourceAttributes: &attrs,
			}}
			resp, err := cs.AuthorizationV1().SubjectAccessReviews().Create(ctx, sar, metav1.CreateOptions{})
			if err != nil {
				return false, err
			}
			return resp.Status.Allowed, nil
		})
		if err != nil {
			return fmt.Errorf("reviewer not authorized to %s %s: %w", attrs.Verb, attrs.Resource, err)
		}
	}
	c.reviewerReady = true
	return nil
}

func ignoreExists(err error) error {
	if apierrors.IsAlreadyExists(err) {
		return nil
	}
	return err
}
