package glob

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

func TestGlobMatch(t *testing.T) {
	cases := []struct {
		pattern, name string
		want          bool
	}{
		{"*", "", true},
		{"*", "anything", true},
		{"demo-app", "demo-app", true},
		{"demo-app", "demo-app2", false},
		{"app-*", "app-web", true},
		{"app-*", "app-", true},
		{"app-*", "app", false},
		{"app-*", "web-app-x", false},
		{"*-prod", "api-prod", true},
		{"*-prod", "api-prod-2", false},
		{"a*b*c", "abc", true},
		{"a*b*c", "aXbYc", true},
		{"a*b*c", "acb", false},
		{"a*a", "a", false},
		{"a*a", "aa", true},
		{"**", "x", true},
		{"", "", true},
		{"", "x", false},
	}
	for _, c := range cases {
		if got := Match(c.pattern, c.name); got != c.want {
			t.Errorf("Match(%q, %q) = %v, want %v", c.pattern, c.name, got, c.want)
		}
	}
}

// naiveGlob is the reference: the textbook dynamic program over bytes,
// m[i][j] = pattern[i:] matches name[j:].
func naiveGlob(pattern, name string) bool {
	m := make([][]bool, len(pattern)+1)
	for i := range m {
		m[i] = make([]bool, len(name)+1)
	}
	m[len(pattern)][len(name)] = true
	for i := len(pattern) - 1; i >= 0; i-- {
		for j := len(name); j >= 0; j-- {
			if pattern[i] == '*' {
				m[i][j] = m[i+1][j] || (j < len(name) && m[i][j+1])
			} else {
				m[i][j] = j < len(name) && pattern[i] == name[j] && m[i+1][j+1]
			}
		}
	}
	return m[0][0]
}

// regexpGlob is a second model: the pattern as an anchored regular
// expression (valid UTF-8 only).
func regexpGlob(pattern, name string) bool {
	parts := strings.Split(pattern, "*")
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile(`^(?s:` + strings.Join(parts, ".*") + `)$`).MatchString(name)
}

func TestGlobMatchesNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	word := func(alpha string, n int) string {
		b := make([]byte, r.IntN(n+1))
		for i := range b {
			b[i] = alpha[r.IntN(len(alpha))]
		}
		return string(b)
	}
	for range 20000 {
		p, n := word("ab*", 6), word("ab", 8)
		if got, want := Match(p, n), naiveGlob(p, n); got != want || want != regexpGlob(p, n) {
			t.Fatalf("Match(%q, %q) = %v, naive %v, regexp %v", p, n, got, want, regexpGlob(p, n))
		}
	}
}

func TestMatchAny(t *testing.T) {
	if !MatchAny([]string{"x", "app-*"}, "app-1") || MatchAny([]string{"x"}, "y") || MatchAny(nil, "y") {
		t.Fatal("MatchAny")
	}
}
