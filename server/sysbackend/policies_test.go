package sysbackend_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	vault "github.com/hashicorp/vault/api"

	"github.com/cofre-io/cofre/server/servertest"
	"github.com/cofre-io/cofre/server/token"
)

const appReadonly = `path "secret/data/demo/*" {
  capabilities = ["read", "list"]
}`

func TestPolicyCRUDAndCapabilities(t *testing.T) {
	s := servertest.StartDev(t)
	sys := s.Client.Sys()
	if err := sys.PutPolicy("app-readonly", appReadonly); err != nil {
		t.Fatal(err)
	}
	got, err := sys.GetPolicy("app-readonly")
	if err != nil || got != appReadonly {
		t.Fatalf("read back %q, %v", got, err)
	}
	names, err := sys.ListPolicies()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"app-readonly", "default", "root"} {
		if !slices.Contains(names, want) {
			t.Fatalf("list %v lacks %s", names, want)
		}
	}
	// The nested-glob warning reaches the client.
	sec, err := s.Client.Logical().Write("sys/policies/acl/app-readonly", map[string]any{"policy": appReadonly})
	if err != nil {
		t.Fatal(err)
	}
	if sec == nil || len(sec.Warnings) != 1 || !strings.Contains(sec.Warnings[0], "nested") {
		t.Fatalf("warnings = %v", sec)
	}
	// A policy that does not parse is refused with a line and column; nothing is stored.
	_, err = s.Client.Logical().Write("sys/policies/acl/broken", map[string]any{"policy": "path \"x\" {\n  capabilities = [\"read\"\n}"})
	var re *vault.ResponseError
	if !errors.As(err, &re) || re.StatusCode != 400 || !strings.Contains(strings.Join(re.Errors, " "), "line") {
		t.Fatalf("broken policy: %v", err)
	}
	if p, _ := sys.GetPolicy("broken"); p != "" {
		t.Fatal("broken policy was stored")
	}
	// Unknown capability.
	if err := sys.PutPolicy("bad", `path "x" { capabilities = ["reed"] }`); err == nil {
		t.Fatal("unknown capability accepted")
	}
	if err := sys.DeletePolicy("default"); err == nil {
		t.Fatal("default policy deleted")
	}
	if err := sys.DeletePolicy("root"); err == nil {
		t.Fatal("root policy deleted")
	}

	// A token holding only app-readonly: capabilities and refusals.
	te, err := s.Core.Tokens().Create(context.Background(), &token.Entry{Policies: []string{"app-readonly", "default"}, Path: "auth/token/create", Orphan: true})
	if err != nil {
		t.Fatal(err)
	}
	caps, err := sys.CapabilitiesAccessor(te.Accessor, "secret/data/demo/database")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(caps, []string{"list", "read"}) {
		t.Fatalf("capabilities = %v", caps)
	}
	caps, err = sys.Capabilities(te.ID, "secret/demo/database")
	if err != nil || !slices.Equal(caps, []string{"deny"}) {
		t.Fatalf("capabilities on secret/demo/database = %v, %v", caps, err)
	}
	c := s.NewClient(t, te.ID)
	self, err := c.Sys().CapabilitiesSelf("secret/data/demo/x")
	if err != nil || !slices.Equal(self, []string{"list", "read"}) {
		t.Fatalf("capabilities-self = %v, %v", self, err)
	}
	_, err = c.Sys().ListMounts()
	if !errors.As(err, &re) || re.StatusCode != 403 || !slices.Contains(re.Errors, "permission denied") {
		t.Fatalf("restricted token listing mounts: %v", err)
	}
	if err := c.Sys().PutPolicy("x", appReadonly); !errors.As(err, &re) || re.StatusCode != 403 {
		t.Fatalf("restricted token writing policy: %v", err)
	}
	// The default policy lets it look itself up.
	if _, err := c.Auth().Token().LookupSelf(); err != nil {
		t.Fatalf("lookup-self with default policy: %v", err)
	}
}
