package tokenauth

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/cofre-io/cofre/server/storage"
)

// Token types a role may name.
const (
	typeDefault        = "default"
	typeDefaultService = "default-service"
	typeDefaultBatch   = "default-batch"
)

const rolesPrefix = "roles/"

// role is a stored token role.
type role struct {
	Name                   string        `json:"name"`
	AllowedPolicies        []string      `json:"allowed_policies"`
	DisallowedPolicies     []string      `json:"disallowed_policies"`
	AllowedPoliciesGlob    []string      `json:"allowed_policies_glob"`
	DisallowedPoliciesGlob []string      `json:"disallowed_policies_glob"`
	Orphan                 bool          `json:"orphan"`
	Renewable              bool          `json:"renewable"`
	PathSuffix             string        `json:"path_suffix"`
	AllowedEntityAliases   []string      `json:"allowed_entity_aliases"`
	TokenPeriod            time.Duration `json:"token_period"`
	TokenExplicitMaxTTL    time.Duration `json:"token_explicit_max_ttl"`
	TokenBoundCIDRs        []string      `json:"token_bound_cidrs"`
	TokenNoDefaultPolicy   bool          `json:"token_no_default_policy"`
	TokenNumUses           int           `json:"token_num_uses"`
	TokenType              string        `json:"token_type"`
}

// restrictsPolicies reports whether the role's own policy lists replace the
// parent-subset rule.
func (r *role) restrictsPolicies() bool {
	return len(r.AllowedPolicies) > 0 || len(r.DisallowedPolicies) > 0 ||
		len(r.AllowedPoliciesGlob) > 0 || len(r.DisallowedPoliciesGlob) > 0
}

func newRole(name string) *role {
	return &role{Name: name, Renewable: true, TokenType: typeDefaultService}
}

func loadRole(ctx context.Context, s storage.Backend, name string) (*role, error) {
	if name == "" {
		return nil, badRequest("role name cannot be empty")
	}
	e, err := s.Get(ctx, rolesPrefix+name)
	if err != nil {
		return nil, fmt.Errorf("read role: %w", err)
	}
	if e == nil {
		return nil, nil
	}
	var r role
	if err := json.Unmarshal(e.Value, &r); err != nil {
		return nil, fmt.Errorf("decode role: %w", err)
	}
	return &r, nil
}

func saveRole(ctx context.Context, s storage.Backend, r *role) error {
	buf, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode role: %w", err)
	}
	if err := s.Put(ctx, &storage.Entry{Key: rolesPrefix + r.Name, Value: buf}); err != nil {
		return fmt.Errorf("write role: %w", err)
	}
	return nil
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// data is the role as Vault's read shows it.
func (r *role) data() map[string]any {
	out := map[string]any{
		"name":                     r.Name,
		"allowed_policies":         orEmpty(r.AllowedPolicies),
		"disallowed_policies":      orEmpty(r.DisallowedPolicies),
		"allowed_policies_glob":    orEmpty(r.AllowedPoliciesGlob),
		"disallowed_policies_glob": orEmpty(r.DisallowedPoliciesGlob),
		"orphan":                   r.Orphan,
		"renewable":                r.Renewable,
		"path_suffix":              r.PathSuffix,
		"allowed_entity_aliases":   orEmpty(r.AllowedEntityAliases),
		"period":                   int64(r.TokenPeriod / time.Second),
		"token_period":             int64(r.TokenPeriod / time.Second),
		"explicit_max_ttl":         int64(r.TokenExplicitMaxTTL / time.Second),
		"token_explicit_max_ttl":   int64(r.TokenExplicitMaxTTL / time.Second),
		"token_no_default_policy":  r.TokenNoDefaultPolicy,
		"token_type":               r.TokenType,
	}
	if len(r.TokenBoundCIDRs) > 0 {
		out["token_bound_cidrs"] = r.TokenBoundCIDRs
		out["bound_cidrs"] = r.TokenBoundCIDRs
	}
	if r.TokenNumUses > 0 {
		out["token_num_uses"] = r.TokenNumUses
	}
	return out
}
