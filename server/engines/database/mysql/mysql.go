package mysql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	driver "github.com/go-sql-driver/mysql"

	"github.com/cofre-io/cofre/server/engines/database/dbplugin"
)

// Plugin names this plugin answers to.
const (
	Name       = "mysql-database-plugin"
	NameLegacy = "mysql-legacy-database-plugin"
	NameAurora = "mysql-aurora-database-plugin"
	NameRDS    = "mysql-rds-database-plugin"
)

// ErrNoSuchUser is returned when a password change names a user that has no
// account.
var ErrNoSuchUser = errors.New("no such user")

const expirationFormat = "2006-01-02 15:04:05"

const connectTimeout = 10 * time.Second

// Plugin is the MySQL/MariaDB plugin. Legacy selects the 16-character
// usernames of MySQL before 5.7.8 (the legacy, Aurora and RDS names).
type Plugin struct {
	Legacy bool
}

var _ dbplugin.Plugin = Plugin{}

// Type implements dbplugin.Plugin.
func (Plugin) Type() string { return "mysql" }

// Usernames implements dbplugin.Plugin.
func (p Plugin) Usernames() dbplugin.UsernameRules {
	if p.Legacy {
		return dbplugin.UsernameRules{
			Template:  `{{ printf "v-%s-%s" (.RoleName | truncate 4) (random 20) | truncate 16 }}`,
			MaxLength: 16,
		}
	}
	return dbplugin.UsernameRules{
		Template:  `{{ printf "v-%s-%s-%s-%s" (.DisplayName | truncate 10) (.RoleName | truncate 10) (random 20) (unix_time) | truncate 32 }}`,
		MaxLength: 32,
	}
}

// Open implements dbplugin.Plugin.
func (Plugin) Open(ctx context.Context, c dbplugin.ConnectionConfig) (dbplugin.DB, error) {
	dsn := dbplugin.Render(c.URL, map[string]string{"username": c.Username, "name": c.Username, "password": c.Password})
	cfg, err := driver.ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("parse connection_url: %w", err)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = connectTimeout
	}
	cfg.Logger = quietLogger{}
	conn, err := driver.NewConnector(cfg)
	if err != nil {
		return nil, fmt.Errorf("parse connection_url: %w", err)
	}
	db := sql.OpenDB(conn)
	maxOpen, maxIdle := c.Pool()
	db.SetMaxOpenConns(maxOpen)
	db.SetMaxIdleConns(maxIdle)
	db.SetConnMaxLifetime(c.MaxLifetime)
	return &DB{db: db}, nil
}

// DB is an open MySQL connection pool.
type DB struct {
	db *sql.DB
}

var _ dbplugin.DB = (*DB)(nil)

// Ping implements dbplugin.DB.
func (d *DB) Ping(ctx context.Context) error { return d.db.PingContext(ctx) }

// Close implements dbplugin.DB.
func (d *DB) Close() error { return d.db.Close() }

func (d *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// CreateUser implements dbplugin.DB.
func (d *DB) CreateUser(ctx context.Context, r dbplugin.CreateUserRequest) error {
	if err := dbplugin.CheckName(r.Username); err != nil {
		return err
	}
	vars := map[string]string{"name": r.Username, "username": r.Username, "password": r.Password, "expiration": r.Expiration.UTC().Format(expirationFormat)}
	ran := 0
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		ran, err = dbplugin.Exec(ctx, tx, dbplugin.MySQL, r.Creation, vars)
		return err
	})
	if err == nil || ran == 0 {
		return err
	}
	// Account statements committed implicitly: undo them.
	if len(r.Rollback) > 0 {
		_, _ = dbplugin.Exec(ctx, d.db, dbplugin.MySQL, r.Rollback, vars)
	} else {
		_ = d.RevokeUser(ctx, dbplugin.RevokeUserRequest{Username: r.Username})
	}
	return err
}

// RenewUser implements dbplugin.DB.
func (d *DB) RenewUser(ctx context.Context, r dbplugin.RenewUserRequest) error {
	if err := dbplugin.CheckName(r.Username); err != nil {
		return err
	}
	if len(r.Statements) == 0 {
		return nil
	}
	vars := map[string]string{"name": r.Username, "username": r.Username, "expiration": r.Expiration.UTC().Format(expirationFormat)}
	return d.inTx(ctx, func(tx *sql.Tx) error {
		_, err := dbplugin.Exec(ctx, tx, dbplugin.MySQL, r.Statements, vars)
		return err
	})
}

// hosts returns the hosts of name's accounts in mysql.user.
func (d *DB) hosts(ctx context.Context, name string) ([]string, error) {
	rows, err := d.db.QueryContext(ctx, "SELECT Host FROM mysql.user WHERE User = ?", name)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// RevokeUser implements dbplugin.DB.
func (d *DB) RevokeUser(ctx context.Context, r dbplugin.RevokeUserRequest) error {
	if err := dbplugin.CheckName(r.Username); err != nil {
		return err
	}
	hosts, err := d.hosts(ctx, r.Username)
	switch {
	case err == nil && len(hosts) == 0:
		return nil // already gone
	case err != nil && d.db.PingContext(ctx) != nil:
		return err // unreachable: the caller retries
	case err != nil:
		hosts = []string{"%"} // mysql.user is not readable to this account
	}
	return d.inTx(ctx, func(tx *sql.Tx) error {
		if len(r.Statements) > 0 {
			_, err := dbplugin.Exec(ctx, tx, dbplugin.MySQL, r.Statements, map[string]string{"name": r.Username, "username": r.Username})
			return err
		}
		for _, h := range hosts {
			if _, err := tx.ExecContext(ctx, "DROP USER IF EXISTS "+account(r.Username, h)); err != nil {
				return err
			}
		}
		return nil
	})
}

// ChangePassword implements dbplugin.DB.
func (d *DB) ChangePassword(ctx context.Context, r dbplugin.ChangePasswordRequest) error {
	vars := map[string]string{"name": r.Username, "username": r.Username, "password": r.Password}
	if len(r.Statements) > 0 {
		if err := dbplugin.CheckName(r.Username); err != nil {
			return err
		}
		return d.inTx(ctx, func(tx *sql.Tx) error {
			_, err := dbplugin.Exec(ctx, tx, dbplugin.MySQL, r.Statements, vars)
			return err
		})
	}
	if r.Self {
		// Name the account explicitly: MariaDB accepts ALTER USER
		// CURRENT_USER() but leaves the password unchanged.
		var cur string
		if err := d.db.QueryRowContext(ctx, "SELECT CURRENT_USER()").Scan(&cur); err != nil {
			return err
		}
		i := strings.LastIndexByte(cur, '@')
		if i < 0 {
			return fmt.Errorf("unexpected CURRENT_USER() %q", cur)
		}
		_, err := d.db.ExecContext(ctx, "ALTER USER "+account(cur[:i], cur[i+1:])+" IDENTIFIED BY "+literal(r.Password))
		return err
	}
	if err := dbplugin.CheckName(r.Username); err != nil {
		return err
	}
	hosts, err := d.hosts(ctx, r.Username)
	if err != nil {
		return err
	}
	if len(hosts) == 0 {
		return fmt.Errorf("%w: %s", ErrNoSuchUser, r.Username)
	}
	return d.inTx(ctx, func(tx *sql.Tx) error {
		for _, h := range hosts {
			if _, err := tx.ExecContext(ctx, "ALTER USER "+account(r.Username, h)+" IDENTIFIED BY "+literal(r.Password)); err != nil {
				return err
			}
		}
		return nil
	})
}

// account writes 'user'@'host'.
func account(user, host string) string { return literal(user) + "@" + literal(host) }

// literal quotes a string constant; it doubles quotes and escapes
// backslashes (the default sql_mode treats backslash as an escape).
func literal(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, "'", "''").Replace(s) + "'"
}

// quietLogger drops the driver's own log lines (it would otherwise print
// to standard error); errors reach callers as return values.
type quietLogger struct{}

func (quietLogger) Print(...any) {}
