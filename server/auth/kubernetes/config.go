package kubernetes

import (
	"context"
	"crypto"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	k8s "k8s.io/client-go/kubernetes"

	"github.com/cofre-io/cofre/server/auth/kubernetes/internal/jwt"
	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/storage"
)

// DefaultIssuer is the iss of legacy ServiceAccount tokens, checked when
// issuer validation is on and no issuer is configured.
const DefaultIssuer = "kubernetes/serviceaccount"

// ErrInvalidConfig is wrapped (with logical.ErrInvalidRequest) by every
// config validation failure.
var ErrInvalidConfig = errors.New("invalid kubernetes auth config")

// configKey is where the config lives in the mount's view.
const configKey = "config"

// config is the method's stored configuration.
type config struct {
	Host                 string   `json:"kubernetes_host"`
	CACert               string   `json:"kubernetes_ca_cert,omitempty"`
	TokenReviewerJWT     string   `json:"token_reviewer_jwt,omitempty"`
	PEMKeys              []string `json:"pem_keys,omitempty"`
	Issuer               string   `json:"issuer,omitempty"`
	DisableISSValidation bool     `json:"disable_iss_validation"`
	DisableLocalCAJWT    bool     `json:"disable_local_ca_jwt"`
}

func invalidConfig(format string, args ...any) error {
	return &logical.Error{Kind: logical.ErrInvalidRequest, Msg: fmt.Sprintf(format, args...), Err: ErrInvalidConfig}
}

// validate checks the fields that can be checked without the network.
func (c *config) validate() error {
	if strings.TrimSpace(c.Host) == "" {
		return invalidConfig("no host provided")
	}
	if c.CACert != "" && !x509.NewCertPool().AppendCertsFromPEM([]byte(c.CACert)) {
		return invalidConfig("kubernetes_ca_cert holds no PEM certificate")
	}
	if _, err := jwt.ParsePublicKeys(c.PEMKeys); err != nil {
		return invalidConfig("invalid pem_keys: %v", err)
	}
	return nil
}

func getConfig(ctx context.Context, s storage.Backend) (*config, error) {
	e, err := s.Get(ctx, configKey)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	if e == nil {
		return nil, nil
	}
	var c config
	if err := json.Unmarshal(e.Value, &c); err != nil {
		return nil, fmt.Errorf("decode config: %w", err)
	}
	return &c, nil
}

func putConfig(ctx context.Context, s storage.Backend, c *config) error {
	b, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("encode config: %w", err)
	}
	return s.Put(ctx, &storage.Entry{Key: configKey, Value: b})
}

// Which bearer a TokenReview carries.
type reviewerSource int

const (
	reviewerConfigured reviewerSource = iota // token_reviewer_jwt
	reviewerLocal                            // the server pod's own token
	reviewerClient                           // the JWT being reviewed
)

func (s reviewerSource) String() string {
	return [...]string{"token_reviewer_jwt", "local service account token", "login JWT"}[s]
}

// conn is what one configuration needs at login and in the pod watcher:
// the config, the parsed pem_keys, the client and which bearer it uses.
// It is immutable once built.
type conn struct {
	cfg    *config
	keys   []crypto.PublicKey
	client k8s.Interface
	source reviewerSource
	local  *localCreds
}

// newConn prepares a configuration for use: in a pod (and unless
// disable_local_ca_jwt) the local CA and token stand in for missing ones.
func newConn(cfg *config, local *localCreds, factory ClientFactory) (*conn, error) {
	keys, err := jwt.ParsePublicKeys(cfg.PEMKeys)
	if err != nil {
		return nil, invalidConfig("invalid pem_keys: %v", err)
	}
	c := &conn{cfg: cfg, keys: keys, local: local, source: reviewerClient}
	useLocal := !cfg.DisableLocalCAJWT && local.available()
	ca := []byte(cfg.CACert)
	if len(ca) == 0 && useLocal {
		if ca, err = local.ca(); err != nil {
			return nil, err
		}
	}
	switch {
	case cfg.TokenReviewerJWT != "":
		c.source = reviewerConfigured
	case useLocal:
		c.source = reviewerLocal
	}
	client, err := factory(ClientConfig{Host: cfg.Host, CACert: ca, Token: c.bearer})
	if err != nil {
		return nil, invalidConfig("cannot build a Kubernetes client for %q: %v", cfg.Host, err)
	}
	c.client = client
	return c, nil
}

// bearer is the token for a request: a per-request override (the login's
// own JWT), else the reviewer credential, else none.
func (c *conn) bearer(ctx context.Context) (string, error) {
	if tok, ok := bearerFrom(ctx); ok {
		return tok, nil
	}
	switch c.source {
	case reviewerConfigured:
		return c.cfg.TokenReviewerJWT, nil
	case reviewerLocal:
		return c.local.tokenValue()
	}
	return "", nil
}

// canWatch reports whether the conn has a credential of its own (the pod
// watcher has no login JWT to borrow).
func (c *conn) canWatch() bool { return c.source != reviewerClient }
