package inmem

import (
	"context"
	"fmt"
	"testing"

	"github.com/cofre-io/cofre/server/storage"
)

// BenchmarkPutMany writes b.N distinct keys spread over directories: the
// cost per write must not grow with the number of keys.
func BenchmarkPutMany(b *testing.B) {
	ctx := context.Background()
	be := New()
	val := []byte("value")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if err := be.Put(ctx, &storage.Entry{Key: fmt.Sprintf("sys/expire/id/m/%d/k%d", i%97, i), Value: val}); err != nil {
			b.Fatal(err)
		}
	}
}
