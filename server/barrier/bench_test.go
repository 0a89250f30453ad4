package barrier

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/cofre-io/cofre/server/storage"
)

func BenchmarkBarrierPut(b *testing.B) {
	ctx := context.Background()
	bar, _ := newUnsealed(b, newMapBackend(), Options{})
	entry := &storage.Entry{Key: "bench/put", Value: bytes.Repeat([]byte{'x'}, 1024)}
	b.SetBytes(1024)
	b.ReportAllocs()
	for b.Loop() {
		if err := bar.Put(ctx, entry); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBarrierGet(b *testing.B) {
	ctx := context.Background()
	bar, _ := newUnsealed(b, newMapBackend(), Options{})
	keys := make([]string, 16)
	for i := range keys {
		keys[i] = fmt.Sprintf("bench/get%d", i)
		mustPut(b, bar, keys[i], string(bytes.Repeat([]byte{'x'}, 1024)))
	}
	b.SetBytes(1024)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		e, err := bar.Get(ctx, keys[i%len(keys)])
		if err != nil || e == nil {
			b.Fatal(err)
		}
		i++
	}
}
