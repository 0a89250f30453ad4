package core_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cofre-io/cofre/server/audit"
	"github.com/cofre-io/cofre/server/core"
	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/storage"
	"github.com/cofre-io/cofre/server/storage/inmem"
	"github.com/cofre-io/cofre/server/unseal"
)

// auditCore is an unsealed core over phys; it returns the core, the root
// token and the unseal key.
func auditCore(t testing.TB, phys storage.Backend) (*core.Core, string, []byte) {
	t.Helper()
	ctx := context.Background()
	c, err := core.New(core.Config{Physical: phys, StorageType: "inmem"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Init(ctx, unseal.InitRequest{SecretShares: 1, SecretThreshold: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Unseal(ctx, res.Keys[0]); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Seal(context.Background()) })
	return c, res.RootToken, res.Keys[0]
}

func do(c *core.Core, op logical.Operation, path, tok string, data map[string]any) (*logical.Response, error) {
	return c.HandleRequest(context.Background(), &logical.Request{ID: "r-" + path, Operation: op, Path: path, ClientToken: tok, Data: data})
}

// records reads a file audit log: every line must be a JSON object.
func records(t *testing.T, path string) []map[string]any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []map[string]any
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("audit line %q: %v", sc.Text(), err)
		}
		out = append(out, m)
	}
	return out
}

func field(m map[string]any, path ...string) any {
	var cur any = m
	for _, p := range path {
		mm, _ := cur.(map[string]any)
		cur = mm[p]
	}
	return cur
}

func TestAuditThroughThePipeline(t *testing.T) {
	c, root, _ := auditCore(t, inmem.New())
	log := filepath.Join(t.TempDir(), "audit.log")
	if _, err := do(c, logical.UpdateOperation, "sys/audit/file", root, map[string]any{"type": "file", "options": map[string]any{"file_path": log}}); err != nil {
		t.Fatal(err)
	}
	if _, err := do(c, logical.ReadOperation, "sys/key-status", root, nil); err != nil {
		t.Fatal(err)
	}
	// A request whose token does not resolve is refused and audited.
	if _, err := do(c, logical.ReadOperation, "sys/key-status", "hvs.bogus-token", nil); !errors.Is(err, logical.ErrPermissionDenied) {
		t.Fatalf("bad token: %v", err)
	}
	recs := records(t, log)
	// The enable request ran before the device existed: its response is
	// the first line.
	if len(recs) != 5 {
		t.Fatalf("%d records, want 5: %v", len(recs), recs)
	}
	want := []struct{ typ, path, errMsg string }{
		{"response", "sys/audit/file", ""},
		{"request", "sys/key-status", ""},
		{"response", "sys/key-status", ""},
		{"request", "sys/key-status", "permission denied"},
		{"response", "sys/key-status", "permission denied"},
	}
	hash, err := c.AuditHash("file/", root)
	if err != nil {
		t.Fatal(err)
	}
	bogus, _ := c.AuditHash("file", "hvs.bogus-token")
	for i, w := range want {
		r := recs[i]
		if r["type"] != w.typ || field(r, "request", "path") != w.path || (w.errMsg != "" && r["error"] != w.errMsg) {
			t.Errorf("record %d = %v, want %+v", i, r, w)
		}
	}
	if field(recs[2], "auth", "client_token") != hash || field(recs[2], "auth", "policies") == nil {
		t.Errorf("root token not recorded as its HMAC: %v", recs[2]["auth"])
	}
	if field(recs[3], "request", "client_token") != bogus || recs[3]["auth"] != nil {
		t.Errorf("refused token: %v", recs[3])
	}
	if field(recs[2], "request", "mount_type") != "system" || field(recs[2], "request", "operation") != "read" ||
		field(recs[2], "response", "data", "term") != 1.0 {
		t.Errorf("key-status response: %v", recs[2])
	}
	raw, _ := os.ReadFile(log)
	if strings.Contains(string(raw), root) {
		t.Fatal("the root token is in the audit log in clear")
	}
}

// TestAuditFailsClosed uses /dev/full: every write fails.
func TestAuditFailsClosed(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full")
	}
	ctx := context.Background()
	c, root, _ := auditCore(t, inmem.New())
	// The device is enabled, but the enable's own response cannot be
	// recorded by it.
	_, err := do(c, logical.UpdateOperation, "sys/audit/full", root, map[string]any{"type": "file", "options": map[string]any{"file_path": "/dev/full"}})
	if !errors.Is(err, audit.ErrResponseNotRecorded) {
		t.Fatalf("enable /dev/full: %v", err)
	}
	_, err = do(c, logical.UpdateOperation, "sys/policies/acl/p", root, map[string]any{"policy": `path "x" { capabilities = ["read"] }`})
	if !errors.Is(err, audit.ErrRequestNotRecorded) || !errors.Is(err, logical.ErrInternal) {
		t.Fatalf("write with a full audit device: %v", err)
	}
	if ok, err := c.DisableAudit(ctx, "full"); !ok || err != nil {
		t.Fatalf("disable: %v %v", ok, err)
	}
	if resp, err := do(c, logical.ReadOperation, "sys/policies/acl/p", root, nil); err != nil || resp != nil {
		t.Fatalf("the refused write happened: %v %v", resp, err)
	}
}

// TestAuditSurvivesRestart: the table and salt live behind the barrier and
// come back on unseal, in a new process (a new core over the same storage).
func TestAuditSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	phys := inmem.New()
	c1, root, key := auditCore(t, phys)
	log := filepath.Join(t.TempDir(), "audit.log")
	if err := c1.EnableAudit(ctx, audit.TableEntry{Path: "file", Type: "file", Description: "main", Options: map[string]string{"file_path": log}}); err != nil {
		t.Fatal(err)
	}
	h1, _ := c1.AuditHash("file", "value")
	c1.Seal(ctx)

	c2, err := core.New(core.Config{Physical: phys})
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Seal(ctx)
	if _, err := c2.AuditDevices(); !errors.Is(err, audit.ErrNotLoaded) {
		t.Fatalf("devices while sealed: %v", err)
	}
	if _, err := c2.Unseal(ctx, key); err != nil {
		t.Fatal(err)
	}
	devs, err := c2.AuditDevices()
	if err != nil || len(devs) != 1 || devs[0].Path != "file/" || devs[0].Description != "main" {
		t.Fatalf("restored devices %+v %v", devs, err)
	}
	if h2, _ := c2.AuditHash("file", "value"); h2 != h1 {
		t.Fatal("the salt changed across the restart")
	}
	before := len(records(t, log))
	if _, err := do(c2, logical.ReadOperation, "sys/key-status", root, nil); err != nil {
		t.Fatal(err)
	}
	if got := len(records(t, log)); got != before+2 {
		t.Fatalf("records after restart: %d, want %d", got, before+2)
	}
}

// TestAuditRestoredDeviceThatCannotWrite: a device whose directory is gone
// at unseal is still restored, so requests are refused rather than run
// unaudited; when the directory is back they run again.
func TestAuditRestoredDeviceThatCannotWrite(t *testing.T) {
	ctx := context.Background()
	phys := inmem.New()
	c, root, key := auditCore(t, phys)
	dir := filepath.Join(t.TempDir(), "logs")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := c.EnableAudit(ctx, audit.TableEntry{Path: "file", Type: "file", Options: map[string]string{"file_path": filepath.Join(dir, "a.log")}}); err != nil {
		t.Fatal(err)
	}
	c.Seal(ctx)
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Unseal(ctx, key); err != nil {
		t.Fatalf("unseal with an unreachable audit device: %v", err)
	}
	if _, err := do(c, logical.ReadOperation, "sys/key-status", root, nil); !errors.Is(err, audit.ErrRequestNotRecorded) {
		t.Fatalf("request with the log directory gone: %v", err)
	}
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := do(c, logical.ReadOperation, "sys/key-status", root, nil); err != nil {
		t.Fatalf("after the directory is back: %v", err)
	}
}
