package session

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	vault "github.com/hashicorp/vault/api"

	"github.com/cofre-io/cofre/provider/params"
)

// Target is a server and how to reach it. It is comparable (a map key).
type Target struct {
	Address string
	TLS     params.TLS
}

// Clients builds and shares one token-less Vault API client per Target.
type Clients struct {
	// Timeout bounds each server request.
	Timeout time.Duration

	mu sync.Mutex
	m  map[Target]*vault.Client
}

// NewClients returns an empty set of clients whose requests time out
// after timeout.
func NewClients(timeout time.Duration) *Clients {
	return &Clients{Timeout: timeout, m: map[Target]*vault.Client{}}
}

// maxClients bounds the targets kept; past it the set starts over (pods
// may name any address, so the map must not grow without bound).
const maxClients = 256

// For returns the base client for t: no token, shared by every session of
// that target. Callers clone it before setting a token.
func (c *Clients) For(t Target) (*vault.Client, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if cl, ok := c.m[t]; ok {
		return cl, nil
	}
	cl, err := newClient(t, c.Timeout)
	if err != nil {
		return nil, err
	}
	if len(c.m) >= maxClients {
		for _, old := range c.m {
			old.CloneConfig().HttpClient.CloseIdleConnections()
		}
		c.m = map[Target]*vault.Client{}
	}
	c.m[t] = cl
	return cl, nil
}

func newClient(t Target, timeout time.Duration) (*vault.Client, error) {
	tlsCfg, err := tlsConfig(t.TLS)
	if err != nil {
		return nil, err
	}
	transport := &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:     tlsCfg,
		TLSHandshakeTimeout: 10 * time.Second,
		MaxIdleConnsPerHost: 16,
		IdleConnTimeout:     90 * time.Second,
		ForceAttemptHTTP2:   true,
	}
	httpClient := &http.Client{
		Transport: transport,
		// The API client handles redirects itself.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	cl, err := vault.NewClient(&vault.Config{
		Address:    t.Address,
		HttpClient: httpClient,
		Timeout:    timeout,
		// One retry of a 5xx or a failed connection, soon: the driver
		// waits for the Mount.
		MaxRetries:   1,
		MinRetryWait: 250 * time.Millisecond,
		MaxRetryWait: time.Second,
	})
	if err != nil {
		return nil, fmt.Errorf("%w: client for %s: %w", ErrConfig, t.Address, err)
	}
	// NewClient reads VAULT_TOKEN and VAULT_NAMESPACE from the
	// environment; the provider's requests carry neither.
	cl.ClearToken()
	cl.ClearNamespace()
	return cl, nil
}

func tlsConfig(t params.TLS) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: t.ServerName, InsecureSkipVerify: t.SkipVerify} //nolint:gosec // the class asks for it
	if t.CACertPath != "" {
		pem, err := os.ReadFile(t.CACertPath)
		if err != nil {
			return nil, fmt.Errorf("%w: CA certificate: %w", ErrConfig, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%w: no certificate in %s", ErrConfig, t.CACertPath)
		}
		cfg.RootCAs = pool
	}
	if t.ClientCertPath != "" {
		pair, err := tls.LoadX509KeyPair(t.ClientCertPath, t.ClientKeyPath)
		if err != nil {
			return nil, fmt.Errorf("%w: client certificate: %w", ErrConfig, err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	return cfg, nil
}
