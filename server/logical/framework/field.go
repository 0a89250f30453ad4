package framework

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/cofre-io/cofre/server/logical"
)

// FieldType is how a field's raw value is interpreted.
type FieldType int

// Field types.
const (
	TypeString FieldType = iota + 1
	TypeLowerCaseString
	TypeNameString
	TypeInt
	TypeInt64
	TypeBool
	TypeFloat
	// TypeDurationSecond accepts an integer number of seconds or a duration
	// string ("90s", "1h", "2d"); the value is a time.Duration.
	TypeDurationSecond
	TypeMap
	// TypeKVPairs accepts a map of strings or a list of "k=v" strings.
	TypeKVPairs
	TypeStringSlice
	// TypeCommaStringSlice accepts a list or a comma-separated string.
	TypeCommaStringSlice
	TypeCommaIntSlice
	TypeSlice
	// TypeRaw passes the value through unchanged.
	TypeRaw
)

// ErrFieldType is wrapped by conversion failures.
var ErrFieldType = errors.New("field type")

// FieldSchema describes one field.
type FieldSchema struct {
	Type        FieldType
	Default     any
	Description string
	Required    bool
}

// FieldData holds a request's raw fields and converts them on access.
type FieldData struct {
	raw    map[string]any
	schema map[string]*FieldSchema
	conv   map[string]any
}

func newFieldData(p *Path, body map[string]any, caps map[string]string) (*FieldData, []string, error) {
	raw := make(map[string]any, len(body)+len(caps))
	var unknown []string
	for k, v := range body {
		if _, ok := p.Fields[k]; !ok && !p.TakesArbitraryInput {
			unknown = append(unknown, k)
		}
		raw[k] = v
	}
	for k, v := range caps {
		raw[k] = v
	}
	d := &FieldData{raw: raw, schema: p.Fields, conv: make(map[string]any)}
	for name, s := range p.Fields {
		v, ok := raw[name]
		if !ok {
			if s.Required {
				return nil, nil, logical.Errorf(logical.ErrInvalidRequest, "missing required field %q", name)
			}
			continue
		}
		c, err := convert(s.Type, v)
		if err != nil {
			return nil, nil, logical.Errorf(logical.ErrInvalidRequest, "error converting input for field %q: %v", name, err)
		}
		d.conv[name] = c
	}
	var warnings []string
	if len(unknown) > 0 {
		warnings = append(warnings, unknownFieldsWarning(unknown))
	}
	return d, warnings, nil
}

// NewFieldData builds FieldData for tests and for backends that call each
// other; it converts raw against schema.
func NewFieldData(raw map[string]any, schema map[string]*FieldSchema) (*FieldData, error) {
	d, _, err := newFieldData(&Path{Fields: schema}, raw, nil)
	return d, err
}

// Raw returns the request's raw body and path captures.
func (d *FieldData) Raw() map[string]any { return d.raw }

// GetOk returns the converted value of a field and whether the request set it.
func (d *FieldData) GetOk(name string) (any, bool) {
	v, ok := d.conv[name]
	if ok {
		return v, true
	}
	if d.schema == nil {
		v, ok := d.raw[name]
		return v, ok
	}
	return nil, false
}

// Get returns the converted value of a field, its default, or the type's zero
// value.
func (d *FieldData) Get(name string) any {
	if v, ok := d.GetOk(name); ok {
		return v
	}
	s, ok := d.schema[name]
	if !ok {
		return nil
	}
	if s.Default != nil {
		if c, err := convert(s.Type, s.Default); err == nil {
			return c
		}
	}
	return zero(s.Type)
}

// String returns a string field.
func (d *FieldData) String(name string) string { s, _ := d.Get(name).(string); return s }

// Int returns an integer field.
func (d *FieldData) Int(name string) int { i, _ := d.Get(name).(int); return i }

// Int64 returns an int64 field.
func (d *FieldData) Int64(name string) int64 { i, _ := d.Get(name).(int64); return i }

// Bool returns a boolean field.
func (d *FieldData) Bool(name string) bool { b, _ := d.Get(name).(bool); return b }

// Duration returns a duration field.
func (d *FieldData) Duration(name string) time.Duration {
	t, _ := d.Get(name).(time.Duration)
	return t
}

// Strings returns a string-slice field.
func (d *FieldData) Strings(name string) []string { s, _ := d.Get(name).([]string); return s }

// Map returns a map field.
func (d *FieldData) Map(name string) map[string]any { m, _ := d.Get(name).(map[string]any); return m }

// StringMap returns a TypeKVPairs field.
func (d *FieldData) StringMap(name string) map[string]string {
	m, _ := d.Get(name).(map[string]string)
	return m
}

func zero(t FieldType) any {
	switch t {
	case TypeString, TypeLowerCaseString, TypeNameString:
		return ""
	case TypeInt:
		return 0
	case TypeInt64:
		return int64(0)
	case TypeBool:
		return false
	case TypeFloat:
		return 0.0
	case TypeDurationSecond:
		return time.Duration(0)
	case TypeMap:
		return map[string]any{}
	case TypeKVPairs:
		return map[string]string{}
	case TypeStringSlice, TypeCommaStringSlice:
		return []string{}
	case TypeCommaIntSlice:
		return []int{}
	case TypeSlice:
		return []any{}
	}
	return nil
}

func convert(t FieldType, v any) (any, error) {
	switch t {
	case TypeString:
		return toString(v)
	case TypeLowerCaseString:
		s, err := toString(v)
		return strings.ToLower(s), err
	case TypeNameString:
		s, err := toString(v)
		if err != nil {
			return nil, err
		}
		if s != strings.TrimSpace(s) || strings.ContainsAny(s, "/") {
			return nil, fmt.Errorf("%w: %q is not a valid name", ErrFieldType, s)
		}
		return s, nil
	case TypeInt:
		i, err := toInt64(v)
		if err != nil {
			return nil, err
		}
		if i > math.MaxInt32 || i < math.MinInt32 {
			return nil, fmt.Errorf("%w: %d out of range", ErrFieldType, i)
		}
		return int(i), nil
	case TypeInt64:
		return toInt64(v)
	case TypeBool:
		return toBool(v)
	case TypeFloat:
		return toFloat(v)
	case TypeDurationSecond:
		return ParseDuration(v)
	case TypeMap:
		return toMap(v)
	case TypeKVPairs:
		return toKVPairs(v)
	case TypeStringSlice:
		return toStringSlice(v, false)
	case TypeCommaStringSlice:
		return toStringSlice(v, true)
	case TypeCommaIntSlice:
		ss, err := toStringSlice(v, true)
		if err != nil {
			return nil, err
		}
		out := make([]int, 0, len(ss))
		for _, s := range ss {
			i, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil {
				return nil, fmt.Errorf("%w: %q is not an integer", ErrFieldType, s)
			}
			out = append(out, i)
		}
		return out, nil
	case TypeSlice:
		switch x := v.(type) {
		case []any:
			return x, nil
		case nil:
			return []any{}, nil
		}
		return nil, fmt.Errorf("%w: expected a list", ErrFieldType)
	case TypeRaw:
		return v, nil
	}
	return nil, fmt.Errorf("%w: unknown field type %d", ErrFieldType, t)
}

func toString(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case json.Number:
		return x.String(), nil
	case bool:
		return strconv.FormatBool(x), nil
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	case int:
		return strconv.Itoa(x), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case nil:
		return "", nil
	}
	return "", fmt.Errorf("%w: expected a string", ErrFieldType)
}

func toInt64(v any) (int64, error) {
	switch x := v.(type) {
	case int:
		return int64(x), nil
	case int64:
		return x, nil
	case float64:
		if x != math.Trunc(x) || math.Abs(x) > 1<<53 {
			return 0, fmt.Errorf("%w: %v is not an integer", ErrFieldType, x)
		}
		return int64(x), nil
	case json.Number:
		return strconv.ParseInt(x.String(), 10, 64)
	case string:
		if x == "" {
			return 0, nil
		}
		i, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%w: %q is not an integer", ErrFieldType, x)
		}
		return i, nil
	case nil:
		return 0, nil
	}
	return 0, fmt.Errorf("%w: expected an integer", ErrFieldType)
}

func toFloat(v any) (float64, error) {
	switch x := v.(type) {
	case float64:
		return x, nil
	case int:
		return float64(x), nil
	case json.Number:
		return x.Float64()
	case string:
		f, err := strconv.ParseFloat(x, 64)
		if err != nil {
			return 0, fmt.Errorf("%w: %q is not a number", ErrFieldType, x)
		}
		return f, nil
	}
	return 0, fmt.Errorf("%w: expected a number", ErrFieldType)
}

func toBool(v any) (bool, error) {
	switch x := v.(type) {
	case bool:
		return x, nil
	case string:
		if x == "" {
			return false, nil
		}
		b, err := strconv.ParseBool(x)
		if err != nil {
			return false, fmt.Errorf("%w: %q is not a boolean", ErrFieldType, x)
		}
		return b, nil
	case float64:
		return x != 0, nil
	case json.Number:
		return x.String() != "0", nil
	case int:
		return x != 0, nil
	case nil:
		return false, nil
	}
	return false, fmt.Errorf("%w: expected a boolean", ErrFieldType)
}

func toMap(v any) (map[string]any, error) {
	switch x := v.(type) {
	case map[string]any:
		return x, nil
	case string:
		if x == "" {
			return map[string]any{}, nil
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(x), &m); err != nil {
			return nil, fmt.Errorf("%w: expected a JSON object", ErrFieldType)
		}
		return m, nil
	case nil:
		return map[string]any{}, nil
	}
	return nil, fmt.Errorf("%w: expected a map", ErrFieldType)
}

func toKVPairs(v any) (map[string]string, error) {
	out := map[string]string{}
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			s, err := toString(val)
			if err != nil {
				return nil, fmt.Errorf("%w: value of %q must be a string", ErrFieldType, k)
			}
			out[k] = s
		}
		return out, nil
	case map[string]string:
		for k, val := range x {
			out[k] = val
		}
		return out, nil
	}
	ss, err := toStringSlice(v, true)
	if err != nil {
		return nil, err
	}
	for _, s := range ss {
		k, val, ok := strings.Cut(s, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("%w: %q is not key=value", ErrFieldType, s)
		}
		out[k] = val
	}
	return out, nil
}

func toStringSlice(v any, comma bool) ([]string, error) {
	var out []string
	switch x := v.(type) {
	case nil:
		return []string{}, nil
	case string:
		if x == "" {
			return []string{}, nil
		}
		if !comma {
			return []string{x}, nil
		}
		for _, s := range strings.Split(x, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
		return out, nil
	case []string:
		return append([]string(nil), x...), nil
	case []any:
		for _, e := range x {
			s, err := toString(e)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		if out == nil {
			out = []string{}
		}
		return out, nil
	}
	return nil, fmt.Errorf("%w: expected a list of strings", ErrFieldType)
}

// ParseDuration reads a TTL the way Vault accepts it: an integer number of
// seconds (as a number or a string) or a Go duration string, with "d" for days.
func ParseDuration(v any) (time.Duration, error) {
	switch x := v.(type) {
	case time.Duration:
		return x, nil
	case int, int64, float64, json.Number:
		i, err := toInt64(x)
		if err != nil {
			return 0, err
		}
		if i < 0 {
			return 0, fmt.Errorf("%w: negative duration", ErrFieldType)
		}
		return time.Duration(i) * time.Second, nil
	case string:
		s := strings.TrimSpace(x)
		if s == "" {
			return 0, nil
		}
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			if i < 0 {
				return 0, fmt.Errorf("%w: negative duration", ErrFieldType)
			}
			return time.Duration(i) * time.Second, nil
		}
		if strings.HasSuffix(s, "d") {
			days, err := strconv.ParseInt(strings.TrimSuffix(s, "d"), 10, 64)
			if err == nil && days >= 0 && days < 1e5 {
				return time.Duration(days) * 24 * time.Hour, nil
			}
		}
		d, err := time.ParseDuration(s)
		if err != nil {
			return 0, fmt.Errorf("%w: %q is not a duration", ErrFieldType, s)
		}
		if d < 0 {
			return 0, fmt.Errorf("%w: negative duration", ErrFieldType)
		}
		return d, nil
	case nil:
		return 0, nil
	}
	return 0, fmt.Errorf("%w: expected a duration", ErrFieldType)
}

// ListResponse builds the standard LIST answer.
func ListResponse(keys []string) *logical.Response {
	if keys == nil {
		keys = []string{}
	}
	return &logical.Response{Data: map[string]any{"keys": keys}}
}
