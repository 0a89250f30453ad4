package pki

import (
	"fmt"
	"time"
)

// Values of an issuer's leaf_not_after_behavior.
const (
	notAfterErr      = "err"
	notAfterTruncate = "truncate"
	notAfterPermit   = "permit"
)

// validityInput is everything the validity period of a new certificate
// depends on. Durations of 0 mean "not set".
type validityInput struct {
	now               time.Time
	ttl               time.Duration // requested ttl
	notAfter          time.Time     // requested not_after (zero: unset)
	roleTTL, roleMax  time.Duration
	sysTTL, sysMax    time.Duration // the mount's default and maximum
	notBeforeDuration time.Duration // backdating of NotBefore
	issuerNotAfter    time.Time     // zero for a self-signed certificate
	behavior          string        // the issuer's leaf_not_after_behavior
}

// validity is a certificate's validity period and any warnings to return.
type validity struct {
	notBefore, notAfter time.Time
	warnings            []string
}

// computeValidity applies Vault's TTL rules. The TTL is the request's ttl,
// else the role's, else the mount's default; it is truncated (with a
// warning) to the smaller of the role's max_ttl and the mount's maximum; a
// requested not_after replaces it and is truncated the same way. A NotAfter
// past the issuer's own fails, is truncated or is kept as the issuer's
// behavior says. Times are whole seconds, as certificates hold them.
func computeValidity(in validityInput) (validity, error) {
	var v validity
	if in.ttl > 0 && !in.notAfter.IsZero() {
		return v, badRequest("either ttl or not_after should be provided, not both")
	}
	now := in.now.Truncate(time.Second)
	maxTTL := in.sysMax
	if in.roleMax > 0 && (maxTTL <= 0 || in.roleMax < maxTTL) {
		maxTTL = in.roleMax
	}
	ttl := in.ttl
	if ttl <= 0 {
		ttl = in.roleTTL
	}
	if ttl <= 0 {
		ttl = in.sysTTL
	}
	if ttl <= 0 {
		ttl = maxTTL
	}
	if maxTTL > 0 && ttl > maxTTL {
		v.warnings = append(v.warnings, fmt.Sprintf("TTL %q is longer than permitted maxTTL %q, so was truncated", ttl, maxTTL))
		ttl = maxTTL
	}
	v.notAfter = now.Add(ttl)
	if !in.notAfter.IsZero() {
		na := in.notAfter.Truncate(time.Second)
		if !na.After(now) {
			return v, badRequest("not_after %s is not in the future", na.UTC().Format(time.RFC3339))
		}
		v.notAfter = na
		if maxTTL > 0 && na.After(now.Add(maxTTL)) {
			v.warnings = append(v.warnings, fmt.Sprintf("not_after %s is later than permitted maxTTL %q allows, so was truncated", na.UTC().Format(time.RFC3339), maxTTL))
			v.notAfter = now.Add(maxTTL)
		}
	}
	if ttl <= 0 && in.notAfter.IsZero() {
		return v, badRequest("no TTL: set ttl on the request or the role, or a default lease TTL on the mount")
	}
	if !in.issuerNotAfter.IsZero() && v.notAfter.After(in.issuerNotAfter) {
		switch in.behavior {
		case notAfterPermit:
		case notAfterTruncate:
			v.notAfter = in.issuerNotAfter
		default:
			return v, badRequest("cannot satisfy request, as TTL would result in notAfter of %s that is beyond the expiration of the CA certificate at %s",
				v.notAfter.UTC().Format(time.RFC3339), in.issuerNotAfter.UTC().Format(time.RFC3339))
		}
	}
	nbd := in.notBeforeDuration
	if nbd < 0 {
		nbd = 0
	}
	v.notBefore = now.Add(-nbd)
	return v, nil
}
