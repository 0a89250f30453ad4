package kubernetes

import (
	"errors"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/cofre-io/cofre/server/logical"
)

const reviewerJWT = "reviewer-credential"

// loginSetup is a configured backend with the seed's demo-app role and a
// fake API server that knows one valid token of vault-demo/demo-app.
type loginSetup struct {
	*harness
	api   *fakeAPI
	valid string
}

func newLoginSetup(t *testing.T, cfg map[string]any, opts Options) *loginSetup {
	t.Helper()
	k, _ := keys(t)
	s := &loginSetup{harness: newHarness(t, nil, opts), api: newFakeAPI(t)}
	data := map[string]any{
		"kubernetes_host":    s.api.srv.URL,
		"kubernetes_ca_cert": s.api.caPEM(),
		"token_reviewer_jwt": reviewerJWT,
	}
	for k, v := range cfg {
		data[k] = v
	}
	s.must(logical.UpdateOperation, "config", data)
	s.api.requireBearer(reviewerJWT)
	s.must(logical.CreateOperation, "role/demo-app", map[string]any{
		"bound_service_account_names":      "demo-app",
		"bound_service_account_namespaces": "vault-demo",
		"policies":                         "app-readonly",
		"ttl":                              "1h",
	})
	s.valid = signJWT(t, k, saClaims("vault-demo", "demo-app", []string{defaultAPIAudience}, t0.Add(time.Hour)))
	s.api.add(s.valid, account{Namespace: "vault-demo", Name: "demo-app", UID: "sa-uid-1", Audiences: []string{defaultAPIAudience}})
	return s
}

func (s *loginSetup) login(role, jwt string) (*logical.Response, error) {
	return s.do(logical.UpdateOperation, "login", map[string]any{"role": role, "jwt": jwt})
}

func TestLoginIssuesAuthFromTokenReview(t *testing.T) {
	s := newLoginSetup(t, nil, Options{})
	resp, err := s.login("demo-app", s.valid)
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	a := resp.Auth
	if a == nil {
		t.Fatal("no auth")
	}
	want := map[string]string{
		"role": "demo-app", "service_account_name": "demo-app", "service_account_namespace": "vault-demo",
		"service_account_uid": "sa-uid-1", "service_account_secret_name": "",
	}
	if len(a.Metadata) != len(want) {
		t.Fatalf("metadata %v", a.Metadata)
	}
	for k, v := range want {
		if got, ok := a.Metadata[k]; !ok || got != v {
			t.Fatalf("metadata[%s] = %q, want %q (all: %v)", k, got, v, a.Metadata)
		}
	}
	if !slices.Equal(a.Policies, []string{"app-readonly"}) || a.TTL != time.Hour || !a.Renewable {
		t.Fatalf("auth %+v", a)
	}
	if a.DisplayName != "vault-demo-demo-app" || a.InternalData["alias_name"] != "sa-uid-1" {
		t.Fatalf("display %q alias %v", a.DisplayName, a.InternalData["alias_name"])
	}
	if a.Accessor != "" {
		t.Fatalf("a token that is not pod-bound got a preset accessor %q", a.Accessor)
	}
	rv := s.api.reviews()
	if len(rv) != 1 || rv[0].Bearer != reviewerJWT || len(rv[0].Audiences) != 0 {
		t.Fatalf("reviews %+v", rv)
	}
	// Role names are case-insensitive.
	if _, err := s.login("Demo-App", s.valid); err != nil {
		t.Fatalf("login with mixed-case role: %v", err)
	}
}

func TestLoginAliasByName(t *testing.T) {
	s := newLoginSetup(t, nil, Options{})
	s.must(logical.UpdateOperation, "role/demo-app", map[string]any{"alias_name_source": AliasSourceName})
	resp, err := s.login("demo-app", s.valid)
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.Auth.InternalData["alias_name"]; got != "vault-demo/demo-app" {
		t.Fatalf("alias %v", got)
	}
}

func TestLoginRefusals(t *testing.T) {
	k, other := keys(t)
	s := newLoginSetup(t, nil, Options{})
	mk := func(ns, name string, aud []string, exp time.Time, a *account) string {
		tok := signJWT(t, k, saClaims(ns, name, aud, exp))
		if a != nil {
			s.api.add(tok, *a)
		}
		return tok
	}
	apiAud := []string{defaultAPIAudience}
	otherSA := mk("vault-demo", "intruder", apiAud, t0.Add(time.Hour), &account{Namespace: "vault-demo", Name: "intruder", UID: "u2", Audiences: apiAud})
	otherNS := mk("elsewhere", "demo-app", apiAud, t0.Add(time.Hour), &account{Namespace: "elsewhere", Name: "demo-app", UID: "u3", Audiences: apiAud})
	expired := mk("vault-demo", "demo-app", apiAud, t0.Add(-2*time.Minute), &account{Namespace: "vault-demo", Name: "demo-app", UID: "sa-uid-1", Audiences: apiAud})
	expiredAtAPI := mk("vault-demo", "demo-app", apiAud, t0.Add(time.Hour), &account{Namespace: "vault-demo", Name: "demo-app", UID: "sa-uid-1", Audiences: apiAud, Expired: true})
	notYet := signJWT(t, k, map[string]any{"sub": "x", "nbf": t0.Add(10 * time.Minute).Unix()})
	forged := signJWT(t, other, saClaims("vault-demo", "demo-app", apiAud, t0.Add(time.Hour)))
	notSA := mk("", "", apiAud, t0.Add(time.Hour), &account{Namespace: "", Name: "", Audiences: apiAud})

	cases := []struct {
		name, role, jwt string
		kind            error
		msg             string
		cause           error
		reviewed        bool
	}{
		{"unknown role", "nope", s.valid, logical.ErrInvalidRequest, `invalid role name "nope"`, nil, false},
		{"missing role", "", s.valid, logical.ErrInvalidRequest, "missing role", nil, false},
		{"missing jwt", "demo-app", "", logical.ErrInvalidRequest, "missing jwt", nil, false},
		{"garbage jwt", "demo-app", "not-a-jwt", logical.ErrInvalidRequest, "malformed JWT", ErrMalformedJWT, false},
		{"service account not bound", "demo-app", otherSA, logical.ErrPermissionDenied, "service account name not authorized", ErrNameNotBound, true},
		{"namespace not bound", "demo-app", otherNS, logical.ErrPermissionDenied, "namespace not authorized", ErrNamespaceNotBound, true},
		{"expired (local check)", "demo-app", expired, logical.ErrPermissionDenied, "permission denied", ErrTokenExpired, false},
		{"expired (API server)", "demo-app", expiredAtAPI, logical.ErrPermissionDenied, "permission denied", ErrNotAuthenticated, true},
		{"not yet valid", "demo-app", notYet, logical.ErrPermissionDenied, "permission denied", ErrTokenNotYetValid, false},
		{"forged", "demo-app", forged, logical.ErrPermissionDenied, "permission denied", ErrNotAuthenticated, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := s.api.calls.Load()
			resp, err := s.login(c.role, c.jwt)
			if resp != nil && resp.Auth != nil {
				t.Fatalf("auth issued: %+v", resp.Auth)
			}
			wantErr(t, err, c.kind, c.msg, c.cause)
			if reviewed := s.api.calls.Load() > before; reviewed != c.reviewed {
				t.Fatalf("reviewed = %v, want %v", reviewed, c.reviewed)
			}
		})
	}
	// A user that is not a ServiceAccount (the fake answers with a
	// malformed username for the empty account).
	_, err := s.login("demo-app", notSA)
	wantErr(t, err, logical.ErrPermissionDenied, "permission denied", ErrNotServiceAccount)
}

func TestLoginAudience(t *testing.T) {
	k, _ := keys(t)
	s := newLoginSetup(t, nil, Options{})
	s.must(logical.UpdateOperation, "role/demo-app", map[string]any{"audience": "cofre"})
	good := signJWT(t, k, saClaims("vault-demo", "demo-app", []string{"cofre"}, t0.Add(time.Hour)))
	s.api.add(good, account{Namespace: "vault-demo", Name: "demo-app", UID: "sa-uid-1", Audiences: []string{"cofre"}})
	if _, err := s.login("demo-app", good); err != nil {
		t.Fatalf("login with the role's audience: %v", err)
	}
	rv := s.api.reviews()
	if got := rv[len(rv)-1].Audiences; !slices.Equal(got, []string{"cofre"}) {
		t.Fatalf("review audiences %v", got)
	}
	// The JWT names another audience: refused before the review.
	before := s.api.calls.Load()
	_, err := s.login("demo-app", s.valid)
	wantErr(t, err, logical.ErrPermissionDenied, "permission denied", ErrAudience)
	if s.api.calls.Load() != before {
		t.Fatal("wrong-audience token was sent for review")
	}
	// The claims say "cofre" but the API server does not accept it for
	// that audience: the review decides.
	lying := signJWT(t, k, saClaims("vault-demo", "demo-app", []string{"cofre"}, t0.Add(30*time.Minute)))
	s.api.add(lying, account{Namespace: "vault-demo", Name: "demo-app", UID: "sa-uid-1", Audiences: []string{defaultAPIAudience}})
	_, err = s.login("demo-app", lying)
	wantErr(t, err, logical.ErrPermissionDenied, "permission denied", ErrNotAuthenticated)
}

func TestLoginGlobBindings(t *testing.T) {
	k, _ := keys(t)
	s := newLoginSetup(t, nil, Options{})
	s.must(logical.CreateOperation, "role/apps", map[string]any{
		"bound_service_account_names": "app-*", "bound_service_account_namespaces": "*", "policies": "p",
	})
	for _, c := range []struct {
		ns, name string
		ok       bool
	}{{"team-a", "app-web", true}, {"x", "app-", true}, {"x", "web-app", false}} {
		tok := signJWT(t, k, saClaims(c.ns, c.name, []string{defaultAPIAudience}, t0.Add(time.Hour)))
		s.api.add(tok, account{Namespace: c.ns, Name: c.name, UID: "u", Audiences: []string{defaultAPIAudience}})
		_, err := s.login("apps", tok)
		if (err == nil) != c.ok {
			t.Fatalf("%s/%s: err %v, want ok=%v", c.ns, c.name, err, c.ok)
		}
	}
}

func TestLoginAPIServerFailures(t *testing.T) {
	s := newLoginSetup(t, nil, Options{})
	// The reviewer credential is refused: a server-side problem.
	s.api.requireBearer("something-else")
	_, err := s.login("demo-app", s.valid)
	wantErr(t, err, logical.ErrInternal, "refused the token_reviewer_jwt (401", ErrAPIServer)

	// The API server is down: 500 naming the host.
	s.api.srv.Close()
	_, err = s.login("demo-app", s.valid)
	wantErr(t, err, logical.ErrInternal, "could not reach the Kubernetes API server at "+s.api.srv.URL, ErrAPIServer)
}

func TestLoginNotConfigured(t *testing.T) {
	h := newHarness(t, nil, Options{})
	h.must(logical.CreateOperation, "role/r", map[string]any{"bound_service_account_names": "a", "bound_service_account_namespaces": "b"})
	_, err := h.do(logical.UpdateOperation, "login", map[string]any{"role": "r", "jwt": "a.b.c"})
	wantErr(t, err, logical.ErrInternal, "could not load backend configuration", ErrNotConfigured)
}

func TestLoginBearerIsClientJWTWithoutReviewer(t *testing.T) {
	s := newLoginSetup(t, map[string]any{"token_reviewer_jwt": ""}, Options{})
	s.api.requireBearer("")
	if _, err := s.login("demo-app", s.valid); err != nil {
		t.Fatal(err)
	}
	rv := s.api.reviews()
	if rv[len(rv)-1].Bearer != s.valid {
		t.Fatal("the login JWT was not used as the review's bearer")
	}
	// A JWT the API server refuses as bearer is a refused login, not a
	// server error.
	s.api.requireBearer("only-this")
	k, _ := keys(t)
	unknown := signJWT(t, k, saClaims("vault-demo", "demo-app", []string{defaultAPIAudience}, t0.Add(50*time.Minute)))
	_, err := s.login("demo-app", unknown)
	wantErr(t, err, logical.ErrPermissionDenied, "permission denied", ErrNotAuthenticated)
}

func TestLoginInPodUsesLocalCredentials(t *testing.T) {
	api := newFakeAPI(t)
	files := newFakeFiles(map[string]string{LocalTokenPath: "local-1\n", LocalCAPath: api.caPEM()})
	h := newHarness(t, nil, Options{ReadFile: files.read, LocalTokenRefresh: time.Minute})
	// No CA and no reviewer JWT given: the pod's own are used.
	h.must(logical.UpdateOperation, "config", map[string]any{"kubernetes_host": api.srv.URL})
	h.must(logical.CreateOperation, "role/r", map[string]any{"bound_service_account_names": "a", "bound_service_account_namespaces": "b"})
	k, _ := keys(t)
	tok := signJWT(t, k, saClaims("b", "a", []string{defaultAPIAudience}, t0.Add(time.Hour)))
	api.add(tok, account{Namespace: "b", Name: "a", UID: "u", Audiences: []string{defaultAPIAudience}})
	login := func() string {
		t.Helper()
		if _, err := h.do(logical.UpdateOperation, "login", map[string]any{"role": "r", "jwt": tok}); err != nil {
			t.Fatalf("login: %v", err)
		}
		rv := api.reviews()
		return rv[len(rv)-1].Bearer
	}
	if got := login(); got != "local-1" {
		t.Fatalf("bearer %q", got)
	}
	// The kubelet rotates the token; it is read again once the cached copy
	// is older than the refresh interval.
	files.set(LocalTokenPath, "local-2")
	if got := login(); got != "local-1" {
		t.Fatalf("bearer before refresh %q", got)
	}
	h.advance(61 * time.Second)
	if got := login(); got != "local-2" {
		t.Fatalf("bearer after refresh %q", got)
	}

	// disable_local_ca_jwt: the login JWT is the bearer, and without a CA
	// the system roots do not trust the test server.
	h.must(logical.UpdateOperation, "config", map[string]any{
		"kubernetes_host": api.srv.URL, "kubernetes_ca_cert": api.caPEM(), "disable_local_ca_jwt": true,
	})
	if got := login(); got != tok {
		t.Fatal("with disable_local_ca_jwt the login JWT should be the bearer")
	}
	h.must(logical.UpdateOperation, "config", map[string]any{"kubernetes_host": api.srv.URL, "disable_local_ca_jwt": true})
	_, err := h.do(logical.UpdateOperation, "login", map[string]any{"role": "r", "jwt": tok})
	wantErr(t, err, logical.ErrInternal, "could not reach", ErrAPIServer)
}

func TestLoginPEMKeysAndIssuer(t *testing.T) {
	k, other := keys(t)
	s := newLoginSetup(t, map[string]any{"pem_keys": publicPEM(t, k)}, Options{})
	if _, err := s.login("demo-app", s.valid); err != nil {
		t.Fatalf("login signed by a configured key: %v", err)
	}
	s.must(logical.UpdateOperation, "config", map[string]any{
		"kubernetes_host": s.api.srv.URL, "kubernetes_ca_cert": s.api.caPEM(), "token_reviewer_jwt": reviewerJWT,
		"pem_keys": publicPEM(t, other),
	})
	before := s.api.calls.Load()
	_, err := s.login("demo-app", s.valid)
	wantErr(t, err, logical.ErrPermissionDenied, "permission denied", ErrSignature)
	if s.api.calls.Load() != before {
		t.Fatal("badly signed token was sent for review")
	}
	// Issuer validation (deprecated, off by default).
	s.must(logical.UpdateOperation, "config", map[string]any{
		"kubernetes_host": s.api.srv.URL, "kubernetes_ca_cert": s.api.caPEM(), "token_reviewer_jwt": reviewerJWT,
		"disable_iss_validation": false,
	})
	_, err = s.login("demo-app", s.valid)
	wantErr(t, err, logical.ErrPermissionDenied, "permission denied", ErrIssuer)
	s.must(logical.UpdateOperation, "config", map[string]any{
		"kubernetes_host": s.api.srv.URL, "kubernetes_ca_cert": s.api.caPEM(), "token_reviewer_jwt": reviewerJWT,
		"disable_iss_validation": false, "issuer": "https://kubernetes.default.svc",
	})
	if _, err := s.login("demo-app", s.valid); err != nil {
		t.Fatalf("login with the configured issuer: %v", err)
	}
}

var accessorRE = regexp.MustCompile(`^[0-9A-Za-z]{24}$`)

func TestLoginPodBoundTokenIsIndexed(t *testing.T) {
	k, _ := keys(t)
	s := newLoginSetup(t, nil, Options{})
	tok := signJWT(t, k, saClaims("vault-demo", "demo-app", []string{defaultAPIAudience}, t0.Add(time.Hour)))
	s.api.add(tok, account{Namespace: "vault-demo", Name: "demo-app", UID: "sa-uid-1", PodName: "demo-app-7d9", PodUID: "pod-uid-1", Audiences: []string{defaultAPIAudience}})
	var accs []string
	for range 2 {
		resp, err := s.login("demo-app", tok)
		if err != nil {
			t.Fatal(err)
		}
		a := resp.Auth
		if a.Metadata["pod_name"] != "demo-app-7d9" || a.Metadata["pod_uid"] != "pod-uid-1" {
			t.Fatalf("metadata %v", a.Metadata)
		}
		if !accessorRE.MatchString(a.Accessor) {
			t.Fatalf("accessor %q", a.Accessor)
		}
		accs = append(accs, a.Accessor)
	}
	if accs[0] == accs[1] {
		t.Fatal("accessors repeat")
	}
	rec, err := getPodRecord(t.Context(), s.view, "pod-uid-1")
	if err != nil || rec == nil {
		t.Fatalf("record %v %v", rec, err)
	}
	if rec.Namespace != "vault-demo" || rec.Name != "demo-app-7d9" || len(rec.Tokens) != 2 ||
		rec.Tokens[0].Accessor != accs[0] || rec.Tokens[1].Accessor != accs[1] {
		t.Fatalf("record %+v", rec)
	}
	// Bound: the tightest max TTL (the mount's 24h) plus the margin.
	if want := t0.Add(25 * time.Hour); !rec.Tokens[0].Expires.Equal(want) {
		t.Fatalf("expires %v, want %v", rec.Tokens[0].Expires, want)
	}

	// Expired entries are dropped when the record is next written.
	s.advance(26 * time.Hour)
	tok2 := signJWT(t, k, saClaims("vault-demo", "demo-app", []string{defaultAPIAudience}, s.now().Add(time.Hour)))
	s.api.add(tok2, account{Namespace: "vault-demo", Name: "demo-app", UID: "sa-uid-1", PodName: "demo-app-7d9", PodUID: "pod-uid-1", Audiences: []string{defaultAPIAudience}})
	if _, err := s.login("demo-app", tok2); err != nil {
		t.Fatal(err)
	}
	rec, _ = getPodRecord(t.Context(), s.view, "pod-uid-1")
	if len(rec.Tokens) != 1 {
		t.Fatalf("expired entries kept: %+v", rec.Tokens)
	}

	// Batch tokens cannot be revoked by accessor: none is preset.
	s.must(logical.UpdateOperation, "role/demo-app", map[string]any{"token_type": "batch"})
	resp, err := s.login("demo-app", tok2)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Auth.Accessor != "" {
		t.Fatal("batch login got an accessor")
	}

	// A pod known gone takes no more logins.
	s.must(logical.UpdateOperation, "role/demo-app", map[string]any{"token_type": "service"})
	rec.GoneSince = s.now()
	if err := putPodRecord(t.Context(), s.view, "pod-uid-1", rec); err != nil {
		t.Fatal(err)
	}
	_, err = s.login("demo-app", tok2)
	wantErr(t, err, logical.ErrPermissionDenied, "permission denied", ErrPodGone)
}

func TestRenew(t *testing.T) {
	s := newLoginSetup(t, nil, Options{})
	resp, err := s.login("demo-app", s.valid)
	if err != nil {
		t.Fatal(err)
	}
	renew := func() (*logical.Response, error) {
		return s.b.HandleRequest(t.Context(), &logical.Request{Operation: logical.RenewOperation, Storage: s.view, Auth: resp.Auth})
	}
	s.must(logical.UpdateOperation, "role/demo-app", map[string]any{"ttl": "30m"})
	r, err := renew()
	if err != nil || r.Auth.TTL != 30*time.Minute {
		t.Fatalf("renew: %v %+v", err, r)
	}
	s.must(logical.UpdateOperation, "role/demo-app", map[string]any{"bound_service_account_names": "someone-else"})
	_, err = renew()
	wantErr(t, err, logical.ErrPermissionDenied, "service account name not authorized", ErrNameNotBound)
	s.must(logical.UpdateOperation, "role/demo-app", map[string]any{"bound_service_account_names": "demo-*", "bound_service_account_namespaces": "prod"})
	_, err = renew()
	wantErr(t, err, logical.ErrPermissionDenied, "namespace not authorized", ErrNamespaceNotBound)
	s.must(logical.DeleteOperation, "role/demo-app", nil)
	_, err = renew()
	wantErr(t, err, logical.ErrInvalidRequest, `role "demo-app" does not exist during renewal`, nil)
	if errors.Is(err, logical.ErrPermissionDenied) {
		t.Fatal("kind")
	}
}
