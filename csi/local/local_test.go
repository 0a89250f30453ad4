package local

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	vault "github.com/hashicorp/vault/api"

	"github.com/cofre-io/cofre/server/servertest"
)

const classYAML = `apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata:
  name: demo
  annotations:
    secrets-store.cofre.io/rotation-interval: 1s
spec:
  provider: cofre
  parameters:
    objects: |
      - objectName: password
        secretPath: secret/data/demo/database
        secretKey: password
        filePermission: "0600"
      - objectName: database
        secretPath: secret/data/demo/database
      - objectName: app.env
        secretPath: secret/data/demo/database
        template: |
          DB_USER={{ .username }}
          DB_PASSWORD={{ .password }}
`

// world is an in-process server with the demo secret and policy.
type world struct {
	srv   *servertest.Server
	dir   string
	class string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{srv: servertest.StartDev(t), dir: t.TempDir()}
	w.put(t, map[string]any{"username": "appuser", "password": "s3cret"})
	if err := w.srv.Client.Sys().PutPolicy("demo", `path "secret/data/demo/*" { capabilities = ["read"] }`); err != nil {
		t.Fatal(err)
	}
	w.class = filepath.Join(w.dir, "spc.yaml")
	w.writeClass(t, classYAML)
	return w
}

func (w *world) put(t *testing.T, data map[string]any) {
	t.Helper()
	if _, err := w.srv.Client.KVv2("secret").Put(context.Background(), "demo/database", data); err != nil {
		t.Fatal(err)
	}
}

func (w *world) writeClass(t *testing.T, yaml string) {
	t.Helper()
	if err := os.WriteFile(w.class, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
}

// token is a child token with the demo policy.
func (w *world) token(t *testing.T) string {
	t.Helper()
	s, err := w.srv.Client.Auth().Token().Create(&vault.TokenCreateRequest{Policies: []string{"demo"}, TTL: "1h"})
	if err != nil {
		t.Fatal(err)
	}
	return s.Auth.ClientToken
}

func (w *world) config(target string) Config {
	return Config{Class: w.class, Target: target, Addr: w.srv.Addr, Interval: time.Minute, Timeout: 10 * time.Second, AppRolePath: "approle"}
}

func read(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return ""
	}
	return string(b)
}

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

func TestOnceWithToken(t *testing.T) {
	w := newWorld(t)
	target := filepath.Join(w.dir, "out")
	cfg := w.config(target)
	cfg.Token, cfg.Once = w.token(t), true
	var out bytes.Buffer
	if err := Run(t.Context(), cfg, quiet(), &out); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"password": "s3cret", "database/username": "appuser", "database/password": "s3cret",
		"app.env": "DB_USER=appuser\nDB_PASSWORD=s3cret\n", "..version": "1\n",
	} {
		if got := read(t, target, name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if st, err := os.Stat(filepath.Join(target, "password")); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("password mode: %v %v", st, err)
	}
	if st, err := os.Stat(target); err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("target mode: %v %v", st, err)
	}
	if !strings.Contains(out.String(), "rendered into "+target) {
		t.Errorf("output %q", out.String())
	}
	// A second run over the same directory changes nothing.
	if err := Run(t.Context(), cfg, quiet(), &out); err != nil {
		t.Fatal(err)
	}
	if got := read(t, target, "..version"); got != "1\n" {
		t.Errorf("..version after an identical run = %q", got)
	}
}

// logBuffer collects log lines from concurrent writers.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (l *logBuffer) count(s string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Count(l.b.String(), s)
}

// running runs Run in the background until the test ends; its log goes
// to the returned buffer.
func running(t *testing.T, cfg Config) *logBuffer {
	t.Helper()
	logs := &logBuffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	errc := make(chan error, 1)
	wg.Add(1)
	go func() {
		defer wg.Done()
		errc <- Run(ctx, cfg, log, &bytes.Buffer{})
	}()
	t.Cleanup(func() {
		cancel()
		wg.Wait()
		if err := <-errc; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return logs
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond) // polling with a deadline
	}
}

func TestRefreshWithAppRole(t *testing.T) {
	w := newWorld(t)
	c := w.srv.Client
	if err := c.Sys().EnableAuthWithOptions("approle", &vault.EnableAuthOptions{Type: "approle"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Logical().Write("auth/approle/role/demo", map[string]any{"token_policies": "demo", "token_ttl": "1h"}); err != nil {
		t.Fatal(err)
	}
	rid, err := c.Logical().Read("auth/approle/role/demo/role-id")
	if err != nil {
		t.Fatal(err)
	}
	sid, err := c.Logical().Write("auth/approle/role/demo/secret-id", map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(w.dir, "out")
	cfg := w.config(target)
	cfg.RoleID, cfg.SecretID = rid.Data["role_id"].(string), sid.Data["secret_id"].(string)

	bad := cfg
	bad.SecretID, bad.Once = "wrong", true
	if err := Run(t.Context(), bad, quiet(), &bytes.Buffer{}); !errors.Is(err, ErrAuth) {
		t.Errorf("wrong secret_id: %v, want ErrAuth", err)
	}

	logs := running(t, cfg)
	waitFor(t, "the first rendering", func() bool { return read(t, target, "password") == "s3cret" })
	w.put(t, map[string]any{"username": "appuser", "password": "n3w"})
	waitFor(t, "the update (class interval 1s)", func() bool { return read(t, target, "password") == "n3w" })
	if got := read(t, target, "app.env"); got != "DB_USER=appuser\nDB_PASSWORD=n3w\n" {
		t.Errorf("app.env = %q", got)
	}
	if got := read(t, target, "..version"); got != "2\n" {
		t.Errorf("..version = %q", got)
	}

	// A class edited to name a missing secret: refreshes fail, files stay.
	w.writeClass(t, strings.Replace(classYAML, "secret/data/demo/database\n        secretKey: password", "secret/data/demo/nothing\n        secretKey: password", 1))
	w.put(t, map[string]any{"username": "appuser", "password": "third"})
	waitFor(t, "two failed refreshes", func() bool { return logs.count("refresh failed") >= 2 })
	if got := read(t, target, "password"); got != "n3w" {
		t.Errorf("password after failed refreshes = %q, want the old one kept", got)
	}
	w.writeClass(t, classYAML)
	waitFor(t, "recovery", func() bool { return read(t, target, "password") == "third" })
}

func TestRunRefusals(t *testing.T) {
	w := newWorld(t)
	target := filepath.Join(w.dir, "out")
	if err := os.MkdirAll(target, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(target, "mine"), []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := w.config(target)
	cfg.Token, cfg.Once = w.token(t), true

	tests := []struct {
		name  string
		class string
		want  string
	}{
		{"missing secret", strings.Replace(classYAML, "demo/database", "demo/absent", 1), "not found"},
		{"other provider", strings.Replace(classYAML, "provider: cofre", "provider: azure", 1), "provider"},
		{"unknown object field", strings.Replace(classYAML, "secretKey: password", "secretKey: password\n        secretKye: x", 1), "secretKye"},
		{"unknown class field", strings.Replace(classYAML, "spec:", "spec:\n  providr: x", 1), "providr"},
		{"not a class", "kind: Pod\napiVersion: v1\nmetadata: {name: x}\n", "SecretProviderClass"},
	}
	for _, tt := range tests {
		w.writeClass(t, tt.class)
		err := Run(t.Context(), cfg, quiet(), &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want an error mentioning %q", tt.name, err, tt.want)
		}
	}
	if got := read(t, target, "mine"); got != "keep me" {
		t.Errorf("user's file = %q", got)
	}
	if _, err := os.Stat(filepath.Join(target, "..data")); !os.IsNotExist(err) {
		t.Errorf("failed runs wrote a payload: %v", err)
	}
	// Denied by policy.
	w.writeClass(t, classYAML)
	w.srv.Client.Sys().PutPolicy("demo", `path "secret/data/other/*" { capabilities = ["read"] }`)
	if err := Run(t.Context(), cfg, quiet(), &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "403") {
		t.Errorf("denied: %v", err)
	}
}
