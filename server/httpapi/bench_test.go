package httpapi_test

import (
	"testing"

	"github.com/cofre-io/cofre/server/servertest"
)

// BenchmarkHTTPRead measures a full round trip through the official client,
// the HTTP layer and the pipeline, with 10 parallel clients' worth of load
// (b.SetParallelism on GOMAXPROCS).
func BenchmarkHTTPRead(b *testing.B) {
	s := servertest.StartDev(b)
	c := s.Client
	b.ReportAllocs()
	b.SetParallelism(5)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := c.Logical().Read("sys/key-status"); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
