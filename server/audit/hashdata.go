package audit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"time"
)

// hashFunc replaces one string.
type hashFunc func(string) string

// hashData returns a copy of data in which every string, at any depth
// through maps and lists, is replaced by hash(string). Numbers, booleans
// and nil are kept as they are (as Vault does, only strings are hashed).
// Top-level keys listed in clear are copied without hashing. data itself
// is never modified.
func hashData(data map[string]any, hash hashFunc, clear []string) (map[string]any, error) {
	if data == nil {
		return nil, nil
	}
	out := make(map[string]any, len(data))
	for k, v := range data {
		if contains(clear, k) {
			out[k] = v
			continue
		}
		hv, err := hashValue(v, hash)
		if err != nil {
			return nil, fmt.Errorf("audit: data key %q: %w", k, err)
		}
		out[k] = hv
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// hashValue hashes the strings in v. The common shapes of request and
// response data are walked directly; anything else composite (structs,
// typed slices and maps) goes through its JSON form, which is what the
// client sees anyway.
func hashValue(v any, hash hashFunc) (any, error) {
	switch x := v.(type) {
	case nil, bool, json.Number, time.Duration,
		int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64:
		return x, nil
	case string:
		return hash(x), nil
	case time.Time:
		// Times are not secrets; Vault logs them as they are.
		return x, nil
	case []string:
		out := make([]string, len(x))
		for i, s := range x {
			out[i] = hash(s)
		}
		return out, nil
	case map[string]string:
		out := make(map[string]string, len(x))
		for k, s := range x {
			out[k] = hash(s)
		}
		return out, nil
	case map[string]any:
		return hashData(x, hash, nil)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			h, err := hashValue(e, hash)
			if err != nil {
				return nil, err
			}
			out[i] = h
		}
		return out, nil
	case []map[string]any:
		out := make([]any, len(x))
		for i, e := range x {
			h, err := hashData(e, hash, nil)
			if err != nil {
				return nil, err
			}
			out[i] = h
		}
		return out, nil
	}
	switch reflect.ValueOf(v).Kind() {
	case reflect.Map, reflect.Slice, reflect.Array, reflect.Struct, reflect.Pointer, reflect.Interface, reflect.Chan, reflect.Func, reflect.Complex64, reflect.Complex128:
		generic, err := viaJSON(v)
		if err != nil {
			return nil, err
		}
		return hashValue(generic, hash)
	case reflect.String:
		return hash(reflect.ValueOf(v).String()), nil
	}
	return v, nil // other scalars (named numeric types) as they are
}

// viaJSON turns v into the generic value its JSON encoding decodes to.
func viaJSON(v any) (any, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode %T: %w", v, err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		return nil, fmt.Errorf("decode %T: %w", v, err)
	}
	return out, nil
}
