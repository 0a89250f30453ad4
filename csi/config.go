package csi

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/cofre-io/cofre/csi/rotation"
)

// Defaults of the flags.
const (
	DefaultDriverName   = "secrets-store.csi.k8s.io"
	DefaultProvidersDir = "/var/run/secrets-store-csi-providers"
	DefaultEndpoint     = "unix:///csi/csi.sock"
)

// ErrConfig: a flag has a value the driver cannot use.
var ErrConfig = errors.New("invalid csi configuration")

// Config is the driver's configuration, from flags.
type Config struct {
	// Endpoint is the CSI socket, unix:///path.
	Endpoint string
	// NodeID is the node's name (NodeGetInfo, status object labels).
	NodeID string
	// DriverName is the CSI driver name pods' volumes refer to.
	DriverName string
	// ProvidersDir holds the providers' <name>.sock sockets.
	ProvidersDir string
	// Kubeconfig is a kubeconfig file; "" means in-cluster.
	Kubeconfig string
	// RotationInterval is the default refresh interval of a volume.
	RotationInterval time.Duration
	// ProviderTimeout bounds one provider call.
	ProviderTimeout time.Duration
	// TmpfsSize limits each volume's tmpfs in bytes (0: no limit of ours).
	TmpfsSize int64
	// MetricsAddr and HealthAddr are HTTP listen addresses ("" disables).
	MetricsAddr, HealthAddr string
	// LogLevel is debug, info, warn or error.
	LogLevel string
}

// ParseFlags parses the driver's flags. NODE_NAME (from getenv) is the
// default node ID, as a DaemonSet sets it from spec.nodeName.
func ParseFlags(args []string, getenv func(string) string, output io.Writer) (Config, error) {
	var c Config
	fs := flag.NewFlagSet("cofre csi", flag.ContinueOnError)
	fs.SetOutput(output)
	fs.StringVar(&c.Endpoint, "endpoint", DefaultEndpoint, "CSI endpoint (unix:///path/csi.sock)")
	fs.StringVar(&c.NodeID, "nodeid", getenv("NODE_NAME"), "node ID (default $NODE_NAME)")
	fs.StringVar(&c.DriverName, "drivername", DefaultDriverName, "CSI driver name")
	fs.StringVar(&c.ProvidersDir, "providers-dir", DefaultProvidersDir, "directory of the providers' unix sockets")
	fs.StringVar(&c.Kubeconfig, "kubeconfig", "", "kubeconfig file (out of cluster; default: in-cluster configuration)")
	fs.DurationVar(&c.RotationInterval, "rotation-interval", rotation.DefaultInterval,
		"how often a volume is refreshed (a SecretProviderClass may override it; providers may ask for earlier)")
	fs.DurationVar(&c.ProviderTimeout, "provider-timeout", 60*time.Second, "bound on one provider Mount call")
	fs.Int64Var(&c.TmpfsSize, "tmpfs-size", 0, "size limit of each volume's tmpfs in bytes (0: the kernel default)")
	fs.StringVar(&c.MetricsAddr, "metrics-addr", "", "Prometheus metrics listen address, e.g. :8095 (empty: off)")
	fs.StringVar(&c.HealthAddr, "health-addr", "", "health check listen address serving /healthz, e.g. :9809 (empty: off)")
	fs.StringVar(&c.LogLevel, "log-level", "info", "log level: debug, info, warn, error")
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("%w: unexpected arguments %q", ErrConfig, fs.Args())
	}
	return c, c.validate()
}

func (c *Config) validate() error {
	var problems []string
	if _, err := socketPath(c.Endpoint); err != nil {
		problems = append(problems, err.Error())
	}
	if c.NodeID == "" {
		problems = append(problems, "-nodeid is required (or NODE_NAME)")
	}
	if c.DriverName == "" {
		problems = append(problems, "-drivername is empty")
	}
	if c.ProvidersDir == "" {
		problems = append(problems, "-providers-dir is empty")
	}
	if c.RotationInterval < time.Second {
		problems = append(problems, "-rotation-interval must be at least 1s")
	}
	if c.ProviderTimeout <= 0 {
		problems = append(problems, "-provider-timeout must be positive")
	}
	if c.TmpfsSize < 0 {
		problems = append(problems, "-tmpfs-size is negative")
	}
	if _, err := parseLevel(c.LogLevel); err != nil {
		problems = append(problems, err.Error())
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w: %s", ErrConfig, strings.Join(problems, "; "))
	}
	return nil
}

// socketPath extracts the path of a unix:// endpoint.
func socketPath(endpoint string) (string, error) {
	p, ok := strings.CutPrefix(endpoint, "unix://")
	if !ok || p == "" || !strings.HasPrefix(p, "/") {
		return "", fmt.Errorf("-endpoint %q is not unix:///absolute/path", endpoint)
	}
	return p, nil
}
