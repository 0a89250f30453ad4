package tokenauth

import (
	"time"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/token"
)

// authOf is the "auth" block Vault returns for a created or renewed token;
// clientToken is empty where Vault hides it (renew-accessor).
func authOf(te *token.Entry, clientToken string) *logical.Auth {
	ttl := te.TTL
	if !te.ExpireTime.IsZero() && !te.LastRenewal.IsZero() {
		ttl = te.ExpireTime.Sub(te.LastRenewal.Truncate(time.Second))
	}
	return &logical.Auth{
		ClientToken:    clientToken,
		Accessor:       te.Accessor,
		DisplayName:    te.DisplayName,
		Policies:       te.Policies,
		TokenPolicies:  te.Policies,
		Metadata:       te.Meta,
		TTL:            ttl,
		ExplicitMaxTTL: te.ExplicitMaxTTL,
		Period:         te.Period,
		NumUses:        max(te.NumUses, 0),
		Renewable:      te.Renewable && !te.ExpireTime.IsZero(),
		TokenType:      te.Type,
		EntityID:       te.EntityID,
		Orphan:         te.Parent == "",
		IssueTime:      te.CreationTime,
	}
}

// lookupData is the data of a lookup answer. showID is false for lookups
// by accessor, which never reveal the token.
func lookupData(te *token.Entry, now time.Time, showID bool) map[string]any {
	id := ""
	if showID {
		id = te.ID
	}
	meta := te.Meta
	policies := te.Policies
	if policies == nil {
		policies = []string{}
	}
	out := map[string]any{
		"id":               id,
		"accessor":         te.Accessor,
		"policies":         policies,
		"path":             te.Path,
		"meta":             meta,
		"display_name":     te.DisplayName,
		"num_uses":         max(te.NumUses, 0),
		"orphan":           te.Parent == "",
		"creation_time":    te.CreationTime.Unix(),
		"creation_ttl":     int64(te.TTL / time.Second),
		"expire_time":      nil,
		"ttl":              int64(0),
		"explicit_max_ttl": int64(te.ExplicitMaxTTL / time.Second),
		"entity_id":        te.EntityID,
		"type":             te.Type,
		"renewable":        false,
		"issue_time":       te.CreationTime.UTC().Format(time.RFC3339Nano),
	}
	if te.Role != "" {
		out["role"] = te.Role
	}
	if te.Period != 0 {
		out["period"] = int64(te.Period / time.Second)
	}
	if len(te.BoundCIDRs) > 0 {
		out["bound_cidrs"] = te.BoundCIDRs
	}
	if !te.LastRenewal.IsZero() {
		out["last_renewal_time"] = te.LastRenewal.Unix()
		out["last_renewal"] = te.LastRenewal.UTC().Format(time.RFC3339Nano)
	}
	if !te.ExpireTime.IsZero() {
		out["expire_time"] = te.ExpireTime.UTC().Format(time.RFC3339Nano)
		out["ttl"] = max(int64(te.ExpireTime.Sub(now.Round(time.Second))/time.Second), 0)
		out["renewable"] = te.Renewable && te.Type != token.TypeBatch
	}
	return out
}
