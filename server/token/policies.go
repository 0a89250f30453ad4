package token

import (
	"slices"
	"strings"
)

// Reserved policy names.
const (
	RootPolicy    = "root"
	DefaultPolicy = "default"
)

// SanitizePolicies normalises a policy list the way tokens carry it:
// trimmed, lower-cased, without empties or duplicates, sorted. A list
// naming "root" becomes just ["root"]; otherwise "default" is added when
// addDefault is set. The input is not modified.
func SanitizePolicies(in []string, addDefault bool) []string {
	out := make([]string, 0, len(in)+1)
	for _, p := range in {
		p = strings.ToLower(strings.TrimSpace(p))
		if p == "" {
			continue
		}
		if p == RootPolicy {
			return []string{RootPolicy}
		}
		out = append(out, p)
	}
	if addDefault {
		out = append(out, DefaultPolicy)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// SubsetOf reports whether every policy of sub is in super.
func SubsetOf(super, sub []string) bool {
	for _, p := range sub {
		if !slices.Contains(super, p) {
			return false
		}
	}
	return true
}
