package approle

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/storage"
)

func TestSecretIDLifecycle(t *testing.T) {
	h := newHarness(t)
	h.must(logical.CreateOperation, "role/r", nil)
	resp := h.must(logical.UpdateOperation, "role/r/secret-id", map[string]any{
		"metadata": `{"tag1":"production"}`, "num_uses": 5, "ttl": "10m", "cidr_list": "127.0.0.0/8",
	})
	sid, _ := resp.Data["secret_id"].(string)
	acc, _ := resp.Data["secret_id_accessor"].(string)
	if len(sid) != 36 || len(acc) != 36 || resp.Data["secret_id_ttl"] != int64(600) || resp.Data["secret_id_num_uses"] != 5 {
		t.Fatalf("generate: %#v", resp.Data)
	}
	if keys := h.must(logical.ListOperation, "role/r/secret-id/", nil).Data["keys"]; !reflect.DeepEqual(keys, []string{acc}) {
		t.Fatalf("list: %v", keys)
	}
	created := h.now()
	want := map[string]any{
		"secret_id_accessor": acc, "secret_id_num_uses": 5, "secret_id_ttl": int64(600),
		"cidr_list": []string{"127.0.0.0/8"}, "token_bound_cidrs": []string{},
		"metadata": map[string]string{"tag1": "production"}, "creation_time": created,
		"expiration_time": created.Add(10 * time.Minute), "last_updated_time": created,
	}
	if got := h.must(logical.UpdateOperation, "role/r/secret-id/lookup", map[string]any{"secret_id": sid}).Data; !reflect.DeepEqual(got, want) {
		t.Fatalf("lookup:\n got %#v\nwant %#v", got, want)
	}
	if got := h.must(logical.UpdateOperation, "role/r/secret-id-accessor/lookup", map[string]any{"secret_id_accessor": acc}).Data; !reflect.DeepEqual(got, want) {
		t.Fatalf("accessor lookup: %#v", got)
	}
	if resp := h.must(logical.UpdateOperation, "role/r/secret-id/lookup", map[string]any{"secret_id": "nope"}); resp != nil {
		t.Fatalf("lookup of unknown secret id: %+v", resp)
	}
	h.fails(logical.UpdateOperation, "role/r/secret-id-accessor/lookup", map[string]any{"secret_id_accessor": "0000"},
		`failed to find accessor entry for secret_id_accessor: "0000"`)
	h.fails(logical.UpdateOperation, "role/r/secret-id-accessor/lookup", map[string]any{"secret_id_accessor": "../../role/r"},
		`failed to find accessor entry for secret_id_accessor: "../../role/r"`)

	// Destroy by accessor, then by value.
	h.must(logical.UpdateOperation, "role/r/secret-id-accessor/destroy", map[string]any{"secret_id_accessor": acc})
	if _, err := h.login(h.must(logical.ReadOperation, "role/r/role-id", nil).Data["role_id"].(string), sid); err == nil {
		t.Fatal("destroyed secret id logs in")
	}
	sid2 := h.must(logical.UpdateOperation, "role/r/secret-id", nil).Data["secret_id"].(string)
	h.must(logical.DeleteOperation, "role/r/secret-id/destroy", map[string]any{"secret_id": sid2})
	if n := h.keysUnder("secret_id/") + h.keysUnder("accessor/"); n != 0 {
		t.Fatalf("%d secret id keys left after destroying all", n)
	}
	if _, err := h.do(logical.ListOperation, "role/r/secret-id", nil); err != nil {
		t.Fatalf("list of empty role: %v", err)
	}
}

func TestCustomSecretID(t *testing.T) {
	h := newHarness(t)
	roleID, _ := h.roleWithSecret("r", nil, nil)
	resp := h.must(logical.UpdateOperation, "role/r/custom-secret-id", map[string]any{"secret_id": "testsecretid", "ttl": 600, "num_uses": 50})
	if resp.Data["secret_id"] != "testsecretid" || resp.Data["secret_id_num_uses"] != 50 {
		t.Fatalf("custom: %#v", resp.Data)
	}
	h.fails(logical.UpdateOperation, "role/r/custom-secret-id", map[string]any{"secret_id": "testsecretid"}, "secret_id is already registered")
	h.fails(logical.UpdateOperation, "role/r/custom-secret-id", nil, "missing secret_id")
	if _, err := h.login(roleID, "testsecretid"); err != nil {
		t.Fatalf("login with custom secret id: %v", err)
	}
}

func TestSecretIDOptionsAgainstRole(t *testing.T) {
	h := newHarness(t)
	h.must(logical.CreateOperation, "role/r", map[string]any{
		"secret_id_num_uses": 3, "secret_id_ttl": "1h", "secret_id_bound_cidrs": "10.0.0.0/8", "token_bound_cidrs": "10.1.0.0/16",
	})
	p := "role/r/secret-id"
	h.fails(logical.UpdateOperation, p, map[string]any{"num_uses": 4}, "num_uses cannot be higher than the role's secret_id_num_uses")
	h.fails(logical.UpdateOperation, p, map[string]any{"num_uses": 0}, "num_uses cannot be higher than the role's secret_id_num_uses")
	h.fails(logical.UpdateOperation, p, map[string]any{"num_uses": -1}, "num_uses cannot be negative")
	h.fails(logical.UpdateOperation, p, map[string]any{"ttl": "2h"}, "ttl cannot be longer than the role's secret_id_ttl")
	h.fails(logical.UpdateOperation, p, map[string]any{"cidr_list": "11.0.0.0/8"},
		"failed to verify the CIDR restrictions set on the role: cidr_list must be a subset of the role's secret_id_bound_cidrs")
	h.fails(logical.UpdateOperation, p, map[string]any{"token_bound_cidrs": "10.0.0.0/8"},
		"failed to verify the CIDR restrictions set on the role: token_bound_cidrs must be a subset of the role's token_bound_cidrs")
	h.fails(logical.UpdateOperation, p, map[string]any{"cidr_list": "bogus"}, `invalid 'cidr_list': "bogus" is not a CIDR block or IP address`)
	h.fails(logical.UpdateOperation, p, map[string]any{"metadata": `{"a":1}`},
		`failed to parse metadata: metadata must be a JSON object of string values: value of "a" is not a string`)
	h.fails(logical.UpdateOperation, "role/none/secret-id", nil, `role "none" does not exist`)

	// Defaults come from the role; the role's CIDRs are stamped on.
	resp := h.must(logical.UpdateOperation, p, map[string]any{"num_uses": 2, "metadata": map[string]any{"k": "v"}})
	if resp.Data["secret_id_num_uses"] != 2 || resp.Data["secret_id_ttl"] != int64(3600) {
		t.Fatalf("generate: %#v", resp.Data)
	}
	got := h.must(logical.UpdateOperation, "role/r/secret-id/lookup", map[string]any{"secret_id": resp.Data["secret_id"]}).Data
	if !reflect.DeepEqual(got["cidr_list"], []string{"10.0.0.0/8"}) || !reflect.DeepEqual(got["metadata"], map[string]string{"k": "v"}) {
		t.Fatalf("lookup: %#v", got)
	}

	h.must(logical.CreateOperation, "role/nobind", map[string]any{"bind_secret_id": false, "secret_id_bound_cidrs": "127.0.0.1"})
	h.fails(logical.UpdateOperation, "role/nobind/secret-id", nil, "bind_secret_id is not set on the role")
}

// TestSecretIDsNeverStoredInPlaintext scans every stored key and value.
func TestSecretIDsNeverStoredInPlaintext(t *testing.T) {
	h := newHarness(t)
	_, sid := h.roleWithSecret("r", nil, nil)
	custom := "my-very-own-custom-secret"
	h.must(logical.UpdateOperation, "role/r/custom-secret-id", map[string]any{"secret_id": custom})
	found := 0
	for _, k := range h.allKeys() {
		e, err := h.phys.Get(t.Context(), k)
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{sid, custom} {
			if strings.Contains(k, secret) || strings.Contains(string(e.Value), secret) {
				t.Fatalf("secret id stored in plaintext under %q", k)
			}
		}
		if strings.Contains(k, "/secret_id/") {
			found++
		}
	}
	if found != 2 {
		t.Fatalf("found %d secret id records, want 2", found)
	}
}

func TestDeleteRoleDeletesSecretIDs(t *testing.T) {
	h := newHarness(t)
	_, sid := h.roleWithSecret("r", nil, nil)
	h.must(logical.UpdateOperation, "role/r/secret-id", nil)
	h.roleWithSecret("keep", nil, nil)
	if n := h.keysUnder("secret_id/"); n != 3 {
		t.Fatalf("%d secret ids stored, want 3", n)
	}
	h.must(logical.DeleteOperation, "role/r", nil)
	if n, m := h.keysUnder("secret_id/"), h.keysUnder("accessor/"); n != 1 || m != 1 {
		t.Fatalf("after delete: %d secret ids, %d accessors; want 1 and 1", n, m)
	}
	// A new role of the same name does not inherit the old secret IDs.
	h.must(logical.CreateOperation, "role/r", nil)
	roleID := h.must(logical.ReadOperation, "role/r/role-id", nil).Data["role_id"].(string)
	if _, err := h.login(roleID, sid); err == nil {
		t.Fatal("old secret id works for the recreated role")
	}
}

func TestTidy(t *testing.T) {
	h := newHarness(t)
	roleID, short := h.roleWithSecret("r", nil, map[string]any{"ttl": "1m"})
	long := h.must(logical.UpdateOperation, "role/r/secret-id", map[string]any{"ttl": "1h"}).Data["secret_id"].(string)
	forever := h.must(logical.UpdateOperation, "role/r/secret-id", nil).Data["secret_id"].(string)
	h.advance(2 * time.Minute)
	if _, err := h.login(roleID, short); err == nil {
		t.Fatal("expired secret id logs in")
	}
	// The failed login already removed the expired one; expire another.
	h.advance(time.Hour)
	resp := h.must(logical.UpdateOperation, "tidy/secret-id", nil)
	if resp.Data["secret_ids_deleted"] != 1 {
		t.Fatalf("tidy: %#v", resp.Data)
	}
	if _, err := h.login(roleID, long); err == nil {
		t.Fatal("tidied secret id logs in")
	}
	if _, err := h.login(roleID, forever); err != nil {
		t.Fatalf("tidy removed a live secret id: %v", err)
	}
	if n, m := h.keysUnder("secret_id/"), h.keysUnder("accessor/"); n != 1 || m != 1 {
		t.Fatalf("after tidy: %d secret ids, %d accessors", n, m)
	}
	// A dangling accessor (interrupted delete) is tidied too.
	if err := h.view.Put(t.Context(), mustEntry(t, h, "accessor/")); err != nil {
		t.Fatal(err)
	}
	if resp := h.must(logical.UpdateOperation, "tidy/secret-id", nil); resp.Data["accessors_deleted"] != 1 {
		t.Fatalf("tidy accessors: %#v", resp.Data)
	}
}

// mustEntry builds a dangling accessor index entry in the first role
// directory under prefix.
func mustEntry(t *testing.T, h *harness, prefix string) *storage.Entry {
	t.Helper()
	dirs, err := h.view.List(t.Context(), prefix)
	if err != nil || len(dirs) == 0 {
		t.Fatalf("list %s: %v %v", prefix, dirs, err)
	}
	return &storage.Entry{Key: prefix + dirs[0] + "00000000-0000-4000-8000-000000000000", Value: []byte(`{"secret_id_hmac":"00"}`)}
}
