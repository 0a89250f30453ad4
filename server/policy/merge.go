package policy

import (
	"fmt"
	"slices"
	"strings"
)

// rule is the merged form of every PathRule with one pattern.
type rule struct {
	pat      pattern
	perm     PathRule // merged; maps and slices owned by the ACL
	policies []string // names of the policies that contributed, in order
}

// add merges src (from the policy named name) into r, following the merge
// semantics in the package documentation. Nothing of src is aliased.
func (r *rule) add(name string, src *PathRule) {
	if len(r.policies) == 0 || r.policies[len(r.policies)-1] != name {
		if !slices.Contains(r.policies, name) {
			r.policies = append(r.policies, name)
		}
	}
	p := &r.perm
	p.Capabilities |= src.Capabilities
	p.AllowedParameters = mergeParams(p.AllowedParameters, src.AllowedParameters)
	p.DeniedParameters = mergeParams(p.DeniedParameters, src.DeniedParameters)
	for _, name := range src.RequiredParameters {
		name = strings.ToLower(name)
		if !slices.Contains(p.RequiredParameters, name) {
			p.RequiredParameters = append(p.RequiredParameters, name)
		}
	}
	if src.MinWrappingTTL > 0 && (p.MinWrappingTTL == 0 || src.MinWrappingTTL < p.MinWrappingTTL) {
		p.MinWrappingTTL = src.MinWrappingTTL
	}
	if src.MaxWrappingTTL > p.MaxWrappingTTL {
		p.MaxWrappingTTL = src.MaxWrappingTTL
	}
}

// finish applies deny precedence once every contributor is merged.
func (r *rule) finish() {
	if r.perm.Capabilities&CapDeny != 0 {
		r.perm.Capabilities = CapDeny
	}
}

// mergeParams unites src into dst key by key (keys lower-cased, in case a
// policy was built by hand): an empty value list on either
// side wins (any value), otherwise value lists are concatenated.
func mergeParams(dst, src map[string][]string) map[string][]string {
	if len(src) == 0 {
		return dst
	}
	if dst == nil {
		dst = make(map[string][]string, len(src))
	}
	for k, vals := range src {
		k = strings.ToLower(k)
		have, ok := dst[k]
		switch {
		case !ok:
			dst[k] = slices.Clone(vals)
		case len(have) == 0 || len(vals) == 0:
			dst[k] = nil
		default:
			dst[k] = append(have, vals...)
		}
	}
	return dst
}

// validateRule rejects what Parse would never produce, for policies built
// by hand.
func validateRule(pr *PathRule) error {
	switch {
	case pr.Pattern == "":
		return fmt.Errorf("%w: empty path pattern", ErrInvalidPolicy)
	case pr.Capabilities&^(capAll|CapDeny) != 0:
		return fmt.Errorf("%w: path %q: unknown capability bits %#x", ErrInvalidPolicy, pr.Pattern, uint32(pr.Capabilities&^(capAll|CapDeny)))
	case pr.MinWrappingTTL < 0 || pr.MaxWrappingTTL < 0:
		return fmt.Errorf("%w: path %q: negative wrapping TTL", ErrInvalidPolicy, pr.Pattern)
	}
	return nil
}
