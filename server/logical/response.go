package logical

import "time"

// Response is what a backend answers. A nil *Response with a nil error means
// "nothing at this path" and becomes a 404 for reads.
type Response struct {
	Data     map[string]any
	Secret   *Secret
	Auth     *Auth
	Warnings []string
	// Redirect, when set, tells the HTTP layer to answer with a redirect.
	Redirect string
	// WrapInfo is set by the core when it wrapped the response.
	WrapInfo *WrapInfo
	// Raw, when set, is written to the client as is instead of the JSON
	// envelope (used for PEM, CRL and similar endpoints).
	Raw *RawResponse
}

// RawResponse is a non-JSON answer.
type RawResponse struct {
	StatusCode  int
	ContentType string
	Body        []byte
}

// Secret carries lease information for a response that holds a secret.
type Secret struct {
	LeaseID   string
	TTL       time.Duration
	MaxTTL    time.Duration
	Renewable bool
	IssueTime time.Time
	// InternalData is kept with the lease and handed back on renew and
	// revoke; it is never shown to clients.
	InternalData map[string]any
}

// Auth carries the outcome of a login (or a token creation): what the new
// token should look like. The core fills ClientToken and Accessor.
type Auth struct {
	ClientToken     string
	Accessor        string
	DisplayName     string
	Policies        []string
	TokenPolicies   []string
	Metadata        map[string]string
	TTL             time.Duration
	MaxTTL          time.Duration
	ExplicitMaxTTL  time.Duration
	Period          time.Duration
	NumUses         int
	Renewable       bool
	TokenType       string
	EntityID        string
	Orphan          bool
	NoDefaultPolicy bool
	BoundCIDRs      []string
	// InternalData is kept with the token for the auth method's renewals.
	InternalData map[string]any
	// LeaseOptions issue time, set by the core.
	IssueTime time.Time
}

// WrapInfo describes a wrapped response.
type WrapInfo struct {
	Token           string
	Accessor        string
	TTL             time.Duration
	CreationTime    time.Time
	CreationPath    string
	WrappedAccessor string
}

// ErrorResponse is a convenience for backends that answer 400 with a message.
func ErrorResponse(format string, args ...any) error {
	return Errorf(ErrInvalidRequest, format, args...)
}
