package render

import (
	"errors"
	"testing"

	"github.com/cofre-io/cofre/provider/params"
)

// FuzzObject renders arbitrary templates, keys and encodings over fixed
// data: no panic, and failures are only the package's errors.
func FuzzObject(f *testing.F) {
	f.Add("{{ .user }}", "", "utf-8", "dXNlcg==")
	f.Add("", "user", "base64", "!!")
	f.Add("", "", "hex", "7573")
	f.Add("{{ range $k, $v := . }}{{ $k }}={{ env $v }}\n{{ end }}", "", "utf-8", "x")
	f.Add("{{ base64Decode .v }}{{ toJSON . }}", "", "utf-8", "aGk=")
	f.Fuzz(func(t *testing.T, tmpl, key, enc, value string) {
		o := &params.Object{Name: "f", Key: key, Template: tmpl, Encoding: params.Encoding(enc)}
		if key != "" && tmpl != "" {
			return // Parse refuses both
		}
		tp, err := Compile(o)
		if err != nil {
			if !errors.Is(err, params.ErrInvalid) {
				t.Fatalf("compile: %v", err)
			}
			return
		}
		data := map[string]any{"user": value, "v": value, "n": nil, "m": map[string]any{"x": value}}
		files, err := Object(o, tp, data, 0o644)
		if err != nil {
			if !errors.Is(err, ErrRender) && !errors.Is(err, ErrNotFound) {
				t.Fatalf("render: %v", err)
			}
			return
		}
		for _, fl := range files {
			if params.CheckFilePath(fl.Path) != nil {
				t.Fatalf("bad path %q", fl.Path)
			}
		}
	})
}
