package kv

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/cofre-io/cofre/server/logical"
)

var benchSecret = map[string]any{"username": "appuser", "password": "s3cret-passw0rd", "host": "postgres.example.com", "port": "5432"}

// BenchmarkKVv2Read reads the latest version of one of 100 keys through the
// backend on an in-memory view.
func BenchmarkKVv2Read(b *testing.B) {
	f := newFixture(b, "2")
	for i := range 100 {
		f.put("bench/"+strconv.Itoa(i), benchSecret, nil)
		f.put("bench/"+strconv.Itoa(i), benchSecret, nil)
	}
	paths := make([]string, 100)
	for i := range paths {
		paths[i] = "data/bench/" + strconv.Itoa(i)
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		resp, err := f.b.HandleRequest(ctx, &logical.Request{Operation: logical.ReadOperation, Path: paths[i%100]})
		if err != nil || resp == nil {
			b.Fatalf("read: %v", err)
		}
	}
}

// BenchmarkKVv2Write writes new versions of 100 keys (pruning past 10).
func BenchmarkKVv2Write(b *testing.B) {
	f := newFixture(b, "2")
	paths := make([]string, 100)
	for i := range paths {
		paths[i] = "data/bench/" + strconv.Itoa(i)
	}
	ctx := context.Background()
	body := map[string]any{"data": benchSecret}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		_, err := f.b.HandleRequest(ctx, &logical.Request{Operation: logical.UpdateOperation, Path: paths[i%100], Data: body})
		if err != nil {
			b.Fatalf("write: %v", err)
		}
	}
}

// BenchmarkKVv2WriteParallel is the write path with contention on 100 keys.
func BenchmarkKVv2WriteParallel(b *testing.B) {
	f := newFixture(b, "2")
	ctx := context.Background()
	body := map[string]any{"data": benchSecret}
	var n atomic.Int64
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			_, err := f.b.HandleRequest(ctx, &logical.Request{Operation: logical.UpdateOperation, Path: "data/bench/" + strconv.Itoa(int(i%100)), Data: body})
			if err != nil {
				b.Errorf("write: %v", err)
				return
			}
		}
	})
}
