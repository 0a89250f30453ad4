// Package policystore keeps named ACL policies behind the barrier and builds
// (and caches) the ACL for a set of policy names.
//
// Policies are stored as their source text under policy/<name> in the
// store's view and parsed on load; a policy that does not parse is never
// stored. The "root" policy is implicit and immutable; "default" is created
// on first load, may be edited, and may not be deleted. A Store is safe for
// concurrent use; writes invalidate the ACL cache.
package policystore
