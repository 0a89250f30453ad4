// Package mount keeps the mount tables (secrets engines and auth methods),
// persists them through the barrier, and routes request paths to the mounted
// backend by longest prefix.
//
// Each mount gets a private storage view: logical/<uuid>/ for secrets
// engines, auth/<uuid>/ for auth methods. A Manager is safe for concurrent
// use: routing takes a read lock, enabling, disabling and tuning a write lock.
package mount
