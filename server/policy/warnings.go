package policy

import (
	"fmt"
	"strings"
)

// NestedGlobWarnings returns one warning for every distinct pattern of p that
// ends in "*", naming an example of a nested path the "*" also grants:
//
//	path "secret/data/demo/*": "*" also matches nested paths such as "secret/data/demo/a/b"; use "+" to grant one level only
//
// Warnings follow the order of p.Paths. They are advice for whoever writes
// the policy; they change nothing about evaluation.
func NestedGlobWarnings(p *Policy) []string {
	if p == nil {
		return nil
	}
	var out []string
	seen := make(map[string]bool)
	for _, pr := range p.Paths {
		if !strings.HasSuffix(pr.Pattern, "*") || seen[pr.Pattern] {
			continue
		}
		seen[pr.Pattern] = true
		out = append(out, fmt.Sprintf(`path %q: "*" also matches nested paths such as %q; use "+" to grant one level only`,
			pr.Pattern, nestedExample(pr.Pattern)))
	}
	return out
}

// nestedExample turns a "*"-terminated pattern into a concrete path two
// levels below the glob: "+" segments become "x", the "*" becomes "a/b".
func nestedExample(pattern string) string {
	segs := strings.Split(strings.TrimSuffix(pattern, "*"), "/")
	for i, s := range segs {
		if s == "+" {
			segs[i] = "x"
		}
	}
	return strings.Join(segs, "/") + "a/b"
}
