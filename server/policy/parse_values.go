package policy

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// legacyPolicies maps the values of the old "policy" attribute to the
// capabilities they stand for.
var legacyPolicies = map[string]Capability{
	"deny":  CapDeny,
	"read":  CapRead | CapList,
	"write": CapCreate | CapRead | CapUpdate | CapPatch | CapDelete | CapList,
	"sudo":  capAll,
}

func decodeCapabilities(expr hcl.Expression) (Capability, error) {
	elems, err := decodeStringList(expr)
	if err != nil {
		return 0, err
	}
	var caps Capability
	for _, e := range elems {
		c, err := ParseCapability(e.val)
		if err != nil {
			return 0, errorAt(e.rng, "unknown capability "+strconv.Quote(e.val))
		}
		caps |= c
	}
	return caps, nil
}

func decodeLegacyPolicy(expr hcl.Expression) (Capability, error) {
	s, err := decodeString(expr)
	if err != nil {
		return 0, err
	}
	c, ok := legacyPolicies[s]
	if !ok {
		return 0, errorAt(expr.Range(), "unknown policy value "+strconv.Quote(s)+` (want "deny", "read", "write" or "sudo")`)
	}
	return c, nil
}

func decodeRequired(expr hcl.Expression) ([]string, error) {
	elems, err := decodeStringList(expr)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range elems {
		out = append(out, strings.ToLower(e.val))
	}
	return out, nil
}

// decodeParamMap reads { "name" = ["value", ...], ... }. Names are
// lower-cased; naming a parameter twice is an error. An empty map is
// returned as nil: it constrains nothing.
func decodeParamMap(expr hcl.Expression) (map[string][]string, error) {
	pairs, diags := hcl.ExprMap(expr)
	if diags.HasErrors() {
		return nil, diagError(diags)
	}
	if len(pairs) == 0 {
		return nil, nil
	}
	out := make(map[string][]string, len(pairs))
	for _, kv := range pairs {
		key, err := decodeString(kv.Key)
		if err != nil {
			return nil, err
		}
		key = strings.ToLower(key)
		if _, dup := out[key]; dup {
			return nil, errorAt(kv.Key.Range(), "parameter "+strconv.Quote(key)+" is listed twice")
		}
		elems, err := decodeStringList(kv.Value)
		if err != nil {
			return nil, err
		}
		var vals []string
		for _, e := range elems {
			vals = append(vals, e.val)
		}
		out[key] = vals
	}
	return out, nil
}

// decodeTTL reads a duration: a number of seconds, a string of digits
// (seconds) or a Go duration string such as "90s" or "1h30m".
func decodeTTL(expr hcl.Expression) (time.Duration, error) {
	v, err := staticValue(expr)
	if err != nil {
		return 0, err
	}
	if v.Type() == cty.Number {
		return secondsTTL(expr.Range(), v.AsBigFloat())
	}
	s, err := decodeString(expr)
	if err != nil {
		return 0, err
	}
	if s != "" && strings.Trim(s, "0123456789") == "" {
		f, _, perr := big.ParseFloat(s, 10, 256, big.ToNearestEven)
		if perr != nil {
			return 0, errorAt(expr.Range(), "invalid duration "+strconv.Quote(s))
		}
		return secondsTTL(expr.Range(), f)
	}
	d, perr := time.ParseDuration(s)
	if perr != nil {
		return 0, errorAt(expr.Range(), "invalid duration "+strconv.Quote(s))
	}
	if d < 0 {
		return 0, errorAt(expr.Range(), "duration must not be negative")
	}
	return d, nil
}

func secondsTTL(rng hcl.Range, f *big.Float) (time.Duration, error) {
	if !f.IsInt() || f.Sign() < 0 {
		return 0, errorAt(rng, "duration in seconds must be a whole, non-negative number")
	}
	n, acc := f.Int64()
	if acc != big.Exact || n > math.MaxInt64/int64(time.Second) {
		return 0, errorAt(rng, "duration is too long")
	}
	return time.Duration(n) * time.Second, nil
}

type stringAt struct {
	val string
	rng hcl.Range
}

func decodeStringList(expr hcl.Expression) ([]stringAt, error) {
	elems, diags := hcl.ExprList(expr)
	if diags.HasErrors() {
		return nil, diagError(diags)
	}
	out := make([]stringAt, 0, len(elems))
	for _, e := range elems {
		s, err := decodeString(e)
		if err != nil {
			return nil, err
		}
		out = append(out, stringAt{val: s, rng: e.Range()})
	}
	return out, nil
}

// decodeString evaluates a static expression that must yield a string,
// number or bool, and returns its string form.
func decodeString(expr hcl.Expression) (string, error) {
	v, err := staticValue(expr)
	if err != nil {
		return "", err
	}
	if !v.Type().IsPrimitiveType() {
		return "", errorAt(expr.Range(), "a string is required here")
	}
	s, cerr := convert.Convert(v, cty.String)
	if cerr != nil {
		return "", errorAt(expr.Range(), "a string is required here")
	}
	return s.AsString(), nil
}

// staticValue evaluates expr with no variables and no functions and
// requires a known, non-null result.
func staticValue(expr hcl.Expression) (cty.Value, error) {
	v, diags := expr.Value(nil)
	if diags.HasErrors() {
		return cty.NilVal, diagError(diags)
	}
	if v.IsNull() || !v.IsWhollyKnown() {
		return cty.NilVal, errorAt(expr.Range(), "a value is required here")
	}
	return v, nil
}
