package policy

// DefaultPolicyName is the name of the policy every token gets unless it
// opts out.
const DefaultPolicyName = "default"

// DefaultPolicyText is the text of the "default" policy written when a
// server is initialised. It lets a token look after itself and use the
// per-token facilities, and nothing else. Operators may rewrite it.
const DefaultPolicyText = `# The default policy: what every token may do for itself.

# Inspect, renew and revoke the calling token.
path "auth/token/lookup-self" {
  capabilities = ["read"]
}

path "auth/token/renew-self" {
  capabilities = ["update"]
}

path "auth/token/revoke-self" {
  capabilities = ["update"]
}

# Ask which capabilities the calling token holds on a path.
path "sys/capabilities-self" {
  capabilities = ["update"]
}

# Let a UI learn the calling token's resultant ACL.
path "sys/internal/ui/resultant-acl" {
  capabilities = ["read"]
}

# Look up and renew leases the token holds (both the current and the
# older renew endpoint).
path "sys/leases/lookup" {
  capabilities = ["update"]
}

path "sys/leases/renew" {
  capabilities = ["update"]
}

path "sys/renew" {
  capabilities = ["update"]
}

# Each token has a private cubbyhole; it may do anything inside it.
path "cubbyhole/*" {
  capabilities = ["create", "read", "update", "delete", "list"]
}

# Response wrapping: wrap data, and look up or unwrap a wrapping token.
path "sys/wrapping/wrap" {
  capabilities = ["update"]
}

path "sys/wrapping/lookup" {
  capabilities = ["update"]
}

path "sys/wrapping/unwrap" {
  capabilities = ["update"]
}

# Hashing helpers that touch no stored data.
path "sys/tools/hash" {
  capabilities = ["update"]
}

path "sys/tools/hash/*" {
  capabilities = ["update"]
}
`

// DefaultPolicy parses DefaultPolicyText under DefaultPolicyName. It fails
// only if the constant were broken, which the package tests rule out.
func DefaultPolicy() (*Policy, error) {
	return Parse(DefaultPolicyName, DefaultPolicyText)
}
