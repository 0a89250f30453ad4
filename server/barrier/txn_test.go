package barrier

import (
	"context"
	"errors"
	"testing"

	"github.com/cofre-io/cofre/server/storage"
)

func TestBackendCapability(t *testing.T) {
	plain, _ := newUnsealed(t, newMapBackend(), Options{})
	if _, ok := plain.Backend().(storage.Transactional); ok {
		t.Fatal("Backend() over a non-transactional backend claims transactions")
	}
	if _, ok := any(plain).(storage.Transactional); ok {
		t.Fatal("*Barrier implements storage.Transactional directly")
	}
	txn, _ := newUnsealed(t, txnMapBackend{newMapBackend()}, Options{})
	if _, ok := txn.Backend().(storage.Transactional); !ok {
		t.Fatal("Backend() over a transactional backend lacks Transaction")
	}
}

func TestTransaction(t *testing.T) {
	ctx := context.Background()
	phys := txnMapBackend{newMapBackend()}
	b, _ := newUnsealed(t, phys, Options{})
	mustPut(t, b, "gone", "x")
	mustPut(t, b, "also-gone", "y")
	tx := b.Backend().(storage.Transactional)

	err := tx.Transaction(ctx, []storage.TxnOp{
		{Entry: storage.Entry{Key: "a", Value: []byte("1")}},
		{Entry: storage.Entry{Key: "b", Value: []byte{}}},
		{Delete: true, Entry: storage.Entry{Key: "gone"}},
		{Entry: storage.Entry{Key: "also-gone"}}, // nil Value: a delete
	})
	if err != nil {
		t.Fatal(err)
	}
	mustGet(t, b, "a", "1")
	mustGet(t, b, "b", "")
	for _, k := range []string{"gone", "also-gone"} {
		if e, _ := b.Get(ctx, k); e != nil {
			t.Fatalf("%q survived the transaction", k)
		}
	}
	if string(phys.raw("a")) == "1" {
		t.Fatal("transaction stored plaintext")
	}
	if info, _ := b.KeyStatus(); info.Encryptions != 4 {
		t.Fatalf("Encryptions = %d, want 4 (2 puts + 2 transactional puts)", info.Encryptions)
	}

	// A reserved key anywhere in the batch refuses all of it.
	err = tx.Transaction(ctx, []storage.TxnOp{
		{Entry: storage.Entry{Key: "a", Value: []byte("2")}},
		{Entry: storage.Entry{Key: KeyringKey, Value: []byte("clobber")}},
	})
	if !errors.Is(err, ErrReservedKey) {
		t.Fatalf("reserved key in transaction: %v", err)
	}
	err = tx.Transaction(ctx, []storage.TxnOp{{Delete: true, Entry: storage.Entry{Key: SealPrefix + "x"}}})
	if !errors.Is(err, ErrReservedKey) {
		t.Fatalf("reserved delete in transaction: %v", err)
	}
	mustGet(t, b, "a", "1")

	b.Seal()
	err = tx.Transaction(ctx, []storage.TxnOp{{Entry: storage.Entry{Key: "a", Value: []byte("3")}}})
	if !errors.Is(err, ErrSealed) {
		t.Fatalf("sealed transaction: %v", err)
	}
}

// TestReloadKeyring models an active node and a standby sharing storage.
func TestReloadKeyring(t *testing.T) {
	ctx := context.Background()
	phys := newMapBackend()
	active, root := newUnsealed(t, phys, Options{})
	standby, err := New(phys, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := standby.Unseal(ctx, root); err != nil {
		t.Fatal(err)
	}
	mustPut(t, standby, "s", "standby wrote under term 1")

	if _, err := active.Rotate(ctx); err != nil {
		t.Fatal(err)
	}
	mustPut(t, active, "k", "term 2")
	if _, err := standby.Get(ctx, "k"); !errors.Is(err, ErrUnknownTerm) {
		t.Fatalf("standby before reload: %v, want ErrUnknownTerm", err)
	}
	if err := standby.ReloadKeyring(ctx); err != nil {
		t.Fatal(err)
	}
	mustGet(t, standby, "k", "term 2")
	mustGet(t, standby, "s", "standby wrote under term 1")
	if info, _ := standby.KeyStatus(); info.Term != 2 {
		t.Fatalf("standby term %d after reload", info.Term)
	}

	// Reloading an unchanged keyring keeps the counters.
	mustPut(t, standby, "s2", "x")
	if err := standby.ReloadKeyring(ctx); err != nil {
		t.Fatal(err)
	}
	if info, _ := standby.KeyStatus(); info.Encryptions != 1 {
		t.Fatalf("Encryptions = %d after reload, want 1", info.Encryptions)
	}

	// After the active node changes the root key the standby cannot
	// reload, and keeps working with what it has.
	if err := active.ChangeRootKey(ctx, newRootKey(t)); err != nil {
		t.Fatal(err)
	}
	if err := standby.ReloadKeyring(ctx); !errors.Is(err, ErrBadRootKey) {
		t.Fatalf("reload after root key change: %v", err)
	}
	mustGet(t, standby, "k", "term 2")

	phys.Delete(ctx, KeyringKey)
	if err := standby.ReloadKeyring(ctx); !errors.Is(err, ErrNotInitialized) {
		t.Fatalf("reload without keyring: %v", err)
	}
}
