package pki

import (
	"context"
	"testing"

	"github.com/cofre-io/cofre/server/logical"
)

// benchIssue issues certificates of keyType from an intermediate of the
// same type, on in-memory storage, with b.RunParallel.
func benchIssue(b *testing.B, keyType string) {
	h := newHierarchy(b, keyType)
	f := h.inter
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := f.b.HandleRequest(ctx, &logical.Request{
				Operation: logical.UpdateOperation, Path: "issue/web", Storage: f.view,
				Data: map[string]any{"common_name": "svc.example.com", "ttl": "1h"},
			})
			if err != nil || resp.Data["certificate"] == nil {
				b.Errorf("issue: %v", err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "certs/s")
}

// BenchmarkIssueEC is EC P-256 issuance in the backend: key generation,
// signing (which also verifies the signature), encoding and storing.
func BenchmarkIssueEC(b *testing.B) { benchIssue(b, "ec") }

// BenchmarkIssueRSA is RSA-2048 issuance in the backend; key generation
// dominates.
func BenchmarkIssueRSA(b *testing.B) { benchIssue(b, "rsa") }
