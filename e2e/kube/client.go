package kube

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"

	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// Client-side rate limits of the returned configurations: far above
// client-go's defaults (5 QPS), which would slow tests down for nothing.
const (
	clientQPS   = 200
	clientBurst = 400
)

// connect builds the admin clients and writes the admin kubeconfig.
func (c *Cluster) connect(p *pki) error {
	c.RESTConfig = &rest.Config{
		Host: c.Host,
		TLSClientConfig: rest.TLSClientConfig{
			CAData:   p.caCert,
			CertData: p.adminCert,
			KeyData:  p.adminKey,
		},
		QPS:   clientQPS,
		Burst: clientBurst,
	}
	var err error
	if c.Clientset, err = kubernetes.NewForConfig(c.RESTConfig); err != nil {
		return err
	}
	if c.Dynamic, err = dynamic.NewForConfig(c.RESTConfig); err != nil {
		return err
	}
	c.Kubeconfig = filepath.Join(c.Dir, "admin.kubeconfig")
	return os.WriteFile(c.Kubeconfig, kubeconfig(c.Host, p.caCert, p.adminCert, p.adminKey), 0o600)
}

// kubeconfig renders an admin kubeconfig with the material inline (written
// by hand: client-go's clientcmd would pull in more modules).
func kubeconfig(host string, ca, cert, key []byte) []byte {
	b64 := base64.StdEncoding.EncodeToString
	return fmt.Appendf(nil, `apiVersion: v1
kind: Config
clusters:
- name: cofre-e2e
  cluster:
    server: %s
    certificate-authority-data: %s
users:
- name: admin
  user:
    client-certificate-data: %s
    client-key-data: %s
contexts:
- name: cofre-e2e
  context:
    cluster: cofre-e2e
    user: admin
current-context: cofre-e2e
`, host, b64(ca), b64(cert), b64(key))
}

// ConfigForToken is a client configuration that authenticates with a bearer
// token (a service-account token, say) and trusts only CACert.
func (c *Cluster) ConfigForToken(token string) *rest.Config {
	return &rest.Config{
		Host:            c.Host,
		BearerToken:     token,
		TLSClientConfig: rest.TLSClientConfig{CAData: c.CACert},
		QPS:             clientQPS,
		Burst:           clientBurst,
	}
}

// ClientForToken is a clientset authenticating with a bearer token.
func (c *Cluster) ClientForToken(token string) (kubernetes.Interface, error) {
	return kubernetes.NewForConfig(c.ConfigForToken(token))
}
