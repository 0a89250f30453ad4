package pki

// globMatch reports whether name matches pattern, where '*' in pattern
// matches any run of characters (dots included, as shell globs in Vault's
// allowed_domains and allowed_uri_sans do) and every other byte matches
// itself. It runs in O(len(pattern)*len(name)) at worst.
func globMatch(pattern, name string) bool {
	p, n := 0, 0
	star, mark := -1, 0 // last '*' in pattern and the name position it resumed at
	for n < len(name) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, n
			p++
		case p < len(pattern) && pattern[p] == name[n]:
			p++
			n++
		case star >= 0:
			mark++
			p, n = star+1, mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}
