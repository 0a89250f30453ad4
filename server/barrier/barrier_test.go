package barrier

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/cofre-io/cofre/server/storage"
)

func TestNewRejectsNilBackend(t *testing.T) {
	if _, err := New(nil, Options{}); err == nil {
		t.Fatal("New(nil) succeeded")
	}
}

func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	phys := newMapBackend()
	b, _ := newUnsealed(t, phys, Options{})

	values := map[string][]byte{
		"a":               []byte("alpha"),
		"dir/b":           bytes.Repeat([]byte{0, 1, 2, 255}, 1000),
		"dir/sub/c":       {},
		"core/mounts":     []byte(`{"mounts":[]}`),
		"logical/x/y/z/w": []byte("deep"),
	}
	for k, v := range values {
		if err := b.Put(ctx, &storage.Entry{Key: k, Value: v}); err != nil {
			t.Fatal(err)
		}
	}
	for k, v := range values {
		e, err := b.Get(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		if e.Key != k || e.Value == nil || !bytes.Equal(e.Value, v) {
			t.Fatalf("Get %q = %x", k, e.Value)
		}
	}

	// A nil value is stored as empty.
	if err := b.Put(ctx, &storage.Entry{Key: "nil"}); err != nil {
		t.Fatal(err)
	}
	mustGet(t, b, "nil", "")

	if e, err := b.Get(ctx, "missing"); e != nil || err != nil {
		t.Fatalf("Get missing = %v, %v; want nil, nil", e, err)
	}
	if err := b.Put(ctx, nil); !errors.Is(err, ErrInvalidEntry) {
		t.Fatalf("Put(nil) err = %v", err)
	}

	got, err := b.List(ctx, "dir/")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"b", "sub/"}; !slices.Equal(got, want) {
		t.Fatalf("List dir/ = %q, want %q", got, want)
	}

	if err := b.Delete(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if err := b.Delete(ctx, "a"); err != nil {
		t.Fatalf("second Delete: %v", err)
	}
	if e, err := b.Get(ctx, "a"); e != nil || err != nil {
		t.Fatalf("Get after Delete = %v, %v", e, err)
	}
}

func TestStoredValueFormat(t *testing.T) {
	phys := newMapBackend()
	b, _ := newUnsealed(t, phys, Options{})
	mustPut(t, b, "k", "hello")
	raw := phys.raw("k")
	if len(raw) != 1+4+12+len("hello")+16 {
		t.Fatalf("stored %d bytes", len(raw))
	}
	if raw[0] != 1 || binary.BigEndian.Uint32(raw[1:]) != 1 {
		t.Fatalf("header = %x, want version 1 term 1", raw[:5])
	}
	mustPut(t, b, "k2", "hello")
	if bytes.Equal(raw[5:17], phys.raw("k2")[5:17]) {
		t.Fatal("two values share a nonce")
	}
}

// TestLifecycle is the seal/unseal state machine as a transcript: each step
// runs one operation and names the error it must give.
func TestLifecycle(t *testing.T) {
	ctx := context.Background()
	phys := newMapBackend()
	b, err := New(phys, Options{})
	if err != nil {
		t.Fatal(err)
	}
	root, wrong := newRootKey(t), newRootKey(t)

	sealedIs := func(want bool) func() error {
		return func() error {
			if b.Sealed() != want {
				return errors.New("unexpected seal state")
			}
			return nil
		}
	}
	initialized := func(want bool) func() error {
		return func() error {
			ok, err := b.Initialized(ctx)
			if err == nil && ok != want {
				return errors.New("unexpected Initialized")
			}
			return err
		}
	}
	get := func() error { _, err := b.Get(ctx, "k"); return err }
	put := func() error { return b.Put(ctx, &storage.Entry{Key: "k", Value: []byte("v")}) }
	del := func() error { return b.Delete(ctx, "k") }
	list := func() error { _, err := b.List(ctx, ""); return err }
	rotate := func() error { _, err := b.Rotate(ctx); return err }
	status := func() error { _, err := b.KeyStatus(); return err }
	reload := func() error { return b.ReloadKeyring(ctx) }
	changeRoot := func() error { return b.ChangeRootKey(ctx, root) }
	seal := func() error { b.Seal(); return nil }
	unseal := func(k []byte) func() error { return func() error { return b.Unseal(ctx, k) } }
	initialize := func(k []byte) func() error { return func() error { return b.Initialize(ctx, k) } }
	readBack := func() error {
		e, err := b.Get(ctx, "k")
		if err == nil && (e == nil || string(e.Value) != "v") {
			return errors.New("value lost")
		}
		return err
	}

	steps := []struct {
		name string
		op   func() error
		want error
	}{
		{"new barrier is sealed", sealedIs(true), nil},
		{"not initialized", initialized(false), nil},
		{"unseal before init", unseal(root), ErrNotInitialized},
		{"get before init", get, ErrSealed},
		{"initialize", initialize(root), nil},
		{"initialized", initialized(true), nil},
		{"initialize does not unseal", sealedIs(true), nil},
		{"initialize twice", initialize(wrong), ErrAlreadyInitialized},
		{"get sealed", get, ErrSealed},
		{"put sealed", put, ErrSealed},
		{"delete sealed", del, ErrSealed},
		{"list sealed", list, ErrSealed},
		{"rotate sealed", rotate, ErrSealed},
		{"status sealed", status, ErrSealed},
		{"reload sealed", reload, ErrSealed},
		{"change root sealed", changeRoot, ErrSealed},
		{"unseal wrong key", unseal(wrong), ErrBadRootKey},
		{"still sealed", sealedIs(true), nil},
		{"unseal", unseal(root), nil},
		{"unsealed", sealedIs(false), nil},
		{"unseal again same key", unseal(root), nil},
		{"unseal again other key", unseal(wrong), ErrBadRootKey},
		{"other key did not seal", sealedIs(false), nil},
		{"put", put, nil},
		{"status", status, nil},
		{"seal", seal, nil},
		{"sealed", sealedIs(true), nil},
		{"seal twice", seal, nil},
		{"get after seal", get, ErrSealed},
		{"unseal after seal", unseal(root), nil},
		{"value survives", readBack, nil},
	}
	for i, s := range steps {
		err := s.op()
		if (s.want == nil && err != nil) || !errors.Is(err, s.want) {
			t.Fatalf("step %d (%s): err = %v, want %v", i, s.name, err, s.want)
		}
	}
}

func TestRootKeyLength(t *testing.T) {
	ctx := context.Background()
	b, _ := newUnsealed(t, newMapBackend(), Options{})
	for _, n := range []int{0, 16, 31, 33} {
		k := make([]byte, n)
		if err := b.Initialize(ctx, k); !errors.Is(err, ErrInvalidRootKey) {
			t.Errorf("Initialize with %d bytes: %v", n, err)
		}
		if err := b.Unseal(ctx, k); !errors.Is(err, ErrInvalidRootKey) {
			t.Errorf("Unseal with %d bytes: %v", n, err)
		}
		if err := b.ChangeRootKey(ctx, k); !errors.Is(err, ErrInvalidRootKey) {
			t.Errorf("ChangeRootKey with %d bytes: %v", n, err)
		}
	}
}

func TestValueBoundToStorageKey(t *testing.T) {
	ctx := context.Background()
	phys := newMapBackend()
	b, _ := newUnsealed(t, phys, Options{})
	mustPut(t, b, "secret/a", "value of a")
	mustPut(t, b, "secret/b", "value of b")

	phys.setRaw("secret/b", phys.raw("secret/a"))
	e, err := b.Get(ctx, "secret/b")
	if !errors.Is(err, ErrDecrypt) || e != nil {
		t.Fatalf("copied value: Get = %v, %v; want ErrDecrypt", e, err)
	}
	mustGet(t, b, "secret/a", "value of a")
}

func TestTamperedValues(t *testing.T) {
	ctx := context.Background()
	phys := newMapBackend()
	b, _ := newUnsealed(t, phys, Options{})
	mustPut(t, b, "k", "a value")
	if _, err := b.Rotate(ctx); err != nil {
		t.Fatal(err)
	}
	good := phys.raw("k")

	edit := func(f func(v []byte) []byte) []byte { return f(bytes.Clone(good)) }
	cases := []struct {
		name  string
		value []byte
		want  error
	}{
		{"empty", []byte{}, ErrMalformedValue},
		{"truncated header", good[:4], ErrMalformedValue},
		{"no tag", good[:1+4+12+15], ErrMalformedValue},
		{"truncated tag", good[:len(good)-1], ErrDecrypt},
		{"version", edit(func(v []byte) []byte { v[0] = 2; return v }), ErrMalformedValue},
		{"unknown term", edit(func(v []byte) []byte { binary.BigEndian.PutUint32(v[1:], 99); return v }), ErrUnknownTerm},
		{"term zero", edit(func(v []byte) []byte { binary.BigEndian.PutUint32(v[1:], 0); return v }), ErrUnknownTerm},
		{"other known term", edit(func(v []byte) []byte { binary.BigEndian.PutUint32(v[1:], 2); return v }), ErrDecrypt},
		{"nonce", edit(func(v []byte) []byte { v[6] ^= 1; return v }), ErrDecrypt},
		{"ciphertext", edit(func(v []byte) []byte { v[18] ^= 0x80; return v }), ErrDecrypt},
		{"tag", edit(func(v []byte) []byte { v[len(v)-1] ^= 1; return v }), ErrDecrypt},
		{"appended", append(bytes.Clone(good), 0), ErrDecrypt},
	}
	for _, c := range cases {
		phys.setRaw("k", c.value)
		e, err := b.Get(ctx, "k")
		if !errors.Is(err, c.want) || !errors.Is(err, ErrDecrypt) || e != nil {
			t.Errorf("%s: Get = %v, %v; want %v (and ErrDecrypt)", c.name, e, err, c.want)
		}
	}
	phys.setRaw("k", good)
	mustGet(t, b, "k", "a value")
}

func TestRotate(t *testing.T) {
	ctx := context.Background()
	clock := &fakeClock{now: time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC)}
	phys := newMapBackend()
	b, root := newUnsealed(t, phys, Options{Now: clock.Now})

	info, err := b.KeyStatus()
	if err != nil {
		t.Fatal(err)
	}
	if info.Term != 1 || !info.InstallTime.Equal(clock.Now()) || info.Encryptions != 0 {
		t.Fatalf("initial KeyStatus = %+v", info)
	}
	mustPut(t, b, "old", "written under term 1")
	mustPut(t, b, "old2", "also term 1")
	if info, _ := b.KeyStatus(); info.Encryptions != 2 {
		t.Fatalf("Encryptions = %d, want 2", info.Encryptions)
	}

	clock.Advance(time.Hour)
	info, err = b.Rotate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.Term != 2 || !info.InstallTime.Equal(clock.Now()) || info.Encryptions != 0 {
		t.Fatalf("Rotate = %+v", info)
	}
	mustPut(t, b, "new", "written under term 2")
	if got := binary.BigEndian.Uint32(phys.raw("new")[1:]); got != 2 {
		t.Fatalf("new value under term %d, want 2", got)
	}
	if got := binary.BigEndian.Uint32(phys.raw("old")[1:]); got != 1 {
		t.Fatalf("old value under term %d, want 1", got)
	}
	mustGet(t, b, "old", "written under term 1")
	mustGet(t, b, "new", "written under term 2")
	if status, _ := b.KeyStatus(); status.Term != 2 || status.Encryptions != 1 {
		t.Fatalf("KeyStatus after rotate = %+v", status)
	}

	// The rotation was persisted: a fresh unseal sees both terms.
	b.Seal()
	if err := b.Unseal(ctx, root); err != nil {
		t.Fatal(err)
	}
	mustGet(t, b, "old", "written under term 1")
	mustGet(t, b, "new", "written under term 2")
	status, _ := b.KeyStatus()
	if status.Term != 2 || !status.InstallTime.Equal(clock.Now()) || status.Encryptions != 0 {
		t.Fatalf("KeyStatus after unseal = %+v", status)
	}
}

func TestRotateWriteFailureKeepsKeyring(t *testing.T) {
	ctx := context.Background()
	phys := newMapBackend()
	b, root := newUnsealed(t, phys, Options{})
	boom := errors.New("disk full")
	phys.failPut = func(key string) error {
		if key == KeyringKey {
			return boom
		}
		return nil
	}
	if _, err := b.Rotate(ctx); !errors.Is(err, boom) {
		t.Fatalf("Rotate err = %v", err)
	}
	if info, _ := b.KeyStatus(); info.Term != 1 {
		t.Fatalf("term %d after failed rotation", info.Term)
	}
	if err := b.ChangeRootKey(ctx, newRootKey(t)); !errors.Is(err, boom) {
		t.Fatalf("ChangeRootKey err = %v", err)
	}
	phys.failPut = nil
	mustPut(t, b, "k", "v")
	b.Seal()
	if err := b.Unseal(ctx, root); err != nil {
		t.Fatalf("old root key no longer works after failed change: %v", err)
	}
	mustGet(t, b, "k", "v")
}

func TestChangeRootKey(t *testing.T) {
	ctx := context.Background()
	phys := newMapBackend()
	b, oldRoot := newUnsealed(t, phys, Options{})
	mustPut(t, b, "k", "survives rekey")
	before := phys.raw("k")

	newRoot := newRootKey(t)
	if err := b.ChangeRootKey(ctx, newRoot); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(phys.raw("k"), before) {
		t.Fatal("ChangeRootKey rewrote data")
	}
	mustGet(t, b, "k", "survives rekey")
	// Rotation after the change persists under the new root key.
	if _, err := b.Rotate(ctx); err != nil {
		t.Fatal(err)
	}

	b.Seal()
	if err := b.Unseal(ctx, oldRoot); !errors.Is(err, ErrBadRootKey) {
		t.Fatalf("Unseal with old root key: %v", err)
	}
	if !b.Sealed() {
		t.Fatal("unsealed with the old root key")
	}
	if err := b.Unseal(ctx, newRoot); err != nil {
		t.Fatal(err)
	}
	mustGet(t, b, "k", "survives rekey")
	if info, _ := b.KeyStatus(); info.Term != 2 {
		t.Fatalf("term %d, want 2", info.Term)
	}
}

func TestReservedKeys(t *testing.T) {
	ctx := context.Background()
	phys := newMapBackend()
	b, _ := newUnsealed(t, phys, Options{})
	phys.setRaw(SealPrefix+"config", []byte(`{"type":"shamir"}`))
	mustPut(t, b, "core/mounts", "m")
	mustPut(t, b, "core/seal", "not under the prefix")
	keyring := phys.raw(KeyringKey)

	check := func(sealed bool) {
		for _, key := range []string{KeyringKey, SealPrefix + "config", SealPrefix + "x/y"} {
			if _, err := b.Get(ctx, key); !errors.Is(err, ErrReservedKey) {
				t.Errorf("sealed=%v Get %q: %v", sealed, key, err)
			}
			if err := b.Put(ctx, &storage.Entry{Key: key, Value: []byte("clobber")}); !errors.Is(err, ErrReservedKey) {
				t.Errorf("sealed=%v Put %q: %v", sealed, key, err)
			}
			if err := b.Delete(ctx, key); !errors.Is(err, ErrReservedKey) {
				t.Errorf("sealed=%v Delete %q: %v", sealed, key, err)
			}
		}
		for _, prefix := range []string{SealPrefix, SealPrefix + "x/", KeyringKey + "/"} {
			if _, err := b.List(ctx, prefix); !errors.Is(err, ErrReservedKey) {
				t.Errorf("sealed=%v List %q: %v", sealed, prefix, err)
			}
		}
	}
	check(false)

	got, err := b.List(ctx, "core/")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"mounts", "seal"}; !slices.Equal(got, want) {
		t.Fatalf("List core/ = %q, want %q", got, want)
	}
	mustGet(t, b, "core/seal", "not under the prefix")

	b.Seal()
	check(true)
	if !bytes.Equal(phys.raw(KeyringKey), keyring) || string(phys.raw(SealPrefix+"config")) != `{"type":"shamir"}` {
		t.Fatal("reserved entries changed")
	}
}

// TestNoPlaintextAtRest writes recognisable values and checks that no stored
// byte string contains them, nor any key the barrier holds.
func TestNoPlaintextAtRest(t *testing.T) {
	ctx := context.Background()
	phys := txnMapBackend{newMapBackend()}
	b, root := newUnsealed(t, phys, Options{})

	var markers [][]byte
	for i := range 20 {
		m := []byte("PLAINTEXT-MARKER-" + string(rune('A'+i)) + "-do-not-store")
		markers = append(markers, m)
		if err := b.Put(ctx, &storage.Entry{Key: "secret/" + string(rune('a'+i)), Value: m}); err != nil {
			t.Fatal(err)
		}
		if i == 10 {
			if _, err := b.Rotate(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	big := bytes.Repeat([]byte("0123456789abcdef"), 64)
	mustPut(t, b, "big", string(big))
	txn := b.Backend().(storage.Transactional)
	txnMarker := []byte("TRANSACTION-PLAINTEXT-MARKER")
	if err := txn.Transaction(ctx, []storage.TxnOp{{Entry: storage.Entry{Key: "txn", Value: txnMarker}}}); err != nil {
		t.Fatal(err)
	}

	forbidden := append(slices.Clone(markers), txnMarker, big[:32], root)
	b.mu.RLock()
	for _, k := range b.keys.terms {
		forbidden = append(forbidden, bytes.Clone(k.key))
	}
	b.mu.RUnlock()

	for key, value := range phys.snapshot() {
		for _, f := range forbidden {
			if bytes.Contains(value, f) {
				t.Fatalf("stored value at %q contains plaintext or key material", key)
			}
		}
	}
}

func TestRandomnessFailure(t *testing.T) {
	ctx := context.Background()
	b, err := New(newMapBackend(), Options{Rand: errReader{}})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Initialize(ctx, newRootKey(t)); err == nil {
		t.Fatal("Initialize succeeded without randomness")
	}
	if ok, _ := b.Initialized(ctx); ok {
		t.Fatal("a failed Initialize stored a keyring")
	}

	phys := newMapBackend()
	good, root := newUnsealed(t, phys, Options{})
	mustPut(t, good, "k", "v")
	b, _ = New(phys, Options{Rand: errReader{}})
	if err := b.Unseal(ctx, root); err != nil {
		t.Fatal(err)
	}
	mustGet(t, b, "k", "v")
	if err := b.Put(ctx, &storage.Entry{Key: "k", Value: []byte("w")}); err == nil {
		t.Fatal("Put succeeded without randomness")
	}
	if _, err := b.Rotate(ctx); err == nil {
		t.Fatal("Rotate succeeded without randomness")
	}
	mustGet(t, b, "k", "v")
}

func TestSealZeroesKeys(t *testing.T) {
	b, _ := newUnsealed(t, newMapBackend(), Options{})
	b.mu.RLock()
	root, kr := b.rootKey, b.keys
	b.mu.RUnlock()
	b.Seal()
	zero := make([]byte, KeySize)
	if !bytes.Equal(root, zero) {
		t.Fatal("root key not zeroed")
	}
	for _, k := range kr.terms {
		if !bytes.Equal(k.key, zero) {
			t.Fatalf("term %d key not zeroed", k.term)
		}
	}
}

func TestGenerateKey(t *testing.T) {
	a, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	c, _ := GenerateKey()
	if len(a) != KeySize || bytes.Equal(a, c) {
		t.Fatal("GenerateKey is not returning fresh 32-byte keys")
	}
}
