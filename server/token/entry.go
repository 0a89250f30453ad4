package token

import "time"

// Token types.
const (
	TypeService = "service"
	TypeBatch   = "batch"
)

// Prefixes of token values, as Vault 1.10+ clients know them.
const (
	PrefixService = "hvs."
	PrefixBatch   = "hvb."
)

// Entry is a token's record. ID holds the token value only in memory, right
// after Create or Lookup; it is never persisted.
type Entry struct {
	ID             string            `json:"-"`
	HashedID       string            `json:"hashed_id"`
	Accessor       string            `json:"accessor"`
	Parent         string            `json:"parent,omitempty"` // parent's HashedID
	Policies       []string          `json:"policies"`
	Path           string            `json:"path"`
	Meta           map[string]string `json:"meta,omitempty"`
	DisplayName    string            `json:"display_name"`
	NumUses        int               `json:"num_uses"`
	CreationTime   time.Time         `json:"creation_time"`
	TTL            time.Duration     `json:"ttl"`
	ExplicitMaxTTL time.Duration     `json:"explicit_max_ttl"`
	Period         time.Duration     `json:"period"`
	// ExpireTime is when the token stops working; zero means never (root).
	ExpireTime   time.Time      `json:"expire_time"`
	Type         string         `json:"type"`
	Orphan       bool           `json:"orphan"`
	Renewable    bool           `json:"renewable"`
	EntityID     string         `json:"entity_id,omitempty"`
	BoundCIDRs   []string       `json:"bound_cidrs,omitempty"`
	Role         string         `json:"role,omitempty"`
	InternalData map[string]any `json:"internal_data,omitempty"`
}

// IsRoot reports whether the token carries the root policy.
func (e *Entry) IsRoot() bool {
	for _, p := range e.Policies {
		if p == "root" {
			return true
		}
	}
	return false
}

// Expired reports whether the token has expired at now.
func (e *Entry) Expired(now time.Time) bool {
	return !e.ExpireTime.IsZero() && !now.Before(e.ExpireTime)
}
