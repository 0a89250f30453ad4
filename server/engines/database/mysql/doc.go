// Package mysql is the database engine's MySQL and MariaDB plugin
// ("mysql-database-plugin", and the legacy, Aurora and RDS names, which
// differ only in their shorter usernames), built on go-sql-driver/mysql.
//
// The connection URL is a go-sql-driver DSN such as
// "{{username}}:{{password}}@tcp(127.0.0.1:3306)/". The driver needs no
// escaping of the user and password parts, so none is applied.
//
// Statements are split with the MySQL dialect and run one by one in a
// transaction; MySQL commits account statements implicitly, so when a
// creation fails after something ran, the role's rollback statements run, or
// the default revocation when it has none. Defaults when a role gives none:
//
//	renew:    nothing (MySQL accounts do not expire by date)
//	revoke:   DROP USER '<name>'@'<host>' for every host the name has in
//	          mysql.user (DROP USER IF EXISTS '<name>'@'%' when mysql.user
//	          cannot be read); nothing when the name is gone
//	password: ALTER USER '<name>'@'<host>' IDENTIFIED BY '<password>' for
//	          each host; for root rotation the same for the account CURRENT_USER()
//	          names (MariaDB ignores ALTER USER CURRENT_USER())
package mysql
