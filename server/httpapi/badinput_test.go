package httpapi_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	vault "github.com/hashicorp/vault/api"

	"github.com/cofre-io/cofre/server/servertest"
)

// raw sends a request and returns the status and decoded error list.
func raw(t *testing.T, s *servertest.Server, method, path, token, body string) (int, []string) {
	t.Helper()
	req, err := http.NewRequest(method, s.Addr+"/v1/"+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("X-Vault-Token", token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var e struct {
		Errors []string `json:"errors"`
	}
	_ = json.Unmarshal(data, &e)
	return resp.StatusCode, e.Errors
}

func TestBadInputChangesNothing(t *testing.T) {
	s := servertest.StartDev(t)
	root := s.Client.Token()
	before, err := s.Client.Sys().ListMounts()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, method, path, body string
		token                    string
		status                   int
		msg                      string
	}{
		{"malformed JSON", "POST", "sys/mounts/x", `{"type":`, root, 400, "failed to parse JSON input"},
		{"JSON array", "POST", "sys/mounts/x", `["kv"]`, root, 400, "must be a JSON object"},
		{"trailing garbage", "POST", "sys/mounts/x", `{"type":"kv"} {}`, root, 400, "failed to parse JSON input"},
		{"wrong field type", "POST", "sys/mounts/x", `{"type":"kv","local":"maybe"}`, root, 400, "local"},
		{"unknown engine", "POST", "sys/mounts/x", `{"type":"nope"}`, root, 400, "unknown secrets engine type"},
		{"reserved path", "POST", "sys/mounts/sys/x", `{"type":"kv"}`, root, 400, ""},
		{"no token", "GET", "sys/mounts", "", "", 403, "permission denied"},
		{"bad token", "GET", "sys/mounts", "", "hvs.nottoken", 403, "permission denied"},
		{"no route", "GET", "nowhere/x", "", root, 404, "no handler for route"},
		{"unsupported path in mount", "GET", "sys/nonsense", "", root, 404, "unsupported path"},
		{"method", "TRACE", "sys/mounts", "", root, 405, ""},
		{"bad policy", "PUT", "sys/policies/acl/p", `{"policy":"path {"}`, root, 400, "line"},
		{"init twice", "PUT", "sys/init", `{"secret_shares":1,"secret_threshold":1}`, "", 400, "already initialized"},
		{"bad unseal key encoding", "PUT", "sys/unseal", `{"key":"***"}`, "", 400, "valid hex or base64"},
		{"unseal key missing", "PUT", "sys/unseal", `{}`, "", 400, "'key' must be specified"},
		{"bad wrap ttl is checked", "PUT", "sys/init", `{"secret_shares":0}`, "", 400, ""},
		{"disable protected", "DELETE", "sys/mounts/sys", "", root, 400, "protected"},
		{"disable token auth", "DELETE", "sys/auth/token", "", root, 400, "protected"},
		{"tune missing mount", "POST", "sys/mounts/none/tune", `{"default_lease_ttl":"1h"}`, root, 400, "no secrets engine"},
		{"tune bad ttl", "POST", "sys/mounts/sys/tune", `{"default_lease_ttl":"forever"}`, root, 400, "default_lease_ttl"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, errs := raw(t, s, tc.method, tc.path, tc.token, tc.body)
			if status != tc.status {
				t.Fatalf("status %d (%v), want %d", status, errs, tc.status)
			}
			if tc.msg != "" && !strings.Contains(strings.Join(errs, "\n"), tc.msg) {
				t.Fatalf("errors %q lack %q", errs, tc.msg)
			}
		})
	}
	after, err := s.Client.Sys().ListMounts()
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) {
		t.Fatalf("mounts changed: %d before, %d after", len(before), len(after))
	}
}

func TestOversizeBody(t *testing.T) {
	s := servertest.StartDev(t)
	big := `{"policy":"` + strings.Repeat("a", 33<<20) + `"}`
	status, _ := raw(t, s, "PUT", "sys/policies/acl/big", s.Client.Token(), big)
	if status != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d, want 413", status)
	}
	if _, err := s.Client.Sys().GetPolicy("big"); err != nil {
		t.Fatal(err)
	}
	if p, _ := s.Client.Sys().GetPolicy("big"); p != "" {
		t.Fatal("oversize policy stored")
	}
}

func TestWrongSharesResetProgress(t *testing.T) {
	a := servertest.Start(t, servertest.Options{})
	b := servertest.Start(t, servertest.Options{})
	ia, err := a.Client.Sys().Init(&vault.InitRequest{SecretShares: 3, SecretThreshold: 2})
	if err != nil {
		t.Fatal(err)
	}
	ib, err := b.Client.Sys().Init(&vault.InitRequest{SecretShares: 3, SecretThreshold: 2})
	if err != nil {
		t.Fatal(err)
	}
	sys := a.Client.Sys()
	if _, err := sys.Unseal(ia.Keys[0]); err != nil {
		t.Fatal(err)
	}
	// A share from another initialisation.
	_, err = sys.Unseal(ib.Keys[1])
	var re *vault.ResponseError
	if !errors.As(err, &re) || re.StatusCode != 400 || !strings.Contains(strings.Join(re.Errors, " "), "another initialization") {
		t.Fatalf("foreign share: %v", err)
	}
	st, err := sys.SealStatus()
	if err != nil {
		t.Fatal(err)
	}
	if !st.Sealed || st.Progress != 0 {
		t.Fatalf("after a wrong share: sealed=%v progress=%d, want sealed and reset", st.Sealed, st.Progress)
	}
	// The same share twice does not count twice.
	for i := 0; i < 2; i++ {
		if st, err = sys.Unseal(ia.Keys[2]); err != nil {
			t.Fatal(err)
		}
	}
	if !st.Sealed || st.Progress != 1 {
		t.Fatalf("duplicate share: sealed=%v progress=%d", st.Sealed, st.Progress)
	}
	if st, err = sys.ResetUnsealProcess(); err != nil || st.Progress != 0 {
		t.Fatalf("reset: %+v %v", st, err)
	}
	for _, k := range ia.KeysB64[:2] {
		st, err = sys.Unseal(k)
		if err != nil {
			t.Fatal(err)
		}
	}
	if st.Sealed {
		t.Fatal("right shares did not unseal")
	}
}
