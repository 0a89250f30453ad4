package glob

import "strings"

// Match reports whether name matches pattern, where each '*' in the
// pattern stands for any run of characters (including none) and every
// other character stands for itself. "*" alone matches every name.
//
// Matching each literal segment at its leftmost place is enough for a
// pattern whose only wildcard is '*': it never needs backtracking, so the
// cost is a few substring searches, with no allocation beyond the split.
func Match(pattern, name string) bool {
	if !strings.Contains(pattern, "*") {
		return pattern == name
	}
	parts := strings.Split(pattern, "*")
	// The first part must be a prefix, the last a suffix, and the middle
	// ones must appear in order in between, each as early as possible.
	first, last := parts[0], parts[len(parts)-1]
	if len(name) < len(first)+len(last) || !strings.HasPrefix(name, first) || !strings.HasSuffix(name, last) {
		return false
	}
	rest := name[len(first) : len(name)-len(last)]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(rest, p)
		if i < 0 {
			return false
		}
		rest = rest[i+len(p):]
	}
	return true
}

// MatchAny reports whether name matches one of the patterns.
func MatchAny(patterns []string, name string) bool {
	for _, p := range patterns {
		if Match(p, name) {
			return true
		}
	}
	return false
}
