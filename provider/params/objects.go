package params

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"os"
	"strconv"
	"strings"

	"sigs.k8s.io/yaml"
)

// objectSpec is one entry of the objects YAML as written.
type objectSpec struct {
	ObjectName     string         `json:"objectName"`
	SecretPath     string         `json:"secretPath"`
	SecretKey      string         `json:"secretKey"`
	SecretArgs     map[string]any `json:"secretArgs"`
	Method         string         `json:"method"`
	Encoding       string         `json:"encoding"`
	FilePermission any            `json:"filePermission"`
	Template       string         `json:"template"`
	Optional       bool           `json:"optional"`
}

func parseObjects(s string) ([]Object, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("%w: objects is required", ErrInvalid)
	}
	if len(s) > MaxInputSize {
		return nil, fmt.Errorf("%w: objects larger than %d bytes", ErrInvalid, MaxInputSize)
	}
	var specs []objectSpec
	if err := yaml.UnmarshalStrict([]byte(s), &specs, yaml.DisallowUnknownFields); err != nil {
		return nil, fmt.Errorf("%w: objects is not a YAML list of objects: %s", ErrInvalid, yamlError(err))
	}
	if err := checkFieldNames(s); err != nil {
		return nil, err
	}
	if len(specs) == 0 {
		return nil, fmt.Errorf("%w: objects lists nothing", ErrInvalid)
	}
	if len(specs) > MaxObjects {
		return nil, fmt.Errorf("%w: more than %d objects", ErrInvalid, MaxObjects)
	}
	out := make([]Object, 0, len(specs))
	seen := map[string]int{}
	for i, sp := range specs {
		o, err := sp.object()
		if err != nil {
			return nil, fmt.Errorf("%w: object %d (%q): %w", ErrInvalid, i+1, truncate(sp.ObjectName), err)
		}
		if j, dup := seen[o.Name]; dup {
			return nil, fmt.Errorf("%w: objects %d and %d are both named %q", ErrInvalid, j+1, i+1, o.Name)
		}
		seen[o.Name] = i
		out = append(out, o)
	}
	if err := checkNesting(out); err != nil {
		return nil, err
	}
	return out, nil
}

// objectFields are the fields an object may have, spelled exactly (the
// JSON decoder alone would accept any case).
var objectFields = map[string]bool{"objectName": true, "secretPath": true, "secretKey": true, "secretArgs": true,
	"method": true, "encoding": true, "filePermission": true, "template": true, "optional": true}

func checkFieldNames(s string) error {
	var raw []map[string]any
	if err := yaml.Unmarshal([]byte(s), &raw); err != nil {
		return fmt.Errorf("%w: objects is not a YAML list of objects: %s", ErrInvalid, yamlError(err))
	}
	for i, m := range raw {
		for k := range m {
			if !objectFields[k] {
				return fmt.Errorf("%w: object %d: unknown field %q", ErrInvalid, i+1, truncate(k))
			}
		}
	}
	return nil
}

// yamlError keeps the parser's message but bounds its length (it may quote
// the input).
func yamlError(err error) string {
	msg := err.Error()
	if len(msg) > 200 {
		msg = msg[:200] + "..."
	}
	return msg
}

func (sp *objectSpec) object() (Object, error) {
	o := Object{Name: sp.ObjectName, Key: sp.SecretKey, Template: sp.Template, Optional: sp.Optional, Args: sp.SecretArgs}
	if err := CheckFilePath(o.Name); err != nil {
		return Object{}, fmt.Errorf("objectName: %w", err)
	}
	if o.Key != "" && o.Template != "" {
		return Object{}, errors.New("secretKey and template exclude each other")
	}
	path, rawQuery, _ := strings.Cut(strings.TrimSpace(sp.SecretPath), "?")
	path = strings.Trim(path, "/")
	if path == "" {
		return Object{}, errors.New("secretPath is required")
	}
	if err := checkAPIPath(path); err != nil {
		return Object{}, fmt.Errorf("secretPath: %w", err)
	}
	o.Path = path
	query, err := url.ParseQuery(rawQuery)
	if err != nil {
		return Object{}, fmt.Errorf("secretPath: bad query: %w", err)
	}
	switch m := strings.ToUpper(strings.TrimSpace(sp.Method)); m {
	case "", MethodGet:
		o.Method = MethodGet
		for k, v := range o.Args {
			query.Add(k, argString(v))
		}
		o.Args = nil
	case MethodPut, MethodPost:
		o.Method = m
		if len(query) > 0 {
			return Object{}, fmt.Errorf("a query on secretPath needs method GET, not %s", m)
		}
	default:
		return Object{}, fmt.Errorf("method %q is not GET, PUT or POST", truncate(sp.Method))
	}
	if len(query) > 0 {
		o.Query = query
	}
	if o.Encoding, err = parseEncoding(sp.Encoding); err != nil {
		return Object{}, err
	}
	if o.Mode, err = parseMode(sp.FilePermission); err != nil {
		return Object{}, err
	}
	return o, nil
}

// argString renders a secretArgs value as a query parameter.
func argString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return ""
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	default:
		b, _ := json.Marshal(x) // came from JSON: always marshals
		return string(b)
	}
}

func parseEncoding(s string) (Encoding, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "utf-8", "utf8":
		return EncodingUTF8, nil
	case "base64":
		return EncodingBase64, nil
	case "hex":
		return EncodingHex, nil
	}
	return "", fmt.Errorf("encoding %q is not utf-8, base64 or hex", truncate(s))
}

// parseMode reads filePermission: a YAML number (0600 is octal in YAML
// 1.1) or a string of octal digits ("0600", "600", "0o600").
func parseMode(v any) (os.FileMode, error) {
	var n uint64
	switch x := v.(type) {
	case nil:
		return 0, nil
	case float64:
		if x != math.Trunc(x) || x < 0 || x > 0o777 {
			return 0, fmt.Errorf("filePermission %v is not a file mode (write it in octal: 0600)", x)
		}
		n = uint64(x)
	case string:
		s := strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(x), "0o"), "0O")
		var err error
		if n, err = strconv.ParseUint(s, 8, 32); err != nil || n > 0o777 {
			return 0, fmt.Errorf("filePermission %q is not an octal file mode", truncate(x))
		}
	default:
		return 0, fmt.Errorf("filePermission must be a number or a string of octal digits")
	}
	return os.FileMode(n), nil
}
