package policy

import (
	"fmt"
	"strings"
	"time"
)

// Request is what an ACL evaluates: an operation on a path with the
// request body's parameters.
type Request struct {
	Op Operation
	// Path is the request path as routed, without a leading slash.
	Path string
	// Params are the request body's keys and values, checked against
	// parameter constraints for Create, Update and Patch.
	Params map[string]any
}

// Result is the outcome of ACL.Allowed.
type Result struct {
	// Allowed reports whether the operation may proceed.
	Allowed bool
	// Sudo reports whether the deciding rule grants sudo. Root-protected
	// paths need Allowed && Sudo; the caller knows which paths those are.
	Sudo bool
	// DeniedReason says why Allowed is false, in words fit for an audit
	// log or an error message. It never contains parameter values.
	DeniedReason string
	// CapabilitiesBits are the capabilities of the deciding rule (only
	// CapDeny when it denies); zero when no rule matched.
	CapabilitiesBits Capability
	// MinWrappingTTL and MaxWrappingTTL are the deciding rule's bounds on
	// response wrapping; zero means unbounded.
	MinWrappingTTL time.Duration
	MaxWrappingTTL time.Duration
	// Policies names the policies that contributed to the deciding rule.
	// The slice is shared with the ACL: callers must not modify it.
	Policies []string
}

// Reasons reported in Result.DeniedReason.
const (
	reasonUnknownOp = "unknown operation"
	reasonNoRule    = "no policy grants access to this path"
	reasonDeny      = "a policy denies access to this path"
)

// ACL answers authorisation questions for one set of policies. Build it with
// NewACL or RootACL; it is immutable and safe for concurrent use.
type ACL struct {
	root     bool
	exact    map[string]*rule
	tree     *node    // wildcard rules; nil if none
	rootName []string // Result.Policies of the root ACL
}

// NewACL merges the policies' rules (see the package documentation) and
// builds the lookup structures. Policies are not retained: later changes to
// them do not affect the ACL. No policies gives an ACL that denies
// everything. A nil policy or a hand-built rule Parse would reject is an
// error wrapping ErrInvalidPolicy; a policy named "root" is ErrReservedName
// (use RootACL).
func NewACL(policies ...*Policy) (*ACL, error) {
	merged := make(map[string]*rule)
	var order []*rule
	for i, p := range policies {
		if p == nil {
			return nil, fmt.Errorf("new acl: policy %d is nil: %w", i, ErrInvalidPolicy)
		}
		if strings.EqualFold(p.Name, "root") {
			return nil, fmt.Errorf("new acl: %w", ErrReservedName)
		}
		for j := range p.Paths {
			pr := &p.Paths[j]
			if err := validateRule(pr); err != nil {
				return nil, fmt.Errorf("new acl: policy %q: %w", p.Name, err)
			}
			r, ok := merged[pr.Pattern]
			if !ok {
				r = &rule{pat: compilePattern(pr.Pattern)}
				r.perm.Pattern = pr.Pattern
				merged[pr.Pattern] = r
				order = append(order, r)
			}
			r.add(p.Name, pr)
		}
	}
	a := &ACL{exact: make(map[string]*rule)}
	for _, r := range order {
		r.finish()
		if r.pat.exact() {
			a.exact[r.pat.raw] = r
			continue
		}
		if a.tree == nil {
			a.tree = &node{}
		}
		a.tree.insert(r)
	}
	return a, nil
}

// RootACL returns the ACL of the root policy: every operation on every path
// is allowed, with sudo, and no parameter constraints apply.
func RootACL() *ACL {
	return &ACL{root: true, rootName: []string{"root"}}
}

// IsRoot reports whether a is the root ACL.
func (a *ACL) IsRoot() bool { return a.root }

// Allowed decides a request. The deciding rule is the best match for the
// path (exact rules first, then wildcard rules by priority); a deny on it
// refuses everything, otherwise the operation's capability must be granted
// and, for Create, Update and Patch, the parameter constraints satisfied.
// Evaluation is deterministic and allocates nothing on the common paths.
func (a *ACL) Allowed(req Request) Result {
	need := req.Op.Capability()
	if need == 0 {
		return Result{DeniedReason: reasonUnknownOp}
	}
	if a.root {
		return Result{Allowed: true, Sudo: true, CapabilitiesBits: capAll, Policies: a.rootName}
	}
	r := a.match(req.Path)
	if r == nil {
		return Result{DeniedReason: reasonNoRule}
	}
	caps := r.perm.Capabilities
	res := Result{CapabilitiesBits: caps, Policies: r.policies}
	if caps&CapDeny != 0 {
		res.DeniedReason = reasonDeny
		return res
	}
	res.Sudo = caps&CapSudo != 0
	res.MinWrappingTTL, res.MaxWrappingTTL = r.perm.MinWrappingTTL, r.perm.MaxWrappingTTL
	if caps&need == 0 {
		res.DeniedReason = missingReason(need)
		return res
	}
	if req.Op.writesParams() {
		if reason := checkParams(&r.perm, req.Params); reason != "" {
			res.DeniedReason = reason
			return res
		}
	}
	res.Allowed = true
	return res
}

// Capabilities returns what sys/capabilities reports for path: the deciding
// rule's capability names sorted alphabetically, ["deny"] when no rule
// matches, the rule denies or grants nothing, and ["root"] for the root
// ACL. The slice is the caller's.
func (a *ACL) Capabilities(path string) []string {
	if a.root {
		return []string{"root"}
	}
	r := a.match(path)
	if r == nil || r.perm.Capabilities&CapDeny != 0 || r.perm.Capabilities == 0 {
		return []string{"deny"}
	}
	return r.perm.Capabilities.Names()
}

// match returns the deciding rule for path, or nil.
func (a *ACL) match(path string) *rule {
	if r, ok := a.exact[path]; ok {
		return r
	}
	if a.tree == nil {
		return nil
	}
	return a.tree.lookup(path, len(path), nil)
}

func missingReason(need Capability) string {
	switch need {
	case CapCreate:
		return `no policy grants the "create" capability on this path`
	case CapRead:
		return `no policy grants the "read" capability on this path`
	case CapUpdate:
		return `no policy grants the "update" capability on this path`
	case CapPatch:
		return `no policy grants the "patch" capability on this path`
	case CapDelete:
		return `no policy grants the "delete" capability on this path`
	case CapList:
		return `no policy grants the "list" capability on this path`
	}
	return reasonNoRule
}
