package config

import (
	"errors"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
)

// Defaults that Validate fills in.
const (
	DefaultLeaseTTL           = 768 * time.Hour
	DefaultMaxLeaseTTL        = 768 * time.Hour
	DefaultLogLevel           = "info"
	DefaultListenerAddress    = "127.0.0.1:8200"
	DefaultMaxRequestSize     = 32 << 20
	DefaultMaxRequestDuration = 90 * time.Second
	DefaultTLSMinVersion      = "tls12"
)

// ErrInvalid matches (with errors.Is) every error that reports a bad
// configuration, as opposed to a file that could not be read.
var ErrInvalid = errors.New("invalid configuration")

// Config is the server's configuration.
type Config struct {
	// APIAddr is the URL clients should use to reach this node; optional.
	APIAddr string
	// ClusterAddr is the URL other nodes use to reach this one; optional.
	ClusterAddr string
	// DefaultLeaseTTL and MaxLeaseTTL bound leases and tokens system-wide.
	DefaultLeaseTTL time.Duration
	MaxLeaseTTL     time.Duration
	// LogLevel is one of trace, debug, info, warn, error.
	LogLevel  string
	Listeners []Listener
	Storage   *Storage
	// Seals holds zero seal blocks (Shamir), one, or two during a seal
	// migration (then exactly one of them is Disabled).
	Seals []Seal

	ranges ranges
}

// Listener is one listener block. Only type "tcp" exists.
type Listener struct {
	Type          string
	Address       string
	TLSDisable    bool
	TLSCertFile   string
	TLSKeyFile    string
	TLSMinVersion string // tls10, tls11, tls12 or tls13
	// MaxRequestSize is the largest request body accepted, in bytes; a
	// negative value turns the limit off.
	MaxRequestSize     int64
	MaxRequestDuration time.Duration

	ranges ranges
}

// Storage is the storage block. Types: "raft" (Path required) and "inmem".
type Storage struct {
	Type   string
	Path   string
	NodeID string
	// Options holds the other accepted attributes of the block as written
	// (numbers and booleans in their decimal/"true" form), for the backend
	// to interpret.
	Options map[string]string

	ranges ranges
}

// Seal is one seal block: type "static" or "transit".
type Seal struct {
	Type     string
	Disabled bool
	// Options holds every attribute of the block except "disabled", as
	// written (numbers and booleans in their decimal/"true" form). It may
	// hold secrets (a transit token): never log it.
	Options map[string]string
	// Exactly one of Static and Transit is set, matching Type.
	Static  *StaticSeal
	Transit *TransitSeal

	ranges ranges
}

// StaticSeal reads a 32-byte key from a file or an environment variable;
// exactly one of KeyFile and KeyEnv is set.
type StaticSeal struct {
	KeyFile string
	KeyEnv  string
}

// TransitSeal wraps the root key with a transit engine on another server.
type TransitSeal struct {
	Address       string
	Token         string // secret
	KeyName       string
	MountPath     string
	Namespace     string
	TLSCACert     string
	TLSClientCert string
	TLSClientKey  string
	TLSServerName string
	TLSSkipVerify bool
}

// Error reports every problem found in a configuration. It matches
// ErrInvalid with errors.Is.
type Error struct {
	Diagnostics hcl.Diagnostics
}

// Error lists the problems one per line, each as "file:line,col-col:
// Summary; Detail" when its position is known.
func (e *Error) Error() string {
	var b strings.Builder
	// In source order: HCL reports some problems in map order.
	diags := append(hcl.Diagnostics(nil), e.Diagnostics...)
	sort.SliceStable(diags, func(i, j int) bool {
		a, c := diags[i].Subject, diags[j].Subject
		if a == nil || c == nil {
			return a != nil
		}
		if a.Start.Line != c.Start.Line {
			return a.Start.Line < c.Start.Line
		}
		return a.Start.Column < c.Start.Column
	})
	for i, d := range diags {
		if i > 0 {
			b.WriteByte('\n')
		}
		if d.Subject != nil && d.Subject.Filename != "" {
			b.WriteString(d.Subject.String())
			b.WriteString(": ")
		}
		b.WriteString(d.Summary)
		if d.Detail != "" {
			b.WriteString("; ")
			b.WriteString(d.Detail)
		}
	}
	return b.String()
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *Error) Is(target error) bool { return target == ErrInvalid }

// errorOf returns nil when diags holds no error, an *Error otherwise.
func errorOf(diags hcl.Diagnostics) error {
	if !diags.HasErrors() {
		return nil
	}
	return &Error{Diagnostics: diags}
}
