package kube

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
)

// etcdArgs configures a single-member etcd serving plain HTTP on loopback
// only, its data under dir.
func etcdArgs(dir string, clientPort, peerPort int) []string {
	client := "http://127.0.0.1:" + strconv.Itoa(clientPort)
	peer := "http://127.0.0.1:" + strconv.Itoa(peerPort)
	return []string{
		"--name=cofre-e2e",
		"--data-dir=" + filepath.Join(dir, "etcd-data"),
		"--listen-client-urls=" + client,
		"--advertise-client-urls=" + client,
		"--listen-peer-urls=" + peer,
		"--initial-advertise-peer-urls=" + peer,
		"--initial-cluster=cofre-e2e=" + peer,
		"--initial-cluster-state=new",
		"--logger=zap",
		"--log-outputs=stderr",
	}
}

// etcdHealthy asks etcd's /health endpoint whether it has a leader and
// serves requests.
func etcdHealthy(ctx context.Context, client *http.Client, clientURL string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, clientURL+"/health", nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var body struct {
		Health string `json:"health"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return fmt.Errorf("etcd /health: %w", err)
	}
	if resp.StatusCode != http.StatusOK || body.Health != "true" {
		return fmt.Errorf("etcd /health: status %d, health %q", resp.StatusCode, body.Health)
	}
	return nil
}
