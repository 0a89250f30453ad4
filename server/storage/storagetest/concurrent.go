package storagetest

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/cofre-io/cofre/server/storage"
)

// testConcurrentWriters runs writers on disjoint prefixes plus a reader, then
// checks the final state key by key.
func testConcurrentWriters(t *testing.T, b storage.Backend) {
	ctx := context.Background()
	const writers, keys = 8, 24
	val := func(w, k, round int) []byte { return fmt.Appendf(nil, "w%d-k%d-r%d", w, k, round) }

	done := make(chan struct{})
	var readers sync.WaitGroup
	readers.Add(1)
	go func() {
		defer readers.Done()
		for {
			select {
			case <-done:
				return
			default:
			}
			if _, err := b.List(ctx, ""); err != nil {
				t.Errorf("List: %v", err)
				return
			}
			if _, err := b.Get(ctx, "w0/k0"); err != nil {
				t.Errorf("Get: %v", err)
				return
			}
		}
	}()

	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range keys {
				key := fmt.Sprintf("w%d/k%d", w, k)
				for round := range 2 {
					if err := b.Put(ctx, &storage.Entry{Key: key, Value: val(w, k, round)}); err != nil {
						t.Errorf("Put(%q): %v", key, err)
						return
					}
				}
				if k%3 == 0 {
					if err := b.Delete(ctx, key); err != nil {
						t.Errorf("Delete(%q): %v", key, err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(done)
	readers.Wait()
	if t.Failed() {
		return
	}

	var top []string
	for w := range writers {
		top = append(top, fmt.Sprintf("w%d/", w))
		var want []string
		for k := range keys {
			key := fmt.Sprintf("w%d/k%d", w, k)
			if k%3 == 0 {
				wantMissing(t, b, key)
				continue
			}
			wantValue(t, b, key, val(w, k, 1))
			want = append(want, fmt.Sprintf("k%d", k))
		}
		wantList(t, b, fmt.Sprintf("w%d/", w), storage.ChildrenOf(want, ""))
	}
	wantList(t, b, "", top)
}
