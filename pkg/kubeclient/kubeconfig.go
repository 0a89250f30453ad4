package kubeclient

import (
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"k8s.io/client-go/rest"
	"sigs.k8s.io/yaml"
)

// Errors of Load.
var (
	// ErrInvalid: the kubeconfig cannot be read or is inconsistent.
	ErrInvalid = errors.New("invalid kubeconfig")
	// ErrUnsupported: the kubeconfig needs something this package does not
	// do (exec or auth-provider plugins).
	ErrUnsupported = errors.New("unsupported kubeconfig")
)

// Load returns a client configuration: in-cluster when path is "", else
// from the kubeconfig file at path. userAgent names the program.
func Load(path, userAgent string) (*rest.Config, error) {
	var cfg *rest.Config
	var err error
	if path == "" {
		cfg, err = rest.InClusterConfig()
		if err != nil {
			return nil, fmt.Errorf("in-cluster configuration: %w", err)
		}
	} else if cfg, err = fromFile(path); err != nil {
		return nil, err
	}
	cfg.UserAgent = userAgent
	return cfg, nil
}

type kubeconfig struct {
	CurrentContext string `json:"current-context"`
	Clusters       []struct {
		Name    string `json:"name"`
		Cluster struct {
			Server                   string `json:"server"`
			CertificateAuthority     string `json:"certificate-authority"`
			CertificateAuthorityData string `json:"certificate-authority-data"`
			InsecureSkipTLSVerify    bool   `json:"insecure-skip-tls-verify"`
			TLSServerName            string `json:"tls-server-name"`
		} `json:"cluster"`
	} `json:"clusters"`
	Users []struct {
		Name string `json:"name"`
		User struct {
			Token                 string `json:"token"`
			TokenFile             string `json:"tokenFile"`
			ClientCertificate     string `json:"client-certificate"`
			ClientCertificateData string `json:"client-certificate-data"`
			ClientKey             string `json:"client-key"`
			ClientKeyData         string `json:"client-key-data"`
			Exec                  any    `json:"exec"`
			AuthProvider          any    `json:"auth-provider"`
		} `json:"user"`
	} `json:"users"`
	Contexts []struct {
		Name    string `json:"name"`
		Context struct {
			Cluster string `json:"cluster"`
			User    string `json:"user"`
		} `json:"context"`
	} `json:"contexts"`
}

func fromFile(path string) (*rest.Config, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	var kc kubeconfig
	if err := yaml.Unmarshal(raw, &kc); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrInvalid, path, err)
	}
	return kc.restConfig(filepath.Dir(path))
}

// restConfig resolves the current context; relative paths are relative
// to dir (the kubeconfig's directory), as kubectl does.
func (kc *kubeconfig) restConfig(dir string) (*rest.Config, error) {
	ctxName := kc.CurrentContext
	if ctxName == "" && len(kc.Contexts) == 1 {
		ctxName = kc.Contexts[0].Name
	}
	var clusterName, userName string
	found := false
	for _, c := range kc.Contexts {
		if c.Name == ctxName {
			clusterName, userName, found = c.Context.Cluster, c.Context.User, true
		}
	}
	if !found {
		return nil, fmt.Errorf("%w: no context %q", ErrInvalid, ctxName)
	}
	cfg := &rest.Config{}
	found = false
	for _, c := range kc.Clusters {
		if c.Name != clusterName {
			continue
		}
		found = true
		cl := c.Cluster
		cfg.Host = cl.Server
		cfg.Insecure = cl.InsecureSkipTLSVerify
		cfg.ServerName = cl.TLSServerName
		var err error
		if cfg.CAData, err = inlineOrFile(cl.CertificateAuthorityData, cl.CertificateAuthority, dir); err != nil {
			return nil, fmt.Errorf("%w: cluster %q certificate authority: %w", ErrInvalid, clusterName, err)
		}
	}
	if !found || cfg.Host == "" {
		return nil, fmt.Errorf("%w: no cluster %q with a server", ErrInvalid, clusterName)
	}
	for _, u := range kc.Users {
		if u.Name != userName {
			continue
		}
		us := u.User
		if us.Exec != nil || us.AuthProvider != nil {
			return nil, fmt.Errorf("%w: user %q uses an exec or auth-provider plugin", ErrUnsupported, userName)
		}
		cfg.BearerToken = us.Token
		if us.TokenFile != "" {
			cfg.BearerTokenFile = resolve(us.TokenFile, dir)
		}
		var err error
		if cfg.CertData, err = inlineOrFile(us.ClientCertificateData, us.ClientCertificate, dir); err != nil {
			return nil, fmt.Errorf("%w: user %q client certificate: %w", ErrInvalid, userName, err)
		}
		if cfg.KeyData, err = inlineOrFile(us.ClientKeyData, us.ClientKey, dir); err != nil {
			return nil, fmt.Errorf("%w: user %q client key: %w", ErrInvalid, userName, err)
		}
	}
	return cfg, nil
}

// inlineOrFile returns base64 data decoded, else the file's contents,
// else nil.
func inlineOrFile(data, path, dir string) ([]byte, error) {
	if data != "" {
		b, err := base64.StdEncoding.DecodeString(data)
		if err != nil {
			return nil, errors.New("data is not base64")
		}
		return b, nil
	}
	if path == "" {
		return nil, nil
	}
	return os.ReadFile(resolve(path, dir))
}

func resolve(path, dir string) string {
	if filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(dir, path)
}
