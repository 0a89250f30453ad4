// Package userpass is the username-and-password auth method.
//
// Passwords are stored only as bcrypt hashes. A login for an unknown user
// still runs one bcrypt comparison (against a dummy hash of the configured
// cost), so timing does not tell which usernames exist. Usernames are
// case-insensitive and stored lowercased.
//
// Storage layout (relative to the mount view): user/<username>.
//
// Concurrency: the backend is safe for concurrent requests; changes to a
// user are serialised so partial updates (password, policies) never lose
// each other's writes.
package userpass
