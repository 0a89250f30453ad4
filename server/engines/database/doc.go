// Package database is the database secrets engine: it holds connections to
// databases configured by operators (config/<name>), and for each read of
// creds/<role> creates a database user with a random name and password that
// lives as long as its lease; renewing the lease extends the user, revoking
// it drops the user. Static roles (static-roles/<name>) instead own the
// password of an existing user and rotate it on a schedule.
//
// The SQL spoken to each kind of database lives in plugins (package
// dbplugin's contract; packages postgres and mysql), chosen by plugin_name.
// Tests may inject other plugins through Options.
//
// Storage layout inside the mount's view (all behind the barrier; the
// connection and static passwords are stored, never returned except a static
// role's current password on static-creds):
//
//	config/<name>        a connection: plugin, URL template, root user and
//	                     password, allowed roles, pool limits (JSON)
//	role/<name>          a dynamic role: statements and TTLs (JSON)
//	static-role/<name>   a static role with its current password and the
//	                     time of its last rotation (JSON)
//
// A Backend is safe for concurrent use. It keeps one connection pool per
// configured connection, opened on first use and closed when the connection
// is rewritten, reset, deleted or the backend cleaned up. It owns one
// goroutine, the static-role rotator, which Cleanup stops and waits for.
// Changes to connections and static rotations are serialised by two
// mutexes; credential issuance, renewal and revocation run concurrently.
package database
