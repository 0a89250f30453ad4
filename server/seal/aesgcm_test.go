package seal

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"testing"
)

func newKey(t testing.TB) []byte {
	t.Helper()
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		t.Fatal(err)
	}
	return k
}

func TestAESGCMRoundTrip(t *testing.T) {
	ctx := context.Background()
	w, err := NewAESGCM(TypeShamir, newKey(t))
	if err != nil {
		t.Fatal(err)
	}
	if w.Type() != TypeShamir {
		t.Fatalf("Type() = %q", w.Type())
	}
	for _, p := range [][]byte{nil, {}, []byte("root key"), bytes.Repeat([]byte{7}, 4096)} {
		blob, err := w.Encrypt(ctx, p, []byte("aad"))
		if err != nil {
			t.Fatal(err)
		}
		if len(blob) != len(p)+29 {
			t.Fatalf("blob length %d for plaintext %d", len(blob), len(p))
		}
		if len(p) >= 8 && bytes.Contains(blob, p) {
			t.Fatal("blob contains the plaintext")
		}
		got, err := w.Decrypt(ctx, blob, []byte("aad"))
		if err != nil {
			t.Fatal(err)
		}
		if got == nil || !bytes.Equal(got, p) {
			t.Fatalf("round trip gave %x, want %x", got, p)
		}
	}
}

func TestAESGCMNonceIsFresh(t *testing.T) {
	ctx := context.Background()
	w, err := NewAESGCM(TypeShamir, newKey(t))
	if err != nil {
		t.Fatal(err)
	}
	a, _ := w.Encrypt(ctx, []byte("same"), nil)
	b, _ := w.Encrypt(ctx, []byte("same"), nil)
	if bytes.Equal(a, b) {
		t.Fatal("two encryptions of the same plaintext are identical")
	}
}

func TestAESGCMDecryptFailures(t *testing.T) {
	ctx := context.Background()
	key := newKey(t)
	w, _ := NewAESGCM(TypeShamir, key)
	other, _ := NewAESGCM(TypeShamir, newKey(t))
	blob, err := w.Encrypt(ctx, []byte("the root key"), []byte("core/root"))
	if err != nil {
		t.Fatal(err)
	}

	check := func(name string, w Wrapper, blob, aad []byte) {
		t.Helper()
		got, err := w.Decrypt(ctx, blob, aad)
		if !errors.Is(err, ErrDecrypt) {
			t.Errorf("%s: err = %v, want ErrDecrypt", name, err)
		}
		if got != nil {
			t.Errorf("%s: plaintext returned with an error", name)
		}
	}
	check("other key", other, blob, []byte("core/root"))
	check("other aad", w, blob, []byte("core/other"))
	check("nil aad", w, blob, nil)
	check("empty", w, nil, nil)
	check("truncated", w, blob[:len(blob)-1], []byte("core/root"))
	check("too short", w, blob[:28], []byte("core/root"))
	for i := range blob {
		tampered := bytes.Clone(blob)
		tampered[i] ^= 0x01
		check("bit flip", w, tampered, []byte("core/root"))
	}
}

func TestAESGCMKeyValidation(t *testing.T) {
	for _, n := range []int{0, 16, 24, 31, 33, 64} {
		if _, err := NewAESGCM(TypeShamir, make([]byte, n)); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("key of %d bytes: err = %v, want ErrInvalidKey", n, err)
		}
	}
	if _, err := NewAESGCM("", make([]byte, KeySize)); !errors.Is(err, ErrInvalidType) {
		t.Errorf("empty type: err = %v, want ErrInvalidType", err)
	}
}

func TestAESGCMCallerMayZeroKey(t *testing.T) {
	ctx := context.Background()
	key := newKey(t)
	w, _ := NewAESGCM(TypeShamir, key)
	same, _ := NewAESGCM(TypeShamir, bytes.Clone(key))
	clear(key)
	blob, _ := w.Encrypt(ctx, []byte("x"), nil)
	if _, err := same.Decrypt(ctx, blob, nil); err != nil {
		t.Fatalf("wrapper depends on the caller's key slice: %v", err)
	}
}

func TestAESGCMNonceFailure(t *testing.T) {
	w, err := newAESGCM(TypeShamir, make([]byte, KeySize), io.LimitReader(rand.Reader, 0))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Encrypt(context.Background(), []byte("x"), nil); err == nil {
		t.Fatal("Encrypt succeeded without randomness")
	}
}

// FuzzAESGCMDecrypt feeds Decrypt arbitrary blobs and single-byte edits of
// a valid one: it must never panic, and only the untouched blob decrypts.
func FuzzAESGCMDecrypt(f *testing.F) {
	key := bytes.Repeat([]byte{0x42}, KeySize)
	w, err := NewAESGCM(TypeStatic, key)
	if err != nil {
		f.Fatal(err)
	}
	ctx := context.Background()
	valid, err := w.Encrypt(ctx, []byte("seed plaintext"), []byte("aad"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(valid, uint16(0), byte(0))
	f.Add(valid, uint16(5), byte(1))
	f.Add([]byte{}, uint16(0), byte(0))
	f.Add([]byte{1, 2, 3}, uint16(1), byte(0xff))
	f.Fuzz(func(t *testing.T, blob []byte, pos uint16, flip byte) {
		tampered := bytes.Clone(blob)
		if flip != 0 && len(tampered) > 0 {
			tampered[int(pos)%len(tampered)] ^= flip
		}
		got, err := w.Decrypt(ctx, tampered, []byte("aad"))
		if err != nil {
			if !errors.Is(err, ErrDecrypt) || got != nil {
				t.Fatalf("bad failure: %v", err)
			}
			return
		}
		// Only a genuine, unmodified blob may decrypt.
		if flip != 0 && bytes.Equal(blob, valid) {
			t.Fatal("a tampered blob decrypted")
		}
	})
}
