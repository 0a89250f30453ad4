package raft

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/cofre-io/cofre/server/storage"
)

func benchBackend(b *testing.B) *Backend {
	b.Helper()
	return openBackend(b, testConfig(b, b.TempDir()))
}

// BenchmarkRaftPut measures one writer: every Put waits for its own log
// fsync and state machine fsync.
func BenchmarkRaftPut(b *testing.B) {
	be := benchBackend(b)
	ctx := context.Background()
	val := make([]byte, 1024)
	b.ReportAllocs()
	b.SetBytes(int64(len(val)))
	b.ResetTimer()
	for i := range b.N {
		if err := be.Put(ctx, &storage.Entry{Key: fmt.Sprintf("bench/%08d", i), Value: val}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRaftPutParallel measures 16 writers per CPU; Raft groups queued
// entries into one log append and the FSM applies each group in one bbolt
// transaction, so the fsyncs are shared.
func BenchmarkRaftPutParallel(b *testing.B) {
	be := benchBackend(b)
	ctx := context.Background()
	val := make([]byte, 1024)
	var n atomic.Int64
	b.ReportAllocs()
	b.SetBytes(int64(len(val)))
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			key := fmt.Sprintf("bench/%08d", n.Add(1))
			if err := be.Put(ctx, &storage.Entry{Key: key, Value: val}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkRaftGet measures local reads of 1 KiB values from the bbolt FSM.
func BenchmarkRaftGet(b *testing.B) {
	be := benchBackend(b)
	ctx := context.Background()
	val := make([]byte, 1024)
	const keys = 1000
	ops := make([]storage.TxnOp, 0, keys)
	for i := range keys {
		ops = append(ops, storage.TxnOp{Entry: storage.Entry{Key: fmt.Sprintf("bench/%08d", i), Value: val}})
	}
	if err := be.Transaction(ctx, ops); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(val)))
	b.ResetTimer()
	for i := range b.N {
		e, err := be.Get(ctx, fmt.Sprintf("bench/%08d", i%keys))
		if err != nil || e == nil {
			b.Fatal(err)
		}
	}
}
