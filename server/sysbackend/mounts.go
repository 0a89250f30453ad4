package sysbackend

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
	"github.com/cofre-io/cofre/server/mount"
)

func (b *backend) mountPaths() []*framework.Path {
	mountFields := map[string]*framework.FieldSchema{
		"path":                    {Type: framework.TypeString},
		"type":                    {Type: framework.TypeString},
		"description":             {Type: framework.TypeString},
		"config":                  {Type: framework.TypeMap},
		"options":                 {Type: framework.TypeKVPairs},
		"local":                   {Type: framework.TypeBool},
		"seal_wrap":               {Type: framework.TypeBool},
		"plugin_name":             {Type: framework.TypeString},
		"external_entropy_access": {Type: framework.TypeBool},
		"plugin_version":          {Type: framework.TypeString},
	}
	tuneFields := map[string]*framework.FieldSchema{
		"path":                         {Type: framework.TypeString},
		"default_lease_ttl":            {Type: framework.TypeString},
		"max_lease_ttl":                {Type: framework.TypeString},
		"description":                  {Type: framework.TypeString},
		"options":                      {Type: framework.TypeKVPairs},
		"force_no_cache":               {Type: framework.TypeBool},
		"listing_visibility":           {Type: framework.TypeString},
		"audit_non_hmac_request_keys":  {Type: framework.TypeCommaStringSlice},
		"audit_non_hmac_response_keys": {Type: framework.TypeCommaStringSlice},
		"passthrough_request_headers":  {Type: framework.TypeCommaStringSlice},
		"allowed_response_headers":     {Type: framework.TypeCommaStringSlice},
		"token_type":                   {Type: framework.TypeString},
	}
	var out []*framework.Path
	for _, t := range []struct{ prefix, table string }{{"mounts", mount.TableSecrets}, {"auth", mount.TableAuth}} {
		table := t.table
		out = append(out,
			&framework.Path{
				Pattern: t.prefix + "/?",
				Operations: map[logical.Operation]framework.OperationFunc{
					logical.ReadOperation: func(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
						return b.listMounts(table)
					},
				},
			},
			&framework.Path{
				Pattern: t.prefix + "/(?P<path>.+?)/tune/?",
				Fields:  tuneFields,
				Operations: map[logical.Operation]framework.OperationFunc{
					logical.ReadOperation: func(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
						return b.readTune(table, d.String("path"))
					},
					logical.UpdateOperation: func(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
						return b.tune(ctx, table, d)
					},
				},
			},
			&framework.Path{
				Pattern: t.prefix + "/(?P<path>.+)",
				Fields:  mountFields,
				Operations: map[logical.Operation]framework.OperationFunc{
					logical.ReadOperation: func(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
						e := b.core.Mounts().Get(table, d.String("path"))
						if e == nil {
							return nil, logical.Errorf(logical.ErrInvalidRequest, "No %s mounted at %s", kindOf(table), mount.NormalizePath(d.String("path")))
						}
						return &logical.Response{Data: mountInfo(e)}, nil
					},
					logical.UpdateOperation: func(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
						return b.enable(ctx, table, d)
					},
					logical.DeleteOperation: func(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
						err := b.core.Mounts().Disable(ctx, table, d.String("path"))
						if errors.Is(err, mount.ErrNoSuchMount) {
							return nil, nil // Vault treats disabling a missing mount as success
						}
						return nil, err
					},
				},
			},
		)
	}
	out = append(out, b.uiMountPaths()...)
	return out
}

func kindOf(table string) string {
	if table == mount.TableAuth {
		return "auth method"
	}
	return "secrets engine"
}

func (b *backend) listMounts(table string) (*logical.Response, error) {
	data := map[string]any{}
	for _, e := range b.core.Mounts().List(table) {
		data[e.Path] = mountInfo(e)
	}
	return &logical.Response{Data: data}, nil
}

func mountInfo(e *mount.Entry) map[string]any {
	cfg := map[string]any{
		"default_lease_ttl": int64(e.Config.DefaultLeaseTTL / time.Second),
		"max_lease_ttl":     int64(e.Config.MaxLeaseTTL / time.Second),
		"force_no_cache":    e.Config.ForceNoCache,
	}
	if e.Config.ListingVisibility != "" {
		cfg["listing_visibility"] = e.Config.ListingVisibility
	}
	if len(e.Config.AuditNonHMACRequestKeys) > 0 {
		cfg["audit_non_hmac_request_keys"] = e.Config.AuditNonHMACRequestKeys
	}
	if len(e.Config.AuditNonHMACResponseKeys) > 0 {
		cfg["audit_non_hmac_response_keys"] = e.Config.AuditNonHMACResponseKeys
	}
	if len(e.Config.PassthroughRequestHeaders) > 0 {
		cfg["passthrough_request_headers"] = e.Config.PassthroughRequestHeaders
	}
	if len(e.Config.AllowedResponseHeaders) > 0 {
		cfg["allowed_response_headers"] = e.Config.AllowedResponseHeaders
	}
	if e.Config.TokenType != "" {
		cfg["token_type"] = e.Config.TokenType
	}
	var opts map[string]any
	if len(e.Options) > 0 {
		opts = map[string]any{}
		for k, v := range e.Options {
			opts[k] = v
		}
	}
	return map[string]any{
		"type":                    e.Type,
		"description":             e.Description,
		"accessor":                e.Accessor,
		"uuid":                    e.UUID,
		"config":                  cfg,
		"options":                 opts,
		"local":                   e.Local,
		"seal_wrap":               e.SealWrap,
		"external_entropy_access": false,
		"plugin_version":          "",
		"running_plugin_version":  "",
		"running_sha256":          "",
		"deprecation_status":      "supported",
	}
}

func (b *backend) enable(ctx context.Context, table string, d *framework.FieldData) (*logical.Response, error) {
	typ := d.String("type")
	if typ == "" {
		typ = d.String("plugin_name")
	}
	if typ == "" {
		return nil, logical.Errorf(logical.ErrInvalidRequest, "backend type must be specified as a string")
	}
	opts := d.StringMap("options")
	if typ == "kv-v2" {
		typ = "kv"
		opts["version"] = "2"
	}
	e := &mount.Entry{
		Table:       table,
		Path:        d.String("path"),
		Type:        typ,
		Description: d.String("description"),
		Options:     opts,
		Local:       d.Bool("local"),
		SealWrap:    d.Bool("seal_wrap"),
	}
	if raw := d.Map("config"); len(raw) > 0 {
		if err := applyConfigMap(&e.Config, raw); err != nil {
			return nil, err
		}
	}
	return nil, b.core.Mounts().Enable(ctx, e)
}

// applyConfigMap reads the "config" object of a mount request.
func applyConfigMap(c *mount.Config, raw map[string]any) error {
	for k, v := range raw {
		var err error
		switch k {
		case "default_lease_ttl":
			c.DefaultLeaseTTL, err = parseTTL(v)
		case "max_lease_ttl":
			c.MaxLeaseTTL, err = parseTTL(v)
		case "force_no_cache":
			c.ForceNoCache, _ = v.(bool)
		case "listing_visibility":
			c.ListingVisibility, _ = v.(string)
		case "audit_non_hmac_request_keys":
			c.AuditNonHMACRequestKeys = toStrings(v)
		case "audit_non_hmac_response_keys":
			c.AuditNonHMACResponseKeys = toStrings(v)
		case "passthrough_request_headers":
			c.PassthroughRequestHeaders = toStrings(v)
		case "allowed_response_headers":
			c.AllowedResponseHeaders = toStrings(v)
		case "token_type":
			c.TokenType, _ = v.(string)
		case "plugin_name", "options", "id_token_key", "user_lockout_config", "delegated_auth_accessors", "plugin_version":
		default:
			return logical.Errorf(logical.ErrInvalidRequest, "unknown mount config field %q", k)
		}
		if err != nil {
			return logical.Errorf(logical.ErrInvalidRequest, "invalid %s: %v", k, err)
		}
	}
	return nil
}

// parseTTL accepts "", "system" (0, inherit), seconds or a duration string.
func parseTTL(v any) (time.Duration, error) {
	if s, ok := v.(string); ok && (s == "" || s == "system") {
		return 0, nil
	}
	return framework.ParseDuration(v)
}

func toStrings(v any) []string {
	switch x := v.(type) {
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	case string:
		if x == "" {
			return nil
		}
		return strings.Split(x, ",")
	}
	return nil
}

func (b *backend) readTune(table, path string) (*logical.Response, error) {
	e := b.core.Mounts().Get(table, path)
	if e == nil {
		return nil, logical.Errorf(logical.ErrInvalidRequest, "cannot fetch sysview for path %q", mount.NormalizePath(path))
	}
	sysDefault, sysMax := b.core.Mounts().Defaults().DefaultLeaseTTL, b.core.Mounts().Defaults().MaxLeaseTTL
	def, max := e.Config.DefaultLeaseTTL, e.Config.MaxLeaseTTL
	if max == 0 {
		max = sysMax
	}
	if def == 0 {
		def = sysDefault
		if def > max {
			def = max
		}
	}
	data := map[string]any{
		"default_lease_ttl": int64(def / time.Second),
		"max_lease_ttl":     int64(max / time.Second),
		"force_no_cache":    e.Config.ForceNoCache,
		"description":       e.Description,
	}
	if len(e.Options) > 0 {
		data["options"] = e.Options
	}
	if e.Config.ListingVisibility != "" {
		data["listing_visibility"] = e.Config.ListingVisibility
	}
	if e.Config.TokenType != "" {
		data["token_type"] = e.Config.TokenType
	}
	return &logical.Response{Data: data}, nil
}

func (b *backend) tune(ctx context.Context, table string, d *framework.FieldData) (*logical.Response, error) {
	path := d.String("path")
	err := b.core.Mounts().Tune(ctx, table, path, func(e *mount.Entry) error {
		if v, ok := d.GetOk("default_lease_ttl"); ok {
			t, err := parseTTL(v)
			if err != nil {
				return logical.Errorf(logical.ErrInvalidRequest, "invalid default_lease_ttl: %v", err)
			}
			e.Config.DefaultLeaseTTL = t
		}
		if v, ok := d.GetOk("max_lease_ttl"); ok {
			t, err := parseTTL(v)
			if err != nil {
				return logical.Errorf(logical.ErrInvalidRequest, "invalid max_lease_ttl: %v", err)
			}
			e.Config.MaxLeaseTTL = t
		}
		if v, ok := d.GetOk("description"); ok {
			e.Description = v.(string)
		}
		if v, ok := d.GetOk("force_no_cache"); ok {
			e.Config.ForceNoCache = v.(bool)
		}
		if v, ok := d.GetOk("listing_visibility"); ok {
			e.Config.ListingVisibility = v.(string)
		}
		if v, ok := d.GetOk("audit_non_hmac_request_keys"); ok {
			e.Config.AuditNonHMACRequestKeys = v.([]string)
		}
		if v, ok := d.GetOk("audit_non_hmac_response_keys"); ok {
			e.Config.AuditNonHMACResponseKeys = v.([]string)
		}
		if v, ok := d.GetOk("passthrough_request_headers"); ok {
			e.Config.PassthroughRequestHeaders = v.([]string)
		}
		if v, ok := d.GetOk("allowed_response_headers"); ok {
			e.Config.AllowedResponseHeaders = v.([]string)
		}
		if v, ok := d.GetOk("token_type"); ok {
			e.Config.TokenType = v.(string)
		}
		if v, ok := d.GetOk("options"); ok {
			for k, val := range v.(map[string]string) {
				if k == "version" && e.Options["version"] != "" && val < e.Options["version"] {
					return logical.Errorf(logical.ErrInvalidRequest, "cannot downgrade mount from version %s to %s", e.Options["version"], val)
				}
				if k == "version" {
					if _, err := strconv.Atoi(val); err != nil {
						return logical.Errorf(logical.ErrInvalidRequest, "invalid version %q", val)
					}
				}
				e.Options[k] = val
			}
		}
		return nil
	})
	return nil, err
}
