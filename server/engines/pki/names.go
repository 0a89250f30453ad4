package pki

import (
	"net"
	"net/url"
	"strings"
)

// sans are the subject alternative names of a certificate request.
type sans struct {
	dns    []string
	emails []string
	ips    []net.IP
	uris   []*url.URL
}

// parseSANs turns the request's alt_names, ip_sans and uri_sans lists into
// typed names: an alt name with an '@' is an email address, any other a DNS
// name. Empty entries are skipped; an IP or URI that does not parse is a
// 400 naming it.
func parseSANs(altNames, ipSANs, uriSANs []string) (sans, error) {
	var s sans
	for _, n := range altNames {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		if strings.Contains(n, "@") {
			s.emails = append(s.emails, n)
		} else {
			s.dns = append(s.dns, n)
		}
	}
	for _, v := range ipSANs {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		ip := net.ParseIP(v)
		if ip == nil {
			return sans{}, badRequest("the value %q is not a valid IP address", v)
		}
		s.ips = append(s.ips, ip)
	}
	for _, v := range uriSANs {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		u, err := url.Parse(v)
		if err != nil || u.Scheme == "" {
			return sans{}, badRequest("the value %q is not a valid URI", v)
		}
		s.uris = append(s.uris, u)
	}
	return s, nil
}

// addCommonName puts the common name among the SANs (as an email address
// when it has an '@', else as a DNS name) unless it is already there.
func (s *sans) addCommonName(cn string) {
	if cn == "" {
		return
	}
	list := &s.dns
	if strings.Contains(cn, "@") {
		list = &s.emails
	}
	for _, n := range *list {
		if strings.EqualFold(n, cn) {
			return
		}
	}
	*list = append([]string{cn}, *list...)
}

// validHostname reports whether name is a DNS host name: dot-separated
// labels of ASCII letters, digits and inner hyphens, at most 253 bytes. When
// wildcard is true the leftmost label may carry one '*' (RFC 6125: "*",
// "foo*", "*foo" or "f*o").
func validHostname(name string, wildcard bool) bool {
	if name == "" || len(name) > 253 {
		return false
	}
	labels := strings.Split(name, ".")
	for i, l := range labels {
		if i == 0 && wildcard && strings.Contains(l, "*") {
			if strings.Count(l, "*") != 1 || len(labels) < 2 || !validLabel(strings.Replace(l, "*", "a", 1)) {
				return false
			}
			continue
		}
		if !validLabel(l) {
			return false
		}
	}
	return true
}

func validLabel(l string) bool {
	if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for i := 0; i < len(l); i++ {
		c := l[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// isWildcard reports whether a DNS name's leftmost label holds a '*'.
func isWildcard(name string) bool {
	first, _, _ := strings.Cut(name, ".")
	return strings.Contains(first, "*")
}

// validEmail reports whether addr is local@host with a non-empty local part
// and, when enforce is set, a valid host name.
func validEmail(addr string, enforce bool) bool {
	i := strings.LastIndexByte(addr, '@')
	if i <= 0 || i == len(addr)-1 {
		return false
	}
	return !enforce || validHostname(addr[i+1:], false)
}
