package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/cofre-io/cofre/server/engines/database/dbplugin"
)

// Name is the plugin_name this plugin answers to.
const Name = "postgresql-database-plugin"

// expirationFormat is how {{expiration}} is written: a timestamp with zone
// that VALID UNTIL accepts.
const expirationFormat = "2006-01-02 15:04:05-0700"

// defaultUsernameTemplate makes names like v-<display>-<role>-<random>-<unix>
// within PostgreSQL's 63-byte identifier limit.
const defaultUsernameTemplate = `{{ printf "v-%s-%s-%s-%s" (.DisplayName | truncate 8) (.RoleName | truncate 8) (random 20) (unix_time) | truncate 63 }}`

// connectTimeout applies when the URL sets none, so an unreachable host
// fails a request instead of hanging it.
const connectTimeout = 10 * time.Second

// Plugin is the PostgreSQL plugin. The zero value is ready to use.
type Plugin struct{}

var _ dbplugin.Plugin = Plugin{}

// Type implements dbplugin.Plugin.
func (Plugin) Type() string { return "postgresql" }

// Usernames implements dbplugin.Plugin.
func (Plugin) Usernames() dbplugin.UsernameRules {
	return dbplugin.UsernameRules{Template: defaultUsernameTemplate, MaxLength: 63}
}

// Open implements dbplugin.Plugin. It parses the URL (URI or keyword/value
// form) with the credentials filled in and returns a lazily connecting pool.
func (Plugin) Open(ctx context.Context, c dbplugin.ConnectionConfig) (dbplugin.DB, error) {
	cfg, err := pgx.ParseConfig(renderURL(c.URL, c.Username, c.Password))
	if err != nil {
		return nil, fmt.Errorf("parse connection_url: %w", err)
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = connectTimeout
	}
	db := stdlib.OpenDB(*cfg)
	maxOpen, maxIdle := c.Pool()
	db.SetMaxOpenConns(maxOpen)
	db.SetMaxIdleConns(maxIdle)
	db.SetConnMaxLifetime(c.MaxLifetime)
	return &DB{db: db}, nil
}

// renderURL fills the credentials into a connection URL, escaped for its
// form: percent-encoding in a URI, backslashes in keyword/value pairs.
func renderURL(tmpl, user, password string) string {
	esc := kvEscape
	if strings.HasPrefix(tmpl, "postgres://") || strings.HasPrefix(tmpl, "postgresql://") {
		esc = percentEscape
	}
	return dbplugin.Render(tmpl, map[string]string{"username": esc(user), "name": esc(user), "password": esc(password)})
}

// percentEscape encodes every byte but the URI's unreserved characters.
func percentEscape(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// kvEscape escapes the characters that end or quote a keyword/value setting.
func kvEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `'`, `\'`, " ", `\ `).Replace(s)
}

// DB is an open PostgreSQL connection pool.
type DB struct {
	db *sql.DB
}

var _ dbplugin.DB = (*DB)(nil)

// Ping implements dbplugin.DB.
func (d *DB) Ping(ctx context.Context) error { return d.db.PingContext(ctx) }

// Close implements dbplugin.DB.
func (d *DB) Close() error { return d.db.Close() }

// inTx runs fn in a transaction and commits it when fn succeeds.
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
		ran, err = dbplugin.Exec(ctx, tx, dbplugin.Postgres, r.Creation, vars)
		return err
	})
	if err == nil {
		return nil
	}
	// The transaction is gone; rollback statements cover what a statement
	// may have done outside it (e.g. in another database through dblink).
	if ran > 0 && len(r.Rollback) > 0 {
		_ = d.inTx(ctx, func(tx *sql.Tx) error {
			_, rbErr := dbplugin.Exec(ctx, tx, dbplugin.Postgres, r.Rollback, vars)
			return rbErr
		})
	}
	return err
}

// RenewUser implements dbplugin.DB.
func (d *DB) RenewUser(ctx context.Context, r dbplugin.RenewUserRequest) error {
	if err := dbplugin.CheckName(r.Username); err != nil {
		return err
	}
	exp := r.Expiration.UTC().Format(expirationFormat)
	return d.inTx(ctx, func(tx *sql.Tx) error {
		if len(r.Statements) == 0 {
			_, err := tx.ExecContext(ctx, fmt.Sprintf("ALTER ROLE %s VALID UNTIL %s", ident(r.Username), literal(exp)))
			return err
		}
		_, err := dbplugin.Exec(ctx, tx, dbplugin.Postgres, r.Statements, map[string]string{"name": r.Username, "username": r.Username, "expiration": exp})
		return err
	})
}

// RevokeUser implements dbplugin.DB.
func (d *DB) RevokeUser(ctx context.Context, r dbplugin.RevokeUserRequest) error {
	if err := dbplugin.CheckName(r.Username); err != nil {
		return err
	}
	var exists bool
	if err := d.db.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", r.Username).Scan(&exists); err != nil {
		return err
	}
	if !exists {
		return nil
	}
	return d.inTx(ctx, func(tx *sql.Tx) error {
		if len(r.Statements) > 0 {
			_, err := dbplugin.Exec(ctx, tx, dbplugin.Postgres, r.Statements, map[string]string{"name": r.Username, "username": r.Username})
			return err
		}
		id := ident(r.Username)
		for _, q := range []string{
			"REASSIGN OWNED BY " + id + " TO CURRENT_USER",
			"DROP OWNED BY " + id,
			"DROP ROLE IF EXISTS " + id,
		} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
}

// ChangePassword implements dbplugin.DB.
func (d *DB) ChangePassword(ctx context.Context, r dbplugin.ChangePasswordRequest) error {
	if err := dbplugin.CheckName(r.Username); err != nil && !(r.Self && r.Username == "") {
		return err
	}
	return d.inTx(ctx, func(tx *sql.Tx) error {
		if len(r.Statements) > 0 {
			_, err := dbplugin.Exec(ctx, tx, dbplugin.Postgres, r.Statements, map[string]string{"name": r.Username, "username": r.Username, "password": r.Password})
			return err
		}
		target := ident(r.Username)
		if r.Self {
			target = "CURRENT_USER"
		}
		_, err := tx.ExecContext(ctx, "ALTER ROLE "+target+" WITH PASSWORD "+literal(r.Password))
		return err
	})
}

// ident quotes an identifier.
func ident(s string) string { return pgx.Identifier{s}.Sanitize() }

// literal quotes a string constant as an escape string, which means the
// same whatever standard_conforming_strings says.
func literal(s string) string {
	return "E'" + strings.NewReplacer(`\`, `\\`, "'", "''").Replace(s) + "'"
}
