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
	ID       string `json:"-"`
	HashedID string `json:"hashed_id"`
	Accessor string `json:"accessor"`
	// Parent is the parent's HashedID; empty for orphans.
	Parent      string            `json:"parent,omitempty"`
	Policies    []string          `json:"policies"`
	Path        string            `json:"path"`
	Meta        map[string]string `json:"meta,omitempty"`
	DisplayName string            `json:"display_name"`
	// NumUses is the number of uses left (0: unlimited). -1 marks a token
	// whose revocation is pending (used up, or being revoked): it no longer
	// authenticates anything.
	NumUses        int           `json:"num_uses"`
	CreationTime   time.Time     `json:"creation_time"`
	TTL            time.Duration `json:"ttl"` // the TTL it was created with
	ExplicitMaxTTL time.Duration `json:"explicit_max_ttl"`
	Period         time.Duration `json:"period"`
	// ExpireTime is when the token stops working; zero means never (root).
	ExpireTime   time.Time      `json:"expire_time"`
	LastRenewal  time.Time      `json:"last_renewal,omitzero"`
	Type         string         `json:"type"`
	Orphan       bool           `json:"orphan"`
	Renewable    bool           `json:"renewable"`
	EntityID     string         `json:"entity_id,omitempty"`
	BoundCIDRs   []string       `json:"bound_cidrs,omitempty"`
	Role         string         `json:"role,omitempty"`
	InternalData map[string]any `json:"internal_data,omitempty"`
}

// usesPending is NumUses of a token whose revocation is under way.
const usesPending = -1

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

// RevocationPending reports whether the token was used up or is being
// revoked.
func (e *Entry) RevocationPending() bool { return e.NumUses < 0 }

// Clone returns a deep copy of e.
func (e *Entry) Clone() *Entry {
	c := *e
	c.Policies = append([]string(nil), e.Policies...)
	c.BoundCIDRs = append([]string(nil), e.BoundCIDRs...)
	if e.Meta != nil {
		c.Meta = make(map[string]string, len(e.Meta))
		for k, v := range e.Meta {
			c.Meta[k] = v
		}
	}
	if e.InternalData != nil {
		c.InternalData = make(map[string]any, len(e.InternalData))
		for k, v := range e.InternalData {
			c.InternalData[k] = v
		}
	}
	return &c
}
