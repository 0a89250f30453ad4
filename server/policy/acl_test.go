package policy

import (
	"slices"
	"testing"
	"time"
)

const (
	appReadonly = `path "secret/data/demo/*" { capabilities = ["read", "list"] }`
	appAdmin    = `
path "secret/data/demo/*" {
  capabilities = ["create", "read", "update", "delete", "list"]
}

path "secret/metadata/demo/*" {
  capabilities = ["read", "list", "delete"]
}
`
)

// check is one request against an ACL and what it must yield.
type check struct {
	op     Operation
	path   string
	params map[string]any
	allow  bool
	sudo   bool // compared only when allow is true
}

// caps is one sys/capabilities question.
type caps struct {
	path string
	want []string
}

func mustACL(t *testing.T, texts ...string) *ACL {
	t.Helper()
	var ps []*Policy
	for i, text := range texts {
		p, err := Parse("p"+string(rune('a'+i)), text)
		if err != nil {
			t.Fatalf("Parse(policy %d): %v", i, err)
		}
		ps = append(ps, p)
	}
	a, err := NewACL(ps...)
	if err != nil {
		t.Fatalf("NewACL: %v", err)
	}
	return a
}

func TestACLTable(t *testing.T) {
	p := func(kv ...any) map[string]any {
		m := make(map[string]any)
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		name     string
		policies []string
		checks   []check
		caps     []caps
	}{
		{
			name: "default deny with no policies",
			checks: []check{
				{op: Read, path: "secret/data/demo/database"},
				{op: List, path: ""},
			},
			caps: []caps{{"secret/data/demo/database", []string{"deny"}}},
		},
		{
			name:     "demo app-readonly",
			policies: []string{appReadonly},
			checks: []check{
				{op: Read, path: "secret/data/demo/database", allow: true},
				{op: List, path: "secret/data/demo/", allow: true},
				{op: Read, path: "secret/data/demo/team/database", allow: true},
				{op: Create, path: "secret/data/demo/database"},
				{op: Update, path: "secret/data/demo/database"},
				{op: Delete, path: "secret/data/demo/database"},
				{op: Read, path: "secret/data/demo"},
				{op: Read, path: "secret/data/other/database"},
				{op: List, path: "secret/metadata/demo/"},
			},
			caps: []caps{
				{"secret/data/demo/database", []string{"list", "read"}},
				{"secret/metadata/demo/database", []string{"deny"}},
			},
		},
		{
			name:     "demo app-admin",
			policies: []string{appAdmin},
			checks: []check{
				{op: Create, path: "secret/data/demo/database", allow: true},
				{op: Update, path: "secret/data/demo/database", allow: true},
				{op: Read, path: "secret/data/demo/database", allow: true},
				{op: Delete, path: "secret/data/demo/database", allow: true},
				{op: Patch, path: "secret/data/demo/database"},
				{op: Delete, path: "secret/metadata/demo/database", allow: true},
				{op: List, path: "secret/metadata/demo/", allow: true},
				{op: Update, path: "secret/metadata/demo/database"},
				{op: Read, path: "secret/data/prod/database"},
			},
			caps: []caps{
				{"secret/data/demo/database", []string{"create", "delete", "list", "read", "update"}},
				{"secret/metadata/demo/x", []string{"delete", "list", "read"}},
			},
		},
		{
			name:     "both demo policies merge on the shared pattern",
			policies: []string{appReadonly, appAdmin},
			checks: []check{
				{op: Create, path: "secret/data/demo/database", allow: true},
				{op: Delete, path: "secret/metadata/demo/database", allow: true},
			},
		},
		{
			name:     "kv v2 policy without data/ grants nothing on data paths",
			policies: []string{`path "secret/demo/*" { capabilities = ["read", "list"] }`},
			checks: []check{
				{op: Read, path: "secret/data/demo/database"},
				{op: List, path: "secret/metadata/demo/"},
				{op: Read, path: "secret/demo/database", allow: true},
			},
			caps: []caps{{"secret/data/demo/database", []string{"deny"}}},
		},
		{
			name:     "exact path matches only itself",
			policies: []string{`path "secret/foo" { capabilities = ["read"] }`},
			checks: []check{
				{op: Read, path: "secret/foo", allow: true},
				{op: Read, path: "secret/foo/"},
				{op: Read, path: "secret/foobar"},
				{op: Read, path: "secret/fo"},
				{op: Read, path: "/secret/foo"},
			},
		},
		{
			name:     "leading slash of a pattern is dropped",
			policies: []string{`path "/secret/foo" { capabilities = ["read"] }`},
			checks:   []check{{op: Read, path: "secret/foo", allow: true}},
		},
		{
			name: "trailing glob is a prefix match including nested paths",
			policies: []string{`
path "secret/*"    { capabilities = ["read"] }
path "kv/app*"     { capabilities = ["list"] }
path "*"           { capabilities = ["update"] }
`},
			checks: []check{
				{op: Read, path: "secret/", allow: true},
				{op: Read, path: "secret/a", allow: true},
				{op: Read, path: "secret/a/b/c", allow: true},
				{op: Read, path: "secret"},
				{op: Update, path: "secret", allow: true},
				{op: List, path: "kv/app", allow: true},
				{op: List, path: "kv/apple/x", allow: true},
				{op: List, path: "kv/ap"},
				{op: Update, path: "anything/at/all", allow: true},
			},
		},
		{
			name: "star in the middle is literal",
			policies: []string{`
path "secret/*/x" { capabilities = ["read"] }
`},
			checks: []check{
				{op: Read, path: "secret/*/x", allow: true},
				{op: Read, path: "secret/a/x"},
			},
		},
		{
			name: "plus matches exactly one segment",
			policies: []string{`
path "secret/data/+/database" { capabilities = ["read"] }
path "+/config"               { capabilities = ["list"] }
path "kv/+"                   { capabilities = ["update"] }
path "a+b/x"                  { capabilities = ["delete"] }
`},
			checks: []check{
				{op: Read, path: "secret/data/team1/database", allow: true},
				{op: Read, path: "secret/data//database", allow: true},
				{op: Read, path: "secret/data/a/b/database"},
				{op: Read, path: "secret/data/database"},
				{op: Read, path: "secret/data/team1/database/x"},
				{op: List, path: "anything/config", allow: true},
				{op: List, path: "a/b/config"},
				{op: Update, path: "kv/x", allow: true},
				{op: Update, path: "kv/x/y"},
				{op: Update, path: "kv"},
				{op: Delete, path: "a+b/x", allow: true},
				{op: Delete, path: "azb/x"},
			},
		},
		{
			name: "plus and trailing glob combine",
			policies: []string{`
path "secret/+/demo/*" { capabilities = ["read"] }
path "kv/+*"           { capabilities = ["list"] }
`},
			checks: []check{
				{op: Read, path: "secret/data/demo/x", allow: true},
				{op: Read, path: "secret/metadata/demo/x/y", allow: true},
				{op: Read, path: "secret/data/demo/", allow: true},
				{op: Read, path: "secret/data/demo"},
				{op: Read, path: "secret/a/b/demo/x"},
				{op: List, path: "kv/a", allow: true},
				{op: List, path: "kv/a/b", allow: true},
			},
		},
		{
			name: "deny on the same pattern wins after merging",
			policies: []string{
				`path "secret/data/demo/*" { capabilities = ["read", "list", "sudo"] }`,
				`path "secret/data/demo/*" { capabilities = ["deny"] }`,
			},
			checks: []check{
				{op: Read, path: "secret/data/demo/database"},
				{op: List, path: "secret/data/demo/"},
			},
			caps: []caps{{"secret/data/demo/database", []string{"deny"}}},
		},
		{
			name:     "deny alongside other capabilities in one rule",
			policies: []string{`path "secret/*" { capabilities = ["read", "deny"] }`},
			checks:   []check{{op: Read, path: "secret/x"}},
			caps:     []caps{{"secret/x", []string{"deny"}}},
		},
		{
			name: "a more specific deny carves out of a broad grant",
			policies: []string{
				`path "secret/*" { capabilities = ["read"] }`,
				`path "secret/data/private/*" { capabilities = ["deny"] }`,
			},
			checks: []check{
				{op: Read, path: "secret/data/private/key"},
				{op: Read, path: "secret/data/public/key", allow: true},
			},
		},
		{
			name: "a more specific grant beats a broad deny",
			policies: []string{`
path "secret/*"       { capabilities = ["deny"] }
path "secret/data/ok" { capabilities = ["read"] }
`},
			checks: []check{
				{op: Read, path: "secret/data/ok", allow: true},
				{op: Read, path: "secret/data/other"},
			},
		},
		{
			name: "different patterns are not merged: the specific one alone decides",
			policies: []string{
				`path "secret/*" { capabilities = ["update"] }`,
				`path "secret/data/x" { capabilities = ["read"] }`,
			},
			checks: []check{
				{op: Read, path: "secret/data/x", allow: true},
				{op: Update, path: "secret/data/x"},
				{op: Update, path: "secret/data/y", allow: true},
			},
		},
		{
			name: "rule without capabilities shadows broader rules",
			policies: []string{`
path "secret/*"      { capabilities = ["read"] }
path "secret/hidden" {}
`},
			checks: []check{{op: Read, path: "secret/hidden"}},
			caps:   []caps{{"secret/hidden", []string{"deny"}}},
		},
		{
			name: "priority 1: the later first wildcard wins",
			policies: []string{`
path "secret/data/+/db"   { capabilities = ["read"] }
path "secret/data/team/*" { capabilities = ["update"] }
path "secret/a"           { capabilities = ["list"] }
path "secret/a*"          { capabilities = ["delete"] }
`},
			checks: []check{
				{op: Update, path: "secret/data/team/db", allow: true},
				{op: Read, path: "secret/data/team/db"},
				{op: Read, path: "secret/data/other/db", allow: true},
				{op: List, path: "secret/a", allow: true},
				{op: Delete, path: "secret/a"},
				{op: Delete, path: "secret/ab", allow: true},
			},
		},
		{
			name: "priority 2: no trailing glob beats a trailing glob",
			policies: []string{`
path "secret/+/db" { capabilities = ["read"] }
path "secret/+/*"  { capabilities = ["update"] }
`},
			checks: []check{
				{op: Read, path: "secret/x/db", allow: true},
				{op: Update, path: "secret/x/db"},
				{op: Update, path: "secret/x/other", allow: true},
			},
		},
		{
			name: "priority 3: fewer plus segments win",
			policies: []string{`
path "secret/+/a/b" { capabilities = ["read"] }
path "secret/+/+/b" { capabilities = ["update"] }
path "kv/+/a/*"     { capabilities = ["list"] }
path "kv/+/+/*"     { capabilities = ["delete"] }
`},
			checks: []check{
				{op: Read, path: "secret/x/a/b", allow: true},
				{op: Update, path: "secret/x/a/b"},
				{op: Update, path: "secret/x/z/b", allow: true},
				{op: List, path: "kv/x/a/y", allow: true},
				{op: Delete, path: "kv/x/a/y"},
			},
		},
		{
			name: "priority 4: the longer pattern wins",
			policies: []string{`
path "secret/+/ab*" { capabilities = ["read"] }
path "secret/+/a*"  { capabilities = ["update"] }
`},
			checks: []check{
				{op: Read, path: "secret/x/abc", allow: true},
				{op: Update, path: "secret/x/abc"},
				{op: Update, path: "secret/x/ac", allow: true},
			},
		},
		{
			name: "priority 5: the lexicographically greater pattern wins",
			policies: []string{`
path "secret/+/a/+/*" { capabilities = ["read"] }
path "secret/+/+/a/*" { capabilities = ["update"] }
`},
			checks: []check{
				{op: Read, path: "secret/x/a/a/y", allow: true},
				{op: Update, path: "secret/x/a/a/y"},
				{op: Update, path: "secret/x/b/a/y", allow: true},
			},
		},
		{
			name: "capabilities of one pattern in several policies are united",
			policies: []string{
				`path "secret/x/*" { capabilities = ["read"] }`,
				`path "secret/x/*" { capabilities = ["list", "sudo"] }`,
			},
			checks: []check{
				{op: Read, path: "secret/x/y", allow: true, sudo: true},
				{op: List, path: "secret/x/", allow: true, sudo: true},
				{op: Update, path: "secret/x/y"},
			},
			caps: []caps{{"secret/x/y", []string{"list", "read", "sudo"}}},
		},
		{
			name:     "sudo is reported, not required",
			policies: []string{`path "sys/raw/*" { capabilities = ["read", "sudo"] }` + "\n" + `path "sys/mounts" { capabilities = ["read"] }`},
			checks: []check{
				{op: Read, path: "sys/raw/x", allow: true, sudo: true},
				{op: Read, path: "sys/mounts", allow: true, sudo: false},
			},
		},
		{
			name:     "legacy policy attribute",
			policies: []string{`path "a/*" { policy = "write" }` + "\n" + `path "b/*" { policy = "read" }` + "\n" + `path "c/*" { policy = "deny" }`},
			checks: []check{
				{op: Patch, path: "a/x", allow: true},
				{op: Read, path: "b/x", allow: true},
				{op: Update, path: "b/x"},
				{op: Read, path: "c/x"},
			},
		},
		{
			name:     "unknown operation is refused",
			policies: []string{`path "*" { capabilities = ["create", "read", "update", "patch", "delete", "list", "sudo"] }`},
			checks:   []check{{op: "help", path: "x"}, {op: "", path: "x"}},
		},
		{
			name: "allowed_parameters restrict keys and values",
			policies: []string{`
path "secret/p" {
  capabilities       = ["create", "update", "patch", "read"]
  allowed_parameters = { "Foo" = [], "bar" = ["a", "b"] }
}`},
			checks: []check{
				{op: Create, path: "secret/p", params: p("foo", "anything"), allow: true},
				{op: Create, path: "secret/p", params: p("FOO", 1.0, "bar", "a"), allow: true},
				{op: Create, path: "secret/p", params: p("bar", "c")},
				{op: Update, path: "secret/p", params: p("baz", "x")},
				{op: Patch, path: "secret/p", params: p("baz", "x")},
				{op: Create, path: "secret/p", allow: true},
				{op: Read, path: "secret/p", params: p("baz", "x"), allow: true},
			},
		},
		{
			name: `allowed "*" lets other keys through; listed values still bind`,
			policies: []string{`
path "secret/p" {
  capabilities       = ["update"]
  allowed_parameters = { "*" = [], "bar" = ["a"] }
}`},
			checks: []check{
				{op: Update, path: "secret/p", params: p("baz", "x", "qux", 2.0), allow: true},
				{op: Update, path: "secret/p", params: p("bar", "c")},
				{op: Update, path: "secret/p", params: p("bar", "a"), allow: true},
			},
		},
		{
			name: "denied_parameters refuse keys, values, or everything",
			policies: []string{`
path "k" {
  capabilities      = ["update"]
  denied_parameters = { "baz" = [], "env" = ["prod", "stage-*"] }
}
path "all" {
  capabilities      = ["update"]
  denied_parameters = { "*" = [] }
}`},
			checks: []check{
				{op: Update, path: "k", params: p("baz", "")},
				{op: Update, path: "k", params: p("BAZ", "x")},
				{op: Update, path: "k", params: p("env", "prod")},
				{op: Update, path: "k", params: p("env", "stage-2")},
				{op: Update, path: "k", params: p("env", "dev"), allow: true},
				{op: Update, path: "k", params: p("other", "x"), allow: true},
				{op: Update, path: "all", params: p("x", "y")},
				{op: Update, path: "all", allow: true},
			},
		},
		{
			name: "denied beats allowed",
			policies: []string{`
path "k" {
  capabilities       = ["update"]
  allowed_parameters = { "foo" = [] }
  denied_parameters  = { "foo" = ["bad"] }
}`},
			checks: []check{
				{op: Update, path: "k", params: p("foo", "good"), allow: true},
				{op: Update, path: "k", params: p("foo", "bad")},
			},
		},
		{
			name: "required_parameters must be present",
			policies: []string{`
path "k" {
  capabilities        = ["create", "read"]
  required_parameters = ["Name"]
}`},
			checks: []check{
				{op: Create, path: "k", params: p("other", 1.0)},
				{op: Create, path: "k"},
				{op: Create, path: "k", params: p("NAME", "x"), allow: true},
				{op: Read, path: "k", allow: true},
			},
		},
		{
			name: "values compare by string form and lists elementwise",
			policies: []string{`
path "k" {
  capabilities       = ["update"]
  allowed_parameters = { "n" = [1, true, "x"], "tags" = ["a", "b"], "any" = ["*"] }
  denied_parameters  = { "bad" = ["x"] }
}`},
			checks: []check{
				{op: Update, path: "k", params: p("n", 1.0), allow: true},
				{op: Update, path: "k", params: p("n", 1), allow: true},
				{op: Update, path: "k", params: p("n", true), allow: true},
				{op: Update, path: "k", params: p("n", "1"), allow: true},
				{op: Update, path: "k", params: p("n", 2.0)},
				{op: Update, path: "k", params: p("n", map[string]any{"x": 1})},
				{op: Update, path: "k", params: p("tags", []any{"a", "b"}), allow: true},
				{op: Update, path: "k", params: p("tags", []string{"b"}), allow: true},
				{op: Update, path: "k", params: p("tags", []any{"a", "c"})},
				{op: Update, path: "k", params: p("any", "whatever"), allow: true},
				{op: Update, path: "k", params: p("bad", "y")},
			},
		},
		{
			name: "denied list value is refused if any element is denied",
			policies: []string{`
path "k" {
  capabilities      = ["update"]
  denied_parameters = { "tags" = ["x"] }
}`},
			checks: []check{
				{op: Update, path: "k", params: p("tags", []any{"a", "x"})},
				{op: Update, path: "k", params: p("tags", []any{"a", "b"}), allow: true},
			},
		},
		{
			name: "parameter constraints merge across policies on one pattern",
			policies: []string{
				`path "k" {
  capabilities       = ["update"]
  allowed_parameters = { "foo" = ["a"], "bar" = ["x"] }
  required_parameters = ["foo"]
}`,
				`path "k" {
  capabilities       = ["update"]
  allowed_parameters = { "foo" = ["b"], "bar" = [] }
  required_parameters = ["bar"]
}`,
			},
			checks: []check{
				{op: Update, path: "k", params: p("foo", "a", "bar", "anything"), allow: true},
				{op: Update, path: "k", params: p("foo", "b", "bar", "y"), allow: true},
				{op: Update, path: "k", params: p("foo", "c", "bar", "y")},
				{op: Update, path: "k", params: p("foo", "a")},
				{op: Update, path: "k", params: p("foo", "a", "bar", "y", "baz", "z")},
			},
		},
		{
			name: "a policy without allowed_parameters does not lift another's",
			policies: []string{
				`path "k" { capabilities = ["update"] }`,
				`path "k" {
  capabilities       = ["update"]
  allowed_parameters = { "foo" = [] }
}`,
			},
			checks: []check{
				{op: Update, path: "k", params: p("foo", "a"), allow: true},
				{op: Update, path: "k", params: p("bar", "a")},
			},
		},
		{
			name:     "default policy",
			policies: []string{DefaultPolicyText},
			checks: []check{
				{op: Read, path: "auth/token/lookup-self", allow: true},
				{op: Update, path: "auth/token/renew-self", allow: true},
				{op: Update, path: "auth/token/revoke-self", allow: true},
				{op: Update, path: "sys/capabilities-self", allow: true},
				{op: Update, path: "sys/leases/lookup", allow: true},
				{op: Create, path: "cubbyhole/mine", allow: true},
				{op: List, path: "cubbyhole/", allow: true},
				{op: Update, path: "sys/wrapping/unwrap", allow: true},
				{op: Update, path: "sys/wrapping/rewrap"},
				{op: Read, path: "auth/token/lookup"},
				{op: Update, path: "auth/token/create"},
				{op: Read, path: "secret/data/demo/database"},
				{op: Read, path: "sys/policies/acl/default"},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := mustACL(t, tc.policies...)
			for _, c := range tc.checks {
				res := a.Allowed(Request{Op: c.op, Path: c.path, Params: c.params})
				if res.Allowed != c.allow {
					t.Errorf("%s %q %v: Allowed = %v (%q), want %v", c.op, c.path, c.params, res.Allowed, res.DeniedReason, c.allow)
					continue
				}
				if res.Allowed && res.Sudo != c.sudo {
					t.Errorf("%s %q: Sudo = %v, want %v", c.op, c.path, res.Sudo, c.sudo)
				}
				if !res.Allowed && res.DeniedReason == "" {
					t.Errorf("%s %q: denied without a reason", c.op, c.path)
				}
				if res.Allowed && res.DeniedReason != "" {
					t.Errorf("%s %q: allowed with reason %q", c.op, c.path, res.DeniedReason)
				}
			}
			for _, c := range tc.caps {
				if got := a.Capabilities(c.path); !slices.Equal(got, c.want) {
					t.Errorf("Capabilities(%q) = %q, want %q", c.path, got, c.want)
				}
			}
		})
	}
}

func TestRootACL(t *testing.T) {
	a := RootACL()
	if !a.IsRoot() {
		t.Fatal("IsRoot = false")
	}
	for _, op := range []Operation{Create, Read, Update, Patch, Delete, List} {
		res := a.Allowed(Request{Op: op, Path: "sys/raw/anything", Params: map[string]any{"x": 1}})
		if !res.Allowed || !res.Sudo || !slices.Equal(res.Policies, []string{"root"}) {
			t.Errorf("%s: %+v, want allowed with sudo by root", op, res)
		}
	}
	if res := a.Allowed(Request{Op: "bogus", Path: "x"}); res.Allowed {
		t.Error("root allowed an unknown operation")
	}
	if got := a.Capabilities("any/path"); !slices.Equal(got, []string{"root"}) {
		t.Errorf("Capabilities = %q, want [root]", got)
	}
	if mustACL(t).IsRoot() {
		t.Error("NewACL() claims to be root")
	}
}

func TestResultDetails(t *testing.T) {
	a := mustACL(t,
		`path "sys/wrapping/wrap" {
  capabilities     = ["update"]
  min_wrapping_ttl = "10s"
  max_wrapping_ttl = "1m"
}`,
		`path "sys/wrapping/wrap" {
  capabilities     = ["update", "sudo"]
  min_wrapping_ttl = 5
  max_wrapping_ttl = "2m"
}
path "sys/wrapping/wrap" {
  capabilities     = ["update"]
}`)
	res := a.Allowed(Request{Op: Update, Path: "sys/wrapping/wrap"})
	want := Result{
		Allowed: true, Sudo: true, CapabilitiesBits: CapUpdate | CapSudo,
		MinWrappingTTL: 5 * time.Second, MaxWrappingTTL: 2 * time.Minute,
		Policies: []string{"pa", "pb"},
	}
	if res.Allowed != want.Allowed || res.Sudo != want.Sudo || res.CapabilitiesBits != want.CapabilitiesBits ||
		res.MinWrappingTTL != want.MinWrappingTTL || res.MaxWrappingTTL != want.MaxWrappingTTL ||
		!slices.Equal(res.Policies, want.Policies) {
		t.Errorf("Allowed = %+v, want %+v", res, want)
	}
	if res := a.Allowed(Request{Op: Read, Path: "sys/wrapping/wrap"}); res.Allowed || res.DeniedReason != `no policy grants the "read" capability on this path` {
		t.Errorf("read: %+v", res)
	}
	if res := a.Allowed(Request{Op: Read, Path: "nowhere"}); res.DeniedReason != reasonNoRule || res.CapabilitiesBits != 0 {
		t.Errorf("unmatched: %+v", res)
	}
}

func TestNewACLRejects(t *testing.T) {
	tests := []struct {
		name string
		p    *Policy
	}{
		{"nil policy", nil},
		{"root name", &Policy{Name: "Root"}},
		{"empty pattern", &Policy{Name: "x", Paths: []PathRule{{Pattern: ""}}}},
		{"unknown bits", &Policy{Name: "x", Paths: []PathRule{{Pattern: "a", Capabilities: 1 << 20}}}},
		{"negative ttl", &Policy{Name: "x", Paths: []PathRule{{Pattern: "a", MinWrappingTTL: -1}}}},
	}
	for _, tc := range tests {
		if _, err := NewACL(tc.p); err == nil {
			t.Errorf("%s: NewACL succeeded", tc.name)
		}
	}
}

func TestNewACLDoesNotAliasPolicies(t *testing.T) {
	p, err := Parse("p", `path "k" {
  capabilities       = ["update"]
  allowed_parameters = { "foo" = ["a"] }
}`)
	if err != nil {
		t.Fatal(err)
	}
	a, err := NewACL(p, p)
	if err != nil {
		t.Fatal(err)
	}
	p.Paths[0].AllowedParameters["foo"][0] = "changed"
	p.Paths[0].Capabilities = CapDeny
	res := a.Allowed(Request{Op: Update, Path: "k", Params: map[string]any{"foo": "a"}})
	if !res.Allowed {
		t.Errorf("ACL changed with its policy: %+v", res)
	}
	if !slices.Equal(res.Policies, []string{"p"}) {
		t.Errorf("Policies = %q, want [p] once", res.Policies)
	}
}
