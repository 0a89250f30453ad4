package barrier

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/cofre-io/cofre/server/storage"
)

// TestConcurrentUse runs readers and writers against rotations, reloads and
// status calls, then against seal/unseal cycles. Run it with -race.
func TestConcurrentUse(t *testing.T) {
	ctx := context.Background()
	phys := txnMapBackend{newMapBackend()}
	b, root := newUnsealed(t, phys, Options{})
	tx := b.Backend().(storage.Transactional)

	const workers, rounds = 8, 200
	worker := func(id int, tolerateSealed bool) error {
		for i := range rounds {
			key := fmt.Sprintf("w%d/k%d", id, i%10)
			val := fmt.Sprintf("value %d %d", id, i)
			var err error
			if i%7 == 0 {
				err = tx.Transaction(ctx, []storage.TxnOp{{Entry: storage.Entry{Key: key, Value: []byte(val)}}})
			} else {
				err = b.Put(ctx, &storage.Entry{Key: key, Value: []byte(val)})
			}
			if tolerateSealed && errors.Is(err, ErrSealed) {
				continue
			}
			if err != nil {
				return err
			}
			e, err := b.Get(ctx, key)
			if tolerateSealed && errors.Is(err, ErrSealed) {
				continue
			}
			if err != nil {
				return err
			}
			if e == nil || string(e.Value) != val {
				return fmt.Errorf("read back %q at %q, want %q", e, key, val)
			}
			if _, err := b.List(ctx, fmt.Sprintf("w%d/", id)); err != nil && !(tolerateSealed && errors.Is(err, ErrSealed)) {
				return err
			}
		}
		return nil
	}

	run := func(tolerateSealed bool, churn func(stop <-chan struct{}) error) {
		t.Helper()
		errs := make(chan error, workers+1)
		stop := make(chan struct{})
		var wg, churnWG sync.WaitGroup
		for id := range workers {
			wg.Go(func() { errs <- worker(id, tolerateSealed) })
		}
		churnWG.Go(func() { errs <- churn(stop) })
		wg.Wait()
		close(stop)
		churnWG.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
	}

	run(false, func(stop <-chan struct{}) error {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return nil
			default:
			}
			if i%5 == 0 && i < 250 {
				if _, err := b.Rotate(ctx); err != nil {
					return err
				}
			}
			if err := b.ReloadKeyring(ctx); err != nil {
				return err
			}
			if _, err := b.KeyStatus(); err != nil {
				return err
			}
		}
	})

	run(true, func(stop <-chan struct{}) error {
		for {
			select {
			case <-stop:
				return b.Unseal(ctx, root)
			default:
			}
			b.Seal()
			_ = b.Sealed()
			if err := b.Unseal(ctx, root); err != nil {
				return err
			}
		}
	})
	if b.Sealed() {
		t.Fatal("barrier left sealed")
	}
}
