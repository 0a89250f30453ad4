package dbplugin

import (
	"context"
	"errors"
	"time"
)

// ErrUnsafeName is returned for a username that could break out of the SQL
// it is placed in (quotes, backslashes, semicolons, control characters).
var ErrUnsafeName = errors.New("username has characters that are unsafe in SQL")

// ErrRootRotation is returned when a configuration cannot have its root
// password rotated (no {{password}} in the URL, no username).
var ErrRootRotation = errors.New("root credentials cannot be rotated")

// Plugin speaks to one kind of database. Implementations are stateless and
// safe for concurrent use.
type Plugin interface {
	// Type names the kind of database in messages ("postgresql", "mysql").
	Type() string
	// Usernames says how dynamic usernames are made for this database.
	Usernames() UsernameRules
	// Open returns a handle with its own connection pool. It may connect
	// lazily: a database that cannot be reached shows in Ping and in the
	// operations, not necessarily here. A malformed URL fails here.
	Open(ctx context.Context, c ConnectionConfig) (DB, error)
}

// UsernameRules are a database's defaults for dynamic usernames.
type UsernameRules struct {
	// Template is the default username_template (Go text/template over
	// .RoleName and .DisplayName with the engine's functions).
	Template string
	// MaxLength is the longest name the database accepts, in bytes.
	MaxLength int
}

// ConnectionConfig is what a DB is opened with.
type ConnectionConfig struct {
	// URL is the connection URL or DSN with {{username}} (or {{name}}) and
	// {{password}} placeholders, which are replaced with Username and
	// Password, escaped as the URL's syntax needs.
	URL      string
	Username string
	Password string
	// MaxOpen caps open connections (0: the plugin's default, 4); MaxIdle
	// caps idle ones (0: MaxOpen; negative: none); MaxLifetime ends
	// connections older than it (0: never).
	MaxOpen     int
	MaxIdle     int
	MaxLifetime time.Duration
}

// Pool returns the pool limits with defaults applied, the way the engine's
// documentation states them.
func (c ConnectionConfig) Pool() (maxOpen, maxIdle int) {
	maxOpen = c.MaxOpen
	if maxOpen <= 0 {
		maxOpen = 4
	}
	maxIdle = c.MaxIdle
	switch {
	case maxIdle == 0 || maxIdle > maxOpen:
		maxIdle = maxOpen
	case maxIdle < 0:
		maxIdle = 0
	}
	return maxOpen, maxIdle
}

// DB is an open database. Statements lists given by operators replace the
// plugin's defaults; an empty list means "use the default".
type DB interface {
	// Ping checks that the database answers with these credentials.
	Ping(ctx context.Context) error
	// CreateUser runs Creation in one transaction. On failure it rolls the
	// transaction back and, if any statement had run, runs Rollback (and,
	// where the database commits DDL implicitly and Rollback is empty, its
	// default revocation), so nothing half-created is left; it returns the
	// creation error.
	CreateUser(ctx context.Context, r CreateUserRequest) error
	// RenewUser moves the user's expiry to r.Expiration.
	RenewUser(ctx context.Context, r RenewUserRequest) error
	// RevokeUser removes the user. A user that no longer exists is not an
	// error; a database that cannot be reached is.
	RevokeUser(ctx context.Context, r RevokeUserRequest) error
	// ChangePassword sets an existing user's password, or the connected
	// user's own when r.Self is set (root rotation).
	ChangePassword(ctx context.Context, r ChangePasswordRequest) error
	// Close closes the pool, waiting for statements under way.
	Close() error
}

// CreateUserRequest describes a new dynamic user.
type CreateUserRequest struct {
	Username   string
	Password   string
	Expiration time.Time
	Creation   []string
	Rollback   []string
}

// RenewUserRequest extends a dynamic user.
type RenewUserRequest struct {
	Username   string
	Expiration time.Time
	Statements []string
}

// RevokeUserRequest removes a dynamic user.
type RevokeUserRequest struct {
	Username   string
	Statements []string
}

// ChangePasswordRequest sets a password.
type ChangePasswordRequest struct {
	Username   string
	Password   string
	Statements []string
	// Self changes the password of the user the pool is connected as.
	Self bool
}
