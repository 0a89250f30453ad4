package pki

import (
	"context"
	"net/url"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
)

// urlsConfig is config/urls: URLs put into certificates issued from then
// on (Authority Information Access and CRL distribution points).
type urlsConfig struct {
	IssuingCertificates        []string `json:"issuing_certificates"`
	CRLDistributionPoints      []string `json:"crl_distribution_points"`
	DeltaCRLDistributionPoints []string `json:"delta_crl_distribution_points"`
	OCSPServers                []string `json:"ocsp_servers"`
}

func (b *Backend) urlsPaths() []*framework.Path {
	list := func(d string) *framework.FieldSchema {
		return &framework.FieldSchema{Type: framework.TypeCommaStringSlice, Description: d}
	}
	return []*framework.Path{{
		Pattern: "config/urls",
		Fields: map[string]*framework.FieldSchema{
			"issuing_certificates":          list("URLs of the issuing certificate (AIA)."),
			"crl_distribution_points":       list("URLs of the CRL."),
			"delta_crl_distribution_points": list("URLs of the delta CRL (stored only)."),
			"ocsp_servers":                  list("URLs of OCSP responders (AIA)."),
		},
		Operations: map[logical.Operation]framework.OperationFunc{
			logical.ReadOperation:   b.urlsRead,
			logical.UpdateOperation: b.urlsWrite,
		},
		HelpSynopsis: "Read or set the URLs put into issued certificates.",
	}}
}

// urlsConfig returns config/urls, cached after the first read.
func (b *Backend) urlsConfig(ctx context.Context) (*urlsConfig, error) {
	if c := b.urls.Load(); c != nil {
		return c, nil
	}
	b.cfgMu.Lock()
	defer b.cfgMu.Unlock()
	if c := b.urls.Load(); c != nil {
		return c, nil
	}
	c := &urlsConfig{}
	if _, err := getJSON(ctx, b.view, keyConfigURLs, c); err != nil {
		return nil, err
	}
	b.urls.Store(c)
	return c, nil
}

func (b *Backend) urlsRead(ctx context.Context, _ *logical.Request, _ *framework.FieldData) (*logical.Response, error) {
	c, err := b.urlsConfig(ctx)
	if err != nil {
		return nil, err
	}
	return &logical.Response{Data: map[string]any{
		"issuing_certificates":          nonNil(c.IssuingCertificates),
		"crl_distribution_points":       nonNil(c.CRLDistributionPoints),
		"delta_crl_distribution_points": nonNil(c.DeltaCRLDistributionPoints),
		"ocsp_servers":                  nonNil(c.OCSPServers),
	}}, nil
}

// urlsWrite changes only the fields the request sets; an empty string
// clears a field.
func (b *Backend) urlsWrite(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	cur, err := b.urlsConfig(ctx)
	if err != nil {
		return nil, err
	}
	b.cfgMu.Lock()
	defer b.cfgMu.Unlock()
	c := *cur
	for name, dst := range map[string]*[]string{
		"issuing_certificates":          &c.IssuingCertificates,
		"crl_distribution_points":       &c.CRLDistributionPoints,
		"delta_crl_distribution_points": &c.DeltaCRLDistributionPoints,
		"ocsp_servers":                  &c.OCSPServers,
	} {
		v, ok := d.GetOk(name)
		if !ok {
			continue
		}
		list := v.([]string)
		for _, u := range list {
			if p, err := url.Parse(u); err != nil || p.Scheme == "" || p.Host == "" {
				return nil, badRequest("invalid URL found in %s: %q", name, u)
			}
		}
		*dst = list
	}
	op, err := jsonOp(keyConfigURLs, &c)
	if err != nil {
		return nil, err
	}
	if err := b.view.Put(ctx, &op.Entry); err != nil {
		return nil, err
	}
	b.urls.Store(&c)
	return b.urlsRead(ctx, nil, nil)
}
