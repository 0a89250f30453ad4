package policy

import (
	"errors"
	"reflect"
	"slices"
	"testing"
)

func TestEncodeRoundTrip(t *testing.T) {
	text := `
path "secret/data/demo/*" {
  capabilities = ["list", "read", "deny", "sudo"]
  allowed_parameters = { "foo" = [], "bar" = ["a", "b"], "*" = [], "null" = [1], "$${x}" = ["%%{y}"] }
  denied_parameters  = { "baz" = [] }
  required_parameters = ["foo"]
  min_wrapping_ttl = "1s"
  max_wrapping_ttl = "90m"
}
path "quote\"and\\slash\n" {}
`
	p, err := Parse("n", text)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Paths[0].AllowedParameters["${x}"]; !slices.Equal(got, []string{"%{y}"}) {
		t.Fatalf("escaped template sequences read as %q", got)
	}
	enc := Encode(p)
	q, err := Parse("n", enc)
	if err != nil {
		t.Fatalf("Parse(Encode) = %v\n%s", err, enc)
	}
	if !reflect.DeepEqual(p, q) {
		t.Errorf("round trip changed the policy\n got %+v\nwant %+v\n%s", q, p, enc)
	}
	if Encode(q) != enc {
		t.Errorf("Encode is not stable")
	}
}

func TestFormat(t *testing.T) {
	tests := []struct{ in, want string }{
		{
			in:   "# keep me\npath \"a\"{\ncapabilities=[\"read\"]\n      max_wrapping_ttl = \"1m\"\n}\n",
			want: "# keep me\npath \"a\" {\n  capabilities     = [\"read\"]\n  max_wrapping_ttl = \"1m\"\n}\n",
		},
		{
			in:   `{"path":{"a":{"capabilities":["read"]}}}`,
			want: "{\n  \"path\": {\n    \"a\": {\n      \"capabilities\": [\n        \"read\"\n      ]\n    }\n  }\n}\n",
		},
	}
	for _, tc := range tests {
		got, err := Format(tc.in)
		if err != nil {
			t.Fatalf("Format(%q): %v", tc.in, err)
		}
		if got != tc.want {
			t.Errorf("Format(%q) =\n%s\nwant\n%s", tc.in, got, tc.want)
		}
	}
	var pe *ParseError
	if _, err := Format(`path "a" { capabilities = ["nope"] }`); !errors.As(err, &pe) {
		t.Errorf("Format of a bad policy: %v, want *ParseError", err)
	}
}

func TestNestedGlobWarnings(t *testing.T) {
	p, err := Parse("n", `
path "secret/data/demo/*"   { capabilities = ["read"] }
path "secret/data/exact"    { capabilities = ["read"] }
path "secret/+/team/*"      { capabilities = ["read"] }
path "kv/app*"              { capabilities = ["read"] }
path "secret/data/demo/*"   { capabilities = ["list"] }
path "secret/data/+"        { capabilities = ["read"] }
`)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`path "secret/data/demo/*": "*" also matches nested paths such as "secret/data/demo/a/b"; use "+" to grant one level only`,
		`path "secret/+/team/*": "*" also matches nested paths such as "secret/x/team/a/b"; use "+" to grant one level only`,
		`path "kv/app*": "*" also matches nested paths such as "kv/appa/b"; use "+" to grant one level only`,
	}
	got := NestedGlobWarnings(p)
	if !slices.Equal(got, want) {
		t.Errorf("NestedGlobWarnings =\n%q\nwant\n%q", got, want)
	}
	// Every example path must really be granted by its pattern.
	a, err := NewACL(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, ex := range []string{"secret/data/demo/a/b", "secret/x/team/a/b", "kv/appa/b"} {
		if !a.Allowed(Request{Op: Read, Path: ex}).Allowed {
			t.Errorf("example %q is not granted", ex)
		}
	}
	if NestedGlobWarnings(nil) != nil {
		t.Error("warnings for a nil policy")
	}
}

func TestCapabilityNames(t *testing.T) {
	if got := (capAll | CapDeny).Names(); !slices.IsSorted(got) || len(got) != 8 {
		t.Errorf("Names = %q", got)
	}
	if s := Capability(0).String(); s != "none" {
		t.Errorf("String(0) = %q", s)
	}
	if s := (CapRead | CapList).String(); s != "list,read" {
		t.Errorf("String = %q", s)
	}
	for _, n := range (capAll | CapDeny).Names() {
		c, err := ParseCapability(n)
		if err != nil || c.name() != n {
			t.Errorf("ParseCapability(%q) = %v, %v", n, c, err)
		}
	}
	if _, err := ParseCapability("root"); !errors.Is(err, ErrInvalidPolicy) {
		t.Errorf("ParseCapability(root) = %v", err)
	}
	for _, op := range []Operation{Create, Read, Update, Patch, Delete, List} {
		if op.Capability().name() != string(op) {
			t.Errorf("%s requires %v", op, op.Capability())
		}
	}
}
