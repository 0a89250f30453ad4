package params

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// lookup returns the value of p, however it is spelled. Two spellings with
// different values are an error.
func lookup(attrs map[string]string, p param) (string, error) {
	val, from := "", ""
	for _, n := range p.names {
		v, ok := attrs[n]
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		if from != "" && v != val {
			return "", fmt.Errorf("%w: parameters %s and %s disagree", ErrInvalid, from, n)
		}
		val, from = v, n
	}
	return val, nil
}

func parseClass(attrs map[string]string) (Class, error) {
	var c Class
	var err error
	str := func(p param, dst *string) {
		if err == nil {
			*dst, err = lookup(attrs, p)
		}
	}
	var skip, namespace, objects string
	str(pRoleName, &c.RoleName)
	str(pAddress, &c.Address)
	str(pAuthMountPath, &c.AuthMountPath)
	str(pAudience, &c.Audience)
	str(pCACertPath, &c.TLS.CACertPath)
	str(pTLSServerName, &c.TLS.ServerName)
	str(pClientCert, &c.TLS.ClientCertPath)
	str(pClientKey, &c.TLS.ClientKeyPath)
	str(pSkipVerify, &skip)
	str(pNamespace, &namespace)
	if err != nil {
		return Class{}, err
	}
	objects = attrs[pObjects.names[0]]
	if c.RoleName == "" {
		return Class{}, fmt.Errorf("%w: roleName is required", ErrInvalid)
	}
	if namespace != "" {
		return Class{}, fmt.Errorf("%w: vaultNamespace is set but Cofre has no namespaces", ErrInvalid)
	}
	if skip != "" {
		if c.TLS.SkipVerify, err = strconv.ParseBool(skip); err != nil {
			return Class{}, fmt.Errorf("%w: skipTLSVerify %q is not a boolean", ErrInvalid, truncate(skip))
		}
	}
	if c.Address != "" {
		if err := checkAddress(c.Address); err != nil {
			return Class{}, err
		}
	}
	if (c.TLS.ClientCertPath == "") != (c.TLS.ClientKeyPath == "") {
		return Class{}, fmt.Errorf("%w: tlsClientCertPath and tlsClientKeyPath go together", ErrInvalid)
	}
	if c.AuthMountPath, err = cleanMountPath(c.AuthMountPath); err != nil {
		return Class{}, err
	}
	if c.Objects, err = parseObjects(objects); err != nil {
		return Class{}, err
	}
	return c, nil
}

func checkAddress(addr string) error {
	u, err := url.Parse(addr)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%w: address %q is not an http(s) URL", ErrInvalid, truncate(addr))
	}
	return nil
}

// cleanMountPath turns "auth/kubernetes/", "/kubernetes" and "kubernetes"
// into "kubernetes".
func cleanMountPath(p string) (string, error) {
	p = strings.Trim(p, "/")
	p = strings.TrimPrefix(p, "auth/")
	p = strings.Trim(p, "/")
	if p == "" {
		return DefaultAuthMountPath, nil
	}
	if err := checkAPIPath(p); err != nil {
		return "", fmt.Errorf("%w: authMountPath: %w", ErrInvalid, err)
	}
	return p, nil
}
