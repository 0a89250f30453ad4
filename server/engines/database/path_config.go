package database

import (
	"context"
	"strings"
	"time"

	"github.com/cofre-io/cofre/server/engines/database/dbplugin"
	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
)

// verifyTimeout bounds the connection check of a configuration write.
const verifyTimeout = 15 * time.Second

func (b *Backend) configListPath() *framework.Path {
	return &framework.Path{
		Pattern: "config/?",
		Operations: map[logical.Operation]framework.OperationFunc{
			logical.ListOperation: b.list(prefixConfig),
		},
		HelpSynopsis: "Lists the configured database connections.",
	}
}

func (b *Backend) configPath() *framework.Path {
	return &framework.Path{
		Pattern: "config/" + framework.GenericNameRegex("name"),
		Fields: map[string]*framework.FieldSchema{
			"name":                     {Type: framework.TypeString},
			"plugin_name":              {Type: framework.TypeString},
			"plugin_version":           {Type: framework.TypeString},
			"connection_url":           {Type: framework.TypeString},
			"username":                 {Type: framework.TypeString},
			"password":                 {Type: framework.TypeString},
			"allowed_roles":            {Type: framework.TypeCommaStringSlice},
			"verify_connection":        {Type: framework.TypeBool, Default: true},
			"max_open_connections":     {Type: framework.TypeInt},
			"max_idle_connections":     {Type: framework.TypeInt},
			"max_connection_lifetime":  {Type: framework.TypeDurationSecond},
			"password_policy":          {Type: framework.TypeString},
			"username_template":        {Type: framework.TypeString},
			"root_rotation_statements": {Type: framework.TypeStringSlice},
			"disable_escaping":         {Type: framework.TypeBool},
			"password_authentication":  {Type: framework.TypeString},
		},
		ExistenceCheck: b.exists(prefixConfig),
		Operations: map[logical.Operation]framework.OperationFunc{
			logical.CreateOperation: b.configWrite,
			logical.UpdateOperation: b.configWrite,
			logical.ReadOperation:   b.configRead,
			logical.DeleteOperation: b.configDelete,
		},
		HelpSynopsis: "Configures a connection to a database.",
	}
}

// list answers LIST for the entries under prefix.
func (b *Backend) list(prefix string) framework.OperationFunc {
	return func(ctx context.Context, _ *logical.Request, _ *framework.FieldData) (*logical.Response, error) {
		keys, err := b.view.List(ctx, prefix)
		if err != nil {
			return nil, err
		}
		return framework.ListResponse(keys), nil
	}
}

// exists is the existence check of the entry prefix+name.
func (b *Backend) exists(prefix string) framework.ExistenceFunc {
	return func(ctx context.Context, _ *logical.Request, d *framework.FieldData) (bool, error) {
		e, err := b.view.Get(ctx, prefix+d.String("name"))
		return e != nil, err
	}
}

func (b *Backend) configWrite(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	name := d.String("name")
	b.cfgMu.Lock()
	defer b.cfgMu.Unlock()
	c, err := b.loadConfig(ctx, name)
	if err != nil {
		return nil, err
	}
	if c == nil {
		c = &connConfig{AllowedRoles: []string{}, RootRotationStatements: []string{}}
	}
	setString(d, "plugin_name", &c.PluginName)
	setString(d, "plugin_version", &c.PluginVersion)
	setString(d, "connection_url", &c.ConnectionURL)
	setString(d, "username", &c.Username)
	setString(d, "password", &c.Password)
	setString(d, "password_policy", &c.PasswordPolicy)
	setString(d, "username_template", &c.UsernameTemplate)
	if v, ok := d.GetOk("allowed_roles"); ok {
		c.AllowedRoles = v.([]string)
	}
	if v, ok := d.GetOk("root_rotation_statements"); ok {
		c.RootRotationStatements = normalizeStatements(v.([]string))
	}
	if v, ok := d.GetOk("max_open_connections"); ok {
		c.MaxOpenConnections = v.(int)
	}
	if v, ok := d.GetOk("max_idle_connections"); ok {
		c.MaxIdleConnections = v.(int)
	}
	if v, ok := d.GetOk("max_connection_lifetime"); ok {
		c.MaxConnectionLifetime = v.(time.Duration)
	}
	if v, ok := d.GetOk("disable_escaping"); ok {
		c.DisableEscaping = v.(bool)
	}
	c.VerifyConnection = d.Bool("verify_connection")

	if c.PluginName == "" {
		return nil, badRequest("plugin_name is required")
	}
	p, err := b.plugin(c.PluginName)
	if err != nil {
		return nil, badRequest("unsupported plugin_name %q", c.PluginName)
	}
	if strings.TrimSpace(c.ConnectionURL) == "" {
		return nil, badRequest("connection_url is required")
	}
	if c.MaxOpenConnections < 0 {
		return nil, badRequest("max_open_connections must not be negative")
	}
	if c.UsernameTemplate != "" {
		r := usernameRenderer{now: b.now, rand: b.rand}
		if _, err := r.render(c.UsernameTemplate, usernameData{RoleName: "role", DisplayName: "token"}, p.Usernames().MaxLength); err != nil {
			return nil, badRequest("invalid username_template: %v", err)
		}
	}

	db, err := b.open(ctx, c)
	if err != nil {
		return nil, dbError(logical.ErrInvalidRequest, "error creating database object", err, c.Password)
	}
	if c.VerifyConnection {
		vctx, cancel := context.WithTimeout(ctx, verifyTimeout)
		err := db.Ping(vctx)
		cancel()
		if err != nil {
			_ = db.Close()
			return nil, dbError(logical.ErrInvalidRequest, "error verifying connection", err, c.Password)
		}
	}
	if err := putJSON(ctx, b.view, prefixConfig+name, c); err != nil {
		_ = db.Close()
		return nil, err
	}
	b.pools.replace(name, db)
	return nil, nil
}

// setString copies a string field into *dst when the request set it.
func setString(d *framework.FieldData, field string, dst *string) {
	if v, ok := d.GetOk(field); ok {
		*dst = v.(string)
	}
}

func (b *Backend) configRead(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	c, err := b.loadConfig(ctx, d.String("name"))
	if err != nil || c == nil {
		return nil, err
	}
	details := map[string]any{
		"connection_url":          c.ConnectionURL,
		"username":                c.Username,
		"max_open_connections":    c.MaxOpenConnections,
		"max_idle_connections":    c.MaxIdleConnections,
		"max_connection_lifetime": c.MaxConnectionLifetime.String(),
	}
	if c.UsernameTemplate != "" {
		details["username_template"] = c.UsernameTemplate
	}
	return &logical.Response{Data: map[string]any{
		"plugin_name":                        c.PluginName,
		"plugin_version":                     c.PluginVersion,
		"connection_details":                 details,
		"allowed_roles":                      nonNil(c.AllowedRoles),
		"root_credentials_rotate_statements": nonNil(c.RootRotationStatements),
		"password_policy":                    c.PasswordPolicy,
		"verify_connection":                  c.VerifyConnection,
	}}, nil
}

func (b *Backend) configDelete(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	name := d.String("name")
	b.cfgMu.Lock()
	defer b.cfgMu.Unlock()
	if err := b.view.Delete(ctx, prefixConfig+name); err != nil {
		return nil, err
	}
	b.pools.replace(name, nil)
	return nil, nil
}

func (b *Backend) resetPath() *framework.Path {
	return &framework.Path{
		Pattern: "reset/" + framework.GenericNameRegex("name"),
		Fields:  map[string]*framework.FieldSchema{"name": {Type: framework.TypeString}},
		Operations: map[logical.Operation]framework.OperationFunc{
			logical.UpdateOperation: b.reset,
		},
		HelpSynopsis: "Closes a connection's pool and opens a new one from the stored configuration.",
	}
}

func (b *Backend) reset(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	name := d.String("name")
	b.cfgMu.Lock()
	defer b.cfgMu.Unlock()
	c, err := b.loadConfig(ctx, name)
	if err != nil {
		return nil, err
	}
	if c == nil {
		return nil, badRequest("no database connection named %q", name)
	}
	db, err := b.open(ctx, c)
	if err != nil {
		return nil, dbError(logical.ErrInternal, "error creating database object", err, c.Password)
	}
	b.pools.replace(name, db)
	return nil, nil
}

func (b *Backend) rotateRootPath() *framework.Path {
	return &framework.Path{
		Pattern: "rotate-root/" + framework.GenericNameRegex("name"),
		Fields:  map[string]*framework.FieldSchema{"name": {Type: framework.TypeString}},
		Operations: map[logical.Operation]framework.OperationFunc{
			logical.UpdateOperation: b.rotateRoot,
		},
		HelpSynopsis: "Rotates the password of a connection's root user.",
	}
}

// rotateRoot changes the root user's password in the database, stores it,
// and reopens the pool with it. If storing fails the old password is put
// back in the database.
func (b *Backend) rotateRoot(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	name := d.String("name")
	b.cfgMu.Lock()
	defer b.cfgMu.Unlock()
	c, db, err := b.conn(ctx, name)
	if err != nil {
		return nil, err
	}
	if c.Username == "" {
		return nil, badRequest("%v: the connection has no username", dbplugin.ErrRootRotation)
	}
	if !strings.Contains(c.ConnectionURL, "{{password}}") {
		return nil, badRequest("%v: connection_url has no {{password}} placeholder", dbplugin.ErrRootRotation)
	}
	newPass, err := generatePassword(b.rand)
	if err != nil {
		return nil, err
	}
	change := dbplugin.ChangePasswordRequest{Username: c.Username, Password: newPass, Statements: c.RootRotationStatements, Self: true}
	if err := db.ChangePassword(ctx, change); err != nil {
		return nil, dbError(logical.ErrInternal, "failed to rotate root credentials", err, c.Password, newPass)
	}
	oldPass := c.Password
	c.Password = newPass
	if err := putJSON(ctx, b.view, prefixConfig+name, c); err != nil {
		change.Password = oldPass
		if undoErr := db.ChangePassword(context.WithoutCancel(ctx), change); undoErr != nil {
			b.log.Error("root password changed in the database but not stored; the connection must be reconfigured", "connection", name)
		}
		return nil, err
	}
	newDB, err := b.open(ctx, c)
	if err != nil {
		b.pools.replace(name, nil)
		return nil, dbError(logical.ErrInternal, "reopen connection after root rotation", err, oldPass, newPass)
	}
	b.pools.replace(name, newDB)
	return nil, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
