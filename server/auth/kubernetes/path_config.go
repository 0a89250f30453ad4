package kubernetes

import (
	"context"
	"strings"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
)

func (b *backend) pathConfig() *framework.Path {
	return &framework.Path{
		Pattern: "config",
		Fields: map[string]*framework.FieldSchema{
			"kubernetes_host":    {Type: framework.TypeString, Description: "Host, host:port or URL of the Kubernetes API server."},
			"kubernetes_ca_cert": {Type: framework.TypeString, Description: "PEM CA certificate of the API server."},
			"token_reviewer_jwt": {Type: framework.TypeString, Description: "Bearer token for TokenReview and pod watching; never returned."},
			"pem_keys":           {Type: framework.TypeCommaStringSlice, Description: "PEM public keys or certificates that must verify login JWTs."},
			"issuer":             {Type: framework.TypeString, Description: "Deprecated: expected iss claim."},
			"disable_iss_validation": {
				Type: framework.TypeBool, Default: true, Description: "Deprecated: skip the iss claim check (default true).",
			},
			"disable_local_ca_jwt": {Type: framework.TypeBool, Description: "Do not fall back to the pod's own CA and ServiceAccount token."},
		},
		Operations: map[logical.Operation]framework.OperationFunc{
			logical.UpdateOperation: b.configWrite,
			logical.ReadOperation:   b.configRead,
		},
		HelpSynopsis: "Configure how to reach the Kubernetes API server.",
	}
}

func (b *backend) configRead(ctx context.Context, req *logical.Request, _ *framework.FieldData) (*logical.Response, error) {
	c, err := getConfig(ctx, req.Storage)
	if err != nil || c == nil {
		return nil, err
	}
	keys := c.PEMKeys
	if keys == nil {
		keys = []string{}
	}
	return &logical.Response{Data: map[string]any{
		"kubernetes_host":        c.Host,
		"kubernetes_ca_cert":     c.CACert,
		"pem_keys":               keys,
		"issuer":                 c.Issuer,
		"disable_iss_validation": c.DisableISSValidation,
		"disable_local_ca_jwt":   c.DisableLocalCAJWT,
	}}, nil
}

// configWrite replaces the whole configuration (fields left out take their
// defaults, as in Vault), checks it can build a client, stores it and
// restarts the pod watcher with it.
func (b *backend) configWrite(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	c := &config{
		Host:                 strings.TrimSpace(d.String("kubernetes_host")),
		CACert:               d.String("kubernetes_ca_cert"),
		TokenReviewerJWT:     strings.TrimSpace(d.String("token_reviewer_jwt")),
		PEMKeys:              cleanList(d.Strings("pem_keys")),
		Issuer:               strings.TrimSpace(d.String("issuer")),
		DisableISSValidation: d.Bool("disable_iss_validation"),
		DisableLocalCAJWT:    d.Bool("disable_local_ca_jwt"),
	}
	if err := c.validate(); err != nil {
		return nil, err
	}
	b.connMu.Lock()
	defer b.connMu.Unlock()
	cn, err := newConn(c, b.local, b.opts.NewClient)
	if err != nil {
		return nil, err
	}
	if err := putConfig(ctx, req.Storage, c); err != nil {
		return nil, err
	}
	b.setConnLocked(cn)
	return nil, nil
}
