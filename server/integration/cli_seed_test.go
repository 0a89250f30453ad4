package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cofre-io/cofre/cli"
	"github.com/cofre-io/cofre/server/servertest"
)

// cofreCLI runs the cofre CLI against addr with token.
func cofreCLI(t *testing.T, addr, token string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := map[string]string{"COFRE_ADDR": addr, "COFRE_TOKEN": token}
	code := cli.Run(context.Background(), args, cli.Env{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return env[k] }, HomeDir: t.TempDir(),
	})
	return code, out.String(), errb.String()
}

// TestSeedScenarioThroughCLI is the seed's KV flow with the cofre CLI:
// put, read by version, list, soft-delete, undelete, destroy, and the two
// demo policies' tokens allowed and refused.
func TestSeedScenarioThroughCLI(t *testing.T) {
	s := servertest.StartDev(t)
	root := s.Client.Token()
	ok := func(token string, args ...string) string {
		t.Helper()
		code, out, errs := cofreCLI(t, s.Addr, token, args...)
		if code != 0 {
			t.Fatalf("cofre %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errs)
		}
		return out
	}
	fails := func(token string, want string, args ...string) {
		t.Helper()
		code, out, errs := cofreCLI(t, s.Addr, token, args...)
		if code == 0 || !strings.Contains(out+errs, want) {
			t.Fatalf("cofre %s: exit %d, want failure mentioning %q\n%s%s", strings.Join(args, " "), code, want, out, errs)
		}
	}
	dir := t.TempDir()
	for name, text := range map[string]string{"app-readonly": appReadonly, "app-admin": appAdmin} {
		f := filepath.Join(dir, name+".hcl")
		if err := os.WriteFile(f, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		ok(root, "policy", "write", name, f)
	}

	ok(root, "kv", "put", "secret/demo/database", "username=appuser", "password=s3cret-passw0rd", "host=postgres.example.com", "port=5432")
	ok(root, "kv", "put", "secret/demo/database", "username=appuser", "password=second")
	if got := ok(root, "kv", "get", "-field=password", "-version=1", "secret/demo/database"); got != "s3cret-passw0rd" {
		t.Fatalf("version 1 password = %q", got)
	}
	var v struct {
		Data struct {
			Data     map[string]any `json:"data"`
			Metadata map[string]any `json:"metadata"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(ok(root, "kv", "get", "-format=json", "secret/demo/database")), &v); err != nil {
		t.Fatal(err)
	}
	if v.Data.Data["password"] != "second" || v.Data.Metadata["version"].(float64) != 2 {
		t.Fatalf("latest = %+v", v.Data)
	}
	if out := ok(root, "kv", "list", "secret/demo"); !strings.Contains(out, "database") {
		t.Fatalf("list:\n%s", out)
	}
	ok(root, "kv", "delete", "secret/demo/database")
	if code, out, _ := cofreCLI(t, s.Addr, root, "kv", "get", "-field=password", "secret/demo/database"); code == 0 || strings.Contains(out, "second") {
		t.Fatalf("soft-deleted version still readable: exit %d %q", code, out)
	}
	ok(root, "kv", "undelete", "-versions=2", "secret/demo/database")
	if got := ok(root, "kv", "get", "-field=password", "secret/demo/database"); got != "second" {
		t.Fatalf("after undelete = %q", got)
	}
	ok(root, "kv", "destroy", "-versions=1", "secret/demo/database")
	if code, out, _ := cofreCLI(t, s.Addr, root, "kv", "get", "-field=password", "-version=1", "secret/demo/database"); code == 0 || strings.Contains(out, "s3cret") {
		t.Fatalf("destroyed version still readable: exit %d %q", code, out)
	}
	if out := ok(root, "kv", "metadata", "get", "-format=json", "secret/demo/database"); !strings.Contains(out, `"destroyed": true`) {
		t.Fatalf("metadata after destroy:\n%s", out)
	}

	tokenWith := func(policy string) string {
		out := ok(root, "token", "create", "-policy="+policy, "-field=token")
		return strings.TrimSpace(out)
	}
	ro := tokenWith("app-readonly")
	if got := ok(ro, "kv", "get", "-field=username", "secret/demo/database"); got != "appuser" {
		t.Fatalf("read-only get = %q", got)
	}
	if out := ok(ro, "kv", "list", "secret/demo"); !strings.Contains(out, "database") {
		t.Fatalf("read-only list:\n%s", out)
	}
	fails(ro, "permission denied", "kv", "put", "secret/demo/database", "password=x")
	fails(ro, "permission denied", "kv", "metadata", "get", "secret/demo/database")

	adm := tokenWith("app-admin")
	ok(adm, "kv", "put", "secret/demo/database", "username=appuser", "password=third")
	if out := ok(adm, "kv", "metadata", "get", "secret/demo/database"); !strings.Contains(out, "current_version") {
		t.Fatalf("admin metadata get:\n%s", out)
	}
	fails(adm, "permission denied", "kv", "metadata", "put", "-max-versions=3", "secret/demo/database")
	ok(adm, "kv", "metadata", "delete", "secret/demo/database")
	fails(root, "No value found", "kv", "get", "secret/demo/database")
}

// TestKVEnableVersioningKeepsData upgrades a v1 mount with the CLI and
// reads the data back as version 1 of each key, at once.
func TestKVEnableVersioningKeepsData(t *testing.T) {
	s := servertest.StartDev(t)
	root := s.Client.Token()
	run := func(args ...string) string {
		t.Helper()
		code, out, errs := cofreCLI(t, s.Addr, root, args...)
		if code != 0 {
			t.Fatalf("cofre %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errs)
		}
		return out
	}
	run("secrets", "enable", "-path=legacy", "kv")
	run("kv", "put", "legacy/app/db", "password=old-one")
	run("kv", "put", "legacy/top", "k=v")
	run("kv", "enable-versioning", "legacy")
	if got := run("kv", "get", "-field=password", "legacy/app/db"); got != "old-one" {
		t.Fatalf("after upgrade: %q", got)
	}
	if out := run("kv", "metadata", "get", "legacy/top"); !strings.Contains(out, "current_version") {
		t.Fatalf("metadata after upgrade:\n%s", out)
	}
	run("kv", "put", "legacy/app/db", "password=new-one")
	if got := run("kv", "get", "-field=password", "-version=1", "legacy/app/db"); got != "old-one" {
		t.Fatalf("version 1 after a new write: %q", got)
	}
}
