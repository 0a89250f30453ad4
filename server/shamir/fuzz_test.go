package shamir

import (
	"bytes"
	"encoding/binary"
	mrand "math/rand/v2"
	"slices"
	"testing"
)

// FuzzCombine feeds Combine arbitrary shares: it must never panic, and when
// it succeeds the result has the shares' value length and does not depend
// on the order of the shares.
func FuzzCombine(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4}, uint8(2))
	f.Add([]byte{1, 2, 1, 2}, uint8(2))
	f.Add([]byte{0xaa, 0x01, 0xbb, 0x02, 0xcc, 0x03}, uint8(3))
	f.Add([]byte{1, 0, 2, 3}, uint8(2))
	f.Add([]byte{}, uint8(0))
	f.Add([]byte{9, 9, 9, 9, 9}, uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, count uint8) {
		n := int(count%8) + 1
		// Cut data into n pieces of equal size; the last piece takes any
		// remainder, which exercises the length checks.
		size := len(data) / n
		shares := make([][]byte, n)
		for i := range shares {
			end := (i + 1) * size
			if i == n-1 {
				end = len(data)
			}
			shares[i] = data[i*size : end]
		}
		orig := bytes.Clone(data)
		got, err := Combine(shares)
		if !bytes.Equal(data, orig) {
			t.Fatal("Combine modified its input")
		}
		if err != nil {
			if got != nil {
				t.Fatal("result returned with an error")
			}
			return
		}
		if len(got) != len(shares[0])-1 {
			t.Fatalf("result length %d, share length %d", len(got), len(shares[0]))
		}
		reversed := slices.Clone(shares)
		slices.Reverse(reversed)
		again, err := Combine(reversed)
		if err != nil || !bytes.Equal(again, got) {
			t.Fatalf("Combine depends on share order: %v", err)
		}
	})
}

// FuzzSplitCombine checks the round trip: Split with valid parameters, then
// Combine of a random subset of exactly threshold shares, gives the secret.
// Invalid parameters must give an error and no shares.
func FuzzSplitCombine(f *testing.F) {
	f.Add([]byte("root key"), uint8(5), uint8(3), uint64(1))
	f.Add([]byte{0}, uint8(1), uint8(1), uint64(2))
	f.Add([]byte{0xff, 0x00}, uint8(23), uint8(23), uint64(3))
	f.Add([]byte{}, uint8(3), uint8(2), uint64(4))
	f.Add([]byte("x"), uint8(3), uint8(1), uint64(5))
	f.Fuzz(func(t *testing.T, secret []byte, parts, threshold uint8, seed uint64) {
		var key [32]byte
		binary.LittleEndian.PutUint64(key[:], seed)
		rng := mrand.NewChaCha8(key)
		// Keep each run fast: the unit tests cover the 255-share and
		// out-of-range cases.
		if len(secret) > 64 {
			secret = secret[:64]
		}
		n, k := int(parts%24), int(threshold%25)
		shares, err := split(rng, secret, n, k)
		valid := len(secret) > 0 && n >= 1 && k >= 1 && k <= n && (k > 1 || n == 1)
		if !valid {
			if err == nil || shares != nil {
				t.Fatalf("invalid parameters accepted: len=%d parts=%d threshold=%d", len(secret), n, k)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		perm := mrand.New(rng).Perm(n)
		got, err := Combine(pick(shares, perm[:k]))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, secret) {
			t.Fatal("round trip lost the secret")
		}
	})
}
