package provider

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"time"
)

// Version is the provider's version, reported by the Version RPC.
const Version = "0.1.0"

// DefaultEndpoint is where the upstream driver looks for providers'
// sockets (<dir>/<provider name>.sock).
const DefaultEndpoint = "/var/run/secrets-store-csi-providers/cofre.sock"

// DefaultHMACSecretName is the Kubernetes Secret holding the object
// version key when no key file is given.
const DefaultHMACSecretName = "cofre-provider-hmac-key"

// serviceAccountNamespaceFile holds the pod's namespace in a cluster.
const serviceAccountNamespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace"

// errReported marks errors the flag package has already printed.
var errReported = errors.New("bad command line")

// Config is the provider's configuration.
type Config struct {
	// Endpoint is the unix socket path.
	Endpoint string
	// Addr is the server used when a SecretProviderClass names none.
	Addr string
	// CACert is the CA file trusted for the server when a class names none.
	CACert string
	// HealthAddr serves /healthz and /readyz ("" disables).
	HealthAddr string
	// MetricsAddr serves /metrics ("" disables; may equal HealthAddr).
	MetricsAddr string
	// Kubeconfig is used out of a cluster ("" means in-cluster).
	Kubeconfig string
	// HMACKeyFile holds the object version key; else HMACSecretName (in
	// HMACSecretNamespace) is read or created.
	HMACKeyFile         string
	HMACSecretName      string
	HMACSecretNamespace string
	// CacheIdle is how long unused sessions and kept secrets stay.
	CacheIdle time.Duration
	// RequestTimeout bounds each server request.
	RequestTimeout time.Duration
	// StopTimeout bounds the graceful stop.
	StopTimeout time.Duration
	LogLevel    slog.Level
	LogJSON     bool
	// ShowVersion prints the version and exits.
	ShowVersion bool
}

// ParseFlags parses the command line of `cofre provider`; getenv supplies
// defaults (COFRE_ADDR, POD_NAMESPACE).
func ParseFlags(args []string, getenv func(string) string, stderr io.Writer) (*Config, error) {
	c := &Config{}
	fs := flag.NewFlagSet("cofre provider", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.Endpoint, "endpoint", DefaultEndpoint, "unix socket the driver calls")
	fs.StringVar(&c.Addr, "addr", getenv("COFRE_ADDR"), "server address when a SecretProviderClass names none (default $COFRE_ADDR)")
	fs.StringVar(&c.CACert, "ca-cert", "", "CA certificate file trusted for the server when a class names none")
	fs.StringVar(&c.HealthAddr, "health-addr", ":8080", "address of /healthz and /readyz (empty: off)")
	fs.StringVar(&c.MetricsAddr, "metrics-addr", ":8080", "address of /metrics (empty: off)")
	fs.StringVar(&c.Kubeconfig, "kubeconfig", "", "kubeconfig file when running out of a cluster")
	fs.StringVar(&c.HMACKeyFile, "hmac-key-file", "", "file holding the object version HMAC key")
	fs.StringVar(&c.HMACSecretName, "hmac-secret-name", DefaultHMACSecretName, "Kubernetes Secret holding (or to hold) the object version HMAC key; namespace/name or name")
	fs.DurationVar(&c.CacheIdle, "cache-idle", 15*time.Minute, "how long unused login tokens and secrets are kept")
	fs.DurationVar(&c.RequestTimeout, "request-timeout", 30*time.Second, "timeout of each server request")
	fs.DurationVar(&c.StopTimeout, "stop-timeout", 10*time.Second, "how long in-flight mounts may finish at shutdown")
	level := fs.String("log-level", "info", "debug, info, warn or error")
	fs.BoolVar(&c.LogJSON, "log-json", false, "log JSON instead of text")
	fs.BoolVar(&c.ShowVersion, "version", false, "print the version and exit")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %w", errReported, err)
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if err := c.LogLevel.UnmarshalText([]byte(*level)); err != nil {
		return nil, fmt.Errorf("-log-level: %w", err)
	}
	c.HMACSecretNamespace = getenv("POD_NAMESPACE")
	if ns, name, ok := strings.Cut(c.HMACSecretName, "/"); ok {
		c.HMACSecretNamespace, c.HMACSecretName = ns, name
	}
	return c, c.validate()
}

// validate checks the configuration and fills what is left to defaults.
func (c *Config) validate() error {
	var errs []error
	if c.Endpoint == "" {
		errs = append(errs, errors.New("-endpoint is required"))
	}
	if c.Addr != "" {
		if u, err := url.Parse(c.Addr); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("-addr %q is not an http(s) URL", c.Addr))
		}
	}
	if c.CacheIdle <= 0 || c.RequestTimeout <= 0 || c.StopTimeout <= 0 {
		errs = append(errs, errors.New("-cache-idle, -request-timeout and -stop-timeout must be positive"))
	}
	return errors.Join(errs...)
}
