package pki

import (
	"strings"
	"testing"
	"testing/quick"
)

func TestRoleNameRules(t *testing.T) {
	base := func() *namePolicy {
		return &namePolicy{AllowLocalhost: true, AllowWildcardCertificates: true, EnforceHostnames: true, AllowIPSANs: true, CNValidations: defaultCNValidations}
	}
	tests := []struct {
		name  string
		setup func(r *namePolicy)
		cn    string
		want  bool
	}{
		{"subdomain allowed", func(r *namePolicy) { r.AllowedDomains, r.AllowSubdomains = []string{"example.com"}, true }, "api.example.com", true},
		{"deep subdomain allowed", func(r *namePolicy) { r.AllowedDomains, r.AllowSubdomains = []string{"example.com"}, true }, "a.b.example.com", true},
		{"bare refused without allow_bare_domains", func(r *namePolicy) { r.AllowedDomains, r.AllowSubdomains = []string{"example.com"}, true }, "example.com", false},
		{"bare allowed", func(r *namePolicy) { r.AllowedDomains, r.AllowBareDomains = []string{"example.com"}, true }, "example.com", true},
		{"subdomain refused without allow_subdomains", func(r *namePolicy) { r.AllowedDomains, r.AllowBareDomains = []string{"example.com"}, true }, "api.example.com", false},
		{"suffix is not a subdomain", func(r *namePolicy) { r.AllowedDomains, r.AllowSubdomains = []string{"example.com"}, true }, "evilexample.com", false},
		{"other domain refused", func(r *namePolicy) { r.AllowedDomains, r.AllowSubdomains = []string{"example.com"}, true }, "evil.com", false},
		{"case-insensitive", func(r *namePolicy) { r.AllowedDomains, r.AllowSubdomains = []string{"Example.COM"}, true }, "API.example.com", true},
		{"wildcard subdomain", func(r *namePolicy) { r.AllowedDomains, r.AllowSubdomains = []string{"example.com"}, true }, "*.example.com", true},
		{"wildcard refused when disallowed", func(r *namePolicy) {
			r.AllowedDomains, r.AllowSubdomains, r.AllowWildcardCertificates = []string{"example.com"}, true, false
		}, "*.example.com", false},
		{"two wildcards refused", func(r *namePolicy) { r.AllowAnyName = true }, "*.*.example.com", false},
		{"partial wildcard label", func(r *namePolicy) { r.AllowedDomains, r.AllowSubdomains = []string{"example.com"}, true }, "foo*.example.com", true},
		{"glob", func(r *namePolicy) { r.AllowedDomains, r.AllowGlobDomains = []string{"ftp*.example.com"}, true }, "ftp01.example.com", true},
		{"glob spans labels", func(r *namePolicy) { r.AllowedDomains, r.AllowGlobDomains = []string{"*.example.com"}, true }, "a.b.example.com", true},
		{"glob mismatch", func(r *namePolicy) { r.AllowedDomains, r.AllowGlobDomains = []string{"ftp*.example.com"}, true }, "www.example.com", false},
		{"glob needs allow_glob_domains", func(r *namePolicy) { r.AllowedDomains, r.AllowBareDomains = []string{"ftp*.example.com"}, true }, "ftp1.example.com", false},
		{"localhost", func(r *namePolicy) {}, "localhost", true},
		{"localhost refused", func(r *namePolicy) { r.AllowLocalhost = false }, "localhost", false},
		{"any name", func(r *namePolicy) { r.AllowAnyName = true }, "anything.test", true},
		{"any name still needs a host name", func(r *namePolicy) { r.AllowAnyName = true }, "not a host", false},
		{"any name without enforce_hostnames", func(r *namePolicy) { r.AllowAnyName, r.EnforceHostnames = true, false }, "not a host", true},
		{"email on allowed domain", func(r *namePolicy) { r.AllowedDomains, r.AllowBareDomains = []string{"example.com"}, true }, "ops@example.com", true},
		{"email on other domain", func(r *namePolicy) { r.AllowedDomains, r.AllowBareDomains = []string{"example.com"}, true }, "ops@evil.com", false},
		{"leading hyphen", func(r *namePolicy) { r.AllowAnyName = true }, "-bad.example.com", false},
		{"empty label", func(r *namePolicy) { r.AllowAnyName = true }, "a..example.com", false},
		{"non-ASCII", func(r *namePolicy) { r.AllowAnyName = true }, "bücher.example.com", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := base()
			tc.setup(r)
			err := r.checkCommonName(tc.cn)
			if (err == nil) != tc.want {
				t.Fatalf("checkCommonName(%q) = %v, want allowed=%v", tc.cn, err, tc.want)
			}
			if err != nil && !strings.Contains(err.Error(), "common name "+tc.cn+" not allowed by this role") {
				t.Fatalf("message %q does not name the rule", err)
			}
		})
	}
}

func TestRoleSANRules(t *testing.T) {
	r := &namePolicy{AllowedDomains: []string{"example.com"}, AllowSubdomains: true, EnforceHostnames: true, AllowWildcardCertificates: true,
		AllowedURISANs: []string{"spiffe://example.com/*"}}
	for _, tc := range []struct {
		alt, ip, uri []string
		want         string // "" for allowed
	}{
		{alt: []string{"a.example.com", "b.example.com"}},
		{alt: []string{"a.example.com", "evil.com"}, want: "subject alternate name evil.com not allowed by this role"},
		{ip: []string{"10.0.0.1"}, want: "IP Subject Alternative Names are not allowed in this role"},
		{uri: []string{"spiffe://example.com/web"}},
		{uri: []string{"spiffe://evil.com/web"}, want: "URI Subject Alternative Name spiffe://evil.com/web not allowed by this role"},
	} {
		s, err := parseSANs(tc.alt, tc.ip, tc.uri)
		if err != nil {
			t.Fatal(err)
		}
		err = r.checkSANs(s)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%v %v %v refused: %v", tc.alt, tc.ip, tc.uri, err)
		case tc.want != "":
			badRequestContaining(t, err, tc.want)
		}
	}
	r.AllowIPSANs = true
	if s, _ := parseSANs(nil, []string{"10.0.0.1", "::1"}, nil); r.checkSANs(s) != nil || len(s.ips) != 2 {
		t.Fatal("IP SANs refused although allowed")
	}
}

func TestParseSANs(t *testing.T) {
	s, err := parseSANs([]string{" a.example.com", "ops@example.com", ""}, []string{"192.0.2.1"}, []string{"spiffe://x/y"})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.dns) != 1 || s.dns[0] != "a.example.com" || len(s.emails) != 1 || len(s.ips) != 1 || len(s.uris) != 1 {
		t.Fatalf("parsed %+v", s)
	}
	_, err = parseSANs(nil, []string{"300.1.1.1"}, nil)
	badRequestContaining(t, err, `"300.1.1.1" is not a valid IP address`)
	_, err = parseSANs(nil, nil, []string{"no scheme"})
	badRequestContaining(t, err, "is not a valid URI")
	s.addCommonName("A.example.com")
	s.addCommonName("b.example.com")
	if len(s.dns) != 2 || s.dns[0] != "b.example.com" {
		t.Fatalf("addCommonName: %v", s.dns)
	}
}

// naiveGlob is the obvious recursive matcher globMatch must agree with.
func naiveGlob(p, n string) bool {
	if p == "" {
		return n == ""
	}
	if p[0] == '*' {
		for i := 0; i <= len(n); i++ {
			if naiveGlob(p[1:], n[i:]) {
				return true
			}
		}
		return false
	}
	return n != "" && p[0] == n[0] && naiveGlob(p[1:], n[1:])
}

func TestGlobMatchesNaive(t *testing.T) {
	// Small alphabets make matches likely.
	squash := func(s string, alpha string) string {
		b := []byte(s)
		if len(b) > 12 {
			b = b[:12] // the naive matcher is exponential in stars
		}
		for i := range b {
			b[i] = alpha[int(b[i])%len(alpha)]
		}
		return string(b)
	}
	f := func(p, n string) bool {
		p, n = squash(p, "ab*."), squash(n, "ab.")
		return globMatch(p, n) == naiveGlob(p, n)
	}
	if err := quick.Check(f, &quick.Config{MaxCount: 20000}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		p, n string
		want bool
	}{{"*", "", true}, {"", "", true}, {"a*b*c", "aXbYc", true}, {"a*b", "ab", true}, {"a*b", "ba", false}, {"**", "x", true}} {
		if globMatch(c.p, c.n) != c.want {
			t.Errorf("globMatch(%q, %q) != %v", c.p, c.n, c.want)
		}
	}
}

func TestSerialForms(t *testing.T) {
	for in, want := range map[string]string{
		"39:DD:2e": "39:dd:2e",
		"39-dd-2e": "39:dd:2e",
		"3:dd":     "03:dd",
		" 0a:0b ":  "0a:0b",
	} {
		if got, ok := normalizeSerial(in); !ok || got != want {
			t.Errorf("normalizeSerial(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "xyz", "1::2", "123:4", "../etc"} {
		if _, ok := normalizeSerial(bad); ok {
			t.Errorf("normalizeSerial(%q) accepted", bad)
		}
	}
	for range 100 {
		n, err := newSerial()
		if err != nil {
			t.Fatal(err)
		}
		s := serialString(n)
		back, ok := parseSerial(s)
		if !ok || back.Cmp(n) != 0 || n.Sign() <= 0 || n.BitLen() > 159 {
			t.Fatalf("serial %s does not round-trip", s)
		}
	}
}
