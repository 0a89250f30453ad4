// Package tokenutil holds the token_* settings every auth method's roles and
// users carry (policies, TTLs, use counts, bound CIDRs, token type): their
// request fields, their validation, how they become a logical.Auth at login
// and how they are shown on reads.
//
// TokenParams is a plain value: it does no I/O and holds no locks; callers
// that share one guard it themselves.
package tokenutil
