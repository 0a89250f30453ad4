package tokenutil

import (
	"fmt"
	"net"
	"net/netip"
	"strings"
)

// ParseCIDRs validates a list of CIDR blocks or bare IP addresses (a bare
// address means that address alone). It returns the entries trimmed, in
// their original spelling, and never nil.
func ParseCIDRs(in []string) ([]string, error) {
	out := make([]string, 0, len(in))
	for _, s := range in {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if _, err := parsePrefix(s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func parsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("%q is not a CIDR block", s)
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not a CIDR block or IP address", s)
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// parseAddr accepts "ip" or "ip:port" (and bracketed IPv6).
func parseAddr(remote string) (netip.Addr, bool) {
	remote = strings.TrimSpace(remote)
	if a, err := netip.ParseAddr(remote); err == nil {
		return a.Unmap(), true
	}
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

// AddrAllowed reports whether remote ("ip" or "ip:port") lies in one of the
// blocks. An empty list allows every address; an unparsable address or
// block allows nothing.
func AddrAllowed(remote string, cidrs []string) bool {
	if len(cidrs) == 0 {
		return true
	}
	a, ok := parseAddr(remote)
	if !ok {
		return false
	}
	for _, c := range cidrs {
		p, err := parsePrefix(strings.TrimSpace(c))
		if err == nil && p.Contains(a) {
			return true
		}
	}
	return false
}

// Subset reports whether every block of sub lies within some block of super.
// Every list is a subset of an empty super (no restriction).
func Subset(sub, super []string) bool {
	if len(super) == 0 {
		return true
	}
	sups := make([]netip.Prefix, 0, len(super))
	for _, s := range super {
		p, err := parsePrefix(strings.TrimSpace(s))
		if err == nil {
			sups = append(sups, p)
		}
	}
	for _, s := range sub {
		p, err := parsePrefix(strings.TrimSpace(s))
		if err != nil {
			return false
		}
		inside := false
		for _, q := range sups {
			if q.Bits() <= p.Bits() && q.Contains(p.Addr()) {
				inside = true
				break
			}
		}
		if !inside {
			return false
		}
	}
	return true
}
