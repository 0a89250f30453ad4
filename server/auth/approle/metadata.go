package approle

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// errMetadata is wrapped by every metadata parse failure.
var errMetadata = errors.New("metadata must be a JSON object of string values")

// parseMetadata reads a secret ID's metadata field: a JSON object whose
// values are strings, given either as a JSON string (Vault's documented
// form) or as an object in the request body. "" and nil mean no metadata
// and give a nil map.
func parseMetadata(v any) (map[string]string, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		if strings.TrimSpace(x) == "" {
			return nil, nil
		}
		var raw map[string]any
		dec := json.NewDecoder(strings.NewReader(x))
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("%w: %v", errMetadata, err)
		}
		if dec.More() {
			return nil, fmt.Errorf("%w: trailing data", errMetadata)
		}
		if raw == nil {
			return nil, fmt.Errorf("%w: got null", errMetadata)
		}
		return stringValues(raw)
	case map[string]any:
		return stringValues(x)
	case map[string]string:
		out := make(map[string]string, len(x))
		for k, val := range x {
			out[k] = val
		}
		return out, nil
	}
	return nil, fmt.Errorf("%w: got %T", errMetadata, v)
}

func stringValues(raw map[string]any) (map[string]string, error) {
	out := make(map[string]string, len(raw))
	for k, val := range raw {
		s, ok := val.(string)
		if !ok {
			return nil, fmt.Errorf("%w: value of %q is not a string", errMetadata, k)
		}
		out[k] = s
	}
	return out, nil
}
