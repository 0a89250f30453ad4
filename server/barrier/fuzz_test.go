package barrier

import (
	"bytes"
	"errors"
	"testing"
	"time"
)

// fuzzKeyring returns a keyring with terms 1 and 2 (2 active) and fixed keys.
func fuzzKeyring(tb testing.TB) *keyring {
	tb.Helper()
	k1, err := newTermKey(1, time.Unix(1, 0), bytes.Repeat([]byte{1}, KeySize))
	if err != nil {
		tb.Fatal(err)
	}
	k2, err := newTermKey(2, time.Unix(2, 0), bytes.Repeat([]byte{2}, KeySize))
	if err != nil {
		tb.Fatal(err)
	}
	return (&keyring{active: k1, terms: map[uint32]*termKey{1: k1}}).with(k2)
}

// FuzzDecryptValue feeds the stored-value decoder arbitrary bytes and
// single-byte edits of genuine values. It must never panic, every failure
// must wrap ErrDecrypt, and a genuine value must decrypt only unmodified and
// only at the key it was written to.
func FuzzDecryptValue(f *testing.F) {
	r := fuzzKeyring(f)
	var genuine [][]byte
	for _, term := range []uint32{1, 2} {
		v, err := r.terms[term].encrypt(zeroReader{}, "k", []byte("plaintext"))
		if err != nil {
			f.Fatal(err)
		}
		genuine = append(genuine, v)
		f.Add(v, "k", uint16(0), byte(0))
		f.Add(v, "k", uint16(3), byte(1))
		f.Add(v, "other", uint16(0), byte(0))
	}
	empty, _ := r.active.encrypt(zeroReader{}, "", nil)
	f.Add(empty, "", uint16(0), byte(0))
	f.Add([]byte{}, "k", uint16(0), byte(0))
	f.Add([]byte{1, 0, 0, 0, 9}, "k", uint16(0), byte(0))
	f.Fuzz(func(t *testing.T, value []byte, key string, pos uint16, flip byte) {
		tampered := bytes.Clone(value)
		if flip != 0 && len(tampered) > 0 {
			tampered[int(pos)%len(tampered)] ^= flip
		}
		plain, err := r.decrypt(key, tampered)
		if err != nil {
			if !errors.Is(err, ErrDecrypt) || plain != nil {
				t.Fatalf("bad failure: %v", err)
			}
			return
		}
		if plain == nil {
			t.Fatal("nil plaintext on success")
		}
		for _, g := range genuine {
			if bytes.Equal(value, g) && (flip != 0 || key != "k") {
				t.Fatalf("genuine value decrypted after tampering (flip=%d) or at key %q", flip, key)
			}
		}
	})
}

// FuzzDecodeKeyring checks the keyring parser never panics and returns a
// usable keyring whenever it succeeds.
func FuzzDecodeKeyring(f *testing.F) {
	r := fuzzKeyring(f)
	f.Add(r.encode())
	f.Add([]byte{})
	f.Add([]byte{1, 0, 0, 0, 1, 0, 0, 0, 0})
	f.Add([]byte{1, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := decodeKeyring(data)
		if err != nil {
			if !errors.Is(err, ErrCorruptKeyring) || got != nil {
				t.Fatalf("bad failure: %v", err)
			}
			return
		}
		if got.active == nil || got.terms[got.active.term] != got.active {
			t.Fatal("decoded keyring has no valid active term")
		}
		again, err := decodeKeyring(got.encode())
		if err != nil || again.active.term != got.active.term || len(again.terms) != len(got.terms) {
			t.Fatalf("re-encoding lost information: %v", err)
		}
		for term, k := range got.terms {
			a := again.terms[term]
			if a == nil || !bytes.Equal(a.key, k.key) || !a.installed.Equal(k.installed) {
				t.Fatalf("term %d changed on re-encoding", term)
			}
		}
	})
}

// zeroReader yields zero bytes: deterministic nonces for seeds only.
type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
