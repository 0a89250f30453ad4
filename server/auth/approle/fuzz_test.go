package approle

import (
	"encoding/json"
	"errors"
	"maps"
	"testing"
)

// FuzzParseMetadata checks the secret ID metadata parser on arbitrary
// strings: it never panics, fails only with errMetadata, and what it accepts
// survives a JSON round trip unchanged.
func FuzzParseMetadata(f *testing.F) {
	for _, s := range []string{
		"", " ", `{}`, `{"tag1":"production"}`, `{"a":"1","b":""}`, `{"a":1}`, `{"a":null}`, `null`, `[]`,
		`{"a":"x"} {"b":"y"}`, `{"a":"x"}   `, `{"a":{"b":"c"}}`, `{"\u00e9":"\ud83d\ude00"}`, `{"a":"x","a":"y"}`, `{`, `"str"`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		m, err := parseMetadata(in)
		if err != nil {
			if !errors.Is(err, errMetadata) {
				t.Fatalf("error %v does not wrap errMetadata", err)
			}
			if m != nil {
				t.Fatal("map returned with an error")
			}
			return
		}
		if len(m) == 0 {
			return
		}
		raw, err := json.Marshal(m)
		if err != nil {
			t.Fatalf("marshal accepted metadata: %v", err)
		}
		again, err := parseMetadata(string(raw))
		if err != nil {
			t.Fatalf("re-parse of %s: %v", raw, err)
		}
		if !maps.Equal(m, again) {
			t.Fatalf("round trip changed %v into %v", m, again)
		}
		// The object form must agree with the string form.
		obj := make(map[string]any, len(m))
		for k, v := range m {
			obj[k] = v
		}
		fromObj, err := parseMetadata(obj)
		if err != nil || !maps.Equal(fromObj, m) {
			t.Fatalf("object form: %v %v", fromObj, err)
		}
	})
}

func TestParseMetadataForms(t *testing.T) {
	if m, err := parseMetadata(nil); err != nil || m != nil {
		t.Fatalf("nil: %v %v", m, err)
	}
	if m, err := parseMetadata(map[string]string{"a": "b"}); err != nil || m["a"] != "b" {
		t.Fatalf("string map: %v %v", m, err)
	}
	for _, bad := range []any{42, []any{"a"}, "null", `{"a":"x"} junk`, map[string]any{"a": 1.0}} {
		if _, err := parseMetadata(bad); !errors.Is(err, errMetadata) {
			t.Errorf("parseMetadata(%#v) = %v, want errMetadata", bad, err)
		}
	}
}
