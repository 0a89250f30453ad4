package kube

import (
	"context"
	"fmt"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// CreateNamespace creates namespace name and its "default" ServiceAccount,
// which no controller manager creates here.
func (c *Cluster) CreateNamespace(ctx context.Context, name string) error {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}
	if _, err := c.Clientset.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("namespace %s: %w", name, err)
	}
	return c.CreateServiceAccount(ctx, name, "default")
}

// CreateServiceAccount creates ServiceAccount ns/name.
func (c *Cluster) CreateServiceAccount(ctx context.Context, ns, name string) error {
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
	if _, err := c.Clientset.CoreV1().ServiceAccounts(ns).Create(ctx, sa, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("service account %s/%s: %w", ns, name, err)
	}
	return nil
}

// PodOption changes the pod CreatePod submits.
type PodOption func(*corev1.Pod)

// WithFSGroup sets the pod's securityContext.fsGroup.
func WithFSGroup(gid int64) PodOption {
	return func(p *corev1.Pod) {
		if p.Spec.SecurityContext == nil {
			p.Spec.SecurityContext = &corev1.PodSecurityContext{}
		}
		p.Spec.SecurityContext.FSGroup = &gid
	}
}

// WithLabels adds labels to the pod.
func WithLabels(labels map[string]string) PodOption {
	return func(p *corev1.Pod) {
		if p.Labels == nil {
			p.Labels = map[string]string{}
		}
		for k, v := range labels {
			p.Labels[k] = v
		}
	}
}

// CreatePod creates a minimal pod ns/name running as serviceAccount (which
// must exist: the ServiceAccount admission plugin checks it) and returns it
// as stored, UID included. No kubelet or scheduler runs, so it stays
// Pending and unscheduled. The image is never pulled.
func (c *Cluster) CreatePod(ctx context.Context, ns, name, serviceAccount string, opts ...PodOption) (*corev1.Pod, error) {
	noToken := false
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: corev1.PodSpec{
			ServiceAccountName:           serviceAccount,
			AutomountServiceAccountToken: &noToken,
			Containers:                   []corev1.Container{{Name: "main", Image: "pause"}},
		},
	}
	for _, o := range opts {
		o(pod)
	}
	created, err := c.Clientset.CoreV1().Pods(ns).Create(ctx, pod, metav1.CreateOptions{})
	if err != nil {
		return nil, fmt.Errorf("pod %s/%s: %w", ns, name, err)
	}
	return created, nil
}

// DeletePod deletes pod ns/name at once (grace period 0) and returns when
// the apiserver no longer has it. Tokens bound to it may still pass a
// TokenReview for a moment afterwards (the apiserver looks pods up through
// its informer cache first).
func (c *Cluster) DeletePod(ctx context.Context, ns, name string) error {
	zero := int64(0)
	pods := c.Clientset.CoreV1().Pods(ns)
	if err := pods.Delete(ctx, name, metav1.DeleteOptions{GracePeriodSeconds: &zero}); err != nil {
		return fmt.Errorf("delete pod %s/%s: %w", ns, name, err)
	}
	return poll(ctx, func() (bool, error) {
		_, err := pods.Get(ctx, name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return true, nil
		}
		return false, err
	})
}

// TokenRequest asks for a token of ServiceAccount ns/sa. audiences nil means
// the API audience (Issuer). A non-nil pod binds the token to it (the pod
// must run as sa): TokenReview then reports the pod's name and UID in
// status.user.extra and fails once the pod is gone. ttl 0 means the
// apiserver's default (1 hour); it refuses less than 10 minutes.
func (c *Cluster) TokenRequest(ctx context.Context, ns, sa string, audiences []string, pod *corev1.Pod, ttl time.Duration) (string, error) {
	req := &authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{Audiences: audiences}}
	if ttl != 0 {
		secs := int64(ttl / time.Second)
		req.Spec.ExpirationSeconds = &secs
	}
	if pod != nil {
		req.Spec.BoundObjectRef = &authenticationv1.BoundObjectReference{
			Kind: "Pod", APIVersion: "v1", Name: pod.Name, UID: pod.UID,
		}
	}
	resp, err := c.Clientset.CoreV1().ServiceAccounts(ns).CreateToken(ctx, sa, req, metav1.CreateOptions{})
	if err != nil {
		return "", fmt.Errorf("token request for %s/%s: %w", ns, sa, err)
	}
	return resp.Status.Token, nil
}

// poll calls done every pollInterval until it reports true, fails, or ctx
// ends.
func poll(ctx context.Context, done func() (bool, error)) error {
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	for {
		ok, err := done()
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}
