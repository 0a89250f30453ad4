package csi

import (
	"fmt"
	"os"
	"path/filepath"

	"k8s.io/client-go/rest"
	clientcmdv1 "k8s.io/client-go/tools/clientcmd/api/v1"
	"sigs.k8s.io/yaml"
)

// restConfig is the in-cluster configuration, or the current context of a
// kubeconfig file. Only what a DaemonSet or a developer needs is read from
// kubeconfig files: server, CA, client certificate and key, bearer token
// (or token file); exec plugins and auth providers are refused.
func restConfig(kubeconfig string) (*rest.Config, error) {
	if kubeconfig == "" {
		return rest.InClusterConfig()
	}
	raw, err := os.ReadFile(kubeconfig)
	if err != nil {
		return nil, fmt.Errorf("kubeconfig: %w", err)
	}
	var kc clientcmdv1.Config
	if err := yaml.Unmarshal(raw, &kc); err != nil {
		return nil, fmt.Errorf("kubeconfig %s: %w", kubeconfig, err)
	}
	ctx, ok := findContext(kc.Contexts, kc.CurrentContext)
	if !ok {
		return nil, fmt.Errorf("kubeconfig %s: no context %q", kubeconfig, kc.CurrentContext)
	}
	cluster, ok := findCluster(kc.Clusters, ctx.Cluster)
	if !ok {
		return nil, fmt.Errorf("kubeconfig %s: no cluster %q", kubeconfig, ctx.Cluster)
	}
	user, _ := findUser(kc.AuthInfos, ctx.AuthInfo)
	if user.Exec != nil || user.AuthProvider != nil {
		return nil, fmt.Errorf("kubeconfig %s: exec and auth-provider credentials are not supported", kubeconfig)
	}
	dir := filepath.Dir(kubeconfig)
	rel := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(dir, p)
	}
	return &rest.Config{
		Host: cluster.Server,
		TLSClientConfig: rest.TLSClientConfig{
			Insecure:   cluster.InsecureSkipTLSVerify,
			ServerName: cluster.TLSServerName,
			CAFile:     rel(cluster.CertificateAuthority),
			CAData:     cluster.CertificateAuthorityData,
			CertFile:   rel(user.ClientCertificate),
			CertData:   user.ClientCertificateData,
			KeyFile:    rel(user.ClientKey),
			KeyData:    user.ClientKeyData,
		},
		BearerToken:     user.Token,
		BearerTokenFile: rel(user.TokenFile),
		Username:        user.Username,
		Password:        user.Password,
	}, nil
}

func findContext(list []clientcmdv1.NamedContext, name string) (clientcmdv1.Context, bool) {
	for _, c := range list {
		if c.Name == name {
			return c.Context, true
		}
	}
	return clientcmdv1.Context{}, false
}

func findCluster(list []clientcmdv1.NamedCluster, name string) (clientcmdv1.Cluster, bool) {
	for _, c := range list {
		if c.Name == name {
			return c.Cluster, true
		}
	}
	return clientcmdv1.Cluster{}, false
}

func findUser(list []clientcmdv1.NamedAuthInfo, name string) (clientcmdv1.AuthInfo, bool) {
	for _, u := range list {
		if u.Name == name {
			return u.AuthInfo, true
		}
	}
	return clientcmdv1.AuthInfo{}, false
}
