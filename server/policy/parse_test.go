package policy

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseGood(t *testing.T) {
	full := PathRule{
		Pattern:            "secret/data/demo/*",
		Capabilities:       CapRead | CapList,
		AllowedParameters:  map[string][]string{"foo": nil, "bar": {"a", "b"}, "*": nil},
		DeniedParameters:   map[string][]string{"baz": nil},
		RequiredParameters: []string{"foo"},
		MinWrappingTTL:     time.Second,
		MaxWrappingTTL:     90 * time.Second,
	}
	tests := []struct {
		name string
		text string
		want []PathRule
	}{
		{"empty", "", nil},
		{"comments only", "# nothing\n// nothing\n/* nothing */\n", nil},
		{"brief example", `
# comment
path "secret/data/demo/*" {
  capabilities = ["read", "list"]
  allowed_parameters = { "foo" = [], "bar" = ["a", "b"], "*" = [] }
  denied_parameters  = { "baz" = [] }
  required_parameters = ["foo"]
  min_wrapping_ttl = "1s"
  max_wrapping_ttl = "90s"
}`, []PathRule{full}},
		{"json form", `
  {"path": {"secret/data/demo/*": {
    "capabilities": ["read", "list"],
    "allowed_parameters": {"foo": [], "bar": ["a", "b"], "*": []},
    "denied_parameters": {"baz": []},
    "required_parameters": ["foo"],
    "min_wrapping_ttl": "1s",
    "max_wrapping_ttl": 90
  }}}`, []PathRule{full}},
		{"json form with several paths", `{"path": {"a": {"capabilities": ["read"]}, "b/*": {"capabilities": ["deny"]}}}`,
			[]PathRule{{Pattern: "a", Capabilities: CapRead}, {Pattern: "b/*", Capabilities: CapDeny}}},
		{"every capability", `path "x" { capabilities = ["create","read","update","patch","delete","list","sudo","deny"] }`,
			[]PathRule{{Pattern: "x", Capabilities: capAll | CapDeny}}},
		{"bare keys, numbers and bools as values, seconds as numbers", `
path "x" {
  capabilities       = []
  allowed_parameters = { Foo = [1, true, 2.5] }
  min_wrapping_ttl   = 30
  max_wrapping_ttl   = "3600"
}`, []PathRule{{Pattern: "x", AllowedParameters: map[string][]string{"foo": {"1", "true", "2.5"}},
			MinWrappingTTL: 30 * time.Second, MaxWrappingTTL: time.Hour}}},
		{"empty maps and lists constrain nothing", `
path "x" {
  allowed_parameters  = {}
  denied_parameters   = {}
  required_parameters = []
}`, []PathRule{{Pattern: "x"}}},
		{"legacy policy merges with capabilities", `path "x" {
  policy = "read"
  capabilities = ["sudo"]
}`, []PathRule{{Pattern: "x", Capabilities: CapRead | CapList | CapSudo}}},
		{"repeated blocks stay separate", `path "x" { capabilities = ["read"] }
path "x" { capabilities = ["list"] }`, []PathRule{{Pattern: "x", Capabilities: CapRead}, {Pattern: "x", Capabilities: CapList}}},
		{"leading slashes dropped", `path "//x/+" { capabilities = ["read"] }`, []PathRule{{Pattern: "x/+", Capabilities: CapRead}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Parse("n", tc.text)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if p.Name != "n" || !reflect.DeepEqual(p.Paths, tc.want) {
				t.Errorf("Parse = %+v\nwant %+v", p.Paths, tc.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name      string
		text      string
		line, col int
		msg       string
	}{
		{"unknown capability", "path \"x\" {\n  capabilities = [\"read\", \"reed\"]\n}", 2, 27, `unknown capability "reed"`},
		{"subscribe is unknown", `path "x" { capabilities = ["subscribe"] }`, 1, 28, `unknown capability "subscribe"`},
		{"recover is unknown", `path "x" { capabilities = ["recover"] }`, 1, 28, `unknown capability "recover"`},
		{"capability case matters", `path "x" { capabilities = ["READ"] }`, 1, 28, `unknown capability "READ"`},
		{"unknown attribute", "path \"x\" {\n  capabilities = []\n  control_group = {}\n}", 3, 3, `Unsupported argument`},
		{"unknown block", "\n\nrule \"x\" {}", 3, 1, `Unsupported block type`},
		{"top-level attribute", `name = "x"`, 1, 1, `Unsupported argument`},
		{"path without label", `path { }`, 1, 6, `Missing pattern for path`},
		{"syntax error", "path \"x\" {\n  capabilities = [\n", 3, 1, "Missing expression"},
		{"unclosed block", `path "x" {`, 1, 10, "Unclosed configuration block"},
		{"string instead of list", `path "x" { capabilities = "read" }`, 1, 28, "static list"},
		{"list instead of map", `path "x" { allowed_parameters = ["a"] }`, 1, 33, "static map"},
		{"map value not a list", `path "x" { allowed_parameters = { a = "b" } }`, 1, 40, "static list"},
		{"nested list value", `path "x" { denied_parameters = { a = [["b"]] } }`, 1, 39, "a string is required"},
		{"null value", `path "x" { capabilities = [null] }`, 1, 28, "a value is required"},
		{"variable reference", `path "x" { capabilities = [var.x] }`, 1, 28, "Variables not allowed"},
		{"function call", `path "x" { capabilities = [lower("READ")] }`, 1, 28, "Function calls not allowed"},
		{"duplicate parameter", `path "x" { allowed_parameters = { a = [], A = [] } }`, 1, 43, `parameter "a" is listed twice`},
		{"bad duration", "path \"x\" {\n  min_wrapping_ttl = \"soon\"\n}", 2, 22, `invalid duration "soon"`},
		{"negative duration", `path "x" { min_wrapping_ttl = "-1s" }`, 1, 31, "negative"},
		{"negative seconds", `path "x" { min_wrapping_ttl = -1 }`, 1, 31, "non-negative"},
		{"fractional seconds", `path "x" { min_wrapping_ttl = 1.5 }`, 1, 31, "whole"},
		{"huge seconds", `path "x" { min_wrapping_ttl = 99999999999999999999 }`, 1, 31, "too long"},
		{"max below min", "path \"x\" {\n  min_wrapping_ttl = \"1m\"\n  max_wrapping_ttl = \"1s\"\n}", 3, 22, "less than min"},
		{"empty pattern", `path "" {}`, 1, 6, "path pattern is empty"},
		{"slash only pattern", `path "/" {}`, 1, 6, "path pattern is empty"},
		{"bad legacy policy", `path "x" { policy = "admin" }`, 1, 21, `unknown policy value "admin"`},
		{"json syntax error", `{"path": {"x": {"capabilities": ["read"]}}`, 1, 1, ""},
		{"json unknown capability", "{\"path\": {\"x\": {\n\"capabilities\": [\"read\", \"all\"]}}}", 2, 26, `unknown capability "all"`},
		{"json unknown attribute", `{"path": {"x": {"caps": []}}}`, 1, 17, "Extraneous JSON object property"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("n", tc.text)
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse error = %v, want *ParseError", err)
			}
			if !errors.Is(err, ErrInvalidPolicy) {
				t.Errorf("error does not wrap ErrInvalidPolicy")
			}
			if pe.Line != tc.line || pe.Column != tc.col || !strings.Contains(pe.Msg, tc.msg) {
				t.Errorf("got %v, want line %d, column %d, message containing %q", err, tc.line, tc.col, tc.msg)
			}
			wantPrefix := "policy: line "
			if !strings.HasPrefix(err.Error(), wantPrefix) {
				t.Errorf("Error() = %q, want prefix %q", err.Error(), wantPrefix)
			}
		})
	}
}

func TestParseErrorString(t *testing.T) {
	err := &ParseError{Line: 3, Column: 7, Msg: "boom"}
	if got, want := err.Error(), "policy: line 3, column 7: boom"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestParseRootRefused(t *testing.T) {
	for _, name := range []string{"root", "ROOT"} {
		if _, err := Parse(name, ""); !errors.Is(err, ErrReservedName) {
			t.Errorf("Parse(%q) error = %v, want ErrReservedName", name, err)
		}
	}
}

func TestDefaultPolicyParses(t *testing.T) {
	p, err := DefaultPolicy()
	if err != nil {
		t.Fatalf("DefaultPolicy: %v", err)
	}
	if p.Name != DefaultPolicyName || len(p.Paths) == 0 {
		t.Errorf("DefaultPolicy = %+v", p)
	}
	if w := NestedGlobWarnings(p); len(w) != 2 {
		t.Errorf("default policy globs: %q", w)
	}
}
