package audit

import (
	"time"

	"github.com/cofre-io/cofre/server/logical"
)

// Input is what the core hands the audit layer for one entry. The Broker
// formats it before LogRequest or LogResponse returns and keeps no
// reference to it afterwards, so the caller may go on using the request
// and response.
type Input struct {
	// Time is when the entry is recorded (the server's clock).
	Time time.Time
	// Path is the full request path below /v1/ (Request.Path is relative
	// to the mount once the request is routed).
	Path    string
	Request *logical.Request
	// Auth is the caller's token; nil when the request carried none or it
	// did not resolve.
	Auth *AuthInfo
	// Response is nil for request entries and for failed requests.
	Response *logical.Response
	// Err is the request's error: failed authentication for a request
	// entry, the client's error for a response entry.
	Err error
	// NonHMACRequestKeys and NonHMACResponseKeys are top-level data keys
	// the mount asks to log in clear (audit_non_hmac_*_keys).
	NonHMACRequestKeys  []string
	NonHMACResponseKeys []string
}

// AuthInfo is the caller's token as the audit log shows it. ClientToken is
// the token value: it is HMAC'd in every record and never written in
// clear unless the device has log_raw.
type AuthInfo struct {
	ClientToken   string
	Accessor      string
	DisplayName   string
	Policies      []string
	TokenPolicies []string
	Metadata      map[string]string
	EntityID      string
	NumUses       int
	TokenType     string
	TTL           time.Duration
	IssueTime     time.Time
}
