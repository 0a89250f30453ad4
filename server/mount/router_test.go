package mount

import "testing"

func TestPathSetMatching(t *testing.T) {
	s := newPathSet([]string{"login", "login/*", "issuer/+/pem", "issuer/+/crl/*", "ca"})
	for p, want := range map[string]bool{
		"login":             true,
		"login/bob":         true,
		"loginx":            false,
		"issuer/abc/pem":    true,
		"issuer/abc/der":    false,
		"issuer/a/b/pem":    false,
		"issuer//pem":       true,
		"issuer/abc/crl/":   true,
		"issuer/abc/crl/x":  true,
		"issuer/abc/crl":    false,
		"ca":                true,
		"ca/pem":            false,
		"issuer/abc/pem/xx": false,
	} {
		if got := s.match(p); got != want {
			t.Errorf("match(%q) = %v, want %v", p, got, want)
		}
	}
}
