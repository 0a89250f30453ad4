package render

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"text/template"
)

// funcs are the template functions beyond text/template's own. They
// return errors without the value.
var funcs = template.FuncMap{
	"base64Encode": func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) },
	"base64Decode": func(s string) (string, error) {
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
		if err != nil {
			return "", errors.New("base64Decode: not valid base64")
		}
		return string(b), nil
	},
	"toJSON": func(v any) (string, error) {
		b, err := json.Marshal(v)
		if err != nil {
			return "", errors.New("toJSON: value is not JSON-encodable")
		}
		return string(b), nil
	},
	"trimSpace": strings.TrimSpace,
	"env": func(s string) string {
		// A value safe in a double-quoted .env line.
		r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "$", `\$`)
		return `"` + r.Replace(s) + `"`
	},
}
