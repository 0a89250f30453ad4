package transitseal

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"github.com/cofre-io/cofre/server/seal"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeTransit is a transit server at the HTTP boundary: AES-GCM under one
// key at transit/encrypt|decrypt/seal, and token lookup and renewal, with
// switches for failures.
type fakeTransit struct {
	t    *testing.T
	aead cipher.AEAD
	srv  *httptest.Server

	mu        sync.Mutex
	status    int // when set, every request answers it
	ttl       int // seconds the token has left
	renewable bool
	renewals  int
	lastNS    string
	lastToken string
}

func newFakeTransit(t *testing.T) *fakeTransit {
	key := make([]byte, 32)
	rand.Read(key)
	b, _ := aes.NewCipher(key)
	a, _ := cipher.NewGCM(b)
	f := &fakeTransit{t: t, aead: a, ttl: 60, renewable: true}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeTransit) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lastNS, f.lastToken = r.Header.Get("X-Vault-Namespace"), r.Header.Get("X-Vault-Token")
	reply := func(code int, body map[string]any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		json.NewEncoder(w).Encode(body)
	}
	if f.status != 0 {
		reply(f.status, map[string]any{"errors": []string{"forced failure"}})
		return
	}
	var in map[string]string
	json.NewDecoder(r.Body).Decode(&in)
	switch r.URL.Path {
	case "/v1/transit/encrypt/seal":
		pt, err := base64.StdEncoding.DecodeString(in["plaintext"])
		if err != nil {
			reply(400, map[string]any{"errors": []string{"bad base64"}})
			return
		}
		nonce := make([]byte, 12)
		rand.Read(nonce)
		ct := f.aead.Seal(nonce, nonce, pt, nil)
		reply(200, map[string]any{"data": map[string]any{"ciphertext": "vault:v1:" + base64.StdEncoding.EncodeToString(ct)}})
	case "/v1/transit/decrypt/seal":
		raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(in["ciphertext"], "vault:v1:"))
		if err != nil || len(raw) < 28 {
			reply(400, map[string]any{"errors": []string{"invalid ciphertext"}})
			return
		}
		pt, err := f.aead.Open(nil, raw[:12], raw[12:], nil)
		if err != nil {
			reply(400, map[string]any{"errors": []string{"cipher: message authentication failed"}})
			return
		}
		reply(200, map[string]any{"data": map[string]any{"plaintext": base64.StdEncoding.EncodeToString(pt)}})
	case "/v1/auth/token/lookup-self":
		reply(200, map[string]any{"data": map[string]any{"ttl": f.ttl, "renewable": f.renewable}})
	case "/v1/auth/token/renew-self":
		f.renewals++
		reply(200, map[string]any{"auth": map[string]any{"client_token": "tok", "lease_duration": f.ttl, "renewable": f.renewable}})
	default:
		reply(404, map[string]any{"errors": []string{}})
	}
}

func (f *fakeTransit) set(fn func(f *fakeTransit)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

func (f *fakeTransit) wrapper(t *testing.T, mutate func(*Config)) *Transit {
	t.Helper()
	cfg := Config{Address: f.srv.URL, Token: "s.seal-token", KeyName: "seal", MountPath: "transit/", DisableRenewal: true}
	if mutate != nil {
		mutate(&cfg)
	}
	w, err := New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	w.client.SetMaxRetries(0) // failures are the point; do not wait for retries
	t.Cleanup(func() { w.Close() })
	return w
}

func TestTransitRoundTrip(t *testing.T) {
	f := newFakeTransit(t)
	w := f.wrapper(t, func(c *Config) { c.Namespace = "ns1/" })
	ctx := context.Background()
	if w.Type() != seal.TypeTransit {
		t.Fatal(w.Type())
	}
	for _, p := range [][]byte{nil, []byte("root key"), bytes.Repeat([]byte{9}, 64)} {
		blob, err := w.Encrypt(ctx, p, []byte("cofre/root-key"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(blob, []byte("vault:v1:")) {
			t.Fatalf("blob %q", blob)
		}
		got, err := w.Decrypt(ctx, blob, []byte("cofre/root-key"))
		if err != nil || !bytes.Equal(got, p) {
			t.Fatalf("round trip: %q %v", got, err)
		}
		if _, err := w.Decrypt(ctx, blob, []byte("cofre/recovery-key")); !errors.Is(err, seal.ErrDecrypt) {
			t.Fatalf("other aad: %v", err)
		}
	}
	if f.lastNS != "ns1/" || f.lastToken != "s.seal-token" {
		t.Fatalf("namespace %q, token sent %v", f.lastNS, f.lastToken == "s.seal-token")
	}
	// nil and empty aad are the same.
	blob, _ := w.Encrypt(ctx, []byte("x"), nil)
	if got, err := w.Decrypt(ctx, blob, []byte{}); err != nil || string(got) != "x" {
		t.Fatalf("nil/empty aad: %q %v", got, err)
	}
	two, _ := w.Encrypt(ctx, []byte("x"), nil)
	if bytes.Equal(blob, two) {
		t.Fatal("two blobs are equal")
	}
	tampered := bytes.Clone(blob)
	tampered[len(tampered)-3] ^= 1
	for name, b := range map[string][]byte{"tampered": tampered, "truncated": blob[:len(blob)-8], "not a blob": []byte("xyz"), "empty": nil} {
		got, err := w.Decrypt(ctx, b, nil)
		if !errors.Is(err, seal.ErrDecrypt) || got != nil {
			t.Fatalf("%s: %q %v", name, got, err)
		}
	}
}

func TestTransitUnavailable(t *testing.T) {
	f := newFakeTransit(t)
	w := f.wrapper(t, nil)
	ctx := context.Background()
	blob, err := w.Encrypt(ctx, []byte("k"), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		status int
		want   string
	}{{403, "permission denied"}, {503, "sealed"}, {500, "HTTP 500"}} {
		f.set(func(f *fakeTransit) { f.status = c.status })
		_, err := w.Decrypt(ctx, blob, nil)
		if !errors.Is(err, ErrTransitUnavailable) || errors.Is(err, seal.ErrDecrypt) || !strings.Contains(err.Error(), c.want) {
			t.Fatalf("status %d: %v", c.status, err)
		}
		if _, err := w.Encrypt(ctx, []byte("k"), nil); !errors.Is(err, ErrTransitUnavailable) {
			t.Fatalf("encrypt with status %d: %v", c.status, err)
		}
	}
	f.srv.Close()
	_, err = w.Decrypt(ctx, blob, nil)
	if !errors.Is(err, ErrTransitUnavailable) || !strings.Contains(err.Error(), "cannot reach "+f.srv.URL) {
		t.Fatalf("server down: %v", err)
	}
	if strings.Contains(err.Error(), "s.seal-token") {
		t.Fatal("the error shows the token")
	}
}

func TestTransitConfig(t *testing.T) {
	env := map[string]string{
		"VAULT_ADDR": "http://127.0.0.1:1", "VAULT_TOKEN": "t", "VAULT_TRANSIT_SEAL_KEY_NAME": "k",
		"VAULT_TRANSIT_SEAL_MOUNT_PATH": "transit", "VAULT_TRANSIT_SEAL_DISABLE_RENEWAL": "true",
	}
	getenv := func(k string) string { return env[k] }
	w, err := New(Config{}, getenv)
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	if w.encPath != "transit/encrypt/k" || w.decPath != "transit/decrypt/k" || w.addr != "http://127.0.0.1:1" {
		t.Fatalf("from env: %+v", w)
	}
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{Token: "t", KeyName: "k", MountPath: "m"}, "address"},
		{Config{Address: "http://x", KeyName: "k", MountPath: "m"}, "token"},
		{Config{Address: "http://x", Token: "t", MountPath: "m"}, "key_name"},
		{Config{Address: "http://x", Token: "t", KeyName: "k", MountPath: "/"}, "mount_path"},
		{Config{Address: "http://x", Token: "t", KeyName: "k", MountPath: "m", TLSCACert: "/nonexistent/ca.pem"}, "TLS"},
	} {
		if _, err := New(c.cfg, nil); !errors.Is(err, ErrTransitConfig) || !strings.Contains(err.Error(), c.want) {
			t.Fatalf("%+v: %v", c.cfg, err)
		}
	}
	env["VAULT_SKIP_VERIFY"] = "maybe"
	if _, err := New(Config{}, getenv); !errors.Is(err, ErrTransitConfig) {
		t.Fatalf("bad boolean: %v", err)
	}
}

// TestTransitRenewLoop drives the loop with a recording sleeper.
func TestTransitRenewLoop(t *testing.T) {
	f := newFakeTransit(t)
	var logs bytes.Buffer
	w := f.wrapper(t, func(c *Config) { c.Logger = slog.New(slog.NewTextHandler(&logs, nil)) })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var waits []time.Duration
	sleep := func(_ context.Context, d time.Duration) bool {
		waits = append(waits, d)
		switch len(waits) {
		case 2:
			f.set(func(f *fakeTransit) { f.ttl = 20 })
		case 3:
			f.set(func(f *fakeTransit) { f.status = 502 })
		case 4:
			f.set(func(f *fakeTransit) { f.status = 0 })
		case 6:
			cancel()
			return false
		}
		return true
	}
	w.renewLoop(ctx, sleep)
	want := []time.Duration{30 * time.Second, 30 * time.Second, 10 * time.Second, 2 * time.Second, 10 * time.Second, 10 * time.Second}
	if len(waits) != len(want) {
		t.Fatalf("waits %v, want %v", waits, want)
	}
	for i := range want {
		if waits[i] != want[i] {
			t.Fatalf("waits %v, want %v", waits, want)
		}
	}
	if f.renewals != 4 {
		t.Fatalf("%d renewals", f.renewals)
	}
	if !strings.Contains(logs.String(), "renewal failed") || strings.Contains(logs.String(), "s.seal-token") {
		t.Fatalf("logs: %s", logs.String())
	}

	// A token that does not expire is not renewed.
	f.set(func(f *fakeTransit) { f.ttl, f.renewals = 0, 0 })
	waits = nil
	w.renewLoop(context.Background(), sleep)
	if len(waits) != 0 || f.renewals != 0 {
		t.Fatalf("root token: waits %v, %d renewals", waits, f.renewals)
	}
}

// TestTransitCloseStopsRenewal: with renewal on, Close returns once the
// goroutine has ended.
func TestTransitCloseStopsRenewal(t *testing.T) {
	f := newFakeTransit(t)
	w := f.wrapper(t, func(c *Config) { c.DisableRenewal = false })
	done := make(chan struct{})
	go func() {
		w.Close()
		w.Close()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not return")
	}
}

// FuzzTransitEnvelope: what the transit server hands back is outside
// input; opening it never panics, and only an envelope made for aad opens.
func FuzzTransitEnvelope(f *testing.F) {
	f.Add(sealEnvelope([]byte("root key"), []byte("cofre/root-key")), []byte("cofre/root-key"))
	f.Add(sealEnvelope(nil, nil), []byte{})
	f.Add([]byte{1, 0xff, 0xff, 0xff, 0xff}, []byte("x"))
	f.Add([]byte{2, 0, 0, 0, 0}, []byte(nil))
	f.Fuzz(func(t *testing.T, env, aad []byte) {
		pt, err := openEnvelope(env, aad)
		if err != nil {
			if !errors.Is(err, seal.ErrDecrypt) || pt != nil {
				t.Fatalf("bad failure: %v", err)
			}
			return
		}
		if !bytes.Equal(sealEnvelope(pt, aad), env) {
			t.Fatalf("%x opened with aad %x to %x, which does not seal back", env, aad, pt)
		}
	})
}
