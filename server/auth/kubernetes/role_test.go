package kubernetes

import (
	"slices"
	"testing"
	"time"

	"github.com/cofre-io/cofre/server/logical"
)

func TestRoleValidation(t *testing.T) {
	cases := []struct {
		name string
		data map[string]any
		msg  string // "" means valid
	}{
		{"minimal", map[string]any{"bound_service_account_names": "a", "bound_service_account_namespaces": "b"}, ""},
		{"both star", map[string]any{"bound_service_account_names": "*", "bound_service_account_namespaces": "*"}, ""},
		{"globs", map[string]any{"bound_service_account_names": "app-*,web", "bound_service_account_namespaces": "team-*"}, ""},
		{"lists as arrays", map[string]any{"bound_service_account_names": []any{"a", "b"}, "bound_service_account_namespaces": []any{"c"}}, ""},
		{"no names", map[string]any{"bound_service_account_namespaces": "b"}, `"bound_service_account_names" can not be empty`},
		{"empty names", map[string]any{"bound_service_account_names": " , ", "bound_service_account_namespaces": "b"}, `"bound_service_account_names" can not be empty`},
		{"no namespaces", map[string]any{"bound_service_account_names": "a"}, `"bound_service_account_namespaces" can not be empty`},
		{"star mixed in names", map[string]any{"bound_service_account_names": "*,a", "bound_service_account_namespaces": "b"}, `can not mix "*" with values`},
		{"star mixed in namespaces", map[string]any{"bound_service_account_names": "a", "bound_service_account_namespaces": "b,*"}, `can not mix "*" with values`},
		{"alias by name", map[string]any{"bound_service_account_names": "a", "bound_service_account_namespaces": "b", "alias_name_source": "serviceaccount_name"}, ""},
		{"bad alias source", map[string]any{"bound_service_account_names": "a", "bound_service_account_namespaces": "b", "alias_name_source": "pod"}, "invalid alias_name_source"},
		{"ttl over max", map[string]any{"bound_service_account_names": "a", "bound_service_account_namespaces": "b", "ttl": "2h", "max_ttl": "1h"}, "'token_ttl' cannot be greater than 'token_max_ttl'"},
		{"bad token type", map[string]any{"bound_service_account_names": "a", "bound_service_account_namespaces": "b", "token_type": "weird"}, "invalid 'token_type'"},
		{"bad cidr", map[string]any{"bound_service_account_names": "a", "bound_service_account_namespaces": "b", "bound_cidrs": "nope"}, "token_bound_cidrs"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, nil, Options{})
			_, err := h.do(logical.CreateOperation, "role/r", c.data)
			if c.msg == "" {
				if err != nil {
					t.Fatalf("valid role refused: %v", err)
				}
				return
			}
			wantErr(t, err, logical.ErrInvalidRequest, c.msg, nil)
			if r, _ := getRole(t.Context(), h.view, "r"); r != nil {
				t.Fatal("invalid role stored")
			}
		})
	}
}

func TestRoleCRUD(t *testing.T) {
	h := newHarness(t, nil, Options{})
	h.must(logical.CreateOperation, "role/Demo-App", map[string]any{
		"bound_service_account_names":      "demo-app",
		"bound_service_account_namespaces": "vault-demo",
		"policies":                         "app-readonly",
		"ttl":                              "1h",
		"audience":                         "cofre",
	})
	got := h.must(logical.ReadOperation, "role/demo-app", nil).Data
	if !slices.Equal(got["bound_service_account_names"].([]string), []string{"demo-app"}) ||
		!slices.Equal(got["bound_service_account_namespaces"].([]string), []string{"vault-demo"}) ||
		got["audience"] != "cofre" || got["alias_name_source"] != AliasSourceUID ||
		got["token_ttl"] != int64(3600) || got["ttl"] != int64(3600) ||
		!slices.Equal(got["policies"].([]string), []string{"app-readonly"}) {
		t.Fatalf("read %v", got)
	}
	// A partial update keeps the other fields.
	h.must(logical.UpdateOperation, "role/demo-app", map[string]any{"token_ttl": "30m"})
	r, err := getRole(t.Context(), h.view, "demo-app")
	if err != nil || r.TokenTTL != 30*time.Minute || r.Audience != "cofre" || !slices.Equal(r.TokenPolicies, []string{"app-readonly"}) {
		t.Fatalf("after update %+v %v", r, err)
	}
	h.must(logical.CreateOperation, "role/other", map[string]any{"bound_service_account_names": "*", "bound_service_account_namespaces": "x"})
	keys := h.must(logical.ListOperation, "role/", nil).Data["keys"].([]string)
	if !slices.Equal(keys, []string{"demo-app", "other"}) {
		t.Fatalf("list %v", keys)
	}
	h.must(logical.DeleteOperation, "role/demo-app", nil)
	if resp := h.must(logical.ReadOperation, "role/demo-app", nil); resp != nil {
		t.Fatalf("deleted role reads %v", resp.Data)
	}
}

func TestConfigReadHidesReviewerJWT(t *testing.T) {
	api := newFakeAPI(t)
	h := newHarness(t, nil, Options{})
	k, _ := keys(t)
	h.must(logical.UpdateOperation, "config", map[string]any{
		"kubernetes_host": api.srv.URL, "kubernetes_ca_cert": api.caPEM(),
		"token_reviewer_jwt": "secret-reviewer", "pem_keys": []any{publicPEM(t, k)},
	})
	d := h.must(logical.ReadOperation, "config", nil).Data
	if _, ok := d["token_reviewer_jwt"]; ok {
		t.Fatal("token_reviewer_jwt returned on read")
	}
	for k, v := range d {
		if s, ok := v.(string); ok && s == "secret-reviewer" {
			t.Fatalf("reviewer JWT shown as %s", k)
		}
	}
	if d["kubernetes_host"] != api.srv.URL || d["kubernetes_ca_cert"] != api.caPEM() || d["disable_iss_validation"] != true ||
		d["disable_local_ca_jwt"] != false || len(d["pem_keys"].([]string)) != 1 {
		t.Fatalf("read %v", d)
	}
}

func TestConfigValidation(t *testing.T) {
	h := newHarness(t, nil, Options{})
	for _, c := range []struct {
		data map[string]any
		msg  string
	}{
		{map[string]any{}, "no host provided"},
		{map[string]any{"kubernetes_host": "https://k", "kubernetes_ca_cert": "not pem"}, "kubernetes_ca_cert holds no PEM certificate"},
		{map[string]any{"kubernetes_host": "https://k", "pem_keys": "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"}, "invalid pem_keys"},
		{map[string]any{"kubernetes_host": "https://k", "pem_keys": "garbage"}, "invalid pem_keys"},
		{map[string]any{"kubernetes_host": "https://bad host:port:x"}, "cannot build a Kubernetes client"},
	} {
		_, err := h.do(logical.UpdateOperation, "config", c.data)
		wantErr(t, err, logical.ErrInvalidRequest, c.msg, ErrInvalidConfig)
	}
	if resp := h.must(logical.ReadOperation, "config", nil); resp != nil {
		t.Fatal("invalid config stored")
	}
}
