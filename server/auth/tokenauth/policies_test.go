package tokenauth

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cofre-io/cofre/server/logical/framework"
	"github.com/cofre-io/cofre/server/token"
)

func fields(t *testing.T, raw map[string]any) *framework.FieldData {
	t.Helper()
	d, err := framework.NewFieldData(raw, createFields())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestResolvePolicies(t *testing.T) {
	parent := &token.Entry{Policies: []string{"default", "db", "web"}}
	noDefaultParent := &token.Entry{Policies: []string{"web"}}
	cases := []struct {
		name   string
		raw    map[string]any
		role   *role
		parent *token.Entry
		sudo   bool
		want   string // joined policies, or "error"
	}{
		{"inherit", nil, nil, parent, false, "db,default,web"},
		{"inherit keeps no default", nil, nil, noDefaultParent, false, "web"},
		{"subset gets default from parent", map[string]any{"policies": "web"}, nil, parent, false, "default,web"},
		{"subset, parent without default", map[string]any{"policies": "web"}, nil, noDefaultParent, false, "web"},
		{"not a subset", map[string]any{"policies": "admin"}, nil, parent, false, "error"},
		{"sudo may escalate", map[string]any{"policies": "admin"}, nil, parent, true, "admin,default"},
		{"no_default_policy", map[string]any{"policies": "web", "no_default_policy": true}, nil, parent, false, "web"},
		{"reserved policy", map[string]any{"policies": "response-wrapping"}, nil, parent, true, "error"},
		{"role allowed list used when none asked", nil, &role{AllowedPolicies: []string{"deploy"}}, parent, false, "default,deploy"},
		{"role allowed subset", map[string]any{"policies": "deploy"}, &role{AllowedPolicies: []string{"deploy", "x"}}, parent, false, "default,deploy"},
		{"role glob", map[string]any{"policies": "app-1"}, &role{AllowedPoliciesGlob: []string{"app-*"}}, parent, false, "app-1,default"},
		{"role outside allowed", map[string]any{"policies": "admin"}, &role{AllowedPolicies: []string{"deploy"}}, parent, false, "error"},
		{"role disallowed", map[string]any{"policies": "admin"}, &role{DisallowedPolicies: []string{"admin"}}, parent, false, "error"},
		{"role disallowed default is not added", map[string]any{"policies": "web"}, &role{DisallowedPolicies: []string{"default"}}, parent, false, "web"},
		{"role only disallowed inherits parent", nil, &role{DisallowedPolicies: []string{"admin"}}, noDefaultParent, false, "default,web"},
		{"role without lists: parent subset rule", map[string]any{"policies": "admin"}, &role{Orphan: true}, parent, false, "error"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := resolvePolicies(fields(t, c.raw), c.role, c.parent, c.sudo)
			if c.want == "error" {
				if err == nil {
					t.Fatalf("got %v, want an error", got)
				}
				return
			}
			if err != nil || strings.Join(got, ",") != c.want {
				t.Fatalf("got %v, %v; want %s", got, err, c.want)
			}
		})
	}
}

// globMatch against a naive regular-expression version.
func FuzzGlobMatch(f *testing.F) {
	f.Add("app-*", "app-1")
	f.Add("*a*b*", "xaxbx")
	f.Add("a*a", "a")
	f.Add("**", "")
	f.Fuzz(func(t *testing.T, pattern, s string) {
		if !utf8.ValidString(pattern) || !utf8.ValidString(s) {
			t.Skip("the naive version (regexp) needs UTF-8")
		}
		parts := strings.Split(pattern, "*")
		for i := range parts {
			parts[i] = regexp.QuoteMeta(parts[i])
		}
		re := regexp.MustCompile("^(?s:" + strings.Join(parts, ".*") + ")$")
		if got, want := globMatch(pattern, s), re.MatchString(s); got != want {
			t.Fatalf("globMatch(%q, %q) = %v, want %v", pattern, s, got, want)
		}
	})
}

func TestCheckCustomID(t *testing.T) {
	for id, ok := range map[string]bool{"my-token": true, "hvs.abc": false, "s.abc": false, "a.b": false} {
		if err := checkCustomID(id); (err == nil) != ok {
			t.Errorf("checkCustomID(%q) = %v", id, err)
		}
	}
}
