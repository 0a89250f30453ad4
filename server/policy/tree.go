package policy

import (
	"slices"
	"strings"
)

// node is a node of a radix tree keyed by the literal prefixes of wildcard
// rules. The key of a node is the concatenation of the labels from the root
// down to it; rules holds the rules whose prefix is exactly that key, best
// first. Because every rule at a node has its first wildcard at the same
// offset, a match at a deeper node always outranks one at a shallower node
// (priority rule 1), so lookup searches deepest first and stops at the first
// match.
type node struct {
	label    string
	children []*node // first bytes of the labels are distinct; sorted by them
	rules    []*rule
}

func (n *node) insert(key string, r *rule) {
	for key != "" {
		i, found := n.childIndex(key[0])
		if !found {
			n.children = slices.Insert(n.children, i, &node{label: key, rules: []*rule{r}})
			return
		}
		c := n.children[i]
		common := commonPrefix(c.label, key)
		if common < len(c.label) {
			mid := &node{label: c.label[:common], children: []*node{c}}
			c.label = c.label[common:]
			n.children[i] = mid
			c = mid
		}
		n, key = c, key[common:]
	}
	n.rules = append(n.rules, r)
}

// sortRules orders the rules of every node best first.
func (n *node) sortRules() {
	slices.SortFunc(n.rules, func(a, b *rule) int {
		if a.pat.outranks(&b.pat) {
			return -1
		}
		return 1
	})
	for _, c := range n.children {
		c.sortRules()
	}
}

// lookup returns the best rule under n matching a path, rest being the part
// of the path after n's key.
func (n *node) lookup(rest string) *rule {
	if rest != "" {
		if i, found := n.childIndex(rest[0]); found {
			c := n.children[i]
			if strings.HasPrefix(rest, c.label) {
				if r := c.lookup(rest[len(c.label):]); r != nil {
					return r
				}
			}
		}
	}
	for _, r := range n.rules {
		if r.pat.matchRest(rest) {
			return r
		}
	}
	return nil
}

func (n *node) childIndex(b byte) (int, bool) {
	lo, hi := 0, len(n.children)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if n.children[m].label[0] < b {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < len(n.children) && n.children[lo].label[0] == b
}

func commonPrefix(a, b string) int {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}
