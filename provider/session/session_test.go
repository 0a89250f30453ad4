package session

import (
	"errors"
	"net/http"
	"testing"

	vault "github.com/hashicorp/vault/api"
)

func TestCheckIdentity(t *testing.T) {
	want := Expect{Namespace: "shop", ServiceAccount: "app", PodUID: "uid-1"}
	ok := map[string]string{"service_account_namespace": "shop", "service_account_name": "app", "pod_uid": "uid-1"}
	if err := checkIdentity(ok, want); err != nil {
		t.Fatal(err)
	}
	unbound := map[string]string{"service_account_namespace": "shop", "service_account_name": "app"}
	if err := checkIdentity(unbound, want); err != nil {
		t.Fatalf("a token not bound to a pod: %v", err)
	}
	for name, md := range map[string]map[string]string{
		"namespace": {"service_account_namespace": "other", "service_account_name": "app"},
		"account":   {"service_account_namespace": "shop", "service_account_name": "admin"},
		"pod":       {"service_account_namespace": "shop", "service_account_name": "app", "pod_uid": "uid-2"},
		"empty":     {},
	} {
		if err := checkIdentity(md, want); !errors.Is(err, ErrIdentityMismatch) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestClassify(t *testing.T) {
	resp := func(code int, errs ...string) error {
		return &vault.ResponseError{StatusCode: code, Errors: errs}
	}
	for _, c := range []struct {
		err  error
		want error
	}{
		{resp(http.StatusForbidden, "permission denied"), ErrDenied},
		{resp(http.StatusNotFound), ErrNotFound},
		{resp(http.StatusBadRequest, "invalid role name"), ErrBadRequest},
		{resp(http.StatusServiceUnavailable, "sealed"), ErrUnavailable},
		{errors.New("dial tcp: connection refused"), ErrUnavailable},
	} {
		if got := Classify(c.err); !errors.Is(got, c.want) {
			t.Errorf("%v: %v", c.err, got)
		}
	}
	if Classify(nil) != nil {
		t.Fatal("nil")
	}
}
