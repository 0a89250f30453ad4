package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// errKVArg is the sentinel every key=value argument problem wraps.
var errKVArg = errors.New("invalid key=value argument")

// kvSources is where parseKV reads "-" and "@file" from.
type kvSources struct {
	stdin    func() ([]byte, error)
	readFile func(string) ([]byte, error)
}

// parseKV turns Vault-style data arguments into a request body:
//
//   - key=value sets a string (values that look like JSON stay strings);
//   - key=@path sets the file's content, key=- standard input's content,
//     and key=\@x the literal "@x";
//   - a lone "-" merges a JSON object read from standard input, a lone
//     "@path" one read from the file;
//   - repeating key=value collects the values into a list, in order.
//
// Errors name the argument by position, never by content, since values
// are often secrets.
func parseKV(args []string, src kvSources) (map[string]any, error) {
	out := map[string]any{}
	for i, arg := range args {
		n := i + 1
		switch {
		case arg == "-":
			b, err := src.stdin()
			if err != nil {
				return nil, fmt.Errorf("%w: argument %d: %w", errKVArg, n, err)
			}
			if err := mergeJSON(out, b); err != nil {
				return nil, fmt.Errorf("%w: argument %d (standard input): %w", errKVArg, n, err)
			}
			continue
		case strings.HasPrefix(arg, "@"):
			b, err := src.readFile(arg[1:])
			if err != nil {
				return nil, fmt.Errorf("%w: argument %d: %w", errKVArg, n, err)
			}
			if err := mergeJSON(out, b); err != nil {
				return nil, fmt.Errorf("%w: argument %d (file %s): %w", errKVArg, n, arg[1:], err)
			}
			continue
		}
		key, value, ok := strings.Cut(arg, "=")
		if !ok {
			return nil, fmt.Errorf("%w: argument %d must have the form key=value", errKVArg, n)
		}
		if key == "" {
			return nil, fmt.Errorf("%w: argument %d has an empty key", errKVArg, n)
		}
		switch {
		case value == "-":
			b, err := src.stdin()
			if err != nil {
				return nil, fmt.Errorf("%w: %s: %w", errKVArg, key, err)
			}
			value = string(b)
		case strings.HasPrefix(value, "@"):
			b, err := src.readFile(value[1:])
			if err != nil {
				return nil, fmt.Errorf("%w: %s: %w", errKVArg, key, err)
			}
			value = string(b)
		case strings.HasPrefix(value, `\@`):
			value = value[1:]
		}
		addValue(out, key, value)
	}
	return out, nil
}

func addValue(m map[string]any, key string, value any) {
	old, ok := m[key]
	if !ok {
		m[key] = value
		return
	}
	if list, isList := old.([]any); isList {
		m[key] = append(list, value)
		return
	}
	m[key] = []any{old, value}
}

// mergeJSON sets every key of a JSON object into m (later keys win).
func mergeJSON(m map[string]any, b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		return errors.New("not a JSON object")
	}
	if obj == nil {
		return errors.New("not a JSON object")
	}
	if dec.More() {
		return errors.New("trailing data after the JSON object")
	}
	for k, v := range obj {
		m[k] = v
	}
	return nil
}
