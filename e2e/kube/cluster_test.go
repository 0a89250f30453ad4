package kube_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/cofre-io/cofre/e2e/kube"
)

var suite = kube.NewSuite(kube.Options{})

func TestMain(m *testing.M) { os.Exit(suite.Main(m)) }

// testTimeout bounds each scenario; the apiserver answers in milliseconds.
const testTimeout = time.Minute

func review(ctx context.Context, t *testing.T, c *kube.Cluster, token string, audiences []string) *authenticationv1.TokenReview {
	t.Helper()
	reviewerJWT, err := c.ReviewerToken(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := c.ClientForToken(reviewerJWT)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := rc.AuthenticationV1().TokenReviews().Create(ctx, &authenticationv1.TokenReview{
		Spec: authenticationv1.TokenReviewSpec{Token: token, Audiences: audiences},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("token review: %v", err)
	}
	return tr
}

func TestPodBoundTokenReview(t *testing.T) {
	t.Parallel()
	c := suite.Cluster(t)
	ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
	defer cancel()
	const ns, sa, aud = "bound", "app", "cofre-test"
	if err := c.CreateNamespace(ctx, ns); err != nil {
		t.Fatal(err)
	}
	if err := c.CreateServiceAccount(ctx, ns, sa); err != nil {
		t.Fatal(err)
	}
	pod, err := c.CreatePod(ctx, ns, "app-0", sa)
	if err != nil {
		t.Fatal(err)
	}
	if pod.UID == "" {
		t.Fatal("created pod has no UID")
	}
	token, err := c.TokenRequest(ctx, ns, sa, []string{aud}, pod, 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}

	tr := review(ctx, t, c, token, []string{aud})
	if !tr.Status.Authenticated {
		t.Fatalf("pod-bound token not authenticated: %q", tr.Status.Error)
	}
	if want := "system:serviceaccount:" + ns + ":" + sa; tr.Status.User.Username != want {
		t.Errorf("username = %q, want %q", tr.Status.User.Username, want)
	}
	if !slices.Equal(tr.Status.Audiences, []string{aud}) {
		t.Errorf("audiences = %v, want [%s]", tr.Status.Audiences, aud)
	}
	extra := tr.Status.User.Extra
	if got := extra["authentication.kubernetes.io/pod-name"]; !slices.Equal(got, authenticationv1.ExtraValue{pod.Name}) {
		t.Errorf("extra pod-name = %v, want [%s]", got, pod.Name)
	}
	if got := extra["authentication.kubernetes.io/pod-uid"]; !slices.Equal(got, authenticationv1.ExtraValue{string(pod.UID)}) {
		t.Errorf("extra pod-uid = %v, want [%s]", got, pod.UID)
	}
	if !slices.Contains(tr.Status.User.Groups, "system:serviceaccounts:"+ns) {
		t.Errorf("groups = %v, want system:serviceaccounts:%s among them", tr.Status.User.Groups, ns)
	}

	start := time.Now()
	if err := c.DeletePod(ctx, ns, pod.Name); err != nil {
		t.Fatal(err)
	}
	if _, err := c.TokenRequest(ctx, ns, sa, []string{aud}, pod, 0); !apierrors.IsNotFound(err) {
		t.Errorf("token request bound to a deleted pod: err = %v, want NotFound", err)
	}
	// The apiserver caches a successful authentication of a (token,
	// audiences) pair for 10 seconds, so the review above keeps passing
	// that long.
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		tr = review(ctx, t, c, token, []string{aud})
		if !tr.Status.Authenticated {
			t.Logf("after pod deletion (%v): %s", time.Since(start), tr.Status.Error)
			break
		}
		select {
		case <-ctx.Done():
			t.Fatal("token of a deleted pod still authenticates")
		case <-tick.C:
		}
	}
}

func TestTokenReviewAudience(t *testing.T) {
	t.Parallel()
	c := suite.Cluster(t)
	ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
	defer cancel()
	const ns, sa = "audience", "app"
	if err := c.CreateNamespace(ctx, ns); err != nil {
		t.Fatal(err)
	}
	if err := c.CreateServiceAccount(ctx, ns, sa); err != nil {
		t.Fatal(err)
	}
	token, err := c.TokenRequest(ctx, ns, sa, []string{"vault"}, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	if tr := review(ctx, t, c, token, []string{"cofre"}); tr.Status.Authenticated {
		t.Error("token for audience vault authenticated for audience cofre")
	}
	if tr := review(ctx, t, c, token, []string{"vault"}); !tr.Status.Authenticated {
		t.Errorf("token for audience vault not authenticated: %s", tr.Status.Error)
	} else if _, ok := tr.Status.User.Extra["authentication.kubernetes.io/pod-uid"]; ok {
		t.Error("token bound to no pod reports a pod UID")
	}
	// No audience asked for: the API audience, the issuer.
	apiToken, err := c.TokenRequest(ctx, ns, sa, nil, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	if tr := review(ctx, t, c, apiToken, nil); !tr.Status.Authenticated || !slices.Equal(tr.Status.Audiences, []string{c.Issuer}) {
		t.Errorf("API-audience token: authenticated %v, audiences %v, want [%s]", tr.Status.Authenticated, tr.Status.Audiences, c.Issuer)
	}
}

func TestReviewerPermissions(t *testing.T) {
	t.Parallel()
	c := suite.Cluster(t)
	ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
	defer cancel()
	jwt, err := c.ReviewerToken(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := c.ClientForToken(jwt)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rc.CoreV1().Pods("").List(ctx, metav1.ListOptions{}); err != nil {
		t.Errorf("reviewer cannot list pods: %v", err)
	}
	if _, err := rc.CoreV1().Secrets("kube-system").List(ctx, metav1.ListOptions{}); !apierrors.IsForbidden(err) {
		t.Errorf("reviewer listing secrets: err = %v, want Forbidden", err)
	}
	// A second call reuses the account and issues a working token.
	again, err := c.ReviewerToken(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if tr := review(ctx, t, c, again, nil); !tr.Status.Authenticated ||
		tr.Status.User.Username != "system:serviceaccount:"+kube.ReviewerNamespace+":"+kube.ReviewerServiceAccount {
		t.Errorf("second reviewer token: %+v", tr.Status)
	}
}

func TestSecretProviderClassServed(t *testing.T) {
	t.Parallel()
	c := suite.Cluster(t)
	ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
	defer cancel()
	const ns = "spc"
	if err := c.CreateNamespace(ctx, ns); err != nil {
		t.Fatal(err)
	}
	spc := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": kube.SecretsStoreGroup + "/" + kube.SecretsStoreVersion,
		"kind":       "SecretProviderClass",
		"metadata":   map[string]any{"name": "db", "namespace": ns},
		"spec": map[string]any{
			"provider":   "cofre",
			"parameters": map[string]any{"roleName": "app", "objects": "- objectName: password\n"},
		},
	}}
	res := c.Dynamic.Resource(kube.SecretProviderClassResource()).Namespace(ns)
	if _, err := res.Create(ctx, spc, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create SecretProviderClass: %v", err)
	}
	got, err := res.Get(ctx, "db", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if p, _, _ := unstructured.NestedString(got.Object, "spec", "provider"); p != "cofre" {
		t.Errorf("spec.provider = %q, want cofre", p)
	}
	if r, _, _ := unstructured.NestedString(got.Object, "spec", "parameters", "roleName"); r != "app" {
		t.Errorf("spec.parameters.roleName = %q, want app", r)
	}
	// The schema is enforced: parameters is a map of strings.
	bad := spc.DeepCopy()
	bad.SetName("bad")
	_ = unstructured.SetNestedField(bad.Object, int64(3), "spec", "provider")
	if _, err := res.Create(ctx, bad, metav1.CreateOptions{}); !apierrors.IsInvalid(err) {
		t.Errorf("SecretProviderClass with a numeric provider: err = %v, want Invalid", err)
	}
	pst := c.Dynamic.Resource(kube.SecretProviderClassPodStatusResource()).Namespace(ns)
	if _, err := pst.List(ctx, metav1.ListOptions{}); err != nil {
		t.Errorf("list SecretProviderClassPodStatus: %v", err)
	}
}

func TestKubeconfig(t *testing.T) {
	t.Parallel()
	c := suite.Cluster(t)
	b, err := os.ReadFile(c.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "server: "+c.Host+"\n") {
		t.Errorf("kubeconfig does not name %s:\n%s", c.Host, b)
	}
	if !strings.HasPrefix(c.Host, "https://127.0.0.1:") {
		t.Errorf("Host = %q, want https://127.0.0.1:<port>", c.Host)
	}
}
