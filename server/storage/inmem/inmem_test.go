package inmem_test

import (
	"context"
	"errors"
	"testing"

	"github.com/cofre-io/cofre/server/storage"
	"github.com/cofre-io/cofre/server/storage/inmem"
	"github.com/cofre-io/cofre/server/storage/storagetest"
)

func TestConformance(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Backend { return inmem.New() })
}

func TestInvalidEntry(t *testing.T) {
	b := inmem.New()
	ctx := context.Background()
	if err := b.Put(ctx, nil); !errors.Is(err, inmem.ErrInvalidEntry) {
		t.Fatalf("Put(nil) = %v, want ErrInvalidEntry", err)
	}
	if err := b.Put(ctx, &storage.Entry{Key: "", Value: []byte("x")}); !errors.Is(err, inmem.ErrInvalidEntry) {
		t.Fatalf("Put empty key = %v, want ErrInvalidEntry", err)
	}
}

func TestNilValueIsEmpty(t *testing.T) {
	b := inmem.New()
	ctx := context.Background()
	if err := b.Put(ctx, &storage.Entry{Key: "k"}); err != nil {
		t.Fatal(err)
	}
	e, err := b.Get(ctx, "k")
	if err != nil || e == nil || len(e.Value) != 0 {
		t.Fatalf("Get = %v, %v; want an empty entry", e, err)
	}
}

func TestCanceledContext(t *testing.T) {
	b := inmem.New()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := b.Put(ctx, &storage.Entry{Key: "k", Value: []byte("v")}); !errors.Is(err, context.Canceled) {
		t.Fatalf("Put = %v, want context.Canceled", err)
	}
	if e, _ := b.Get(context.Background(), "k"); e != nil {
		t.Fatal("a canceled Put was applied")
	}
}
