package config

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// Validate fills defaults and checks the configuration as a whole:
//
//   - default_lease_ttl and max_lease_ttl default to 768h; the default may
//     not exceed the maximum;
//   - log_level defaults to info and must be trace, debug, info, warn
//     (or "warning") or error;
//   - api_addr and cluster_addr, when set, are http(s) URLs with a host;
//   - at least one listener, each of type tcp with a distinct host:port
//     address (default 127.0.0.1:8200), TLS files given both or neither and
//     required unless tls_disable, tls_min_version tls10..tls13 (default
//     tls12), max_request_size 32 MiB and max_request_duration 90s when
//     zero;
//   - a storage block of type raft (path required) or inmem;
//   - at most two seal blocks, two only for a migration where exactly one
//     is disabled; a static seal names exactly one of key_file and
//     key_env; a transit seal names key_name and mount_path.
//
// It returns nil or an *Error listing every problem. Calling it again on
// a valid Config changes nothing.
func (c *Config) Validate() error {
	v := &validator{}
	c.validateTop(v)
	c.validateListeners(v)
	c.validateStorage(v)
	c.validateSeals(v)
	return errorOf(v.diags)
}

type validator struct{ diags hcl.Diagnostics }

func (v *validator) fail(subject *hcl.Range, summary, detail string, args ...any) {
	v.diags = append(v.diags, &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  summary,
		Detail:   fmt.Sprintf(detail, args...),
		Subject:  subject,
	})
}

var logLevels = map[string]string{
	"trace": "trace", "debug": "debug", "info": "info",
	"warn": "warn", "warning": "warn", "error": "error", "err": "error",
}

func (c *Config) validateTop(v *validator) {
	if c.DefaultLeaseTTL == 0 {
		c.DefaultLeaseTTL = DefaultLeaseTTL
	}
	if c.MaxLeaseTTL == 0 {
		c.MaxLeaseTTL = DefaultMaxLeaseTTL
	}
	if c.DefaultLeaseTTL < 0 || c.MaxLeaseTTL < 0 {
		v.fail(c.ranges.subject("default_lease_ttl"), "Invalid lease TTL", "lease TTLs may not be negative")
	} else if c.DefaultLeaseTTL > c.MaxLeaseTTL {
		v.fail(c.ranges.subject("default_lease_ttl"), "Invalid lease TTL",
			"default_lease_ttl (%s) exceeds max_lease_ttl (%s)", c.DefaultLeaseTTL, c.MaxLeaseTTL)
	}
	if c.LogLevel == "" {
		c.LogLevel = DefaultLogLevel
	}
	if lvl, ok := logLevels[strings.ToLower(strings.TrimSpace(c.LogLevel))]; ok {
		c.LogLevel = lvl
	} else {
		v.fail(c.ranges.subject("log_level"), "Invalid log_level",
			"%q is not a log level; use trace, debug, info, warn or error", c.LogLevel)
	}
	checkURL(v, c.ranges.subject("api_addr"), "api_addr", c.APIAddr)
	checkURL(v, c.ranges.subject("cluster_addr"), "cluster_addr", c.ClusterAddr)
}

func checkURL(v *validator, subject *hcl.Range, name, raw string) {
	if raw == "" {
		return
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		v.fail(subject, "Invalid "+name, "%s must be an http:// or https:// URL with a host, such as https://cofre-0.cofre:8200", name)
	}
}

var tlsVersions = map[string]bool{"tls10": true, "tls11": true, "tls12": true, "tls13": true}

func (c *Config) validateListeners(v *validator) {
	if len(c.Listeners) == 0 {
		v.fail(nil, "Missing listener", `at least one listener "tcp" block is required`)
	}
	seen := map[string]bool{}
	for i := range c.Listeners {
		l := &c.Listeners[i]
		l.fillDefaults()
		if l.Type != "tcp" {
			v.fail(l.ranges.subject(""), "Unsupported listener type", "listener type %q is not supported; the only type is \"tcp\"", l.Type)
		}
		if err := checkHostPort(l.Address); err != nil {
			v.fail(l.ranges.subject("address"), "Invalid listener address", "%v", err)
		} else if seen[l.Address] {
			v.fail(l.ranges.subject("address"), "Duplicate listener address", "another listener already uses %s", l.Address)
		}
		seen[l.Address] = true
		if (l.TLSCertFile == "") != (l.TLSKeyFile == "") {
			v.fail(l.ranges.subject(""), "Incomplete TLS configuration", "tls_cert_file and tls_key_file must be given together")
		} else if !l.TLSDisable && l.TLSCertFile == "" {
			v.fail(l.ranges.subject(""), "Missing TLS configuration",
				"TLS is on: give tls_cert_file and tls_key_file, or set tls_disable = true")
		}
		if !tlsVersions[l.TLSMinVersion] {
			v.fail(l.ranges.subject("tls_min_version"), "Invalid tls_min_version",
				"%q is not one of tls10, tls11, tls12, tls13", l.TLSMinVersion)
		}
		if l.MaxRequestDuration < 0 {
			v.fail(l.ranges.subject("max_request_duration"), "Invalid max_request_duration", "it may not be negative")
		}
	}
}

func (l *Listener) fillDefaults() {
	if l.Address == "" {
		l.Address = DefaultListenerAddress
	}
	if l.TLSMinVersion == "" {
		l.TLSMinVersion = DefaultTLSMinVersion
	}
	if l.MaxRequestSize == 0 {
		l.MaxRequestSize = DefaultMaxRequestSize
	}
	if l.MaxRequestDuration == 0 {
		l.MaxRequestDuration = DefaultMaxRequestDuration
	}
}

func checkHostPort(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("address %q is not host:port", addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("address %q has no valid port", addr)
	}
	return nil
}

func (c *Config) validateStorage(v *validator) {
	s := c.Storage
	if s == nil {
		v.fail(nil, "Missing storage", `a storage block is required, such as storage "raft" { path = "/var/lib/cofre" }`)
		return
	}
	switch s.Type {
	case "raft":
		if s.Path == "" {
			v.fail(s.ranges.subject("path"), "Missing raft path", `storage "raft" needs path, the directory for its data`)
		}
	case "inmem":
	default:
		v.fail(s.ranges.subject(""), "Unsupported storage type", "storage type %q is not supported; use \"raft\" or \"inmem\"", s.Type)
	}
}

func (c *Config) validateSeals(v *validator) {
	switch n := len(c.Seals); {
	case n > 2:
		v.fail(c.Seals[2].ranges.subject(""), "Too many seal blocks", "at most two seal blocks are allowed, and two only during a seal migration")
	case n == 2 && c.Seals[0].Disabled == c.Seals[1].Disabled:
		v.fail(c.Seals[1].ranges.subject(""), "Invalid seal migration",
			"with two seal blocks exactly one must have disabled = true (the seal being migrated from)")
	}
	for i := range c.Seals {
		s := &c.Seals[i]
		if s.Static == nil && s.Transit == nil {
			s.fillTyped()
		}
		switch {
		case s.Static != nil:
			if (s.Static.KeyFile == "") == (s.Static.KeyEnv == "") {
				v.fail(s.ranges.subject(""), "Invalid static seal", "give exactly one of key_file and key_env")
			}
		case s.Transit != nil:
			if s.Transit.KeyName == "" {
				v.fail(s.ranges.subject("key_name"), "Invalid transit seal", "key_name is required")
			}
			if s.Transit.MountPath == "" {
				v.fail(s.ranges.subject("mount_path"), "Invalid transit seal", "mount_path is required")
			}
		default:
			v.fail(s.ranges.subject(""), "Unsupported seal type", "seal type %q is not supported; use \"static\" or \"transit\"", s.Type)
		}
	}
}
