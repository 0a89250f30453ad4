package kube

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// serviceCIDR is the service cluster IP range. Nothing routes it: the
// apiserver only allocates from it (and serviceIP, its first address, for
// the "kubernetes" Service).
const (
	serviceCIDR = "10.0.0.0/24"
	serviceIP   = "10.0.0.1"
)

// apiserverArgs configures kube-apiserver to listen on 127.0.0.1 only, with
// client-certificate, service-account token and RBAC authorization.
func apiserverArgs(dir string, f pkiFiles, etcdURL string, port int, issuer string) []string {
	return []string{
		"--etcd-servers=" + etcdURL,
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(port),
		"--cert-dir=" + dir,
		"--tls-cert-file=" + f.servingCert,
		"--tls-private-key-file=" + f.servingKey,
		"--client-ca-file=" + f.caCert,
		"--service-account-issuer=" + issuer,
		"--service-account-key-file=" + f.saPub,
		"--service-account-signing-key-file=" + f.saKey,
		"--service-cluster-ip-range=" + serviceCIDR,
		"--authorization-mode=Node,RBAC",
		"--profiling=false",
	}
}

// apiserverReady asks /readyz with the admin client; nil once every
// readiness check passes.
func apiserverReady(ctx context.Context, client *http.Client, host string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, host+"/readyz", nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("/readyz: status %d: %s", resp.StatusCode, strings.TrimSpace(string(body)))
	}
	return nil
}
