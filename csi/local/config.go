package local

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// DefaultInterval is local mode's refresh interval unless -interval or the
// class says otherwise.
const DefaultInterval = 30 * time.Second

// ErrConfig: the command line cannot be used.
var ErrConfig = errors.New("invalid cofre csi mount command line")

// Config is `cofre csi mount`'s configuration.
type Config struct {
	// Class is the SecretProviderClass file; Target the directory to fill.
	Class, Target string
	// Addr is the server URL; CACert a CA file to trust for it.
	Addr, CACert string
	// Token is a Cofre token (from the environment only: a flag would show
	// it in the process list).
	Token string
	// RoleID and SecretID log in with AppRole at auth/<AppRolePath>.
	RoleID, SecretID, AppRolePath string
	// Interval is the refresh interval (a class annotation overrides it).
	Interval time.Duration
	// Once renders the volume once and exits.
	Once bool
	// Timeout bounds each server request.
	Timeout  time.Duration
	LogLevel string
}

// ParseFlags parses the command line of `cofre csi mount`.
func ParseFlags(args []string, getenv func(string) string, output io.Writer) (Config, error) {
	c := Config{Token: firstOf(getenv("COFRE_TOKEN"), getenv("VAULT_TOKEN"))}
	fs := flag.NewFlagSet("cofre csi mount", flag.ContinueOnError)
	fs.SetOutput(output)
	fs.StringVar(&c.Class, "class", "", "SecretProviderClass YAML file (required)")
	fs.StringVar(&c.Target, "target", "", "directory to write the files into (required; created 0700 when missing)")
	fs.StringVar(&c.Addr, "addr", firstOf(getenv("COFRE_ADDR"), getenv("VAULT_ADDR"), "http://127.0.0.1:8200"), "server address (default $COFRE_ADDR)")
	fs.StringVar(&c.CACert, "ca-cert", firstOf(getenv("COFRE_CACERT"), getenv("VAULT_CACERT")), "CA certificate file for the server (default $COFRE_CACERT)")
	fs.StringVar(&c.RoleID, "role-id", getenv("COFRE_ROLE_ID"), "AppRole role_id (default $COFRE_ROLE_ID); without it the token in $COFRE_TOKEN is used")
	fs.StringVar(&c.SecretID, "secret-id", getenv("COFRE_SECRET_ID"), "AppRole secret_id (default $COFRE_SECRET_ID)")
	secretIDFile := fs.String("secret-id-file", "", "file holding the AppRole secret_id")
	fs.StringVar(&c.AppRolePath, "approle-path", "approle", "mount path of the AppRole auth method")
	fs.DurationVar(&c.Interval, "interval", DefaultInterval, "refresh interval (the class's secrets-store.cofre.io/rotation-interval annotation wins)")
	fs.BoolVar(&c.Once, "once", false, "write the files once and exit")
	fs.DurationVar(&c.Timeout, "timeout", 30*time.Second, "timeout of each server request")
	fs.StringVar(&c.LogLevel, "log-level", "info", "debug, info, warn or error")
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("%w: unexpected arguments %q", ErrConfig, fs.Args())
	}
	if *secretIDFile != "" {
		b, err := os.ReadFile(*secretIDFile)
		if err != nil {
			return Config{}, fmt.Errorf("%w: -secret-id-file: %w", ErrConfig, err)
		}
		c.SecretID = strings.TrimSpace(string(b))
	}
	return c, c.validate()
}

func (c *Config) validate() error {
	var problems []string
	if c.Class == "" {
		problems = append(problems, "-class is required")
	}
	if c.Target == "" {
		problems = append(problems, "-target is required")
	}
	if c.RoleID == "" && c.Token == "" {
		problems = append(problems, "no credentials: set COFRE_TOKEN, or -role-id and -secret-id (or COFRE_ROLE_ID and COFRE_SECRET_ID)")
	}
	if c.RoleID != "" && c.SecretID == "" {
		problems = append(problems, "-role-id needs -secret-id, -secret-id-file or COFRE_SECRET_ID")
	}
	if c.Interval < time.Second {
		problems = append(problems, "-interval must be at least 1s")
	}
	if c.Timeout <= 0 {
		problems = append(problems, "-timeout must be positive")
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w: %s", ErrConfig, strings.Join(problems, "; "))
	}
	return nil
}

func firstOf(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}
