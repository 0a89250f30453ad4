package tokenauth

import (
	"slices"
	"strings"

	"github.com/cofre-io/cofre/server/logical/framework"
	"github.com/cofre-io/cofre/server/token"
)

// nonAssignable policies are internal and can never be given to a token.
var nonAssignable = []string{"response-wrapping", "control-group"}

// resolvePolicies computes a new token's policies from the request, the
// role and the parent, following Vault's rules.
func resolvePolicies(d *framework.FieldData, r *role, parent *token.Entry, isSudo bool) ([]string, error) {
	asked := d.Strings("policies")
	noDefault := d.Bool("no_default_policy")
	addDefault := false
	switch {
	case r != nil && r.restrictsPolicies():
		final, err := rolePolicies(asked, noDefault, r, parent)
		if err != nil {
			return nil, err
		}
		asked = final
	case len(asked) == 0:
		// Inherit the parent's; "default" only if it has it.
		asked = token.SanitizePolicies(parent.Policies, false)
	case !isSudo:
		if !token.SubsetOf(token.SanitizePolicies(parent.Policies, false), token.SanitizePolicies(asked, false)) {
			return nil, badRequest("child policies must be subset of parent")
		}
		addDefault = !noDefault && slices.Contains(parent.Policies, token.DefaultPolicy)
	default:
		addDefault = !noDefault
	}
	final := token.SanitizePolicies(asked, addDefault)
	if noDefault {
		final = slices.DeleteFunc(final, func(p string) bool { return p == token.DefaultPolicy })
	}
	for _, p := range final {
		if slices.Contains(nonAssignable, p) {
			return nil, badRequest("cannot assign policy %q", p)
		}
	}
	return final, nil
}

func rolePolicies(asked []string, noDefault bool, r *role, parent *token.Entry) ([]string, error) {
	addDefault := !noDefault && !r.TokenNoDefaultPolicy &&
		!slices.Contains(r.DisallowedPolicies, token.DefaultPolicy) &&
		!globAny(r.DisallowedPoliciesGlob, token.DefaultPolicy)
	var final []string
	if len(asked) > 0 {
		final = token.SanitizePolicies(asked, addDefault)
	}
	if len(r.AllowedPolicies) > 0 || len(r.AllowedPoliciesGlob) > 0 {
		allowed := token.SanitizePolicies(r.AllowedPolicies, addDefault)
		if len(final) == 0 {
			final = allowed
		} else {
			globs := token.SanitizePolicies(r.AllowedPoliciesGlob, false)
			for _, p := range final {
				if !slices.Contains(allowed, p) && !globAny(globs, p) {
					return nil, badRequest("token policies (%q) must be subset of the role's allowed policies (%q) or glob policies (%q)", final, allowed, globs)
				}
			}
		}
	} else if len(final) == 0 {
		final = token.SanitizePolicies(parent.Policies, addDefault)
	}
	for _, p := range final {
		if slices.Contains(r.DisallowedPolicies, p) || globAny(r.DisallowedPoliciesGlob, p) {
			return nil, badRequest("token policy %q is disallowed by this role", p)
		}
	}
	return final, nil
}

// globAny reports whether s matches one of the patterns, where "*" matches
// any run of characters.
func globAny(patterns []string, s string) bool {
	for _, p := range patterns {
		if globMatch(p, s) {
			return true
		}
	}
	return false
}

func globMatch(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, mid := range parts[1 : len(parts)-1] {
		i := strings.Index(s, mid)
		if i < 0 {
			return false
		}
		s = s[i+len(mid):]
	}
	return strings.HasSuffix(s, last)
}
