package policy

import (
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// naiveACL is the obviously-correct reference for ACL matching: a linear
// scan over every merged rule with a regular-expression glob, then a sort
// by the priority rules.
type naiveACL struct {
	patterns []string
	res      []*regexp.Regexp // res[i] is naiveRegexp(patterns[i])
	caps     map[string]Capability
}

func newNaiveACL(ps ...*Policy) *naiveACL {
	n := &naiveACL{caps: make(map[string]Capability)}
	for _, p := range ps {
		for _, pr := range p.Paths {
			if _, ok := n.caps[pr.Pattern]; !ok {
				n.patterns = append(n.patterns, pr.Pattern)
				n.res = append(n.res, naiveRegexp(pr.Pattern))
			}
			n.caps[pr.Pattern] |= pr.Capabilities
		}
	}
	for k, c := range n.caps {
		if c&CapDeny != 0 {
			n.caps[k] = CapDeny
		}
	}
	return n
}

// naiveRegexp translates a pattern: "+" segments become [^/]*, a trailing
// "*" becomes .*, everything else is literal.
func naiveRegexp(pattern string) *regexp.Regexp {
	body, glob := strings.CutSuffix(pattern, "*")
	var b strings.Builder
	b.WriteString(`^`)
	for i, seg := range strings.Split(body, "/") {
		if i > 0 {
			b.WriteString("/")
		}
		if seg == "+" {
			b.WriteString(`[^/]*`)
		} else {
			b.WriteString(regexp.QuoteMeta(seg))
		}
	}
	if glob {
		b.WriteString(`(?s:.*)`)
	}
	b.WriteString(`$`)
	return regexp.MustCompile(b.String())
}

// naiveKey computes the priority facts of a pattern directly from its text.
func naiveKey(pattern string) (firstWild int, glob bool, plus int) {
	body, glob := strings.CutSuffix(pattern, "*")
	firstWild = 1 << 62
	if glob {
		firstWild = len(body)
	}
	off := 0
	for _, seg := range strings.Split(body, "/") {
		if seg == "+" {
			if plus == 0 {
				firstWild = off
			}
			plus++
		}
		off += len(seg) + 1
	}
	return firstWild, glob, plus
}

// decide returns the winning pattern for path, or "".
func (n *naiveACL) decide(path string) string {
	var matches []string
	for i, p := range n.patterns {
		if n.res[i].MatchString(path) {
			matches = append(matches, p)
		}
	}
	slices.SortFunc(matches, func(a, b string) int {
		fa, ga, pa := naiveKey(a)
		fb, gb, pb := naiveKey(b)
		switch {
		case fa != fb:
			return cmpDesc(fa, fb)
		case ga != gb:
			if !ga {
				return -1
			}
			return 1
		case pa != pb:
			return pa - pb
		case len(a) != len(b):
			return cmpDesc(len(a), len(b))
		}
		return strings.Compare(b, a)
	})
	if len(matches) == 0 {
		return ""
	}
	return matches[0]
}

func cmpDesc(a, b int) int {
	if a > b {
		return -1
	}
	return 1
}

func (n *naiveACL) capabilities(path string) []string {
	w := n.decide(path)
	c := n.caps[w]
	if w == "" || c == 0 || c&CapDeny != 0 {
		return []string{"deny"}
	}
	return c.Names()
}

// agree checks the optimised ACL against the naive one on one path.
func agree(t *testing.T, a *ACL, n *naiveACL, path string) {
	t.Helper()
	want := n.decide(path)
	got := ""
	if r := a.match(path); r != nil {
		got = r.pat.raw
	}
	if got != want {
		t.Fatalf("path %q: ACL chose %q, naive chose %q (patterns %q)", path, got, want, n.patterns)
	}
	if g, w := a.Capabilities(path), n.capabilities(path); !slices.Equal(g, w) {
		t.Fatalf("path %q: Capabilities = %q, naive %q", path, g, w)
	}
	for _, op := range []Operation{Read, List} {
		wantAllowed := n.caps[want]&CapDeny == 0 && n.caps[want]&op.Capability() != 0
		if res := a.Allowed(Request{Op: op, Path: path}); res.Allowed != wantAllowed {
			t.Fatalf("path %q op %s: Allowed = %v, naive %v", path, op, res.Allowed, wantAllowed)
		}
	}
}

// alphabet keeps generated patterns and paths short and colliding.
const alphabet = "ab/+*"

// buildPolicies turns generated patterns into two policies (so identical
// patterns get merged across policies) with capabilities derived from the
// position of each pattern.
func buildPolicies(patterns []string) []*Policy {
	ps := []*Policy{{Name: "one"}, {Name: "two"}}
	for i, pat := range patterns {
		c := Capability(1) << (1 + i%7)
		if i%9 == 8 {
			c = CapDeny
		}
		if i%4 == 0 {
			c |= CapRead
		}
		ps[i%2].Paths = append(ps[i%2].Paths, PathRule{Pattern: pat, Capabilities: c})
	}
	return ps
}

func randString(r *rand.Rand, maxLen int) string {
	n := r.IntN(maxLen + 1)
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

// instantiate turns a pattern into a path it probably matches.
func instantiate(r *rand.Rand, pattern string) string {
	body, glob := strings.CutSuffix(pattern, "*")
	segs := strings.Split(body, "/")
	for i, s := range segs {
		if s == "+" {
			segs[i] = strings.ReplaceAll(randString(r, 2), "/", "")
		}
	}
	out := strings.Join(segs, "/")
	if glob {
		out += randString(r, 4)
	}
	return out
}

func TestMatchAgreesWithNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 500 {
		var patterns []string
		for range 1 + r.IntN(30) {
			if p := randString(r, 8); p != "" {
				patterns = append(patterns, p)
			}
		}
		ps := buildPolicies(patterns)
		a, err := NewACL(ps...)
		if err != nil {
			t.Fatal(err)
		}
		n := newNaiveACL(ps...)
		for range 40 {
			agree(t, a, n, randString(r, 10))
		}
		for _, p := range patterns {
			agree(t, a, n, instantiate(r, p))
			agree(t, a, n, p)
		}
	}
}

// decodeFuzz maps arbitrary bytes onto the small alphabet; sep, when
// non-zero, is produced by one byte value in seven and splits patterns.
func decodeFuzz(b []byte, split bool) []string {
	var out []string
	var cur []byte
	for _, c := range b {
		if split && c%7 == 6 {
			if len(cur) > 0 {
				out = append(out, string(cur))
			}
			cur = cur[:0]
			continue
		}
		cur = append(cur, alphabet[int(c)%len(alphabet)])
	}
	if len(cur) > 0 || !split {
		out = append(out, string(cur))
	}
	return out
}

func FuzzMatch(f *testing.F) {
	f.Add([]byte("\x00\x02\x04\x06\x00\x02\x03\x02\x01\x06\x00\x02\x03\x06\x04"), []byte("\x00\x02\x01\x02\x00"))
	f.Add([]byte("\x03\x02\x00\x06\x03\x04\x06\x00\x04"), []byte("\x00\x00\x02\x01"))
	f.Add([]byte("\x00\x01\x02\x03\x04\x06\x00\x01\x02\x03\x02\x04"), []byte("\x00\x01\x02\x00\x02\x00"))
	f.Fuzz(func(t *testing.T, spec, path []byte) {
		patterns := decodeFuzz(spec, true)
		if len(patterns) > 64 {
			patterns = patterns[:64]
		}
		ps := buildPolicies(patterns)
		a, err := NewACL(ps...)
		if err != nil {
			t.Fatal(err)
		}
		n := newNaiveACL(ps...)
		p := decodeFuzz(path, false)[0]
		agree(t, a, n, p)
		for _, pat := range patterns {
			agree(t, a, n, pat)
		}
	})
}
