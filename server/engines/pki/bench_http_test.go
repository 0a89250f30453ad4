package pki_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/cofre-io/cofre/server/servertest"
)

// benchHTTP issues certificates over HTTP from a Raft-backed dev server
// with 10 concurrent clients, as scripts/load/pki-issue.lua does.
func benchHTTP(b *testing.B, keyType string) {
	s := servertest.Start(b, servertest.Options{Dev: true, RaftDir: b.TempDir()})
	c := s.Client
	for _, w := range []struct {
		path string
		data map[string]any
	}{
		{"sys/mounts/pki", map[string]any{"type": "pki", "config": map[string]any{"max_lease_ttl": "87600h"}}},
		{"pki/root/generate/internal", map[string]any{"common_name": "Bench Root", "key_type": keyType, "ttl": "87600h"}},
		{"pki/roles/bench", map[string]any{"allowed_domains": "example.com", "allow_subdomains": true, "key_type": keyType, "max_ttl": "72h"}},
	} {
		if _, err := c.Logical().Write(w.path, w.data); err != nil {
			b.Fatalf("%s: %v", w.path, err)
		}
	}
	tr := &http.Transport{MaxIdleConns: 64, MaxIdleConnsPerHost: 64}
	b.Cleanup(tr.CloseIdleConnections)
	hc := &http.Client{Transport: tr}
	body := []byte(`{"common_name":"svc.example.com","ttl":"24h"}`)
	ctx := context.Background()
	b.SetParallelism(max(1, 10/runtime.GOMAXPROCS(0)))
	var n atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n.Add(1)
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.Addr+"/v1/pki/issue/bench", bytes.NewReader(body))
			req.Header.Set("X-Vault-Token", s.RootToken)
			resp, err := hc.Do(req)
			if err != nil {
				b.Errorf("issue: %v", err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("issue: HTTP %s", strconv.Itoa(resp.StatusCode))
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "certs/s")
}

// BenchmarkIssueECHTTP is EC P-256 issuance over HTTP with Raft storage.
func BenchmarkIssueECHTTP(b *testing.B) { benchHTTP(b, "ec") }

// BenchmarkIssueRSAHTTP is RSA-2048 issuance over HTTP with Raft storage.
func BenchmarkIssueRSAHTTP(b *testing.B) { benchHTTP(b, "rsa") }
