package cli

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/vault/api"
)

// DefaultAddress is the server address used when nothing else names one.
const DefaultAddress = "https://127.0.0.1:8200"

// TokenFile is the token helper file's name in Env.HomeDir.
const TokenFile = ".cofre-token"

// client builds an API client from the flags and the environment, with
// the token from COFRE_TOKEN, VAULT_TOKEN or the token file.
func (r *runner) client() (*api.Client, error) {
	addr := r.address
	if addr == "" {
		addr = r.getenv("COFRE_ADDR", "VAULT_ADDR")
	}
	if addr == "" {
		addr = DefaultAddress
	}
	tlsConf, err := r.tlsConfig()
	if err != nil {
		return nil, err
	}
	retries := 2
	if v := r.getenv("COFRE_MAX_RETRIES", "VAULT_MAX_RETRIES"); v != "" {
		if retries, err = strconv.Atoi(v); err != nil || retries < 0 {
			return nil, fmt.Errorf("invalid COFRE_MAX_RETRIES/VAULT_MAX_RETRIES %q", v)
		}
	}
	timeout := 60 * time.Second
	if v := r.getenv("COFRE_CLIENT_TIMEOUT", "VAULT_CLIENT_TIMEOUT"); v != "" {
		if timeout, err = parseTTL(v); err != nil {
			return nil, fmt.Errorf("invalid COFRE_CLIENT_TIMEOUT/VAULT_CLIENT_TIMEOUT: %w", err)
		}
	}
	transport := &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		TLSClientConfig:     tlsConf,
		TLSHandshakeTimeout: 10 * time.Second,
		ForceAttemptHTTP2:   true,
	}
	httpClient := &http.Client{
		Transport: transport,
		// The API client follows the server's 307s itself.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	c, err := api.NewClient(&api.Config{
		Address:    addr,
		HttpClient: httpClient,
		MaxRetries: retries,
		Timeout:    timeout,
	})
	if err != nil {
		return nil, fmt.Errorf("create client: %w", err)
	}
	// NewClient also reads the process environment; Env is the only source.
	c.ClearNamespace()
	token, err := r.token()
	if err != nil {
		return nil, err
	}
	if token == "" {
		c.ClearToken()
	} else {
		c.SetToken(token)
	}
	return c, nil
}

func (r *runner) tlsConfig() (*tls.Config, error) {
	conf := &tls.Config{MinVersion: tls.VersionTLS12}
	skip := r.skipVerify
	if !skip {
		if v := r.getenv("COFRE_SKIP_VERIFY", "VAULT_SKIP_VERIFY"); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return nil, fmt.Errorf("invalid COFRE_SKIP_VERIFY/VAULT_SKIP_VERIFY %q", v)
			}
			skip = b
		}
	}
	conf.InsecureSkipVerify = skip
	conf.ServerName = firstNonEmpty(r.tlsServerName, r.getenv("COFRE_TLS_SERVER_NAME", "VAULT_TLS_SERVER_NAME"))
	caFile := firstNonEmpty(r.caCert, r.getenv("COFRE_CACERT", "VAULT_CACERT"))
	caDir := firstNonEmpty(r.caPath, r.getenv("COFRE_CAPATH", "VAULT_CAPATH"))
	if caFile != "" || caDir != "" {
		pool := x509.NewCertPool()
		files := []string{}
		if caFile != "" {
			files = append(files, caFile)
		}
		if caDir != "" {
			entries, err := os.ReadDir(caDir)
			if err != nil {
				return nil, fmt.Errorf("read CA directory: %w", err)
			}
			for _, e := range entries {
				if !e.IsDir() {
					files = append(files, filepath.Join(caDir, e.Name()))
				}
			}
		}
		for _, f := range files {
			pem, err := os.ReadFile(f)
			if err != nil {
				return nil, fmt.Errorf("read CA certificate: %w", err)
			}
			if !pool.AppendCertsFromPEM(pem) && caDir == "" {
				return nil, fmt.Errorf("no PEM certificate found in %s", f)
			}
		}
		conf.RootCAs = pool
	}
	cert := firstNonEmpty(r.clientCert, r.getenv("COFRE_CLIENT_CERT", "VAULT_CLIENT_CERT"))
	key := firstNonEmpty(r.clientKey, r.getenv("COFRE_CLIENT_KEY", "VAULT_CLIENT_KEY"))
	if (cert == "") != (key == "") {
		return nil, errors.New("both a client certificate and a client key are needed")
	}
	if cert != "" {
		pair, err := tls.LoadX509KeyPair(cert, key)
		if err != nil {
			return nil, fmt.Errorf("load client certificate: %w", err)
		}
		conf.Certificates = []tls.Certificate{pair}
	}
	return conf, nil
}

// token returns the token to send: COFRE_TOKEN, VAULT_TOKEN, else the
// token file's content, else "".
func (r *runner) token() (string, error) {
	if t := r.getenv("COFRE_TOKEN", "VAULT_TOKEN"); t != "" {
		return t, nil
	}
	if r.env.HomeDir == "" {
		return "", nil
	}
	b, err := os.ReadFile(filepath.Join(r.env.HomeDir, TokenFile))
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read token file: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

// storeToken writes the token file with mode 0600, replacing it
// atomically.
func (r *runner) storeToken(token string) error {
	if r.env.HomeDir == "" {
		return errors.New("no home directory to keep the token in (use -no-store)")
	}
	path := filepath.Join(r.env.HomeDir, TokenFile)
	tmp, err := os.CreateTemp(r.env.HomeDir, TokenFile+".tmp*")
	if err != nil {
		return fmt.Errorf("store token: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("store token: %w", err)
	}
	if _, err := tmp.WriteString(token); err != nil {
		tmp.Close()
		return fmt.Errorf("store token: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("store token: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("store token: %w", err)
	}
	return nil
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}
