// Package dbplugin is the contract between the database secrets engine and
// the code that speaks to one kind of database (PostgreSQL, MySQL/MariaDB):
// a Plugin opens a DB from a connection configuration, and a DB creates,
// renews, revokes and re-passwords users by running SQL statements.
//
// It also holds what every plugin needs to run statements written by
// operators: SplitStatements, which cuts a string at the semicolons that end
// statements (and only those: not inside quotes, comments or PostgreSQL
// dollar-quoted bodies such as DO blocks), and Exec, which runs statements
// in order after replacing {{name}}, {{username}}, {{password}} and
// {{expiration}}. Placeholders are replaced after splitting, so a value can
// never end one statement and start another.
//
// Everything here is safe for concurrent use; a DB is used by many requests
// at once and closed once, by its owner.
package dbplugin
