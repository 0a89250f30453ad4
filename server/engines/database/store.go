package database

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/cofre-io/cofre/server/storage"
)

// Storage key prefixes inside the mount's view.
const (
	prefixConfig     = "config/"
	prefixRole       = "role/"
	prefixStaticRole = "static-role/"
)

// connConfig is a stored connection.
type connConfig struct {
	PluginName             string        `json:"plugin_name"`
	PluginVersion          string        `json:"plugin_version,omitempty"`
	ConnectionURL          string        `json:"connection_url"`
	Username               string        `json:"username,omitempty"`
	Password               string        `json:"password,omitempty"`
	AllowedRoles           []string      `json:"allowed_roles"`
	VerifyConnection       bool          `json:"verify_connection"`
	MaxOpenConnections     int           `json:"max_open_connections"`
	MaxIdleConnections     int           `json:"max_idle_connections"`
	MaxConnectionLifetime  time.Duration `json:"max_connection_lifetime"`
	PasswordPolicy         string        `json:"password_policy,omitempty"`
	UsernameTemplate       string        `json:"username_template,omitempty"`
	RootRotationStatements []string      `json:"root_rotation_statements"`
	DisableEscaping        bool          `json:"disable_escaping,omitempty"`
}

// role is a stored dynamic role.
type role struct {
	DBName               string        `json:"db_name"`
	CreationStatements   []string      `json:"creation_statements"`
	RevocationStatements []string      `json:"revocation_statements"`
	RollbackStatements   []string      `json:"rollback_statements"`
	RenewStatements      []string      `json:"renew_statements"`
	DefaultTTL           time.Duration `json:"default_ttl"`
	MaxTTL               time.Duration `json:"max_ttl"`
}

// staticRole is a stored static role with its current password.
type staticRole struct {
	DBName             string        `json:"db_name"`
	Username           string        `json:"username"`
	RotationPeriod     time.Duration `json:"rotation_period"`
	RotationStatements []string      `json:"rotation_statements"`
	Password           string        `json:"password"`
	LastRotation       time.Time     `json:"last_vault_rotation"`
	// PendingPassword is written before a rotation changes the database
	// and cleared after; one found at load means a rotation was cut short
	// and the role is rotated again at once.
	PendingPassword string `json:"pending_password,omitempty"`
}

// getJSON reads key into v; found is false when the key is absent.
func getJSON(ctx context.Context, s storage.Backend, key string, v any) (bool, error) {
	e, err := s.Get(ctx, key)
	if err != nil {
		return false, fmt.Errorf("database: read %s: %w", key, err)
	}
	if e == nil {
		return false, nil
	}
	if err := json.Unmarshal(e.Value, v); err != nil {
		return false, fmt.Errorf("%w: %s: %v", ErrCorrupt, key, err)
	}
	return true, nil
}

// putJSON writes v at key.
func putJSON(ctx context.Context, s storage.Backend, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("database: encode %s: %w", key, err)
	}
	if err := s.Put(ctx, &storage.Entry{Key: key, Value: b}); err != nil {
		return fmt.Errorf("database: write %s: %w", key, err)
	}
	return nil
}

func (b *Backend) loadConfig(ctx context.Context, name string) (*connConfig, error) {
	c := &connConfig{}
	ok, err := getJSON(ctx, b.view, prefixConfig+name, c)
	if !ok {
		c = nil
	}
	return c, err
}

func (b *Backend) loadRole(ctx context.Context, name string) (*role, error) {
	r := &role{}
	ok, err := getJSON(ctx, b.view, prefixRole+name, r)
	if !ok {
		r = nil
	}
	return r, err
}

func (b *Backend) loadStaticRole(ctx context.Context, name string) (*staticRole, error) {
	r := &staticRole{}
	ok, err := getJSON(ctx, b.view, prefixStaticRole+name, r)
	if !ok {
		r = nil
	}
	return r, err
}
