package mount_test

import (
	"context"
	"errors"
	"testing"

	"github.com/cofre-io/cofre/pkg/providerapi"
	"github.com/cofre-io/cofre/provider/mount"
	"github.com/cofre-io/cofre/provider/providertest"
	"github.com/cofre-io/cofre/provider/session"
)

var kvClass = map[string]string{"roleName": "app", "objects": "- {objectName: u, secretPath: secret/data/app/db, secretKey: username}"}

func mountErr(t *testing.T, f *fixture, p *mount.Provider, attrs string) *mount.Error {
	t.Helper()
	res, err := p.Mount(context.Background(), attrs, "", "", "")
	var me *mount.Error
	if res != nil || !errors.As(err, &me) {
		t.Fatalf("mount succeeded or failed oddly: %v %v", res, err)
	}
	return me
}

// A pod of another ServiceAccount is refused by the role's binding.
func TestOtherServiceAccountRefused(t *testing.T) {
	f := newFixture(t)
	intruder := pod{name: "intruder", ns: "shop", uid: "5a4e2c1b-0000-4000-8000-000000000099", sa: "intruder", driverToken: true}
	me := mountErr(t, f, f.p, f.attrs(intruder, kvClass))
	if me.Code != providerapi.CodeAuthFailed || !errors.Is(me, session.ErrLoginRefused) {
		t.Fatalf("%v", me)
	}
}

// The identity comes from the token, and must be the pod's: a token of
// another ServiceAccount, or bound to another pod, passed off as this
// pod's is refused even when the role would accept it.
func TestIdentityMismatch(t *testing.T) {
	f := newFixture(t)
	f.srv.Write(t, "auth/kubernetes/role/app", map[string]any{
		"bound_service_account_names": "app,other", "bound_service_account_namespaces": "shop", "policies": "app",
	})
	// The kubelet says the pod runs as "other", but the token is app's.
	liar := pod{name: "app-7d9f", ns: "shop", uid: appPod.uid, sa: "other", driverToken: false}
	attrs := f.attrsWithToken(liar, f.kube.Mint(providertest.Account{Namespace: "shop", ServiceAccount: "app"}))
	if me := mountErr(t, f, f.p, attrs); me.Code != providerapi.CodeAuthFailed || !errors.Is(me, session.ErrIdentityMismatch) {
		t.Fatalf("other ServiceAccount: %v", me)
	}
	// A token bound to another pod of the same ServiceAccount.
	other := providertest.Account{Namespace: "shop", ServiceAccount: "app", PodName: "app-x", PodUID: "5a4e2c1b-0000-4000-8000-000000000002"}
	attrs = f.attrsWithToken(appPod, f.kube.Mint(other))
	if me := mountErr(t, f, f.p, attrs); !errors.Is(me, session.ErrIdentityMismatch) {
		t.Fatalf("other pod: %v", me)
	}
	// Mismatched logins leave no usable token behind.
	tokens, err := f.srv.Root.Logical().List("auth/token/accessors")
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range tokens.Data["keys"].([]any) {
		sec, err := f.srv.Root.Logical().Write("auth/token/lookup-accessor", map[string]any{"accessor": a})
		if err == nil && sec.Data["path"] == "auth/kubernetes/login" {
			t.Fatalf("a mismatched login's token is still valid: %v", sec.Data["meta"])
		}
	}
}

// Without a driver token the provider requests a pod-bound one; without a
// way to request one the Mount fails with IdentityUnavailable.
func TestTokenRequestFallback(t *testing.T) {
	f := newFixture(t)
	noToken := appPod
	noToken.driverToken = false
	res := f.mount(noToken, kvClass)
	if file(t, res, "u") != "appuser" || f.req.calls.Load() != 1 {
		t.Fatalf("requests %d", f.req.calls.Load())
	}
	// The session is reused: no second TokenRequest.
	f.mount(noToken, kvClass)
	if f.req.calls.Load() != 1 {
		t.Fatal("token requested again")
	}
	// The driver's token for another audience is not used.
	f.srv.Write(t, "auth/kubernetes/role/aud", map[string]any{
		"bound_service_account_names": "app", "bound_service_account_namespaces": "shop", "policies": "app", "audience": "cofre",
	})
	withAud := appPod
	withAud.uid = "5a4e2c1b-0000-4000-8000-000000000003"
	withAud.aud = "cofre"
	class := map[string]string{"roleName": "aud", "audience": "cofre", "objects": kvClass["objects"]}
	if res := f.mount(withAud, class); file(t, res, "u") != "appuser" || f.req.calls.Load() != 1 {
		t.Fatalf("driver token for the audience not used: %d requests", f.req.calls.Load())
	}
	wrongAud := withAud
	wrongAud.uid = "5a4e2c1b-0000-4000-8000-000000000004"
	wrongAud.aud = "elsewhere"
	if res := f.mount(wrongAud, class); file(t, res, "u") != "appuser" || f.req.calls.Load() != 2 {
		t.Fatalf("token for another audience: %d requests", f.req.calls.Load())
	}
	p := f.newProvider() // no requester
	noToken.uid = "5a4e2c1b-0000-4000-8000-000000000005"
	if me := mountErr(t, f, p, f.attrs(noToken, kvClass)); me.Code != providerapi.CodeIdentityUnavailable {
		t.Fatalf("%v", me)
	}
}
