package serve

import (
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/cofre-io/cofre/server/config"
)

// Options is what `cofre server` was asked to do.
type Options struct {
	ConfigPath       string
	Dev              bool
	DevRootTokenID   string
	DevListenAddress string
	LogLevel         string
	// Config is the parsed configuration (from ConfigPath, or built for dev).
	Config *config.Config
}

// ParseFlags reads `cofre server` flags.
func ParseFlags(args []string, getenv func(string) string, stderr io.Writer) (*Options, error) {
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := &Options{}
	fs.StringVar(&o.ConfigPath, "config", "", "path to an HCL or JSON configuration file")
	fs.BoolVar(&o.Dev, "dev", false, "start a development server: in memory, unsealed, with a known root token")
	fs.StringVar(&o.DevRootTokenID, "dev-root-token-id", firstEnv(getenv, "COFRE_DEV_ROOT_TOKEN_ID", "VAULT_DEV_ROOT_TOKEN_ID"), "root token value in dev mode (default: generated)")
	fs.StringVar(&o.DevListenAddress, "dev-listen-address", firstEnv(getenv, "COFRE_DEV_LISTEN_ADDRESS", "VAULT_DEV_LISTEN_ADDRESS"), "address to listen on in dev mode (default 127.0.0.1:8200)")
	fs.StringVar(&o.LogLevel, "log-level", firstEnv(getenv, "COFRE_LOG_LEVEL", "VAULT_LOG_LEVEL"), "trace, debug, info, warn or error")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("server: unexpected arguments %q", fs.Args())
	}
	switch {
	case o.Dev && o.ConfigPath != "":
		return nil, fmt.Errorf("server: -dev and -config cannot be combined")
	case o.Dev:
		addr := o.DevListenAddress
		if addr == "" {
			addr = "127.0.0.1:8200"
		}
		o.Config = &config.Config{
			DefaultLeaseTTL: 768 * time.Hour,
			MaxLeaseTTL:     768 * time.Hour,
			LogLevel:        "info",
			Listeners:       []config.Listener{{Type: "tcp", Address: addr, TLSDisable: true, MaxRequestSize: 32 << 20, MaxRequestDuration: 90 * time.Second}},
			Storage:         &config.Storage{Type: "inmem"},
		}
	case o.ConfigPath != "":
		c, err := config.ParseFile(o.ConfigPath)
		if err != nil {
			return nil, err
		}
		o.Config = c
	default:
		return nil, fmt.Errorf("server: a configuration file is required (-config=FILE), or -dev for a development server")
	}
	if o.LogLevel != "" {
		o.Config.LogLevel = o.LogLevel
	}
	return o, nil
}

func firstEnv(getenv func(string) string, names ...string) string {
	for _, n := range names {
		if v := getenv(n); v != "" {
			return v
		}
	}
	return ""
}
