// Package policy parses Vault-compatible ACL policies (HCL native syntax or
// its JSON form) and evaluates requests against the set of policies attached
// to a token.
//
// The package is pure: it does no I/O, reads no clock and keeps no global
// mutable state. Parse, Format, Encode and NestedGlobWarnings are functions
// of their inputs only. An *ACL is immutable once NewACL (or RootACL) returns
// it and is safe for concurrent use by any number of goroutines; so is a
// *Policy as long as nobody modifies it after handing it to NewACL.
//
// # Path patterns
//
// A pattern is literal text with two kinds of wildcard:
//
//   - a trailing "*" matches any suffix, slashes included, so "secret/*"
//     matches "secret/", "secret/a" and "secret/a/b". A "*" anywhere else is
//     an ordinary character.
//   - a segment that is exactly "+" matches one path segment: any run of
//     characters without "/" (an empty segment included). "+" inside a longer
//     segment ("a+b") is an ordinary character.
//
// A pattern without wildcards matches only the identical path. One leading
// "/" (or several) is removed from patterns when they are parsed. Request
// paths are matched as given (no leading slash, no cleaning): callers pass
// the path the router sees.
//
// # Which rule decides
//
// When several patterns match a path, exactly one decides, chosen by these
// rules in order (the first rule that tells the two apart wins):
//
//  1. the pattern whose first wildcard comes later (a pattern without
//     wildcards counts as later than any wildcard);
//  2. a pattern without a trailing "*" beats one with;
//  3. fewer "+" segments;
//  4. the longer pattern;
//  5. the lexicographically greater pattern.
//
// # Merging policies
//
// Rules with the identical pattern in several policies (or twice in one
// policy) are merged into one rule before matching:
//
//   - capabilities are united; if any of them holds "deny", the merged rule
//     holds only "deny" and refuses everything;
//   - allowed_parameters and denied_parameters maps are united key by key;
//     when both sides name a key, an empty value list (any value) wins,
//     otherwise the value lists are concatenated. As in Vault, a rule that
//     sets no allowed_parameters does not lift the allowed_parameters of
//     another policy on the same pattern;
//   - required_parameters are united;
//   - the smallest non-zero min_wrapping_ttl and the largest non-zero
//     max_wrapping_ttl are kept.
//
// Different patterns are never merged: the most specific one alone decides,
// even if it grants less than a broader one.
//
// # Parameter constraints
//
// Create, Update and Patch requests are checked against the deciding rule's
// parameter constraints after the capability check. Parameter names compare
// case-insensitively. A request value is compared by its string form
// (strings as is, numbers in shortest decimal form, booleans as
// "true"/"false"); a list value ([]any or []string) is checked element by
// element. Allowed and denied values may contain "*" as a glob matching any
// run of characters ("prod-*", "*-test"). The checks, in order:
//
//   - denied_parameters: the key "*" refuses any request carrying a
//     parameter; a listed key with an empty list refuses the parameter; a
//     listed key with values refuses the request if the value (or any element
//     of a list value) matches one of them. Denied wins over allowed.
//   - allowed_parameters: when set, every request parameter must be listed,
//     unless the key "*" is present, which lets unlisted parameters through
//     (limited to the values listed under "*", if any, where Vault would
//     ignore them).
//     A listed key with values requires the value (every element of a list
//     value) to match one of them; an empty list allows any value.
//   - required_parameters: every listed name must be present in the request.
//
// Denial for a list value when any element is denied is stricter than
// Vault, which refuses a list only when all elements are denied.
//
// # Capabilities
//
// create, read, update, patch, delete, list, sudo and deny. Vault's newer
// "subscribe" and "recover" capabilities are rejected as unknown: Cofre has
// no event subscriptions or recovery operations for them to guard, and
// accepting a capability that guards nothing would mislead policy authors.
// The legacy "policy" attribute (deny, read, write, sudo) is accepted and
// folded into capabilities.
//
// sudo is reported in Result.Sudo; Allowed does not require it. The caller
// knows which paths are root-protected and must check Sudo for them.
package policy
