package tokenutil

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
)

// invalid builds a 400 that also matches ErrInvalidParams.
func invalid(format string, args ...any) error {
	return &logical.Error{Kind: logical.ErrInvalidRequest, Msg: fmt.Sprintf(format, args...), Err: ErrInvalidParams}
}

// ParseFrom updates p from the token fields present in d; absent fields keep
// their current values, so the same call serves creates (on a zero p) and
// partial updates. The result is validated as a whole; on error p is left
// unchanged. Errors match logical.ErrInvalidRequest and ErrInvalidParams.
func (p *TokenParams) ParseFrom(d *framework.FieldData) error {
	next := *p
	if v, ok, err := pick(d, "token_policies"); err != nil {
		return err
	} else if ok {
		ss, _ := v.([]string)
		next.TokenPolicies = SanitizePolicies(ss)
	}
	for _, f := range []struct {
		name string
		dst  *time.Duration
	}{
		{"token_ttl", &next.TokenTTL},
		{"token_max_ttl", &next.TokenMaxTTL},
		{"token_explicit_max_ttl", &next.TokenExplicitMaxTTL},
		{"token_period", &next.TokenPeriod},
	} {
		v, ok, err := pick(d, f.name)
		if err != nil {
			return err
		}
		if ok {
			*f.dst, _ = v.(time.Duration)
		}
	}
	if v, ok := d.GetOk("token_num_uses"); ok {
		next.TokenNumUses, _ = v.(int)
	}
	if v, ok, err := pick(d, "token_bound_cidrs"); err != nil {
		return err
	} else if ok {
		ss, _ := v.([]string)
		cidrs, err := ParseCIDRs(ss)
		if err != nil {
			return invalid("invalid 'token_bound_cidrs': %v", err)
		}
		next.TokenBoundCIDRs = cidrs
	}
	if v, ok := d.GetOk("token_type"); ok {
		s, _ := v.(string)
		next.TokenType = strings.ToLower(strings.TrimSpace(s))
	}
	if v, ok := d.GetOk("token_no_default_policy"); ok {
		next.TokenNoDefaultPolicy, _ = v.(bool)
	}
	if err := next.Validate(); err != nil {
		return err
	}
	if next.TokenType == TypeDefault {
		next.TokenType = ""
	}
	*p = next
	return nil
}

// Validate checks the combination of settings.
func (p *TokenParams) Validate() error {
	switch p.TokenType {
	case "", TypeDefault, TypeService, TypeBatch, TypeDefaultService, TypeDefaultBatch:
	default:
		return invalid("invalid 'token_type' value %q", p.TokenType)
	}
	if p.TokenNumUses < 0 {
		return invalid("'token_num_uses' cannot be negative")
	}
	if p.TokenMaxTTL > 0 && p.TokenTTL > p.TokenMaxTTL {
		return invalid("'token_ttl' cannot be greater than 'token_max_ttl'")
	}
	if p.isBatch() {
		if p.TokenPeriod > 0 {
			return invalid("'token_type' cannot be 'batch' or 'default_batch' when set to generate periodic tokens")
		}
		if p.TokenNumUses > 0 {
			return invalid("'token_type' cannot be 'batch' or 'default_batch' when set to generate tokens with limited use count")
		}
	}
	if _, err := ParseCIDRs(p.TokenBoundCIDRs); err != nil {
		return invalid("invalid 'token_bound_cidrs': %v", err)
	}
	return nil
}

func (p *TokenParams) isBatch() bool {
	return p.TokenType == TypeBatch || p.TokenType == TypeDefaultBatch
}

// pick returns the value of a token_* field or of its legacy alias. Giving
// both with different values is an error.
func pick(d *framework.FieldData, name string) (any, bool, error) {
	v, ok := d.GetOk(name)
	for alias, target := range legacyOf {
		if target != name {
			continue
		}
		lv, lok := d.GetOk(alias)
		if !lok {
			continue
		}
		if ok && !reflect.DeepEqual(v, lv) {
			return nil, false, invalid("%q and %q cannot both be set to different values", name, alias)
		}
		v, ok = lv, true
	}
	return v, ok, nil
}

// SanitizePolicies trims and lowercases policy names, drops empty ones and
// duplicates, and sorts the result. It never returns nil.
func SanitizePolicies(in []string) []string {
	seen := make(map[string]struct{}, len(in))
	out := make([]string, 0, len(in))
	for _, p := range in {
		p = strings.ToLower(strings.TrimSpace(p))
		if p == "" {
			continue
		}
		if _, dup := seen[p]; dup {
			continue
		}
		seen[p] = struct{}{}
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// EquivalentPolicies reports whether two policy lists grant the same thing,
// ignoring order, case, duplicates and the "default" policy (which the token
// store adds on its own).
func EquivalentPolicies(a, b []string) bool {
	strip := func(in []string) []string {
		out := SanitizePolicies(in)
		return slices.DeleteFunc(out, func(p string) bool { return p == "default" })
	}
	return slices.Equal(strip(a), strip(b))
}
