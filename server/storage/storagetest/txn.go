package storagetest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/cofre-io/cofre/server/storage"
)

// transactional returns b as storage.Transactional or skips the test.
func transactional(t *testing.T, b storage.Backend) storage.Transactional {
	t.Helper()
	tb, ok := b.(storage.Transactional)
	if !ok {
		t.Skip("backend does not implement storage.Transactional")
	}
	return tb
}

func put(key, value string) storage.TxnOp {
	return storage.TxnOp{Entry: storage.Entry{Key: key, Value: []byte(value)}}
}

func del(key string) storage.TxnOp {
	return storage.TxnOp{Delete: true, Entry: storage.Entry{Key: key}}
}

func testTransaction(t *testing.T, b storage.Backend) {
	tb := transactional(t, b)
	mustPut(t, b, "old", []byte("x"))
	mustPut(t, b, "nilvalue", []byte("x"))
	ops := []storage.TxnOp{
		put("t/a", "1"),
		put("t/b", "2"),
		del("old"),
		del("never-existed"),
		// A nil value without Delete is a delete too.
		{Entry: storage.Entry{Key: "nilvalue"}},
		// Operations apply in order: the last write to a key wins.
		put("t/c", "first"),
		put("t/c", "second"),
		put("t/d", "gone"),
		del("t/d"),
	}
	if err := tb.Transaction(context.Background(), ops); err != nil {
		t.Fatalf("Transaction: %v", err)
	}
	wantValue(t, b, "t/a", []byte("1"))
	wantValue(t, b, "t/b", []byte("2"))
	wantValue(t, b, "t/c", []byte("second"))
	wantMissing(t, b, "t/d")
	wantMissing(t, b, "old")
	wantMissing(t, b, "nilvalue")
	wantList(t, b, "t/", []string{"a", "b", "c"})

	// Values are copied in.
	v := []byte("before")
	if err := tb.Transaction(context.Background(), []storage.TxnOp{{Entry: storage.Entry{Key: "t/e", Value: v}}}); err != nil {
		t.Fatal(err)
	}
	copy(v, "AFTER!")
	wantValue(t, b, "t/e", []byte("before"))
}

// testTransactionAllOrNothing submits a transaction containing an operation
// the contract does not define (an empty key). Whatever the backend decides,
// it must apply all of the operations or none of them.
func testTransactionAllOrNothing(t *testing.T, b storage.Backend) {
	tb := transactional(t, b)
	mustPut(t, b, "keep", []byte("v"))
	ops := []storage.TxnOp{put("n/a", "1"), del("keep"), put("", "bad"), put("n/b", "2")}
	err := tb.Transaction(context.Background(), ops)
	if err != nil {
		wantMissing(t, b, "n/a")
		wantMissing(t, b, "n/b")
		wantValue(t, b, "keep", []byte("v"))
		return
	}
	wantValue(t, b, "n/a", []byte("1"))
	wantValue(t, b, "n/b", []byte("2"))
	wantMissing(t, b, "keep")
}

// testTransactionVisibility checks that a reader never observes half of a
// transaction: each transaction replaces the three keys of one generation by
// the three keys of the next, and a concurrent List must always see exactly
// one whole generation.
func testTransactionVisibility(t *testing.T, b storage.Backend) {
	tb := transactional(t, b)
	ctx := context.Background()
	names := func(gen int) []string {
		return []string{fmt.Sprintf("%d-a", gen), fmt.Sprintf("%d-b", gen), fmt.Sprintf("%d-c", gen)}
	}
	for _, n := range names(0) {
		mustPut(t, b, "s/"+n, []byte("0"))
	}

	const generations = 40
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-done:
				return
			default:
			}
			got, err := b.List(ctx, "s/")
			if err != nil {
				t.Errorf("List: %v", err)
				return
			}
			if len(got) != 3 {
				t.Errorf("List(s/) = %q: saw a partial transaction", got)
				return
			}
			gen, _, _ := strings.Cut(got[0], "-")
			for _, n := range got {
				if g, _, _ := strings.Cut(n, "-"); g != gen {
					t.Errorf("List(s/) = %q: mixed generations", got)
					return
				}
			}
		}
	}()

	for gen := 1; gen <= generations; gen++ {
		var ops []storage.TxnOp
		for _, n := range names(gen - 1) {
			ops = append(ops, del("s/"+n))
		}
		for _, n := range names(gen) {
			ops = append(ops, put("s/"+n, fmt.Sprint(gen)))
		}
		if err := tb.Transaction(ctx, ops); err != nil {
			close(done)
			wg.Wait()
			t.Fatalf("Transaction %d: %v", gen, err)
		}
	}
	close(done)
	wg.Wait()
	wantList(t, b, "s/", names(generations))
}
