package params

import (
	"encoding/json"
	"net/url"
	"strings"
)

// Attribute keys the kubelet and the driver add.
const (
	AttrPodName        = "csi.storage.k8s.io/pod.name"
	AttrPodNamespace   = "csi.storage.k8s.io/pod.namespace"
	AttrPodUID         = "csi.storage.k8s.io/pod.uid"
	AttrServiceAccount = "csi.storage.k8s.io/serviceAccount.name"
	AttrTokens         = "csi.storage.k8s.io/serviceAccount.tokens"

	kubeletPrefix = "csi.storage.k8s.io/"
)

// driverKeys are volume attributes the driver itself reads; they mean
// nothing to the provider.
var driverKeys = map[string]bool{"secretProviderClass": true, "providerName": true}

// param is a SecretProviderClass parameter and its accepted names.
type param struct {
	names []string
}

// The parameters, each with Cofre's name first and its vault-csi-provider
// aliases after it.
var (
	pRoleName      = param{[]string{"roleName"}}
	pAddress       = param{[]string{"cofreAddress", "vaultAddress"}}
	pAuthMountPath = param{[]string{"authMountPath", "vaultAuthMountPath", "vaultKubernetesMountPath"}}
	pAudience      = param{[]string{"audience"}}
	pCACertPath    = param{[]string{"caCertPath", "vaultCACertPath"}}
	pTLSServerName = param{[]string{"tlsServerName", "vaultTLSServerName"}}
	pSkipVerify    = param{[]string{"skipTLSVerify", "vaultSkipTLSVerify"}}
	pClientCert    = param{[]string{"tlsClientCertPath", "vaultTLSClientCertPath"}}
	pClientKey     = param{[]string{"tlsClientKeyPath", "vaultTLSClientKeyPath"}}
	pObjects       = param{[]string{"objects"}}
	// pNamespace is accepted only empty: Cofre has no namespaces.
	pNamespace = param{[]string{"vaultNamespace"}}
)

var allParams = []param{pRoleName, pAddress, pAuthMountPath, pAudience, pCACertPath, pTLSServerName,
	pSkipVerify, pClientCert, pClientKey, pObjects, pNamespace}

var knownParams = func() map[string]bool {
	m := map[string]bool{}
	for _, p := range allParams {
		for _, n := range p.names {
			m[n] = true
		}
	}
	return m
}()

// requestKey identifies what an object asks the server, so that objects
// asking the same share one request. PUT and POST are the same to the
// server; json.Marshal sorts map keys, so equal arguments give equal keys.
func requestKey(method, path string, query url.Values, args map[string]any) string {
	var b strings.Builder
	if method == MethodGet {
		b.WriteString("read")
	} else {
		b.WriteString("write")
	}
	b.WriteByte(' ')
	b.WriteString(path)
	if len(query) > 0 {
		b.WriteByte('?')
		b.WriteString(query.Encode())
	}
	if len(args) > 0 {
		body, _ := json.Marshal(args) // values came from JSON: always marshal
		b.WriteByte(' ')
		b.Write(body)
	}
	return b.String()
}

// RequestKey identifies the server request the object needs: objects with
// equal keys are served by one request (certificate, key and CA from one
// issuance).
func (o *Object) RequestKey() string { return requestKey(o.Method, o.Path, o.Query, o.Args) }
