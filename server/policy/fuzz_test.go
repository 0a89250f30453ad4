package policy

import (
	"errors"
	"reflect"
	"testing"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"",
		appReadonly,
		appAdmin,
		DefaultPolicyText,
		`path "secret/data/demo/*" {
  capabilities = ["read", "list"]
  allowed_parameters = { "foo" = [], "bar" = ["a", "b"], "*" = [] }
  denied_parameters  = { "baz" = [] }
  required_parameters = ["foo"]
  min_wrapping_ttl = "1s"
  max_wrapping_ttl = "90s"
}`,
		`{"path": {"secret/+/x": {"capabilities": ["read"], "denied_parameters": {"a": [1, true]}}}}`,
		`path "x" { policy = "sudo" }`,
		`path "x" { capabilities = ["${"read"}"] }`,
		`path "$${x}" { allowed_parameters = { "%%{y}" = ["a*"] } }`,
		"path \"x\" {\n  capabilities = [\"reed\"]\n}",
		`path "x" { min_wrapping_ttl = 99999999999 }`,
		"path \"\xff\x01\" { capabilities = [\"read\"] }",
		"path \"x\" {\n  capabilities = [<<EOT\nread\nEOT\n  ]\n}\n",
		"path \"x\" { required_parameters = [\"\\u00e9\", \"\\t\"] }",
		"{\"path\": {\"x\": [{\"capabilities\": [\"read\"]}, {\"capabilities\": [\"list\"]}]}}",
		"{\"path\": {\"x\": {\"capabilities\": [\"read\"]}}} // trailing",
		"{\"path\": {\"x\": {\"capabilities\": [\"read\"], \"capabilities\": [\"list\"]}}}",
		"path \"x\" { allowed_parameters = { \"a\" = [\"\\u0000\", 1e400, -0] } }",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		p, err := Parse("fuzz", text)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || !errors.Is(err, ErrInvalidPolicy) {
				t.Fatalf("error %v is not a *ParseError wrapping ErrInvalidPolicy", err)
			}
			if pe.Line < 1 || pe.Column < 1 {
				t.Fatalf("error without a position: %v", err)
			}
			if _, ferr := Format(text); ferr == nil {
				t.Fatalf("Format accepted text Parse rejects")
			}
			return
		}
		if _, err := NewACL(p); err != nil {
			t.Fatalf("NewACL rejects a parsed policy: %v", err)
		}
		enc := Encode(p)
		q, err := Parse("fuzz", enc)
		if err != nil {
			t.Fatalf("Parse(Encode(p)): %v\n%s", err, enc)
		}
		if !reflect.DeepEqual(p, q) {
			t.Fatalf("Encode round trip changed the policy\n got %#v\nwant %#v\n%s", q, p, enc)
		}
		formatted, err := Format(text)
		if err != nil {
			t.Fatalf("Format: %v", err)
		}
		r, err := Parse("fuzz", formatted)
		if err != nil {
			t.Fatalf("Parse(Format(text)): %v\n%s", err, formatted)
		}
		if !reflect.DeepEqual(p, r) {
			t.Fatalf("Format changed the policy\n got %#v\nwant %#v\n%s", r, p, formatted)
		}
		_ = NestedGlobWarnings(p)
	})
}
