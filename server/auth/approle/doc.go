// Package approle is the AppRole auth method: machines log in with a role ID
// (which names a role) and, usually, a secret ID issued for that role.
//
// Secret IDs are never stored: the backend keeps only an HMAC-SHA256 of each,
// under a key generated once per mount and kept in the mount's storage view.
// Role IDs and role names are looked up the same way. Login does at most
// three storage reads, plus one write when the secret ID has a use limit.
//
// Storage layout (relative to the mount view):
//
//	hmac_key                       the mount's HMAC key (32 random bytes)
//	role/<name>                    a role
//	role_id/<hmac(role_id)>        index: role ID -> role name
//	secret_id/<hmac(name)>/<hmac(secret_id)>   a secret ID's record
//	accessor/<hmac(name)>/<accessor>           index: accessor -> hmac(secret_id)
//
// Concurrency: the backend is safe for concurrent requests. Writes to a role
// hold that role's lock exclusively and logins hold it shared, so a deleted
// role issues no further tokens. A secret ID with a use limit is consumed
// under its own exclusive lock, so N uses admit exactly N logins on this
// node (the active node; standbys forward writes to it).
package approle
