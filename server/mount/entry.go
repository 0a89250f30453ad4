package mount

import (
	"strings"
	"time"
)

// Table names.
const (
	TableSecrets = "mounts"
	TableAuth    = "auth"
)

// Config is a mount's tunable configuration.
type Config struct {
	DefaultLeaseTTL           time.Duration `json:"default_lease_ttl"`
	MaxLeaseTTL               time.Duration `json:"max_lease_ttl"`
	ForceNoCache              bool          `json:"force_no_cache"`
	ListingVisibility         string        `json:"listing_visibility,omitempty"`
	AuditNonHMACRequestKeys   []string      `json:"audit_non_hmac_request_keys,omitempty"`
	AuditNonHMACResponseKeys  []string      `json:"audit_non_hmac_response_keys,omitempty"`
	PassthroughRequestHeaders []string      `json:"passthrough_request_headers,omitempty"`
	AllowedResponseHeaders    []string      `json:"allowed_response_headers,omitempty"`
	TokenType                 string        `json:"token_type,omitempty"`
}

// Entry is one mount.
type Entry struct {
	Table       string            `json:"table"`
	Path        string            `json:"path"` // e.g. "secret/"; auth entries without "auth/"
	Type        string            `json:"type"`
	Description string            `json:"description"`
	UUID        string            `json:"uuid"`
	Accessor    string            `json:"accessor"`
	Config      Config            `json:"config"`
	Options     map[string]string `json:"options"`
	Local       bool              `json:"local"`
	SealWrap    bool              `json:"seal_wrap"`
	// CreatedAt is informational.
	CreatedAt time.Time `json:"created_at"`
}

// RoutePath is where the entry is reachable: auth methods live under auth/.
func (e *Entry) RoutePath() string {
	if e.Table == TableAuth {
		return "auth/" + e.Path
	}
	return e.Path
}

// ViewPrefix is the entry's storage prefix in the barrier.
func (e *Entry) ViewPrefix() string {
	if e.Table == TableAuth {
		return "auth/" + e.UUID + "/"
	}
	return "logical/" + e.UUID + "/"
}

func (e *Entry) clone() *Entry {
	c := *e
	c.Options = make(map[string]string, len(e.Options))
	for k, v := range e.Options {
		c.Options[k] = v
	}
	c.Config.AuditNonHMACRequestKeys = append([]string(nil), e.Config.AuditNonHMACRequestKeys...)
	c.Config.AuditNonHMACResponseKeys = append([]string(nil), e.Config.AuditNonHMACResponseKeys...)
	c.Config.PassthroughRequestHeaders = append([]string(nil), e.Config.PassthroughRequestHeaders...)
	c.Config.AllowedResponseHeaders = append([]string(nil), e.Config.AllowedResponseHeaders...)
	return &c
}

// NormalizePath trims spaces and leading slashes and adds a trailing slash.
func NormalizePath(p string) string {
	p = strings.TrimSpace(p)
	p = strings.TrimLeft(p, "/")
	if p != "" && !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p
}
