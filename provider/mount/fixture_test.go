package mount_test

import (
	"context"
	"encoding/json"
	"sync/atomic"
	"testing"
	"time"

	vault "github.com/hashicorp/vault/api"

	"github.com/cofre-io/cofre/provider/mount"
	"github.com/cofre-io/cofre/provider/objversion"
	"github.com/cofre-io/cofre/provider/params"
	"github.com/cofre-io/cofre/provider/providertest"
	"github.com/cofre-io/cofre/provider/session"
)

const appPolicy = `
path "secret/data/app/*" { capabilities = ["read"] }
path "creds/creds/*" { capabilities = ["read", "update"] }
path "pki/issue/web" { capabilities = ["update"] }
`

// fixture is a server with kubernetes auth against a fake API server, a
// role "app" for shop/app, a lease engine at creds/, and a provider.
type fixture struct {
	t     testing.TB
	clock *providertest.Clock
	srv   *providertest.Server
	kube  *providertest.Kube
	p     *mount.Provider
	req   *requester
}

// requester mints pod-bound tokens like the TokenRequest API would.
type requester struct {
	kube  *providertest.Kube
	calls atomic.Int64
}

func (r *requester) RequestToken(_ context.Context, pod params.Pod, aud string) (string, error) {
	r.calls.Add(1)
	a := providertest.Account{Namespace: pod.Namespace, ServiceAccount: pod.ServiceAccount, PodName: pod.Name, PodUID: pod.UID}
	if aud != "" {
		a.Audiences = []string{aud}
	}
	return r.kube.Mint(a), nil
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	clock := providertest.NewClock(time.Now().UTC().Truncate(time.Second))
	f := &fixture{t: t, clock: clock}
	f.srv = providertest.StartServer(t, clock)
	f.kube = providertest.NewKube(t, clock)
	f.srv.EnableKubernetes(t, "kubernetes", f.kube)
	f.srv.Policy(t, "app", appPolicy)
	f.srv.Write(t, "auth/kubernetes/role/app", map[string]any{
		"bound_service_account_names": "app", "bound_service_account_namespaces": "shop",
		"policies": "app", "ttl": "1h",
	})
	if err := f.srv.Root.Sys().Mount("creds", &vault.MountInput{Type: providertest.LeaseEngineType}); err != nil {
		t.Fatal(err)
	}
	f.srv.PutKV(t, "app/db", map[string]any{"username": "appuser", "password": "s3cret"})
	f.req = &requester{kube: f.kube}
	f.p = f.newProvider(func(c *mount.Config) { c.Requester = f.req })
	f.srv.ResetRequests()
	return f
}

// newProvider builds a provider for the server; opts adjust its config.
func (f *fixture) newProvider(opts ...func(*mount.Config)) *mount.Provider {
	f.t.Helper()
	h, err := objversion.New([]byte("0123456789abcdef0123"))
	if err != nil {
		f.t.Fatal(err)
	}
	sm, err := session.NewManager(session.Config{Clients: session.NewClients(10 * time.Second), Now: f.clock.Now})
	if err != nil {
		f.t.Fatal(err)
	}
	cfg := mount.Config{Sessions: sm, Hasher: h, DefaultAddress: f.srv.Addr, Now: f.clock.Now}
	for _, o := range opts {
		o(&cfg)
	}
	p, err := mount.New(cfg)
	if err != nil {
		f.t.Fatal(err)
	}
	return p
}

// pod describes a pod for attrs.
type pod struct {
	name, ns, uid, sa string
	// driverToken adds a kubelet token for audience aud (when set).
	driverToken bool
	aud         string
}

var appPod = pod{name: "app-7d9f", ns: "shop", uid: "5a4e2c1b-0000-4000-8000-000000000001", sa: "app", driverToken: true}

// attrs is the attributes JSON the driver would send for p with the
// class's parameters.
func (f *fixture) attrs(p pod, class map[string]string) string {
	f.t.Helper()
	m := map[string]string{
		params.AttrPodName: p.name, params.AttrPodNamespace: p.ns, params.AttrPodUID: p.uid,
		params.AttrServiceAccount: p.sa, "secretProviderClass": "app",
	}
	if p.driverToken {
		a := providertest.Account{Namespace: p.ns, ServiceAccount: p.sa, PodName: p.name, PodUID: p.uid}
		if p.aud != "" {
			a.Audiences = []string{p.aud}
		}
		tok := f.kube.Mint(a)
		b, _ := json.Marshal(map[string]any{p.aud: map[string]string{
			"token": tok, "expirationTimestamp": f.clock.Now().Add(time.Hour).Format(time.RFC3339),
		}})
		m[params.AttrTokens] = string(b)
	}
	for k, v := range class {
		m[k] = v
	}
	b, err := json.Marshal(m)
	if err != nil {
		f.t.Fatal(err)
	}
	return string(b)
}

// attrsWithToken is attrs for p with tok as the driver's token for the
// default audience.
func (f *fixture) attrsWithToken(p pod, tok string) string {
	f.t.Helper()
	b, _ := json.Marshal(map[string]any{"": map[string]string{
		"token": tok, "expirationTimestamp": f.clock.Now().Add(time.Hour).Format(time.RFC3339),
	}})
	return f.attrs(p, map[string]string{"roleName": "app", "objects": kvClass["objects"], params.AttrTokens: string(b)})
}

// mount calls Mount for p with the class and fails the test on error.
func (f *fixture) mount(p pod, class map[string]string) *mount.Result {
	f.t.Helper()
	res, err := f.p.Mount(context.Background(), f.attrs(p, class), "{}", "420", "/target")
	if err != nil {
		f.t.Fatalf("mount: %v", err)
	}
	return res
}

// file returns the contents of the file at path in res.
func file(t *testing.T, res *mount.Result, path string) string {
	t.Helper()
	for _, f := range res.Files {
		if f.Path == path {
			return string(f.Contents)
		}
	}
	t.Fatalf("no file %q in %v", path, paths(res))
	return ""
}

func paths(res *mount.Result) []string {
	var out []string
	for _, f := range res.Files {
		out = append(out, f.Path)
	}
	return out
}

func versions(res *mount.Result) map[string]string {
	m := map[string]string{}
	for _, v := range res.Versions {
		m[v.ID] = v.Version
	}
	return m
}

// logins counts logins in the request counts.
func logins(reqs map[string]int) int { return reqs["PUT /v1/auth/kubernetes/login"] }
