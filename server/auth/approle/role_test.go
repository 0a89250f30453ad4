package approle

import (
	"reflect"
	"testing"

	"github.com/cofre-io/cofre/server/logical"
)

func TestRoleCRUD(t *testing.T) {
	h := newHarness(t)
	h.must(logical.CreateOperation, "role/MyRole", map[string]any{
		"token_policies":        "b,a",
		"token_ttl":             "20m",
		"token_max_ttl":         1800,
		"secret_id_ttl":         "10m",
		"secret_id_num_uses":    40,
		"secret_id_bound_cidrs": []any{"10.0.0.0/8"},
		"period":                0,
	})
	got := h.must(logical.ReadOperation, "role/myrole", nil).Data
	want := map[string]any{
		"bind_secret_id": true, "secret_id_bound_cidrs": []string{"10.0.0.0/8"}, "secret_id_num_uses": 40,
		"secret_id_ttl": int64(600), "local_secret_ids": false,
		"token_policies": []string{"a", "b"}, "policies": []string{"a", "b"}, "token_ttl": int64(1200),
		"token_max_ttl": int64(1800), "token_explicit_max_ttl": int64(0), "token_period": int64(0), "period": int64(0),
		"token_num_uses": 0, "token_bound_cidrs": []string{}, "token_type": "default", "token_no_default_policy": false,
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("read:\n got %#v\nwant %#v", got, want)
	}

	// A partial update keeps what it does not mention.
	h.must(logical.UpdateOperation, "role/myrole", map[string]any{"token_ttl": "5m"})
	got = h.must(logical.ReadOperation, "role/MYROLE", nil).Data
	if got["token_ttl"] != int64(300) || got["secret_id_num_uses"] != 40 || !reflect.DeepEqual(got["token_policies"], []string{"a", "b"}) {
		t.Fatalf("after update: %#v", got)
	}

	h.must(logical.CreateOperation, "role/other", nil)
	keys := h.must(logical.ListOperation, "role/", nil).Data["keys"]
	if !reflect.DeepEqual(keys, []string{"myrole", "other"}) {
		t.Fatalf("list: %v", keys)
	}
	h.must(logical.DeleteOperation, "role/myrole", nil)
	if resp := h.must(logical.ReadOperation, "role/myrole", nil); resp != nil {
		t.Fatalf("read after delete: %+v", resp)
	}
	h.must(logical.DeleteOperation, "role/myrole", nil) // deleting twice is fine
}

func TestRoleValidation(t *testing.T) {
	h := newHarness(t)
	h.fails(logical.CreateOperation, "role/r", map[string]any{"bind_secret_id": false},
		"at least one constraint should be enabled on the role")
	h.fails(logical.CreateOperation, "role/r", map[string]any{"secret_id_num_uses": -1},
		"secret_id_num_uses cannot be negative")
	h.fails(logical.CreateOperation, "role/r", map[string]any{"secret_id_bound_cidrs": "10.0.0.0/99"},
		`invalid 'secret_id_bound_cidrs': "10.0.0.0/99" is not a CIDR block`)
	h.fails(logical.CreateOperation, "role/r", map[string]any{"token_bound_cidrs": "x"},
		`invalid 'token_bound_cidrs': "x" is not a CIDR block or IP address`)
	h.fails(logical.CreateOperation, "role/r", map[string]any{"token_type": "nope"}, `invalid 'token_type' value "nope"`)
	h.fails(logical.CreateOperation, "role/r", map[string]any{"token_ttl": "2h", "token_max_ttl": "1h"},
		"'token_ttl' cannot be greater than 'token_max_ttl'")
	if resp := h.must(logical.ReadOperation, "role/r", nil); resp != nil {
		t.Fatal("a rejected create stored a role")
	}
	// Without a secret ID, a CIDR bound is enough; the legacy name works.
	h.must(logical.CreateOperation, "role/r", map[string]any{"bind_secret_id": false, "bound_cidr_list": "127.0.0.1/32"})
	h.fails(logical.UpdateOperation, "role/r", map[string]any{"local_secret_ids": true},
		"local_secret_ids can only be modified during role creation")
	h.fails(logical.UpdateOperation, "role/r", map[string]any{"secret_id_bound_cidrs": ""},
		"at least one constraint should be enabled on the role")
}

func TestRoleID(t *testing.T) {
	h := newHarness(t)
	h.must(logical.CreateOperation, "role/a", map[string]any{"role_id": "custom-a"})
	h.must(logical.CreateOperation, "role/b", nil)
	if id := h.must(logical.ReadOperation, "role/a/role-id", nil).Data["role_id"]; id != "custom-a" {
		t.Fatalf("role_id %v", id)
	}
	idB := h.must(logical.ReadOperation, "role/b/role-id", nil).Data["role_id"].(string)
	if len(idB) != 36 {
		t.Fatalf("generated role_id %q is not a UUID", idB)
	}
	h.fails(logical.UpdateOperation, "role/b/role-id", map[string]any{"role_id": "custom-a"}, "role_id already in use")
	h.fails(logical.UpdateOperation, "role/b/role-id", nil, "missing role_id")
	h.fails(logical.UpdateOperation, "role/nope/role-id", map[string]any{"role_id": "x"}, `role "nope" does not exist`)

	// Changing the role ID retires the old one.
	secret := h.must(logical.UpdateOperation, "role/a/secret-id", nil).Data["secret_id"].(string)
	h.must(logical.UpdateOperation, "role/a/role-id", map[string]any{"role_id": "custom-a2"})
	if _, err := h.login("custom-a", secret); err == nil {
		t.Fatal("old role_id still logs in")
	}
	if _, err := h.login("custom-a2", secret); err != nil {
		t.Fatalf("new role_id: %v", err)
	}
	// The old value is free again.
	h.must(logical.UpdateOperation, "role/b/role-id", map[string]any{"role_id": "custom-a"})
}

func TestRoleFieldEndpoints(t *testing.T) {
	h := newHarness(t)
	h.must(logical.CreateOperation, "role/r", map[string]any{"token_policies": "p1"})

	h.must(logical.UpdateOperation, "role/r/policies", map[string]any{"policies": "x,y"})
	got := h.must(logical.ReadOperation, "role/r/policies", nil).Data
	if !reflect.DeepEqual(got, map[string]any{"token_policies": []string{"x", "y"}, "policies": []string{"x", "y"}}) {
		t.Fatalf("policies: %#v", got)
	}
	h.must(logical.UpdateOperation, "role/r/token-ttl", map[string]any{"token_ttl": 77})
	if got := h.must(logical.ReadOperation, "role/r/token-ttl", nil).Data; got["token_ttl"] != int64(77) {
		t.Fatalf("token-ttl: %#v", got)
	}
	// Dropping the only constraint is refused and changes nothing.
	h.fails(logical.UpdateOperation, "role/r/bind-secret-id", map[string]any{"bind_secret_id": false},
		"at least one constraint should be enabled on the role")
	if got := h.must(logical.ReadOperation, "role/r/bind-secret-id", nil).Data; got["bind_secret_id"] != true {
		t.Fatalf("bind-secret-id: %#v", got)
	}
	h.must(logical.UpdateOperation, "role/r/secret-id-bound-cidrs", map[string]any{"secret_id_bound_cidrs": "10.0.0.0/8"})
	h.must(logical.UpdateOperation, "role/r/bind-secret-id", map[string]any{"bind_secret_id": false})
	if got := h.must(logical.ReadOperation, "role/r/bind-secret-id", nil).Data; got["bind_secret_id"] != false {
		t.Fatalf("bind-secret-id: %#v", got)
	}
	h.must(logical.DeleteOperation, "role/r/bind-secret-id", nil)
	h.must(logical.DeleteOperation, "role/r/policies", nil)
	full := h.must(logical.ReadOperation, "role/r", nil).Data
	if full["bind_secret_id"] != true || !reflect.DeepEqual(full["token_policies"], []string{}) || full["token_ttl"] != int64(77) {
		t.Fatalf("after resets: %#v", full)
	}
	h.fails(logical.UpdateOperation, "role/r/token-max-ttl", nil, "missing token_max_ttl")
	h.fails(logical.UpdateOperation, "role/missing/token-ttl", map[string]any{"token_ttl": 1}, `role "missing" does not exist`)
	if _, err := h.do(logical.UpdateOperation, "role/r/local-secret-ids", map[string]any{"local_secret_ids": true}); err == nil {
		t.Fatal("local-secret-ids is writable")
	}
	if got := h.must(logical.ReadOperation, "role/r/local-secret-ids", nil).Data; got["local_secret_ids"] != false {
		t.Fatalf("local-secret-ids: %#v", got)
	}
}
