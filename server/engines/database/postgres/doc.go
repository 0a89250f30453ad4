// Package postgres is the database engine's PostgreSQL plugin
// ("postgresql-database-plugin"), built on pgx through database/sql.
//
// Statements are split with the PostgreSQL dialect (DO blocks and other
// dollar-quoted bodies stay whole) and run one by one inside a transaction,
// so a failed creation leaves nothing behind. Defaults when a role gives no
// statements:
//
//	renew:    ALTER ROLE "<name>" VALID UNTIL '<expiration>'
//	revoke:   REASSIGN OWNED BY "<name>" TO CURRENT_USER; DROP OWNED BY
//	          "<name>" (which also revokes its privileges in the connected
//	          database); DROP ROLE IF EXISTS "<name>", in one transaction,
//	          and nothing at all when the role is already gone
//	password: ALTER ROLE "<name>" WITH PASSWORD '<password>'
//	          (ALTER ROLE CURRENT_USER for root rotation)
//
// The default revocation needs the configured user to hold the privileges of
// the role it drops (a superuser does; so does a CREATEROLE user that is a
// member of the role).
package postgres
