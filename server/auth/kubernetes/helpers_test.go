package kubernetes

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	authv1 "k8s.io/api/authentication/v1"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/storage"
	"github.com/cofre-io/cofre/server/storage/inmem"
)

var t0 = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

// testKey signs test JWTs; otherKey signs forgeries.
var (
	keyOnce           sync.Once
	testKey, otherKey *rsa.PrivateKey
)

func keys(t testing.TB) (*rsa.PrivateKey, *rsa.PrivateKey) {
	t.Helper()
	keyOnce.Do(func() {
		var err error
		if testKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if otherKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
	})
	return testKey, otherKey
}

func publicPEM(t testing.TB, k *rsa.PrivateKey) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// signJWT builds an RS256 JWT over claims.
func signJWT(t testing.TB, k *rsa.PrivateKey, claims map[string]any) string {
	t.Helper()
	enc := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	input := enc(map[string]any{"alg": "RS256", "kid": "test"}) + "." + enc(claims)
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// saClaims are the claims of a projected ServiceAccount token.
func saClaims(ns, name string, aud []string, exp time.Time) map[string]any {
	return map[string]any{
		"iss": "https://kubernetes.default.svc",
		"sub": "system:serviceaccount:" + ns + ":" + name,
		"aud": aud,
		"exp": exp.Unix(),
		"iat": exp.Add(-time.Hour).Unix(),
	}
}

// account is what the fake API server knows about a token.
type account struct {
	Namespace, Name, UID string
	PodName, PodUID      string
	Audiences            []string
	Expired              bool
}

// defaultAPIAudience is what the fake API server checks when a review
// names no audience, like a real one's --api-audiences.
const defaultAPIAudience = "https://kubernetes.default.svc"

// fakeAPI is an httptest TLS server answering TokenReviews
// (authentication.k8s.io/v1) the way kube-apiserver does for
// ServiceAccount tokens.
type fakeAPI struct {
	srv    *httptest.Server
	mu     sync.Mutex
	known  map[string]account
	bearer string // the Authorization header required; "" accepts any
	// seen records each review: its bearer and audiences.
	seen  []seenReview
	calls atomic.Int64
}

type seenReview struct {
	Bearer    string
	Audiences []string
}

func newFakeAPI(t testing.TB) *fakeAPI {
	t.Helper()
	f := &fakeAPI{known: map[string]account{}}
	f.srv = httptest.NewTLSServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAPI) caPEM() string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: f.srv.Certificate().Raw}))
}

func (f *fakeAPI) add(tok string, a account) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.known[tok] = a
}

func (f *fakeAPI) requireBearer(tok string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.bearer = tok
}

func (f *fakeAPI) reviews() []seenReview {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.seen)
}

func (f *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/apis/authentication.k8s.io/v1/tokenreviews" {
		http.NotFound(w, r)
		return
	}
	f.calls.Add(1)
	var tr authv1.TokenReview
	if err := json.NewDecoder(r.Body).Decode(&tr); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	bearer := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	f.mu.Lock()
	f.seen = append(f.seen, seenReview{Bearer: bearer, Audiences: tr.Spec.Audiences})
	need := f.bearer
	a, ok := f.known[tr.Spec.Token]
	_, bearerKnown := f.known[bearer]
	f.mu.Unlock()
	if need != "" && bearer != need && !bearerKnown {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"kind":"Status","apiVersion":"v1","status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}`))
		return
	}
	tr.Status = f.status(tr.Spec, a, ok)
	tr.Kind, tr.APIVersion = "TokenReview", "authentication.k8s.io/v1"
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(&tr)
}

// status is the API server's verdict on a token it knows as a (ok).
func (f *fakeAPI) status(spec authv1.TokenReviewSpec, a account, ok bool) authv1.TokenReviewStatus {
	want := spec.Audiences
	if len(want) == 0 {
		want = []string{defaultAPIAudience}
	}
	var st authv1.TokenReviewStatus
	switch {
	case !ok:
		st.Error = "invalid bearer token"
	case a.Expired:
		st.Error = "service account token has expired"
	default:
		var inter []string
		for _, x := range want {
			if slices.Contains(a.Audiences, x) {
				inter = append(inter, x)
			}
		}
		if len(inter) == 0 {
			st.Error = "token audiences are invalid for the target audiences"
			break
		}
		st.Authenticated = true
		st.Audiences = inter
		st.User = authv1.UserInfo{
			Username: "system:serviceaccount:" + a.Namespace + ":" + a.Name,
			UID:      a.UID,
			Groups:   []string{"system:serviceaccounts", "system:authenticated"},
		}
		if a.PodUID != "" {
			st.User.Extra = map[string]authv1.ExtraValue{
				ExtraPodName: {a.PodName},
				ExtraPodUID:  {a.PodUID},
			}
		}
	}
	return st
}

// lookup returns what the fake knows about tok.
func (f *fakeAPI) lookup(tok string) (account, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	a, ok := f.known[tok]
	return a, ok
}

// fakeRevoker records RevokeAccessor calls.
type fakeRevoker struct {
	mu      sync.Mutex
	revoked []string
	fail    error
	notify  chan string
}

func newFakeRevoker() *fakeRevoker { return &fakeRevoker{notify: make(chan string, 100)} }

func (r *fakeRevoker) RevokeAccessor(_ context.Context, acc string) error {
	r.mu.Lock()
	err := r.fail
	if err == nil {
		r.revoked = append(r.revoked, acc)
	}
	r.mu.Unlock()
	if err == nil {
		select {
		case r.notify <- acc:
		default:
		}
	}
	return err
}

func (r *fakeRevoker) list() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.revoked)
}

// fakeFiles stands in for the pod's ServiceAccount mount.
type fakeFiles struct {
	mu    sync.Mutex
	files map[string]string
	reads map[string]int
}

func newFakeFiles(m map[string]string) *fakeFiles {
	return &fakeFiles{files: m, reads: map[string]int{}}
}

func (f *fakeFiles) set(path, v string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.files[path] = v
}

func (f *fakeFiles) read(path string) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads[path]++
	v, ok := f.files[path]
	if !ok {
		return nil, fs.ErrNotExist
	}
	return []byte(v), nil
}

// noFiles is a ReadFile outside any pod.
func noFiles(string) ([]byte, error) { return nil, fs.ErrNotExist }

// harness is a backend over an in-memory view with a fake clock.
type harness struct {
	t     testing.TB
	b     *backend
	view  storage.Backend
	clock atomic.Int64
}

func (h *harness) now() time.Time { return time.Unix(0, h.clock.Load()).UTC() }

func (h *harness) advance(d time.Duration) { h.clock.Add(int64(d)) }

// newHarness builds a backend; opts.Now is the harness clock and
// ReadFile defaults to "not in a pod".
func newHarness(t testing.TB, tokens logical.TokenRevoker, opts Options) *harness {
	t.Helper()
	h := &harness{t: t, view: storage.NewView(inmem.New(), "auth/kubernetes-uuid/")}
	h.clock.Store(t0.UnixNano())
	if opts.ReadFile == nil {
		opts.ReadFile = noFiles
	}
	opts.Now = h.now
	be, err := New(context.Background(), &logical.BackendConfig{
		StorageView: h.view,
		System:      logical.StaticSystemView{DefaultTTL: time.Hour, MaxTTL: 24 * time.Hour, Clock: h.now},
		Tokens:      tokens,
	}, opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	h.b = be.(*backend)
	t.Cleanup(func() { h.b.Cleanup(context.Background()) })
	return h
}

func (h *harness) do(op logical.Operation, path string, data map[string]any) (*logical.Response, error) {
	return h.b.HandleRequest(context.Background(), &logical.Request{
		Operation: op, Path: path, Data: data, Storage: h.view,
		Connection: &logical.Connection{RemoteAddr: "10.0.0.7"},
	})
}

func (h *harness) must(op logical.Operation, path string, data map[string]any) *logical.Response {
	h.t.Helper()
	resp, err := h.do(op, path, data)
	if err != nil {
		h.t.Fatalf("%s %s: %v", op, path, err)
	}
	return resp
}

// wantErr checks an error's kind, client message and (optional) cause.
func wantErr(t testing.TB, err error, kind error, msg string, cause error) {
	t.Helper()
	if err == nil {
		t.Fatalf("want %v %q, got success", kind, msg)
	}
	if !errors.Is(err, kind) {
		t.Fatalf("error %q is not %v", err, kind)
	}
	if got := logical.CodedMessage(err); !strings.Contains(got, msg) {
		t.Fatalf("message %q does not contain %q", got, msg)
	}
	if cause != nil && !errors.Is(err, cause) {
		t.Fatalf("error %q (%v) lacks cause %v", err, errors.Unwrap(err), cause)
	}
}
