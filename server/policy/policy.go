package policy

import "time"

// Policy is a named, parsed policy: the path rules in source order.
type Policy struct {
	// Name is the policy's name as given to Parse. It is informational:
	// ACL results report it in Result.Policies.
	Name  string
	Paths []PathRule
}

// PathRule is one path block of a policy.
type PathRule struct {
	// Pattern is the path pattern with leading slashes removed (see the
	// package documentation for its syntax).
	Pattern string
	// Capabilities granted on matching paths. The legacy "policy" attribute
	// is already folded in.
	Capabilities Capability
	// AllowedParameters maps lower-cased parameter names to allowed values;
	// a nil or empty value list allows any value. nil when not set.
	AllowedParameters map[string][]string
	// DeniedParameters maps lower-cased parameter names to denied values; a
	// nil or empty value list denies any value. nil when not set.
	DeniedParameters map[string][]string
	// RequiredParameters lists lower-cased names that must be present.
	RequiredParameters []string
	// MinWrappingTTL and MaxWrappingTTL bound the response-wrapping TTL a
	// client may ask for on matching paths; zero means unbounded.
	MinWrappingTTL time.Duration
	MaxWrappingTTL time.Duration
}
