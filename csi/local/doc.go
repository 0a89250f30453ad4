// Package local is `cofre csi mount`: it renders a SecretProviderClass
// from a YAML file into a local directory, with the driver's atomic writer
// and refresh loop (csi/volume), for laptops, CI jobs and VMs that have no
// pod identity.
//
// Instead of a provider and a ServiceAccount token, local mode talks to
// the Cofre server directly with a Cofre token (COFRE_TOKEN or
// VAULT_TOKEN) or an AppRole login (-role-id/-secret-id or COFRE_ROLE_ID /
// COFRE_SECRET_ID). The class's objects are parsed and rendered by the
// provider's own packages (provider/params, provider/render), so a class
// renders the same files locally as in a cluster, and leased secrets
// follow the provider's rules (provider/cache): kept and renewed at two
// thirds of their TTL, issued anew near max TTL, with the refresh hint
// driving the next refresh. KV secrets are read again every interval
// (-interval, or the class's secrets-store.cofre.io/rotation-interval
// annotation).
//
// The class file is read again at every refresh, so edits apply without a
// restart. The target directory is created (0700) when missing and is
// never deleted; a failed refresh leaves the files as they were.
package local
