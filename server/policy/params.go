package policy

import (
	"encoding/json"
	"strconv"
	"strings"
)

// checkParams applies a rule's parameter constraints to a request's
// parameters and returns why they fail, or "" when they pass. See the
// package documentation for the semantics.
func checkParams(perm *PathRule, params map[string]any) string {
	if len(perm.DeniedParameters) > 0 {
		if _, all := perm.DeniedParameters["*"]; all && len(params) > 0 {
			return "parameters are denied on this path"
		}
		for k, v := range params {
			vals, ok := lookupParam(perm.DeniedParameters, k)
			if ok && (len(vals) == 0 || anyValueIn(v, vals)) {
				return "parameter " + strconv.Quote(k) + " is denied"
			}
		}
	}
	if len(perm.AllowedParameters) > 0 {
		for k, v := range params {
			vals, ok := lookupParam(perm.AllowedParameters, k)
			if !ok {
				vals, ok = perm.AllowedParameters["*"]
			}
			if !ok {
				return "parameter " + strconv.Quote(k) + " is not allowed"
			}
			if len(vals) > 0 && !allValuesIn(v, vals) {
				return "a value of parameter " + strconv.Quote(k) + " is not allowed"
			}
		}
	}
	for _, name := range perm.RequiredParameters {
		if !hasParam(params, name) {
			return "required parameter " + strconv.Quote(name) + " is missing"
		}
	}
	return ""
}

// lookupParam finds a request key among lower-cased policy keys.
func lookupParam(m map[string][]string, key string) ([]string, bool) {
	if vals, ok := m[key]; ok {
		return vals, true
	}
	if !hasUpper(key) {
		return nil, false
	}
	vals, ok := m[strings.ToLower(key)]
	return vals, ok
}

func hasUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' || c >= 0x80 {
			return true
		}
	}
	return false
}

// hasParam reports whether params has the lower-cased name, in any case.
func hasParam(params map[string]any, name string) bool {
	if _, ok := params[name]; ok {
		return true
	}
	for k := range params {
		if strings.ToLower(k) == name {
			return true
		}
	}
	return false
}

// anyValueIn reports whether v, or any element of a list v, matches one of
// the value patterns.
func anyValueIn(v any, patterns []string) bool {
	switch t := v.(type) {
	case []any:
		for _, e := range t {
			if valueIn(e, patterns) {
				return true
			}
		}
		return false
	case []string:
		for _, e := range t {
			if valueIn(e, patterns) {
				return true
			}
		}
		return false
	}
	return valueIn(v, patterns)
}

// allValuesIn reports whether v, or every element of a list v, matches one
// of the value patterns.
func allValuesIn(v any, patterns []string) bool {
	switch t := v.(type) {
	case []any:
		for _, e := range t {
			if !valueIn(e, patterns) {
				return false
			}
		}
		return true
	case []string:
		for _, e := range t {
			if !valueIn(e, patterns) {
				return false
			}
		}
		return true
	}
	return valueIn(v, patterns)
}

func valueIn(v any, patterns []string) bool {
	s, ok := stringForm(v)
	if !ok {
		return false
	}
	for _, p := range patterns {
		if globMatch(p, s) {
			return true
		}
	}
	return false
}

// stringForm renders scalar request values the way policy values are
// written. Values without a string form (nil, maps, nested lists) report
// false and match no value pattern.
func stringForm(v any) (string, bool) {
	switch t := v.(type) {
	case string:
		return t, true
	case bool:
		return strconv.FormatBool(t), true
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64), true
	case float32:
		return strconv.FormatFloat(float64(t), 'f', -1, 32), true
	case int:
		return strconv.Itoa(t), true
	case int64:
		return strconv.FormatInt(t, 10), true
	case int32:
		return strconv.FormatInt(int64(t), 10), true
	case uint64:
		return strconv.FormatUint(t, 10), true
	case uint32:
		return strconv.FormatUint(uint64(t), 10), true
	case uint:
		return strconv.FormatUint(uint64(t), 10), true
	case json.Number:
		return t.String(), true
	}
	return "", false
}

// globMatch matches s against a pattern in which "*" stands for any run of
// characters.
func globMatch(pat, s string) bool {
	i := strings.IndexByte(pat, '*')
	if i < 0 {
		return pat == s
	}
	if !strings.HasPrefix(s, pat[:i]) {
		return false
	}
	s, pat = s[i:], pat[i+1:]
	for {
		j := strings.IndexByte(pat, '*')
		if j < 0 {
			return strings.HasSuffix(s, pat)
		}
		k := strings.Index(s, pat[:j])
		if k < 0 {
			return false
		}
		s, pat = s[k+j:], pat[j+1:]
	}
}
