package providertest

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	authv1 "k8s.io/api/authentication/v1"
)

// Account is what the fake API server knows about a token.
type Account struct {
	Namespace, ServiceAccount, UID string
	// PodName and PodUID are set for pod-bound tokens.
	PodName, PodUID string
	Audiences       []string
}

// defaultAudience stands for the API server's own audience.
const defaultAudience = "https://kubernetes.default.svc"

// Kube answers TokenReviews for the tokens it minted.
type Kube struct {
	srv   *httptest.Server
	clock *Clock

	mu      sync.Mutex
	known   map[string]Account
	reviews int
}

// NewKube starts a fake API server; it stops at test end.
func NewKube(t testing.TB, clock *Clock) *Kube {
	t.Helper()
	k := &Kube{clock: clock, known: map[string]Account{}}
	k.srv = httptest.NewUnstartedServer(http.HandlerFunc(k.serve))
	// Clients still connected at the end (the auth method's pod watcher)
	// make the server log handshake errors as it closes.
	k.srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	k.srv.StartTLS()
	t.Cleanup(k.srv.Close)
	return k
}

// URL is the API server's address.
func (k *Kube) URL() string { return k.srv.URL }

// CAPEM is the PEM of the certificate clients must trust.
func (k *Kube) CAPEM() string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: k.srv.Certificate().Raw}))
}

// Reviews is the number of TokenReviews answered.
func (k *Kube) Reviews() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.reviews
}

// Mint returns a new JWT-shaped token for a, valid for an hour of the
// clock, that the fake accepts from now on. audiences nil means the API
// server's own.
func (k *Kube) Mint(a Account) string {
	if len(a.Audiences) == 0 {
		a.Audiences = []string{defaultAudience}
	}
	if a.UID == "" {
		a.UID = "uid-" + a.Namespace + "-" + a.ServiceAccount
	}
	now := k.clock.Now()
	claims := map[string]any{
		"iss": "https://kubernetes.default.svc",
		"sub": "system:serviceaccount:" + a.Namespace + ":" + a.ServiceAccount,
		"aud": a.Audiences,
		"exp": now.Add(time.Hour).Unix(),
		"iat": now.Unix(),
		"jti": randomString(),
	}
	enc := func(v any) string {
		b, _ := json.Marshal(v) // maps of plain values always marshal
		return base64.RawURLEncoding.EncodeToString(b)
	}
	tok := enc(map[string]string{"alg": "RS256", "kid": "fake"}) + "." + enc(claims) + "." + randomString()
	k.mu.Lock()
	k.known[tok] = a
	k.mu.Unlock()
	return tok
}

// Forget makes the fake reject tok from now on (a deleted pod, say).
func (k *Kube) Forget(tok string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.known, tok)
}

func randomString() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (k *Kube) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/apis/authentication.k8s.io/v1/tokenreviews" {
		// Pod list and watch included: the auth method's watcher never syncs.
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte(`{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Forbidden","code":403}`))
		return
	}
	var tr authv1.TokenReview
	if err := json.NewDecoder(r.Body).Decode(&tr); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	k.mu.Lock()
	k.reviews++
	a, ok := k.known[tr.Spec.Token]
	k.mu.Unlock()
	tr.Status = review(tr.Spec, a, ok)
	tr.Kind, tr.APIVersion = "TokenReview", "authentication.k8s.io/v1"
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(&tr)
}

func review(spec authv1.TokenReviewSpec, a Account, ok bool) authv1.TokenReviewStatus {
	if !ok {
		return authv1.TokenReviewStatus{Error: "invalid bearer token"}
	}
	want := spec.Audiences
	if len(want) == 0 {
		want = []string{defaultAudience}
	}
	var inter []string
	for _, x := range want {
		if slices.Contains(a.Audiences, x) {
			inter = append(inter, x)
		}
	}
	if len(inter) == 0 {
		return authv1.TokenReviewStatus{Error: "token audiences " + strings.Join(a.Audiences, ",") + " is invalid for the target audiences"}
	}
	st := authv1.TokenReviewStatus{
		Authenticated: true,
		Audiences:     inter,
		User: authv1.UserInfo{
			Username: "system:serviceaccount:" + a.Namespace + ":" + a.ServiceAccount,
			UID:      a.UID,
			Groups:   []string{"system:serviceaccounts", "system:serviceaccounts:" + a.Namespace, "system:authenticated"},
		},
	}
	if a.PodUID != "" {
		st.User.Extra = map[string]authv1.ExtraValue{
			"authentication.kubernetes.io/pod-name": {a.PodName},
			"authentication.kubernetes.io/pod-uid":  {a.PodUID},
		}
	}
	return st
}
