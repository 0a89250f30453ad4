package tokenutil

import (
	"time"

	"github.com/cofre-io/cofre/server/logical"
)

// PopulateAuth copies the token settings onto a login's Auth: policies (as
// both Policies and TokenPolicies), TTLs, period, use count, bound CIDRs, the
// no-default-policy flag, the token type ("" for the mount's default) and
// Renewable (true except for batch tokens). Slices are copied.
func (p *TokenParams) PopulateAuth(a *logical.Auth) {
	a.Policies = append([]string{}, p.TokenPolicies...)
	a.TokenPolicies = append([]string{}, p.TokenPolicies...)
	a.TTL = p.TokenTTL
	a.MaxTTL = p.TokenMaxTTL
	a.ExplicitMaxTTL = p.TokenExplicitMaxTTL
	a.Period = p.TokenPeriod
	a.NumUses = p.TokenNumUses
	a.NoDefaultPolicy = p.TokenNoDefaultPolicy
	if len(p.TokenBoundCIDRs) > 0 {
		a.BoundCIDRs = append([]string(nil), p.TokenBoundCIDRs...)
	}
	switch p.TokenType {
	case TypeService, TypeDefaultService:
		a.TokenType = TypeService
	case TypeBatch, TypeDefaultBatch:
		a.TokenType = TypeBatch
	default:
		a.TokenType = ""
	}
	a.Renewable = a.TokenType != TypeBatch
}

// ResponseData writes the settings into a read response the way Vault shows
// them: durations in whole seconds, lists never null, token_type "default"
// when unset, and "policies" mirroring token_policies. Each further legacy
// alias named (LegacyTTL, LegacyMaxTTL, LegacyPeriod, LegacyBoundCIDRs) is
// mirrored too.
func (p *TokenParams) ResponseData(m map[string]any, legacy ...string) {
	typ := p.TokenType
	if typ == "" {
		typ = TypeDefault
	}
	m["token_policies"] = orEmpty(p.TokenPolicies)
	m["token_ttl"] = secs(p.TokenTTL)
	m["token_max_ttl"] = secs(p.TokenMaxTTL)
	m["token_explicit_max_ttl"] = secs(p.TokenExplicitMaxTTL)
	m["token_period"] = secs(p.TokenPeriod)
	m["token_num_uses"] = p.TokenNumUses
	m["token_bound_cidrs"] = orEmpty(p.TokenBoundCIDRs)
	m["token_type"] = typ
	m["token_no_default_policy"] = p.TokenNoDefaultPolicy
	m[LegacyPolicies] = m["token_policies"]
	for _, name := range legacy {
		if target, ok := legacyOf[name]; ok {
			m[name] = m[target]
		}
	}
}

func secs(d time.Duration) int64 { return int64(d / time.Second) }

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return append([]string{}, s...)
}
