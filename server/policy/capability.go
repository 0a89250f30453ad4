package policy

import (
	"fmt"
	"strings"
)

// Capability is a set of capabilities as a bit mask. The zero value grants
// nothing.
type Capability uint32

// The capabilities a path rule can grant.
const (
	CapDeny Capability = 1 << iota
	CapCreate
	CapRead
	CapUpdate
	CapPatch
	CapDelete
	CapList
	CapSudo

	// capAll is every capability except deny: what the root policy holds.
	capAll = CapCreate | CapRead | CapUpdate | CapPatch | CapDelete | CapList | CapSudo
)

// capNames lists the capabilities in alphabetical order, the order
// Capability.Names and ACL.Capabilities report them in.
var capNames = [...]struct {
	name string
	cap  Capability
}{
	{"create", CapCreate},
	{"delete", CapDelete},
	{"deny", CapDeny},
	{"list", CapList},
	{"patch", CapPatch},
	{"read", CapRead},
	{"sudo", CapSudo},
	{"update", CapUpdate},
}

// canonicalOrder is the order Encode writes capabilities in: the order
// policy authors usually list them.
var canonicalOrder = [...]Capability{CapCreate, CapRead, CapUpdate, CapPatch, CapDelete, CapList, CapSudo, CapDeny}

// ParseCapability returns the capability named s (lower case, as in policy
// text). Unknown names, "subscribe" and "recover" included, are an error
// wrapping ErrInvalidPolicy.
func ParseCapability(s string) (Capability, error) {
	for _, c := range capNames {
		if c.name == s {
			return c.cap, nil
		}
	}
	return 0, fmt.Errorf("%w: unknown capability %q", ErrInvalidPolicy, s)
}

// Has reports whether every capability in want is in c.
func (c Capability) Has(want Capability) bool { return c&want == want }

// Names returns the names of the capabilities in c, sorted alphabetically.
// Bits that name no capability are ignored.
func (c Capability) Names() []string {
	var out []string
	for _, n := range capNames {
		if c&n.cap != 0 {
			out = append(out, n.name)
		}
	}
	return out
}

// String returns the sorted names joined by commas, or "none".
func (c Capability) String() string {
	if c&(capAll|CapDeny) == 0 {
		return "none"
	}
	return strings.Join(c.Names(), ",")
}

func (c Capability) name() string {
	for _, n := range capNames {
		if n.cap == c {
			return n.name
		}
	}
	return ""
}
