package render

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"text/template"

	"github.com/cofre-io/cofre/provider/params"
)

// Errors of rendering.
var (
	// ErrNotFound: the secret has no data, or lacks the object's key.
	ErrNotFound = errors.New("secret or key not found")
	// ErrRender: the secret cannot be turned into the object's files.
	ErrRender = errors.New("cannot render secret")
)

// File is one file of the volume.
type File struct {
	// Path is relative to the volume root.
	Path     string
	Mode     os.FileMode
	Contents []byte
}

// Compile parses the object's template, if it has one (nil otherwise).
// Errors wrap params.ErrInvalid: a bad template is a bad class.
func Compile(o *params.Object) (*template.Template, error) {
	if o.Template == "" {
		return nil, nil
	}
	t, err := template.New(o.Name).Funcs(funcs).Option("missingkey=error").Parse(o.Template)
	if err == nil {
		err = checkTemplate(t)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: object %q: template: %w", params.ErrInvalid, o.Name, err)
	}
	return t, nil
}

// SecretData is the data an object reads from a response's data: data.data
// for a KV v2 read (nil when that version is deleted or destroyed), the
// data itself otherwise.
func SecretData(data map[string]any) map[string]any {
	if len(data) != 2 {
		return data
	}
	inner, hasData := data["data"]
	_, hasMeta := data["metadata"].(map[string]any)
	if !hasData || !hasMeta {
		return data
	}
	m, _ := inner.(map[string]any)
	return m
}

// Object renders o from data (already unwrapped by SecretData) with tmpl
// from Compile. Files without a mode of their own get defMode.
func Object(o *params.Object, tmpl *template.Template, data map[string]any, defMode os.FileMode) ([]File, error) {
	mode := o.Mode
	if mode == 0 {
		mode = defMode
	}
	if data == nil {
		return nil, fmt.Errorf("object %q: %w: the secret has no data", o.Name, ErrNotFound)
	}
	switch {
	case tmpl != nil:
		var out limitedBuffer
		if err := tmpl.Execute(&out, data); err != nil {
			// Execution errors name template positions and keys, not values.
			return nil, fmt.Errorf("object %q: %w: template: %w", o.Name, ErrRender, err)
		}
		return []File{{Path: o.Name, Mode: mode, Contents: out.b}}, nil
	case o.Key != "":
		v, ok := data[o.Key]
		if !ok {
			return nil, fmt.Errorf("object %q: %w: no key %q", o.Name, ErrNotFound, o.Key)
		}
		b, err := valueBytes(v, o.Encoding)
		if err != nil {
			return nil, fmt.Errorf("object %q: key %q: %w", o.Name, o.Key, err)
		}
		return []File{{Path: o.Name, Mode: mode, Contents: b}}, nil
	default:
		return directory(o, data, mode)
	}
}

// directory renders every key of data as a file under o.Name.
func directory(o *params.Object, data map[string]any, mode os.FileMode) ([]File, error) {
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	files := make([]File, 0, len(keys))
	for _, k := range keys {
		if strings.Contains(k, "/") || params.CheckFilePath(k) != nil {
			return nil, fmt.Errorf("object %q: %w: key %q is not a file name", o.Name, ErrRender, k)
		}
		p := o.Name + "/" + k
		if len(p) > params.MaxPathLength {
			return nil, fmt.Errorf("object %q: %w: path of key %q too long", o.Name, ErrRender, k)
		}
		b, err := valueBytes(data[k], o.Encoding)
		if err != nil {
			return nil, fmt.Errorf("object %q: key %q: %w", o.Name, k, err)
		}
		files = append(files, File{Path: p, Mode: mode, Contents: b})
	}
	return files, nil
}

// valueBytes is a value's file contents: strings decoded as enc says,
// anything else as JSON (numbers as written).
func valueBytes(v any, enc params.Encoding) ([]byte, error) {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case json.Number:
		s = x.String()
	case nil:
		s = ""
	default:
		if enc != params.EncodingUTF8 && enc != "" {
			return nil, fmt.Errorf("%w: encoding %s needs a string value", ErrRender, enc)
		}
		b, err := json.Marshal(x)
		if err != nil {
			return nil, fmt.Errorf("%w: value is not JSON-encodable", ErrRender)
		}
		return b, nil
	}
	switch enc {
	case params.EncodingBase64:
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
		if err != nil {
			return nil, fmt.Errorf("%w: value is not valid base64", ErrRender)
		}
		return b, nil
	case params.EncodingHex:
		b, err := hex.DecodeString(strings.TrimSpace(s))
		if err != nil {
			return nil, fmt.Errorf("%w: value is not valid hex", ErrRender)
		}
		return b, nil
	default:
		return []byte(s), nil
	}
}
