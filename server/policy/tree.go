package policy

import (
	"slices"
	"strings"
)

// node is a node of the wildcard index: a radix tree over the literal text
// of patterns in which a "+" segment is an extra edge. The key of a node is
// the text of the path from the root (a "+" edge contributing "+"); a rule
// is stored at the node whose key is its pattern without the trailing "*".
//
// Matching a path walks literal edges by prefix and, at nodes that end a
// segment, also the "+" edge after skipping one path segment. Every node
// visited lies on a route that a pattern in the index shares with the path,
// so the work is bounded by the path's length times the (small) number of
// "+" alternatives, never by the number of rules.
type node struct {
	label    string
	children []*node // literal edges: first bytes distinct, sorted by them
	plus     *node   // the "+" edge; only where a segment starts
	exact    *rule   // pattern ends here, no trailing "*"
	glob     *rule   // pattern ends here followed by "*"
}

// insert adds a wildcard rule (one with "+" segments or a trailing "*").
func (n *node) insert(r *rule) {
	for i, piece := range r.pat.pieces {
		if i > 0 {
			if n.plus == nil {
				n.plus = &node{}
			}
			n = n.plus
		}
		n = n.literal(piece)
	}
	if r.pat.glob {
		n.glob = r
	} else {
		n.exact = r
	}
}

// literal returns the node for key below n, creating and splitting nodes
// as needed.
func (n *node) literal(key string) *node {
	for key != "" {
		i, found := n.childIndex(key[0])
		if !found {
			c := &node{label: key}
			n.children = slices.Insert(n.children, i, c)
			return c
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
	return n
}

// lookup returns the best rule matching the path below n, rest being the
// part of the path after n's key and plen the path's full length; best is
// the best rule found so far (or nil).
func (n *node) lookup(rest string, plen int, best *rule) *rule {
	if rest != "" {
		if i, found := n.childIndex(rest[0]); found {
			if c := n.children[i]; strings.HasPrefix(rest, c.label) {
				best = c.lookup(rest[len(c.label):], plen, best)
			}
		}
	}
	// Every rule below a "+" edge taken here has its first wildcard at this
	// offset or earlier, so it cannot beat a match whose first wildcard is
	// later (priority rule 1).
	if n.plus != nil && (best == nil || best.pat.firstWild <= plen-len(rest)) {
		seg := strings.IndexByte(rest, '/')
		if seg < 0 {
			seg = len(rest)
		}
		best = n.plus.lookup(rest[seg:], plen, best)
	}
	if rest == "" && n.exact != nil && (best == nil || n.exact.pat.outranks(&best.pat)) {
		best = n.exact
	}
	if n.glob != nil && (best == nil || n.glob.pat.outranks(&best.pat)) {
		best = n.glob
	}
	return best
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
