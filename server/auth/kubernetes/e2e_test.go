package kubernetes_test

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	vault "github.com/hashicorp/vault/api"

	"github.com/cofre-io/cofre/e2e/kube"
	"github.com/cofre-io/cofre/server/servertest"
)

// The tests below share one kube-apiserver (no kubelet: pods stay
// Pending, which is all a TokenRequest bound to a pod needs).
var suite = kube.NewSuite(kube.Options{SkipCRDs: true})

func TestMain(m *testing.M) { os.Exit(suite.Main(m)) }

const appReadonly = `path "secret/data/demo/*" {
  capabilities = ["read", "list"]
}`

// demo is a dev server with the seed's setup: kubernetes auth configured
// against the test cluster with a reviewer token, the app-readonly policy,
// the demo-app role and a secret at secret/demo/database.
type demo struct {
	cluster *kube.Cluster
	srv     *servertest.Server
	anon    *vault.Client
}

func newDemo(t *testing.T, c *kube.Cluster, namespace string) *demo {
	t.Helper()
	ctx := t.Context()
	reviewer, err := c.ReviewerToken(ctx)
	if err != nil {
		t.Fatal(err)
	}
	srv := servertest.StartDev(t)
	root := srv.Client
	if err := root.Sys().EnableAuthWithOptions("kubernetes", &vault.EnableAuthOptions{Type: "kubernetes"}); err != nil {
		t.Fatalf("auth enable kubernetes: %v", err)
	}
	if _, err := root.Logical().Write("auth/kubernetes/config", map[string]any{
		"kubernetes_host":    c.Host,
		"kubernetes_ca_cert": string(c.CACert),
		"token_reviewer_jwt": reviewer,
	}); err != nil {
		t.Fatalf("write config: %v", err)
	}
	if err := root.Sys().PutPolicy("app-readonly", appReadonly); err != nil {
		t.Fatal(err)
	}
	if _, err := root.Logical().Write("auth/kubernetes/role/demo-app", map[string]any{
		"bound_service_account_names":      "demo-app",
		"bound_service_account_namespaces": namespace,
		"policies":                         "app-readonly",
		"ttl":                              "1h",
	}); err != nil {
		t.Fatalf("write role: %v", err)
	}
	if _, err := root.KVv2("secret").Put(ctx, "demo/database", map[string]any{"username": "appuser", "password": "s3cret"}); err != nil {
		t.Fatalf("kv put: %v", err)
	}
	anon := srv.NewClient(t, "")
	anon.ClearToken()
	return &demo{cluster: c, srv: srv, anon: anon}
}

// setupNamespace creates a namespace with the given ServiceAccounts.
func setupNamespace(t *testing.T, c *kube.Cluster, ns string, sas ...string) {
	t.Helper()
	if err := c.CreateNamespace(t.Context(), ns); err != nil {
		t.Fatal(err)
	}
	for _, sa := range sas {
		if err := c.CreateServiceAccount(t.Context(), ns, sa); err != nil {
			t.Fatal(err)
		}
	}
}

// rawLogin posts {"jwt", "role"} as the seed's wget does and returns the
// HTTP status and the decoded body.
func rawLogin(t *testing.T, addr, mount, role, jwt string) (int, map[string]any) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"jwt": jwt, "role": role})
	resp, err := http.Post(addr+"/v1/auth/"+mount+"/login", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("decode login answer (%d): %v", resp.StatusCode, err)
	}
	return resp.StatusCode, out
}

func errorsOf(body map[string]any) string {
	var out []string
	if es, ok := body["errors"].([]any); ok {
		for _, e := range es {
			s, _ := e.(string)
			out = append(out, s)
		}
	}
	return strings.Join(out, "; ")
}

func TestE2ESeedDemoFlow(t *testing.T) {
	c := suite.Cluster(t)
	ctx := t.Context()
	setupNamespace(t, c, "vault-demo", "demo-app")
	pod, err := c.CreatePod(ctx, "vault-demo", "demo-app-5f7c", "demo-app")
	if err != nil {
		t.Fatal(err)
	}
	d := newDemo(t, c, "vault-demo")
	saToken, err := c.TokenRequest(ctx, "vault-demo", "demo-app", nil, pod, 0)
	if err != nil {
		t.Fatal(err)
	}

	// The seed's wget: POST /v1/auth/kubernetes/login, then pick
	// client_token out of the answer.
	status, body := rawLogin(t, d.srv.Addr, "kubernetes", "demo-app", saToken)
	if status != http.StatusOK {
		t.Fatalf("login: %d %v", status, body)
	}
	auth, _ := body["auth"].(map[string]any)
	clientToken, _ := auth["client_token"].(string)
	if clientToken == "" {
		t.Fatalf("login answer %v", body)
	}
	md, _ := auth["metadata"].(map[string]any)
	if md["role"] != "demo-app" || md["service_account_name"] != "demo-app" || md["service_account_namespace"] != "vault-demo" ||
		md["pod_name"] != pod.Name || md["pod_uid"] != string(pod.UID) || md["service_account_uid"] == "" {
		t.Fatalf("metadata %v", md)
	}
	if auth["lease_duration"] != float64(3600) {
		t.Fatalf("lease_duration %v", auth["lease_duration"])
	}

	// Through the Vault Go client too.
	sec, err := d.anon.Logical().Write("auth/kubernetes/login", map[string]any{"role": "demo-app", "jwt": saToken})
	if err != nil {
		t.Fatalf("login via the Vault client: %v", err)
	}
	if !slices.Contains(sec.Auth.Policies, "app-readonly") || sec.Auth.LeaseDuration != 3600 || !sec.Auth.Renewable {
		t.Fatalf("auth %+v", sec.Auth)
	}

	app := d.srv.NewClient(t, clientToken)
	got, err := app.Logical().Read("secret/data/demo/database")
	if err != nil {
		t.Fatalf("read secret: %v", err)
	}
	data, _ := got.Data["data"].(map[string]any)
	if data["username"] != "appuser" || data["password"] != "s3cret" {
		t.Fatalf("secret %v", got.Data)
	}
	_, err = app.Logical().Write("secret/data/demo/database", map[string]any{"data": map[string]any{"password": "x"}})
	var re *vault.ResponseError
	if !errors.As(err, &re) || re.StatusCode != http.StatusForbidden {
		t.Fatalf("write with a read-only token: %v", err)
	}

	// Login latency with a real TokenReview (and, for pod-bound tokens,
	// the pod record write).
	plain, err := c.TokenRequest(ctx, "vault-demo", "demo-app", nil, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []struct{ name, jwt string }{{"pod-bound", saToken}, {"unbound", plain}} {
		var ds []time.Duration
		for range 30 {
			begin := time.Now()
			if st, b := rawLogin(t, d.srv.Addr, "kubernetes", "demo-app", m.jwt); st != http.StatusOK {
				t.Fatalf("login: %d %v", st, b)
			}
			ds = append(ds, time.Since(begin))
		}
		slices.Sort(ds)
		t.Logf("login latency (%s token, real TokenReview, 30 logins): min %v, median %v, p90 %v, max %v",
			m.name, ds[0], ds[len(ds)/2], ds[len(ds)*9/10], ds[len(ds)-1])
	}
}

func TestE2ERefusals(t *testing.T) {
	c := suite.Cluster(t)
	ctx := t.Context()
	setupNamespace(t, c, "refusals", "demo-app", "intruder")
	setupNamespace(t, c, "refusals-other", "demo-app")
	d := newDemo(t, c, "refusals")
	root := d.srv.Client
	tok := func(ns, sa string, aud []string) string {
		t.Helper()
		s, err := c.TokenRequest(ctx, ns, sa, aud, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	good := tok("refusals", "demo-app", nil)
	if st, b := rawLogin(t, d.srv.Addr, "kubernetes", "demo-app", good); st != http.StatusOK {
		t.Fatalf("valid login refused: %d %v", st, b)
	}
	if _, err := root.Logical().Write("auth/kubernetes/role/aud", map[string]any{
		"bound_service_account_names": "demo-app", "bound_service_account_namespaces": "refusals",
		"audience": "cofre", "policies": "app-readonly",
	}); err != nil {
		t.Fatal(err)
	}
	withAud := tok("refusals", "demo-app", []string{"cofre"})
	if st, b := rawLogin(t, d.srv.Addr, "kubernetes", "aud", withAud); st != http.StatusOK {
		t.Fatalf("login with the role's audience refused: %d %v", st, b)
	}

	// A deleted pod's token: the API server stops accepting it (after a
	// moment: it looks pods up through a cache).
	pod, err := c.CreatePod(ctx, "refusals", "gone", "demo-app")
	if err != nil {
		t.Fatal(err)
	}
	podTok, err := c.TokenRequest(ctx, "refusals", "demo-app", nil, pod, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.DeletePod(ctx, "refusals", "gone"); err != nil {
		t.Fatal(err)
	}
	pollUntil(t, "the deleted pod's token to be refused", func() bool {
		st, b := rawLogin(t, d.srv.Addr, "kubernetes", "demo-app", podTok)
		if st != http.StatusOK && (st != http.StatusForbidden || errorsOf(b) != "permission denied") {
			t.Fatalf("login with a deleted pod's token: %d %v", st, b)
		}
		return st == http.StatusForbidden
	})

	forged := forgeJWT(t, "refusals", "demo-app", c.Issuer)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedHost := "https://" + ln.Addr().String()
	ln.Close()
	if err := root.Sys().EnableAuthWithOptions("kubernetes-down", &vault.EnableAuthOptions{Type: "kubernetes"}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.Logical().Write("auth/kubernetes-down/config", map[string]any{
		"kubernetes_host": closedHost, "kubernetes_ca_cert": string(c.CACert), "token_reviewer_jwt": "unused",
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.Logical().Write("auth/kubernetes-down/role/demo-app", map[string]any{
		"bound_service_account_names": "demo-app", "bound_service_account_namespaces": "refusals",
	}); err != nil {
		t.Fatal(err)
	}

	for _, cse := range []struct {
		name, mount, role, jwt string
		status                 int
		msg                    string
	}{
		{"unknown role", "kubernetes", "nope", good, http.StatusBadRequest, `invalid role name "nope"`},
		{"service account not bound", "kubernetes", "demo-app", tok("refusals", "intruder", nil), http.StatusForbidden, "service account name not authorized"},
		{"namespace not bound", "kubernetes", "demo-app", tok("refusals-other", "demo-app", nil), http.StatusForbidden, "namespace not authorized"},
		{"token for another audience, role without one", "kubernetes", "demo-app", tok("refusals", "demo-app", []string{"someone-else"}), http.StatusForbidden, "permission denied"},
		{"token without the role's audience", "kubernetes", "aud", good, http.StatusForbidden, "permission denied"},
		{"forged token", "kubernetes", "demo-app", forged, http.StatusForbidden, "permission denied"},
		{"garbage", "kubernetes", "demo-app", "garbage", http.StatusBadRequest, "malformed JWT"},
		{"API server down", "kubernetes-down", "demo-app", good, http.StatusInternalServerError, "could not reach the Kubernetes API server at " + closedHost},
	} {
		t.Run(cse.name, func(t *testing.T) {
			st, b := rawLogin(t, d.srv.Addr, cse.mount, cse.role, cse.jwt)
			if st != cse.status || !strings.Contains(errorsOf(b), cse.msg) {
				t.Fatalf("got %d %q, want %d %q", st, errorsOf(b), cse.status, cse.msg)
			}
			if _, ok := b["auth"].(map[string]any); ok {
				t.Fatal("auth issued")
			}
		})
	}
}

// pollUntil calls done every 20ms until it holds, failing t after 30s.
func pollUntil(t *testing.T, what string, done func() bool) {
	t.Helper()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	timeout := time.After(30 * time.Second)
	for !done() {
		select {
		case <-tick.C:
		case <-timeout:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// forgeJWT signs ServiceAccount-looking claims with a key the cluster has
// never seen.
func forgeJWT(t *testing.T, ns, sa, iss string) string {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	now := time.Now()
	input := enc(map[string]any{"alg": "RS256", "kid": "forged"}) + "." + enc(map[string]any{
		"iss": iss, "sub": "system:serviceaccount:" + ns + ":" + sa, "aud": []string{iss},
		"exp": now.Add(time.Hour).Unix(), "iat": now.Unix(), "nbf": now.Unix(),
		"kubernetes.io": map[string]any{"namespace": ns, "serviceaccount": map[string]any{"name": sa, "uid": "00000000-0000-0000-0000-000000000000"}},
	})
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func TestE2EPodDeletionRevokesToken(t *testing.T) {
	c := suite.Cluster(t)
	ctx := t.Context()
	setupNamespace(t, c, "pod-revoke", "demo-app")
	d := newDemo(t, c, "pod-revoke")
	pod, err := c.CreatePod(ctx, "pod-revoke", "web-0", "demo-app")
	if err != nil {
		t.Fatal(err)
	}
	other, err := c.CreatePod(ctx, "pod-revoke", "web-1", "demo-app")
	if err != nil {
		t.Fatal(err)
	}
	tokenFor := func(withPod bool, idx int) string {
		t.Helper()
		var jwt string
		var err error
		switch {
		case !withPod:
			jwt, err = c.TokenRequest(ctx, "pod-revoke", "demo-app", nil, nil, 0)
		case idx == 0:
			jwt, err = c.TokenRequest(ctx, "pod-revoke", "demo-app", nil, pod, 0)
		default:
			jwt, err = c.TokenRequest(ctx, "pod-revoke", "demo-app", nil, other, 0)
		}
		if err != nil {
			t.Fatal(err)
		}
		sec, err := d.anon.Logical().Write("auth/kubernetes/login", map[string]any{"role": "demo-app", "jwt": jwt})
		if err != nil {
			t.Fatalf("login: %v", err)
		}
		return sec.Auth.ClientToken
	}
	doomed := []string{tokenFor(true, 0), tokenFor(true, 0)}
	survivors := []string{tokenFor(true, 1), tokenFor(false, 0)}
	for _, tk := range append(slices.Clone(doomed), survivors...) {
		if _, err := d.srv.NewClient(t, tk).Auth().Token().LookupSelf(); err != nil {
			t.Fatalf("lookup-self before the deletion: %v", err)
		}
	}

	begin := time.Now()
	if err := c.DeletePod(ctx, "pod-revoke", "web-0"); err != nil {
		t.Fatal(err)
	}
	for _, tk := range doomed {
		cl := d.srv.NewClient(t, tk)
		pollUntil(t, "the deleted pod's Cofre token to be revoked", func() bool {
			_, err := cl.Auth().Token().LookupSelf()
			var re *vault.ResponseError
			if err != nil && (!errors.As(err, &re) || re.StatusCode != http.StatusForbidden) {
				t.Fatalf("lookup-self: %v", err)
			}
			return err != nil
		})
	}
	t.Logf("tokens of the deleted pod revoked %v after DeletePod returned", time.Since(begin))
	for _, tk := range survivors {
		if _, err := d.srv.NewClient(t, tk).Auth().Token().LookupSelf(); err != nil {
			t.Fatalf("a token not bound to the deleted pod was revoked: %v", err)
		}
	}
}

// TestE2ERevokesPodDeletedWhileServerDown: a pod deleted while the server
// is stopped has its tokens revoked once the server is back and unsealed
// (the watcher's reconcile at start), without touching other pods' tokens.
func TestE2ERevokesPodDeletedWhileServerDown(t *testing.T) {
	c := suite.Cluster(t)
	ctx := t.Context()
	setupNamespace(t, c, "restart", "demo-app")
	reviewer, err := c.ReviewerToken(ctx)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	srv := servertest.Start(t, servertest.Options{RaftDir: dir, Dev: true})
	root := srv.Client
	if err := root.Sys().EnableAuthWithOptions("kubernetes", &vault.EnableAuthOptions{Type: "kubernetes"}); err != nil {
		t.Fatal(err)
	}
	for path, data := range map[string]map[string]any{
		"auth/kubernetes/config": {"kubernetes_host": c.Host, "kubernetes_ca_cert": string(c.CACert), "token_reviewer_jwt": reviewer},
		"auth/kubernetes/role/r": {"bound_service_account_names": "demo-app", "bound_service_account_namespaces": "restart"},
	} {
		if _, err := root.Logical().Write(path, data); err != nil {
			t.Fatal(err)
		}
	}
	anon := srv.NewClient(t, "")
	anon.ClearToken()
	login := func(name string) string {
		t.Helper()
		pod, err := c.CreatePod(ctx, "restart", name, "demo-app")
		if err != nil {
			t.Fatal(err)
		}
		jwt, err := c.TokenRequest(ctx, "restart", "demo-app", nil, pod, 0)
		if err != nil {
			t.Fatal(err)
		}
		sec, err := anon.Logical().Write("auth/kubernetes/login", map[string]any{"role": "r", "jwt": jwt})
		if err != nil {
			t.Fatal(err)
		}
		return sec.Auth.ClientToken
	}
	doomed, kept := login("doomed"), login("kept")
	key, rootToken := srv.UnsealKey, srv.RootToken
	srv.Stop()

	if err := c.DeletePod(ctx, "restart", "doomed"); err != nil {
		t.Fatal(err)
	}
	srv2 := servertest.Start(t, servertest.Options{RaftDir: dir})
	if _, err := srv2.Client.Sys().Unseal(key); err != nil {
		t.Fatal(err)
	}
	gone := srv2.NewClient(t, doomed)
	pollUntil(t, "the token of the pod deleted during the downtime to be revoked", func() bool {
		_, err := gone.Auth().Token().LookupSelf()
		var re *vault.ResponseError
		if err != nil && (!errors.As(err, &re) || re.StatusCode != http.StatusForbidden) {
			t.Fatalf("lookup-self: %v", err)
		}
		return err != nil
	})
	if _, err := srv2.NewClient(t, kept).Auth().Token().LookupSelf(); err != nil {
		t.Fatalf("the live pod's token was revoked: %v", err)
	}
	// Sealing stops the watcher without hanging.
	if err := srv2.NewClient(t, rootToken).Sys().Seal(); err != nil {
		t.Fatalf("seal: %v", err)
	}
}
