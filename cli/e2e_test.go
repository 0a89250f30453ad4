package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/cofre-io/cofre/cli"
	"github.com/cofre-io/cofre/server/servertest"
)

// cofre runs the CLI against a real server.
func cofre(t *testing.T, addr, token, home string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := map[string]string{"COFRE_ADDR": addr, "COFRE_TOKEN": token, "VAULT_MAX_RETRIES": "0"}
	code := cli.Run(context.Background(), args, cli.Env{
		Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return env[k] }, HomeDir: home,
	})
	return code, out.String(), errb.String()
}

// TestAgainstDevServer drives the CLI through a dev server: status, mounts,
// generic read/write, kv v2, tokens and policies.
func TestAgainstDevServer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server")
	}
	srv := servertest.StartDev(t)
	root := srv.Client.Token()
	home := t.TempDir()
	run := func(stdin string, args ...string) (int, string, string) {
		return cofre(t, srv.Addr, root, home, stdin, args...)
	}
	must := func(args ...string) string {
		t.Helper()
		code, out, errs := run("", args...)
		if code != 0 {
			t.Fatalf("%v: exit %d\n%s%s", args, code, out, errs)
		}
		return out
	}
	out := must("status")
	if !strings.Contains(out, "Sealed") || !strings.Contains(out, "false") {
		t.Errorf("status:\n%s", out)
	}
	must("secrets", "enable", "-path=kv1", "kv")
	must("write", "kv1/app", "user=ann", "pass=pw")
	if out := must("read", "-field=user", "kv1/app"); out != "ann" {
		t.Errorf("read -field = %q", out)
	}
	if out := must("list", "-format=json", "kv1"); !strings.Contains(out, `"app"`) {
		t.Errorf("list = %s", out)
	}
	out = must("secrets", "list", "-format=json")
	var mounts map[string]any
	if err := json.Unmarshal([]byte(out), &mounts); err != nil || mounts["kv1/"] == nil {
		t.Errorf("secrets list = %s (%v)", out, err)
	}

	if _, ok := mounts["secret/"]; !ok {
		t.Fatalf("the dev server has no secret/ mount: %s", out)
	}
	{
		must("kv", "put", "secret/app", "a=1")
		must("kv", "put", "-mount=secret", "app", "a=2")
		if out := must("kv", "get", "-field=a", "-version=1", "secret/app"); out != "1" {
			t.Errorf("kv get -version=1 = %q", out)
		}
		must("kv", "patch", "secret/app", "b=3")
		if out := must("kv", "get", "-format=json", "secret/app"); !strings.Contains(out, `"b": "3"`) || !strings.Contains(out, `"a": "2"`) {
			t.Errorf("kv get after patch = %s", out)
		}
		must("kv", "metadata", "get", "secret/app")
		must("kv", "delete", "secret/app")
		must("kv", "undelete", "-versions=3", "secret/app")
		must("kv", "rollback", "-version=1", "secret/app")
		if out := must("kv", "get", "-field=a", "secret/app"); out != "1" {
			t.Errorf("after rollback a = %q", out)
		}
	}

	code, _, errs := run("path \"kv1/*\" {\n  capabilities = [\"read\"]\n}\n", "policy", "write", "reader", "-")
	if code != 0 {
		t.Fatalf("policy write: %s", errs)
	}
	if out := must("policy", "read", "reader"); !strings.Contains(out, "kv1/*") {
		t.Errorf("policy read = %q", out)
	}
	tok := must("token", "create", "-policy=reader", "-ttl=1h", "-field=token")
	if tok == "" {
		t.Fatal("no token")
	}
	// Log in with it: the token file is used by later commands.
	code, out, errs = cofre(t, srv.Addr, "", home, "", "login", tok)
	if code != 0 {
		t.Fatalf("login: %s%s", out, errs)
	}
	code, out, _ = cofre(t, srv.Addr, "", home, "", "read", "-field=pass", "kv1/app")
	if code != 0 || out != "pw" {
		t.Errorf("read as reader: %d %q", code, out)
	}
	code, _, errs = cofre(t, srv.Addr, "", home, "", "write", "kv1/app", "x=y")
	if code != 1 || !strings.Contains(errs, "permission denied") {
		t.Errorf("write as reader: %d %s", code, errs)
	}
	must("token", "revoke", tok)
	code, _, _ = cofre(t, srv.Addr, "", home, "", "read", "kv1/app")
	if code == 0 {
		t.Error("a revoked token still reads")
	}
	must("secrets", "disable", "kv1")

	// userpass login writes the token file.
	must("auth", "enable", "userpass")
	must("write", "auth/userpass/users/ann", "password=pw", "token_policies=reader")
	code, out, errs = cofre(t, srv.Addr, "", home, "", "login", "-method=userpass", "username=ann", "password=pw")
	if code != 0 {
		t.Fatalf("userpass login: %s%s", out, errs)
	}
	if out := must("auth", "list"); !strings.Contains(out, "userpass/") {
		t.Errorf("auth list = %s", out)
	}
	code, out, _ = cofre(t, srv.Addr, "", home, "", "token", "lookup", "-format=json")
	if code != 0 || !strings.Contains(out, "reader") {
		t.Errorf("lookup after userpass login: %d %s", code, out)
	}
}

// TestOperatorCeremonies drives init, unseal, generate-root, rekey,
// rotate and seal through the CLI against a fresh server.
func TestOperatorCeremonies(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server")
	}
	srv := servertest.Start(t, servertest.Options{})
	home := t.TempDir()
	run := func(token, stdin string, args ...string) (int, string, string) {
		return cofre(t, srv.Addr, token, home, stdin, args...)
	}
	code, out, errs := run("", "", "operator", "init", "-key-shares=3", "-key-threshold=2", "-format=json")
	if code != 0 {
		t.Fatalf("init: %s%s", out, errs)
	}
	var res struct {
		Keys []string `json:"unseal_keys_b64"`
		Root string   `json:"root_token"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || len(res.Keys) != 3 || res.Root == "" {
		t.Fatalf("init output %s (%v)", out, err)
	}
	if code, _, _ := run("", "", "status"); code != 2 {
		t.Errorf("status of a sealed server exits %d", code)
	}
	run("", "", "operator", "unseal", res.Keys[0])
	if code, out, errs := run("", res.Keys[1]+"\n", "operator", "unseal"); code != 0 || !strings.Contains(out, "false") {
		t.Fatalf("second unseal: %d %s%s", code, out, errs)
	}
	if code, out, _ := run("", "", "status"); code != 0 {
		t.Fatalf("status after unseal exits %d:\n%s", code, out)
	}

	// generate-root with a server-made OTP, then decode.
	code, out, errs = run("", "", "operator", "generate-root", "-init", "-format=json")
	if code != 0 {
		t.Fatalf("generate-root -init: %s%s", out, errs)
	}
	var st map[string]any
	json.Unmarshal([]byte(out), &st)
	otp, _ := st["otp"].(string)
	run("", "", "operator", "generate-root", res.Keys[0])
	code, out, errs = run("", "", "operator", "generate-root", "-format=json", res.Keys[2])
	if code != 0 {
		t.Fatalf("generate-root key: %s%s", out, errs)
	}
	json.Unmarshal([]byte(out), &st)
	enc, _ := st["encoded_token"].(string)
	code, out, errs = run("", "", "operator", "generate-root", "-decode="+enc, "-otp="+otp)
	if code != 0 {
		t.Fatalf("decode: %s%s", out, errs)
	}
	newRoot := strings.TrimSpace(out)
	if code, out, _ := run(newRoot, "", "token", "lookup", "-field=policies"); code != 0 || !strings.Contains(out, "root") {
		t.Errorf("decoded root token lookup: %d %s", code, out)
	}

	// rekey to a single share.
	if code, out, errs := run(res.Root, "", "operator", "rekey", "-init", "-key-shares=1", "-key-threshold=1"); code != 0 {
		t.Fatalf("rekey -init: %s%s", out, errs)
	}
	run(res.Root, "", "operator", "rekey", res.Keys[1])
	code, out, errs = run(res.Root, "", "operator", "rekey", "-format=json", res.Keys[2])
	if code != 0 || !strings.Contains(out, "keys_base64") {
		t.Fatalf("rekey complete: %d %s%s", code, out, errs)
	}
	var rk struct {
		Keys []string `json:"keys_base64"`
	}
	json.Unmarshal([]byte(out), &rk)

	if code, out, errs := run(res.Root, "", "operator", "rotate"); code != 0 || !strings.Contains(out, "Key Term") {
		t.Errorf("rotate: %d %s%s", code, out, errs)
	}
	if code, _, errs := run(res.Root, "", "operator", "seal"); code != 0 {
		t.Fatalf("seal: %s", errs)
	}
	if len(rk.Keys) == 1 {
		if code, out, errs := run("", "", "operator", "unseal", rk.Keys[0]); code != 0 || !strings.Contains(out, "Sealed") {
			t.Errorf("unseal with a new key: %d %s%s", code, out, errs)
		}
		if code, _, _ := run("", "", "status"); code != 0 {
			t.Error("still sealed after unsealing with the rekeyed share")
		}
	} else {
		t.Errorf("rekey gave %d keys", len(rk.Keys))
	}
}
