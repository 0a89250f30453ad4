package tokenauth_test

import (
	"testing"

	vault "github.com/hashicorp/vault/api"

	"github.com/cofre-io/cofre/server/servertest"
)

// BenchmarkTokenCreateHTTP creates child tokens of the root token through
// the HTTP API from parallel clients, on in-memory and on Raft storage.
func BenchmarkTokenCreateHTTP(b *testing.B) {
	for _, c := range []struct {
		name string
		opts func(b *testing.B) servertest.Options
	}{
		{"inmem", func(*testing.B) servertest.Options { return servertest.Options{Dev: true} }},
		{"raft", func(b *testing.B) servertest.Options { return servertest.Options{Dev: true, RaftDir: b.TempDir()} }},
	} {
		b.Run(c.name, func(b *testing.B) {
			srv := servertest.Start(b, c.opts(b))
			b.SetParallelism(32)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				cl := srv.NewClient(b, srv.RootToken)
				req := &vault.TokenCreateRequest{Policies: []string{"web"}, TTL: "1h"}
				for pb.Next() {
					if _, err := cl.Auth().Token().Create(req); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
		})
	}
}
