package kubernetes

import (
	"context"
	"fmt"
	"net/http"

	k8s "k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// ClientConfig says how to reach one Kubernetes API server.
type ClientConfig struct {
	// Host is a host, host:port or URL of the API server.
	Host string
	// CACert is PEM; empty means the system trust store.
	CACert []byte
	// Token returns the bearer token for a request made with ctx. It is
	// called for every request, so rotated credentials take effect at
	// once; "" sends no Authorization header.
	Token func(ctx context.Context) (string, error)
}

// ClientFactory builds a Kubernetes client for a connection. The backend
// calls it once per configuration (not per login); tests inject fakes.
type ClientFactory func(ClientConfig) (k8s.Interface, error)

// NewClient is the production ClientFactory: a client-go clientset over
// HTTPS with the CA given (or the system roots), JSON encoding, no
// client-side rate limit (logins are already paced by their callers) and
// a bearer token taken from ClientConfig.Token on every request.
func NewClient(c ClientConfig) (k8s.Interface, error) {
	rc := &rest.Config{
		Host:          c.Host,
		ContentConfig: rest.ContentConfig{ContentType: "application/json"},
		QPS:           -1,
		UserAgent:     "cofre-kubernetes-auth",
	}
	rc.CAData = c.CACert
	if c.Token != nil {
		tok := c.Token
		rc.WrapTransport = func(next http.RoundTripper) http.RoundTripper {
			return &bearerTransport{next: next, token: tok}
		}
	}
	cs, err := k8s.NewForConfig(rc)
	if err != nil {
		return nil, fmt.Errorf("kubernetes client: %w", err)
	}
	return cs, nil
}

// bearerTransport sets the Authorization header from a token function.
type bearerTransport struct {
	next  http.RoundTripper
	token func(ctx context.Context) (string, error)
}

func (t *bearerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	tok, err := t.token(r.Context())
	if err != nil {
		return nil, err
	}
	if tok != "" {
		r = r.Clone(r.Context())
		r.Header.Set("Authorization", "Bearer "+tok)
	}
	return t.next.RoundTrip(r)
}

// bearerKey carries a per-request bearer override in a context: the
// login's own JWT when no reviewer credential exists.
type bearerKey struct{}

func withBearer(ctx context.Context, tok string) context.Context {
	return context.WithValue(ctx, bearerKey{}, tok)
}

func bearerFrom(ctx context.Context) (string, bool) {
	tok, ok := ctx.Value(bearerKey{}).(string)
	return tok, ok
}
