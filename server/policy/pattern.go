package policy

import (
	"math"
	"strings"
)

// pattern is a compiled path pattern.
type pattern struct {
	raw  string
	glob bool // raw ends in "*"
	// pieces is the literal text between "+" segments of raw without its
	// trailing "*": len(pieces) == plus+1. pieces[0] is the literal prefix
	// every match starts with; later pieces start with "/" except a final
	// empty one (a "+" that is the last segment).
	pieces []string
	plus   int
	// firstWild is the byte offset of the first wildcard, or math.MaxInt
	// for an exact pattern.
	firstWild int
}

func compilePattern(raw string) pattern {
	p := pattern{raw: raw}
	body := raw
	if strings.HasSuffix(raw, "*") {
		p.glob = true
		body = raw[:len(raw)-1]
	}
	start := 0 // start of the current literal piece
	for i := 0; i <= len(body); {
		end := strings.IndexByte(body[i:], '/')
		if end < 0 {
			end = len(body)
		} else {
			end += i
		}
		if body[i:end] == "+" {
			p.pieces = append(p.pieces, body[start:i])
			p.plus++
			start = end
		}
		i = end + 1
	}
	p.pieces = append(p.pieces, body[start:])
	switch {
	case p.plus > 0:
		p.firstWild = len(p.pieces[0])
	case p.glob:
		p.firstWild = len(body)
	default:
		p.firstWild = math.MaxInt
	}
	return p
}

func (p *pattern) exact() bool { return p.firstWild == math.MaxInt }

// outranks reports whether p takes precedence over q when both match a
// path, by the priority rules in the package documentation.
func (p *pattern) outranks(q *pattern) bool {
	if p.firstWild != q.firstWild {
		return p.firstWild > q.firstWild
	}
	if p.glob != q.glob {
		return !p.glob
	}
	if p.plus != q.plus {
		return p.plus < q.plus
	}
	if len(p.raw) != len(q.raw) {
		return len(p.raw) > len(q.raw)
	}
	return p.raw > q.raw
}
