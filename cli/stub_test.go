package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// recorded is one request the stub server saw.
type recorded struct {
	Method, Path, Query string
	Header              http.Header
	Body                string
}

// bodyMap decodes the recorded JSON body.
func (r recorded) bodyMap(t *testing.T) map[string]any {
	t.Helper()
	m := map[string]any{}
	if r.Body == "" {
		return m
	}
	if err := json.Unmarshal([]byte(r.Body), &m); err != nil {
		t.Fatalf("request body %q is not a JSON object: %v", r.Body, err)
	}
	return m
}

type stubResp struct {
	status int
	body   string
}

// stub is a tiny Vault-API server: routes map "METHOD /v1/path" (or
// "METHOD /v1/path?query") to canned answers and every request is kept.
type stub struct {
	srv    *httptest.Server
	mu     sync.Mutex
	reqs   []recorded
	routes map[string]stubResp
}

func newStub(t *testing.T, routes map[string]stubResp) *stub {
	t.Helper()
	s := &stub{routes: routes}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *stub) serve(w http.ResponseWriter, req *http.Request) {
	b, _ := io.ReadAll(req.Body)
	s.mu.Lock()
	s.reqs = append(s.reqs, recorded{Method: req.Method, Path: req.URL.Path, Query: req.URL.RawQuery, Header: req.Header.Clone(), Body: string(b)})
	resp, ok := s.routes[req.Method+" "+req.URL.Path+"?"+req.URL.RawQuery]
	if !ok {
		resp, ok = s.routes[req.Method+" "+req.URL.Path]
	}
	s.mu.Unlock()
	if !ok {
		resp = stubResp{404, `{"errors":[]}`}
	}
	if resp.status == 0 {
		resp.status = 200
	}
	if resp.body != "" {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(resp.status)
	io.WriteString(w, resp.body)
}

// requests returns what the stub saw.
func (s *stub) requests() []recorded {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]recorded(nil), s.reqs...)
}

// last returns the last request with the given method and path, failing
// the test when there is none.
func (s *stub) last(t *testing.T, method, path string) recorded {
	t.Helper()
	reqs := s.requests()
	for i := len(reqs) - 1; i >= 0; i-- {
		if reqs[i].Method == method && reqs[i].Path == path {
			return reqs[i]
		}
	}
	t.Fatalf("no %s %s among %v", method, path, summarize(reqs))
	return recorded{}
}

func summarize(reqs []recorded) []string {
	var out []string
	for _, r := range reqs {
		out = append(out, r.Method+" "+r.Path+"?"+r.Query)
	}
	return out
}

// result is what one Run produced.
type result struct {
	code           int
	stdout, stderr string
}

// testEnv returns an Env pointed at addr with a token, no retries and a
// private home directory.
func testEnv(t *testing.T, addr string, vars map[string]string) (Env, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	env := map[string]string{"COFRE_ADDR": addr, "COFRE_TOKEN": "root-token", "VAULT_MAX_RETRIES": "0"}
	for k, v := range vars {
		env[k] = v
	}
	var out, errb bytes.Buffer
	return Env{
		Stdin:   strings.NewReader(""),
		Stdout:  &out,
		Stderr:  &errb,
		Getenv:  func(k string) string { return env[k] },
		HomeDir: t.TempDir(),
	}, &out, &errb
}

// run runs the CLI against the stub with default test settings.
func (s *stub) run(t *testing.T, args ...string) result {
	t.Helper()
	env, out, errb := testEnv(t, s.srv.URL, nil)
	code := Run(context.Background(), args, env)
	return result{code, out.String(), errb.String()}
}

// runEnv runs the CLI with a caller-adjusted Env.
func runEnv(t *testing.T, env Env, args ...string) result {
	t.Helper()
	out, errb := &bytes.Buffer{}, &bytes.Buffer{}
	env.Stdout, env.Stderr = out, errb
	code := Run(context.Background(), args, env)
	return result{code, out.String(), errb.String()}
}

func wantCode(t *testing.T, res result, code int) {
	t.Helper()
	if res.code != code {
		t.Fatalf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", res.code, code, res.stdout, res.stderr)
	}
}

func wantContains(t *testing.T, got string, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if !strings.Contains(got, s) {
			t.Errorf("output lacks %q:\n%s", s, got)
		}
	}
}

// wantRow checks that a table line holds key and value separated by
// padding.
func wantRow(t *testing.T, out, key, value string) {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		k, v, ok := strings.Cut(line, "  ")
		if ok && k == key && strings.TrimSpace(v) == value {
			return
		}
	}
	t.Errorf("no row %q = %q in:\n%s", key, value, out)
}
