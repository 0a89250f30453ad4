package config

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// attrValue evaluates an attribute with no variables or functions; a
// configuration file is literal.
func attrValue(attr *hcl.Attribute) (cty.Value, hcl.Diagnostics) {
	v, diags := attr.Expr.Value(nil)
	if diags.HasErrors() {
		return cty.NilVal, diags
	}
	if v.IsNull() || !v.IsWhollyKnown() {
		return cty.NilVal, invalidValue(attr, "a value is required")
	}
	return v, nil
}

func invalidValue(attr *hcl.Attribute, detail string) hcl.Diagnostics {
	r := attr.Expr.Range()
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Invalid value for " + strconv.Quote(attr.Name),
		Detail:   detail,
		Subject:  &r,
	}}
}

// stringAttr renders a string, number or bool attribute as a string, as
// HCL does for string arguments.
func stringAttr(attr *hcl.Attribute) (string, hcl.Diagnostics) {
	v, diags := attrValue(attr)
	if diags.HasErrors() {
		return "", diags
	}
	switch v.Type() {
	case cty.String:
		return v.AsString(), nil
	case cty.Bool:
		return strconv.FormatBool(v.True()), nil
	case cty.Number:
		f := v.AsBigFloat()
		if n, ok := bigInt64(f); ok {
			return strconv.FormatInt(n, 10), nil
		}
		// Formatting a big.Float in decimal costs time in its exponent
		// (1e1000000 takes seconds); a float64 is formatted cheaply.
		if x, _ := f.Float64(); !math.IsInf(x, 0) {
			return strconv.FormatFloat(x, 'g', -1, 64), nil
		}
		return "", invalidValue(attr, "the number is out of range")
	}
	return "", invalidValue(attr, "a string is required")
}

// boolAttr accepts true/false or a string strconv.ParseBool accepts.
func boolAttr(attr *hcl.Attribute) (bool, hcl.Diagnostics) {
	v, diags := attrValue(attr)
	if diags.HasErrors() {
		return false, diags
	}
	switch v.Type() {
	case cty.Bool:
		return v.True(), nil
	case cty.String:
		b, err := strconv.ParseBool(strings.TrimSpace(v.AsString()))
		if err == nil {
			return b, nil
		}
	}
	return false, invalidValue(attr, `a boolean is required (true, false, "true", "false", "1" or "0")`)
}

// intAttr accepts a whole number or a string holding one.
func intAttr(attr *hcl.Attribute) (int64, hcl.Diagnostics) {
	v, diags := attrValue(attr)
	if diags.HasErrors() {
		return 0, diags
	}
	switch v.Type() {
	case cty.Number:
		if n, ok := bigInt64(v.AsBigFloat()); ok {
			return n, nil
		}
	case cty.String:
		n, err := strconv.ParseInt(strings.TrimSpace(v.AsString()), 10, 64)
		if err == nil {
			return n, nil
		}
	}
	return 0, invalidValue(attr, "a whole number is required")
}

// durationAttr accepts what parseDuration accepts, or a whole number of
// seconds.
func durationAttr(attr *hcl.Attribute) (time.Duration, hcl.Diagnostics) {
	v, diags := attrValue(attr)
	if diags.HasErrors() {
		return 0, diags
	}
	switch v.Type() {
	case cty.Number:
		n, ok := bigInt64(v.AsBigFloat())
		if ok && n >= 0 && n <= maxSeconds {
			return time.Duration(n) * time.Second, nil
		}
		return 0, invalidValue(attr, "a duration must be a whole, non-negative number of seconds")
	case cty.String:
		d, err := parseDuration(v.AsString())
		if err != nil {
			return 0, invalidValue(attr, err.Error())
		}
		return d, nil
	}
	return 0, invalidValue(attr, `a duration is required, such as "90s", "768h", "30d" or a number of seconds`)
}

const maxSeconds = int64(1<<63-1) / int64(time.Second)

// parseDuration reads "90s"/"1h30m" (Go syntax), "30d" (whole days) or
// "3600" (seconds). Negative durations are refused.
func parseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("empty duration")
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n < 0 || n > maxSeconds {
			return 0, fmt.Errorf("duration %q is out of range", s)
		}
		return time.Duration(n) * time.Second, nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.ParseInt(days, 10, 64)
		if err != nil || n < 0 || n > maxSeconds/86400 {
			return 0, fmt.Errorf("duration %q: days must be a whole, non-negative number", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("duration %q: use a form such as \"90s\", \"768h\", \"30d\" or a number of seconds", s)
	}
	if d < 0 {
		return 0, fmt.Errorf("duration %q is negative", s)
	}
	return d, nil
}

func bigInt64(f *big.Float) (int64, bool) {
	if !f.IsInt() {
		return 0, false
	}
	n, acc := f.Int64()
	return n, acc == big.Exact
}
