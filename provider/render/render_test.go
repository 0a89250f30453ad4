package render

import (
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/cofre-io/cofre/provider/params"
)

func obj(name, key string) *params.Object {
	return &params.Object{Name: name, Key: key, Method: params.MethodGet, Encoding: params.EncodingUTF8}
}

func TestSecretData(t *testing.T) {
	kv2 := map[string]any{"data": map[string]any{"user": "u"}, "metadata": map[string]any{"version": json.Number("3")}}
	if got := SecretData(kv2); !reflect.DeepEqual(got, map[string]any{"user": "u"}) {
		t.Fatalf("kv2: %v", got)
	}
	deleted := map[string]any{"data": nil, "metadata": map[string]any{"deletion_time": "x"}}
	if got := SecretData(deleted); got != nil {
		t.Fatalf("deleted: %v", got)
	}
	// A secret that merely has a "data" key is not unwrapped.
	plain := map[string]any{"data": "x", "other": "y"}
	if got := SecretData(plain); !reflect.DeepEqual(got, plain) {
		t.Fatalf("plain: %v", got)
	}
	withMetaString := map[string]any{"data": map[string]any{}, "metadata": "m"}
	if got := SecretData(withMetaString); !reflect.DeepEqual(got, withMetaString) {
		t.Fatalf("metadata string: %v", got)
	}
}

func TestKey(t *testing.T) {
	data := map[string]any{"s": "hello", "n": json.Number("42"), "b": true, "m": map[string]any{"x": "y"}, "nil": nil,
		"b64": "aGVsbG8=", "hex": "68656c6c6f"}
	for _, c := range []struct {
		key  string
		enc  params.Encoding
		want string
	}{
		{"s", params.EncodingUTF8, "hello"},
		{"n", params.EncodingUTF8, "42"},
		{"b", params.EncodingUTF8, "true"},
		{"m", params.EncodingUTF8, `{"x":"y"}`},
		{"nil", params.EncodingUTF8, ""},
		{"b64", params.EncodingBase64, "hello"},
		{"hex", params.EncodingHex, "hello"},
	} {
		o := obj("f", c.key)
		o.Encoding = c.enc
		files, err := Object(o, nil, data, 0o644)
		if err != nil {
			t.Fatalf("%s: %v", c.key, err)
		}
		if len(files) != 1 || files[0].Path != "f" || string(files[0].Contents) != c.want || files[0].Mode != 0o644 {
			t.Fatalf("%s: %+v", c.key, files)
		}
	}
	o := obj("f", "s")
	o.Mode = 0o400
	if files, _ := Object(o, nil, data, 0o644); files[0].Mode != 0o400 {
		t.Fatalf("mode %o", files[0].Mode)
	}
}

func TestErrors(t *testing.T) {
	data := map[string]any{"s": "not base64 !!", "m": map[string]any{}, "bad/key": "v"}
	o := obj("f", "missing")
	if _, err := Object(o, nil, data, 0o644); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), `"missing"`) {
		t.Fatalf("missing key: %v", err)
	}
	if _, err := Object(obj("f", "s"), nil, nil, 0o644); !errors.Is(err, ErrNotFound) {
		t.Fatalf("no data: %v", err)
	}
	o = obj("f", "s")
	o.Encoding = params.EncodingBase64
	_, err := Object(o, nil, data, 0o644)
	if !errors.Is(err, ErrRender) || strings.Contains(err.Error(), "!!") {
		t.Fatalf("bad base64: %v", err)
	}
	o = obj("f", "m")
	o.Encoding = params.EncodingHex
	if _, err := Object(o, nil, data, 0o644); !errors.Is(err, ErrRender) {
		t.Fatalf("hex of a map: %v", err)
	}
	if _, err := Object(obj("dir", ""), nil, data, 0o644); !errors.Is(err, ErrRender) || !strings.Contains(err.Error(), "bad/key") {
		t.Fatalf("directory with a bad key: %v", err)
	}
	if _, err := Object(obj("dir", ""), nil, map[string]any{"..data": "x"}, 0o644); !errors.Is(err, ErrRender) {
		t.Fatalf("reserved key: %v", err)
	}
}

func TestDirectory(t *testing.T) {
	files, err := Object(obj("db", ""), nil, map[string]any{"username": "u", "password": "p", "ttl": json.Number("3600")}, 0o640)
	if err != nil {
		t.Fatal(err)
	}
	want := []File{{"db/password", 0o640, []byte("p")}, {"db/ttl", 0o640, []byte("3600")}, {"db/username", 0o640, []byte("u")}}
	if !reflect.DeepEqual(files, want) {
		t.Fatalf("%+v", files)
	}
}

func TestTemplate(t *testing.T) {
	o := obj("app.env", "")
	o.Template = `DB_USER={{ .username }}
DB_PASS={{ env .password }}
B64={{ base64Encode .username }} DEC={{ base64Decode .enc }} J={{ toJSON .list }}
`
	tmpl, err := Compile(o)
	if err != nil {
		t.Fatal(err)
	}
	data := map[string]any{"username": "app", "password": "p\"$x\n", "enc": "aGk=", "list": []any{"a", json.Number("1")}}
	files, err := Object(o, tmpl, data, os.FileMode(0o600))
	if err != nil {
		t.Fatal(err)
	}
	want := "DB_USER=app\nDB_PASS=\"p\\\"\\$x\\n\"\nB64=YXBw DEC=hi J=[\"a\",1]\n"
	if len(files) != 1 || string(files[0].Contents) != want || files[0].Mode != 0o600 {
		t.Fatalf("%q", files[0].Contents)
	}
	if _, err := Object(o, tmpl, map[string]any{"username": "x"}, 0o600); !errors.Is(err, ErrRender) {
		t.Fatalf("missing key in template: %v", err)
	}
	o.Template = "{{ .x "
	if _, err := Compile(o); !errors.Is(err, params.ErrInvalid) {
		t.Fatalf("bad template: %v", err)
	}
	o.Template = "{{ base64Decode .x }}"
	tmpl, _ = Compile(o)
	if _, err := Object(o, tmpl, map[string]any{"x": "sekrit!!"}, 0o600); !errors.Is(err, ErrRender) || strings.Contains(err.Error(), "sekrit") {
		t.Fatalf("template error: %v", err)
	}
}

func TestTemplateLimits(t *testing.T) {
	for _, bad := range []string{
		"{{ range 100000000000 }}x{{ end }}",
		"{{ $n := 1000000 }}{{ range $n }}{{ end }}",
		"{{ range len .x }}{{ end }}",
		"{{ range (len .x) }}{{ end }}",
		"{{ if .x }}{{ range 5 }}{{ end }}{{ end }}",
		"{{ define \"t\" }}{{ range 9 }}{{ end }}{{ end }}",
	} {
		if _, err := Compile(&params.Object{Name: "f", Template: bad}); !errors.Is(err, params.ErrInvalid) {
			t.Errorf("%s: %v", bad, err)
		}
	}
	for _, good := range []string{"{{ len .x }}", "{{ range $k, $v := . }}{{ $k }}{{ end }}", "{{ printf \"%d\" 5 }}"} {
		if _, err := Compile(&params.Object{Name: "f", Template: good}); err != nil {
			t.Errorf("%s: %v", good, err)
		}
	}
	o := &params.Object{Name: "f", Template: "{{ range .list }}{{ . }}{{ . }}{{ end }}"}
	tmpl, err := Compile(o)
	if err != nil {
		t.Fatal(err)
	}
	big := make([]any, 1000)
	for i := range big {
		big[i] = strings.Repeat("x", 1000)
	}
	if _, err := Object(o, tmpl, map[string]any{"list": big}, 0o600); !errors.Is(err, ErrRender) || !strings.Contains(err.Error(), "1 MiB") {
		t.Fatalf("output limit: %v", err)
	}
}
