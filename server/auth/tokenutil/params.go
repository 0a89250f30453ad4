package tokenutil

import (
	"errors"
	"time"

	"github.com/cofre-io/cofre/server/logical/framework"
)

// ErrInvalidParams is wrapped (alongside logical.ErrInvalidRequest) by every
// validation error ParseFrom returns.
var ErrInvalidParams = errors.New("invalid token parameters")

// Token types accepted in token_type. TypeDefault leaves the choice to the
// mount (service unless tuned otherwise); the two "default-" forms are
// Vault's and behave like their plain counterparts here.
const (
	TypeDefault        = "default"
	TypeService        = "service"
	TypeBatch          = "batch"
	TypeDefaultService = "default-service"
	TypeDefaultBatch   = "default-batch"
)

// Legacy field names: the pre-token_* aliases some auth methods still accept.
// "policies" is always accepted; the others only when passed to Fields.
const (
	LegacyPolicies   = "policies"
	LegacyTTL        = "ttl"
	LegacyMaxTTL     = "max_ttl"
	LegacyPeriod     = "period"
	LegacyBoundCIDRs = "bound_cidrs"
)

// legacyOf maps each legacy alias to the token_* field it stands for.
var legacyOf = map[string]string{
	LegacyPolicies:   "token_policies",
	LegacyTTL:        "token_ttl",
	LegacyMaxTTL:     "token_max_ttl",
	LegacyPeriod:     "token_period",
	LegacyBoundCIDRs: "token_bound_cidrs",
}

// TokenParams are the settings of the tokens a role or user produces. The
// zero value is valid: no policies, mount TTLs, unlimited uses, default type.
type TokenParams struct {
	TokenPolicies        []string      `json:"token_policies,omitempty"`
	TokenTTL             time.Duration `json:"token_ttl,omitempty"`
	TokenMaxTTL          time.Duration `json:"token_max_ttl,omitempty"`
	TokenExplicitMaxTTL  time.Duration `json:"token_explicit_max_ttl,omitempty"`
	TokenPeriod          time.Duration `json:"token_period,omitempty"`
	TokenNumUses         int           `json:"token_num_uses,omitempty"`
	TokenBoundCIDRs      []string      `json:"token_bound_cidrs,omitempty"`
	TokenType            string        `json:"token_type,omitempty"` // "" means TypeDefault
	TokenNoDefaultPolicy bool          `json:"token_no_default_policy,omitempty"`
}

// Fields returns the schema of the token_* fields plus the "policies" alias
// and any further legacy aliases named (LegacyTTL, LegacyMaxTTL,
// LegacyPeriod, LegacyBoundCIDRs). Each call returns a fresh map the caller
// may extend.
func Fields(legacy ...string) map[string]*framework.FieldSchema {
	dur := func(desc string) *framework.FieldSchema {
		return &framework.FieldSchema{Type: framework.TypeDurationSecond, Description: desc}
	}
	m := map[string]*framework.FieldSchema{
		"token_policies":         {Type: framework.TypeCommaStringSlice, Description: "Policies attached to issued tokens."},
		"token_ttl":              dur("Initial TTL of issued tokens."),
		"token_max_ttl":          dur("Maximum lifetime of issued tokens, renewals included."),
		"token_explicit_max_ttl": dur("Hard lifetime cap that mount and system maximums do not change."),
		"token_period":           dur("Renewal period of issued tokens; makes them periodic."),
		"token_num_uses":         {Type: framework.TypeInt, Description: "Uses allowed per issued token; 0 is unlimited."},
		"token_bound_cidrs":      {Type: framework.TypeCommaStringSlice, Description: "CIDR blocks allowed to use issued tokens."},
		"token_type":             {Type: framework.TypeString, Default: TypeDefault, Description: "default, service or batch."},
		"token_no_default_policy": {
			Type: framework.TypeBool, Description: "Do not add the default policy to issued tokens.",
		},
		LegacyPolicies: {Type: framework.TypeCommaStringSlice, Description: "Deprecated: use token_policies."},
	}
	for _, name := range legacy {
		target, ok := legacyOf[name]
		if !ok || name == LegacyPolicies {
			continue
		}
		s := *m[target]
		s.Description = "Deprecated: use " + target + "."
		m[name] = &s
	}
	return m
}
