package token

import (
	"net"
	"net/netip"
	"strings"
)

// AddrAllowed reports whether remote ("ip" or "ip:port") lies in one of the
// CIDR blocks (a bare address is a single-host block). No blocks allow
// every address; an unparsable address matches nothing.
func AddrAllowed(remote string, cidrs []string) bool {
	if len(cidrs) == 0 {
		return true
	}
	addr, ok := parseRemote(remote)
	if !ok {
		return false
	}
	for _, c := range cidrs {
		if p, ok := parseBlock(c); ok && p.Contains(addr) {
			return true
		}
	}
	return false
}

// ValidCIDR reports whether s is a CIDR block or an IP address.
func ValidCIDR(s string) bool {
	_, ok := parseBlock(s)
	return ok
}

func parseBlock(s string) (netip.Prefix, bool) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, false
		}
		return p.Masked(), true
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, false
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), true
}

func parseRemote(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap(), true
	}
	host, _, err := net.SplitHostPort(s)
	if err != nil {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}
