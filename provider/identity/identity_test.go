package identity

import (
	"context"
	"errors"
	"testing"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/cofre-io/cofre/provider/params"
)

var now = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

type stubRequester struct {
	tok   string
	err   error
	calls int
}

func (s *stubRequester) RequestToken(context.Context, params.Pod, string) (string, error) {
	s.calls++
	return s.tok, s.err
}

func TestToken(t *testing.T) {
	req := &params.Request{
		Pod:   params.Pod{Name: "p", Namespace: "ns", UID: "u", ServiceAccount: "sa"},
		Class: params.Class{Audience: "cofre"},
		Tokens: map[string]params.ServiceAccountToken{
			"cofre": {Token: "driver-tok", Expiry: now.Add(time.Hour)},
			"other": {Token: "other-tok"},
		},
	}
	r := &stubRequester{tok: "requested"}
	tok, src, err := Token(context.Background(), req, r, now)
	if err != nil || tok != "driver-tok" || src != FromDriver || r.calls != 0 {
		t.Fatalf("%q %q %v", tok, src, err)
	}
	// About to expire: request one instead.
	req.Tokens["cofre"] = params.ServiceAccountToken{Token: "driver-tok", Expiry: now.Add(10 * time.Second)}
	if tok, src, err = Token(context.Background(), req, r, now); err != nil || tok != "requested" || src != FromTokenRequest {
		t.Fatalf("%q %q %v", tok, src, err)
	}
	// No token for the audience and no requester.
	req.Class.Audience = "missing"
	if _, _, err := Token(context.Background(), req, nil, now); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("no requester: %v", err)
	}
	r.err = errors.New("forbidden")
	if _, _, err := Token(context.Background(), req, r, now); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("requester failed: %v", err)
	}
}

func TestKubeRequester(t *testing.T) {
	cs := fake.NewClientset()
	var got *authenticationv1.TokenRequest
	var ns, sa string
	cs.PrependReactor("create", "serviceaccounts", func(a k8stesting.Action) (bool, runtime.Object, error) {
		ca := a.(k8stesting.CreateAction)
		if ca.GetSubresource() != "token" {
			return false, nil, nil
		}
		got = ca.GetObject().(*authenticationv1.TokenRequest).DeepCopy()
		ns, sa = ca.GetNamespace(), ca.(k8stesting.CreateActionImpl).Name
		out := got.DeepCopy()
		out.Status.Token = "minted"
		return true, out, nil
	})
	k := &KubeRequester{Client: cs}
	tok, err := k.RequestToken(context.Background(), params.Pod{Name: "p", Namespace: "ns", UID: "uid-1", ServiceAccount: "app"}, "cofre")
	if err != nil || tok != "minted" {
		t.Fatalf("%q %v", tok, err)
	}
	spec := got.Spec
	if ns != "ns" || sa != "app" || *spec.ExpirationSeconds != 600 || len(spec.Audiences) != 1 || spec.Audiences[0] != "cofre" ||
		spec.BoundObjectRef == nil || spec.BoundObjectRef.Kind != "Pod" || spec.BoundObjectRef.Name != "p" || spec.BoundObjectRef.UID != "uid-1" {
		t.Fatalf("request %s/%s %+v", ns, sa, spec)
	}
	if _, err := k.RequestToken(context.Background(), params.Pod{Name: "p", Namespace: "ns", UID: "u", ServiceAccount: "app"}, ""); err != nil {
		t.Fatal(err)
	}
	if got.Spec.Audiences != nil {
		t.Fatalf("empty audience sent as %v", got.Spec.Audiences)
	}
}
