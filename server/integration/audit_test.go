package integration

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	vault "github.com/hashicorp/vault/api"

	"github.com/cofre-io/cofre/server/servertest"
)

// auditLog reads a file device's log: every line must be one JSON object.
// It returns the raw text and the records.
func auditLog(t *testing.T, path string) (string, []map[string]any) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var recs []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(nil, 4<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("audit line is not JSON (%v): %q", err, sc.Text())
		}
		recs = append(recs, m)
	}
	return string(raw), recs
}

// checkNoPlaintext fails for every secret found in the log in clear, and
// checks that at least minRequests requests were audited, each with its
// response entry.
func checkNoPlaintext(t *testing.T, path string, minRequests int, secrets map[string]string) string {
	t.Helper()
	raw, recs := auditLog(t, path)
	for name, v := range secrets {
		if v == "" {
			t.Errorf("secret %s was never captured", name)
			continue
		}
		if strings.Contains(raw, v) {
			t.Errorf("the audit log holds %s in clear", name)
		}
	}
	requests, responses := map[string]bool{}, map[string]bool{}
	for _, r := range recs {
		req, _ := r["request"].(map[string]any)
		id, _ := req["id"].(string)
		switch r["type"] {
		case "request":
			requests[id] = true
		case "response":
			responses[id] = true
		default:
			t.Errorf("record of type %v", r["type"])
		}
	}
	for id := range requests {
		if !responses[id] {
			t.Errorf("request %s has no response entry", id)
		}
	}
	if len(requests) < minRequests {
		t.Errorf("only %d requests audited", len(requests))
	}
	return raw
}

// TestAuditedFlowsKeepSecretsOutOfTheLog enables a file device with the
// cofre CLI, runs the KV, token, AppRole, userpass and wrapping flows, and
// searches the log for every secret value, password and token: none may
// be there in clear, while sys/audit-hash finds the HMAC of a value read.
func TestAuditedFlowsKeepSecretsOutOfTheLog(t *testing.T) {
	s := servertest.StartDev(t)
	c := s.Client
	root := c.Token()
	log := filepath.Join(t.TempDir(), "audit.log")
	if code, out, errs := cofreCLI(t, s.Addr, root, "audit", "enable", "-description=main log", "file", "file_path="+log); code != 0 {
		t.Fatalf("cofre audit enable: %d %s%s", code, out, errs)
	}
	secrets := map[string]string{"root token": root}

	// KV
	must(t, c.Sys().PutPolicy("app-readonly", appReadonly))
	_, err := c.KVv2("secret").Put(t.Context(), "demo/database", demoSecret)
	must(t, err)
	got, err := c.KVv2("secret").Get(t.Context(), "demo/database")
	must(t, err)
	if got.Data["password"] != demoSecret["password"] {
		t.Fatalf("read back %v", got.Data)
	}
	secrets["kv password"] = demoSecret["password"].(string)
	secrets["kv host"] = demoSecret["host"].(string)

	// Tokens: create, use, renew, revoke.
	tokSec, err := c.Auth().Token().Create(&vault.TokenCreateRequest{Policies: []string{"app-readonly"}, TTL: "1h"})
	must(t, err)
	secrets["child token"] = tokSec.Auth.ClientToken
	secrets["child accessor"] = tokSec.Auth.Accessor
	tc := s.NewClient(t, tokSec.Auth.ClientToken)
	_, err = tc.Auth().Token().LookupSelf()
	must(t, err)
	_, err = tc.Auth().Token().RenewSelf(0)
	must(t, err)
	_, err = tc.KVv2("secret").Get(t.Context(), "demo/database")
	must(t, err)
	must(t, c.Auth().Token().RevokeTree(tokSec.Auth.ClientToken))

	// AppRole
	must(t, c.Sys().EnableAuthWithOptions("approle", &vault.EnableAuthOptions{Type: "approle"}))
	_, err = c.Logical().Write("auth/approle/role/demo", map[string]any{"token_policies": "app-readonly", "token_ttl": "1h"})
	must(t, err)
	rid, err := c.Logical().Read("auth/approle/role/demo/role-id")
	must(t, err)
	sid, err := c.Logical().Write("auth/approle/role/demo/secret-id", map[string]any{})
	must(t, err)
	secrets["role_id"] = rid.Data["role_id"].(string)
	secrets["secret_id"] = sid.Data["secret_id"].(string)
	secrets["secret_id_accessor"] = sid.Data["secret_id_accessor"].(string)
	login, err := s.NewClient(t, "").Logical().Write("auth/approle/login", map[string]any{"role_id": rid.Data["role_id"], "secret_id": sid.Data["secret_id"]})
	must(t, err)
	secrets["approle token"] = login.Auth.ClientToken
	secrets["approle accessor"] = login.Auth.Accessor
	_, err = s.NewClient(t, login.Auth.ClientToken).KVv2("secret").Get(t.Context(), "demo/database")
	must(t, err)

	// Userpass, and a failed login (audited with its error).
	must(t, c.Sys().EnableAuthWithOptions("userpass", &vault.EnableAuthOptions{Type: "userpass"}))
	_, err = c.Logical().Write("auth/userpass/users/alice", map[string]any{"password": "alice-long-password-1", "token_policies": "app-readonly"})
	must(t, err)
	ul, err := s.NewClient(t, "").Auth().Login(t.Context(), userpassLogin("alice", "alice-long-password-1"))
	must(t, err)
	secrets["userpass password"] = "alice-long-password-1"
	secrets["userpass token"] = ul.Auth.ClientToken
	_, err = s.NewClient(t, "").Auth().Login(t.Context(), userpassLogin("alice", "wrong-password-attempt-9"))
	if err == nil {
		t.Fatal("login with a wrong password succeeded")
	}
	secrets["wrong password"] = "wrong-password-attempt-9"
	_, err = s.NewClient(t, "hvs.not-a-real-token-value").Logical().Read("secret/data/demo/database")
	wantStatus(t, "bogus token", err, 403)
	secrets["bogus token"] = "hvs.not-a-real-token-value"

	// Response wrapping.
	wc := s.NewClient(t, root)
	wc.SetWrappingLookupFunc(func(string, string) string { return "5m" })
	wrapped, err := wc.Logical().Write("sys/wrapping/wrap", map[string]any{"payload": "wrapped-secret-value-42"})
	must(t, err)
	secrets["wrapped value"] = "wrapped-secret-value-42"
	secrets["wrapping token"] = wrapped.WrapInfo.Token
	unwrapped, err := c.Logical().Unwrap(wrapped.WrapInfo.Token)
	must(t, err)
	if unwrapped.Data["payload"] != "wrapped-secret-value-42" {
		t.Fatalf("unwrapped %v", unwrapped.Data)
	}

	raw := checkNoPlaintext(t, log, 20, secrets)

	// The HMAC of the value that was read is in the log, as the device
	// computes it; so is the root token's.
	for _, v := range []string{demoSecret["password"].(string), root, "wrapped-secret-value-42"} {
		h, err := c.Sys().AuditHash("file", v)
		must(t, err)
		if !strings.HasPrefix(h, "hmac-sha256:") || !strings.Contains(raw, h) {
			t.Errorf("hash %q of a value used in the flows is not in the log", h)
		}
	}
	code, out, _ := cofreCLI(t, s.Addr, root, "audit", "list", "-detailed")
	if code != 0 || !strings.Contains(out, "file/") || !strings.Contains(out, "main log") || !strings.Contains(out, "file_path="+log) {
		t.Fatalf("cofre audit list: %d\n%s", code, out)
	}
	list, err := c.Sys().ListAudit()
	must(t, err)
	if a := list["file/"]; a == nil || a.Type != "file" || a.Path != "file/" || a.Options["file_path"] != log {
		t.Fatalf("ListAudit = %+v", list)
	}
}

// auditRefused checks a request refused because no device could record it.
func auditRefused(t *testing.T, what string, err error, entry string) {
	t.Helper()
	var re *vault.ResponseError
	if !errors.As(err, &re) || re.StatusCode != 500 || !strings.Contains(strings.Join(re.Errors, " "), "audit: no audit device could record the "+entry) {
		t.Fatalf("%s: got %v, want 500 \"audit: no audit device could record the %s\"", what, err, entry)
	}
}

// TestAuditDeviceThatCannotWriteRefusesRequests: with a file device on
// /dev/full as the only device, requests fail with a clear 500 and do not
// run (the KV write is not there once the device is gone).
func TestAuditDeviceThatCannotWriteRefusesRequests(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full")
	}
	s := servertest.StartDev(t)
	c := s.Client
	err := c.Sys().EnableAuditWithOptions("full", &vault.EnableAuditOptions{Type: "file", Options: map[string]string{"file_path": "/dev/full"}})
	// Enabled, but the device cannot record the enable's own response.
	auditRefused(t, "enable /dev/full", err, "response")
	_, err = c.KVv2("secret").Put(t.Context(), "demo/x", map[string]any{"v": "1"})
	auditRefused(t, "kv put", err, "request")
	_, err = c.Sys().ListAudit()
	auditRefused(t, "list audit", err, "request")
	// The API cannot disable it either (that request would go unaudited);
	// the operator's way out is in-process.
	err = c.Sys().DisableAudit("full")
	auditRefused(t, "disable through the API", err, "request")
	if ok, err := s.Core.DisableAudit(context.Background(), "full"); !ok || err != nil {
		t.Fatalf("in-process disable: %v %v", ok, err)
	}
	if _, err := c.KVv2("secret").Get(t.Context(), "demo/x"); !errors.Is(err, vault.ErrSecretNotFound) {
		t.Fatalf("the refused KV write happened: %v", err)
	}
	if n := counter(t, s, "cofre_audit_log_request_failures_total", "full/"); n < 3 {
		t.Fatalf("request failures counted: %v", n)
	}
	// Enabling a device in a missing directory is refused with 400 and
	// nothing is stored.
	err = c.Sys().EnableAuditWithOptions("gone", &vault.EnableAuditOptions{Type: "file", Options: map[string]string{"file_path": filepath.Join(t.TempDir(), "no", "a.log")}})
	wantStatus(t, "enable in a missing directory", err, 400)
	list, err := c.Sys().ListAudit()
	must(t, err)
	if len(list) != 0 {
		t.Fatalf("devices after the refusal: %v", list)
	}
}

// counter reads an audit failure counter from the core's registry.
func counter(t *testing.T, s *servertest.Server, name, device string) float64 {
	t.Helper()
	mfs, err := s.Core.AuditMetrics().Gather()
	must(t, err)
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "device" && l.GetValue() == device {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}
