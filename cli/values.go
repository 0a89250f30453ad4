package cli

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// num reads a JSON number (or numeric string) as an int64; 0 otherwise.
func num(v any) int64 {
	switch x := v.(type) {
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n
		}
		if f, err := x.Float64(); err == nil {
			return int64(f)
		}
	case float64:
		return int64(x)
	case int:
		return int64(x)
	case int64:
		return x
	case string:
		n, _ := strconv.ParseInt(x, 10, 64)
		return n
	}
	return 0
}

// str reads a string value; "" otherwise.
func str(v any) string {
	s, _ := v.(string)
	return s
}

// boolean reads a bool value; false otherwise.
func boolean(v any) bool {
	b, _ := v.(bool)
	return b
}

// strList reads a JSON array of strings.
func strList(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, e := range list {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// parseTTL reads a duration the way Vault's CLI flags do: a Go duration
// ("90s", "1h30m"), whole days ("7d") or a number of seconds.
func parseTTL(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n >= 0 {
		return time.Duration(n) * time.Second, nil
	}
	if d, ok := strings.CutSuffix(s, "d"); ok {
		if n, err := strconv.ParseInt(d, 10, 64); err == nil && n >= 0 && n < 1e6 {
			return time.Duration(n) * 24 * time.Hour, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%q is not a duration (use forms such as 30m, 768h, 7d or 3600)", s)
	}
	return d, nil
}

// ttlFlag is a duration flag that remembers whether it was given.
type ttlFlag struct {
	set bool
	d   time.Duration
}

func (f *ttlFlag) String() string {
	if f == nil || !f.set {
		return ""
	}
	return f.d.String()
}

func (f *ttlFlag) Set(s string) error {
	d, err := parseTTL(s)
	if err != nil {
		return err
	}
	f.set, f.d = true, d
	return nil
}

// api is the value to send to the server: a Go duration string, which
// the server (like Vault) accepts for every TTL field.
func (f *ttlFlag) api() string { return f.d.String() }

// listFlag is a repeatable string flag; each use may also hold a
// comma-separated list.
type listFlag []string

func (f *listFlag) String() string { return strings.Join(*f, ",") }

func (f *listFlag) Set(s string) error {
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*f = append(*f, p)
		}
	}
	return nil
}

// mapFlag is a repeatable key=value flag.
type mapFlag map[string]string

func (f mapFlag) String() string {
	parts := make([]string, 0, len(f))
	for _, k := range sortedKeys(f) {
		parts = append(parts, k+"="+f[k])
	}
	return strings.Join(parts, ",")
}

func (f mapFlag) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return fmt.Errorf("expected key=value")
	}
	f[k] = v
	return nil
}

// optBool is a bool flag that remembers whether it was given.
type optBool struct {
	set bool
	v   bool
}

func (f *optBool) String() string {
	if f == nil || !f.set {
		return ""
	}
	return strconv.FormatBool(f.v)
}

func (f *optBool) Set(s string) error {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return err
	}
	f.set, f.v = true, b
	return nil
}

// IsBoolFlag lets "-flag" alone mean true.
func (f *optBool) IsBoolFlag() bool { return true }
