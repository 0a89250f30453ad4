package shamir

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	mrand "math/rand/v2"
	"testing"
)

func randomSecret(t testing.TB, n int) []byte {
	t.Helper()
	s := make([]byte, n)
	if _, err := rand.Read(s); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSplitParameterValidation(t *testing.T) {
	secret := []byte("s3cr3t")
	cases := []struct {
		name             string
		secret           []byte
		parts, threshold int
		want             error
	}{
		{"empty secret", nil, 3, 2, ErrEmptySecret},
		{"zero parts", secret, 0, 0, ErrInvalidParts},
		{"negative parts", secret, -1, 2, ErrInvalidParts},
		{"too many parts", secret, 256, 2, ErrInvalidParts},
		{"threshold above parts", secret, 3, 4, ErrInvalidThreshold},
		{"threshold zero", secret, 3, 0, ErrInvalidThreshold},
		{"threshold one of many", secret, 3, 1, ErrInvalidThreshold},
		{"threshold negative", secret, 3, -2, ErrInvalidThreshold},
		{"one of one", secret, 1, 1, nil},
		{"two of two", secret, 2, 2, nil},
		{"max parts", secret, 255, 255, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			shares, err := Split(c.secret, c.parts, c.threshold)
			if !errors.Is(err, c.want) {
				t.Fatalf("Split err = %v, want %v", err, c.want)
			}
			if err != nil {
				if shares != nil {
					t.Fatal("shares returned with an error")
				}
				return
			}
			if len(shares) != c.parts {
				t.Fatalf("got %d shares, want %d", len(shares), c.parts)
			}
		})
	}
}

func TestShareFormat(t *testing.T) {
	secret := randomSecret(t, 32)
	shares, err := Split(secret, 255, 3)
	if err != nil {
		t.Fatal(err)
	}
	var seen [256]bool
	for i, s := range shares {
		if len(s) != len(secret)+1 {
			t.Fatalf("share %d has length %d, want %d", i, len(s), len(secret)+1)
		}
		x := s[len(s)-1]
		if x == 0 {
			t.Fatalf("share %d has x coordinate 0", i)
		}
		if seen[x] {
			t.Fatalf("share %d repeats x coordinate %d", i, x)
		}
		seen[x] = true
	}
}

func TestSplitDoesNotModifySecret(t *testing.T) {
	secret := randomSecret(t, 16)
	orig := bytes.Clone(secret)
	if _, err := Split(secret, 5, 3); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(secret, orig) {
		t.Fatal("Split modified its input")
	}
}

// subsets calls fn with every subset of {0..n-1}, as index lists.
func subsets(n int, fn func(idx []int)) {
	for mask := 1; mask < 1<<n; mask++ {
		var idx []int
		for i := 0; i < n; i++ {
			if mask&(1<<i) != 0 {
				idx = append(idx, i)
			}
		}
		fn(idx)
	}
}

func pick(shares [][]byte, idx []int) [][]byte {
	out := make([][]byte, len(idx))
	for i, j := range idx {
		out[i] = shares[j]
	}
	return out
}

// TestEverySubset checks, for small splits, that every subset of at least
// threshold shares gives the secret and every smaller subset does not.
func TestEverySubset(t *testing.T) {
	for parts := 2; parts <= 7; parts++ {
		for threshold := 2; threshold <= parts; threshold++ {
			secret := randomSecret(t, 32)
			shares, err := Split(secret, parts, threshold)
			if err != nil {
				t.Fatal(err)
			}
			subsets(parts, func(idx []int) {
				got, err := Combine(pick(shares, idx))
				if err != nil {
					t.Fatalf("%d-of-%d, subset %v: %v", threshold, parts, idx, err)
				}
				enough := len(idx) >= threshold
				if enough != bytes.Equal(got, secret) {
					t.Fatalf("%d-of-%d, subset %v: reconstructed secret = %v, want %v",
						threshold, parts, idx, bytes.Equal(got, secret), enough)
				}
			})
		}
	}
}

// TestRandomSplits checks the same property on larger random parameters and
// random subsets, in random order.
func TestRandomSplits(t *testing.T) {
	rng := mrand.New(mrand.NewPCG(1, 2))
	for iter := 0; iter < 200; iter++ {
		parts := 2 + rng.IntN(MaxParts-1)
		threshold := 2 + rng.IntN(parts-1)
		secret := randomSecret(t, 1+rng.IntN(64))
		shares, err := Split(secret, parts, threshold)
		if err != nil {
			t.Fatal(err)
		}
		perm := rng.Perm(parts)

		got, err := Combine(pick(shares, perm[:threshold+rng.IntN(parts-threshold+1)]))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, secret) {
			t.Fatalf("%d-of-%d: enough shares did not reconstruct the secret", threshold, parts)
		}

		got, err = Combine(pick(shares, perm[:1+rng.IntN(threshold-1)]))
		if err != nil {
			t.Fatal(err)
		}
		// A 1-byte secret collides by chance with probability 1/256; only
		// assert for secrets long enough that a match means a bug.
		if len(secret) >= 8 && bytes.Equal(got, secret) {
			t.Fatalf("%d-of-%d: too few shares reconstructed the secret", threshold, parts)
		}
	}
}

func TestOneOfOne(t *testing.T) {
	secret := randomSecret(t, 32)
	shares, err := Split(secret, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(shares) != 1 || len(shares[0]) != 33 {
		t.Fatalf("unexpected shares shape: %d shares", len(shares))
	}
	if !bytes.Equal(shares[0][:32], secret) {
		t.Fatal("the 1-of-1 share does not hold the secret")
	}
	got, err := Combine(shares)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, secret) {
		t.Fatal("Combine of the 1-of-1 share is not the secret")
	}
}

// TestPerfectSecrecy checks exhaustively that, for a 3-of-n split, two
// shares at fixed points take every pair of values exactly once as the two
// random coefficients range over the field, whatever the secret byte: two
// shares carry no information about it.
func TestPerfectSecrecy(t *testing.T) {
	const x1, x2 = 0x01, 0xa7
	for _, s := range []byte{0x00, 0x01, 0x5c, 0xff} {
		var counts [256 * 256]uint8
		for a1 := 0; a1 < 256; a1++ {
			for a2 := 0; a2 < 256; a2++ {
				c := []byte{byte(a1), byte(a2)}
				y1, y2 := evaluate(s, c, x1), evaluate(s, c, x2)
				counts[int(y1)<<8|int(y2)]++
			}
		}
		for v, n := range counts {
			if n != 1 {
				t.Fatalf("secret %#02x: share pair %#04x occurs %d times, want 1", s, v, n)
			}
		}
	}
}

func TestCombineErrors(t *testing.T) {
	cases := []struct {
		name   string
		shares [][]byte
		want   error
	}{
		{"nil", nil, ErrTooFewShares},
		{"empty", [][]byte{}, ErrTooFewShares},
		{"empty share", [][]byte{{}, {1, 2}}, ErrShareTooShort},
		{"one-byte share", [][]byte{{1}, {1}}, ErrShareTooShort},
		{"second share short", [][]byte{{1, 2}, {3}}, ErrShareTooShort},
		{"lengths differ", [][]byte{{1, 2, 3}, {1, 4}}, ErrShareLengthMismatch},
		{"duplicate x", [][]byte{{1, 2, 7}, {3, 4, 7}}, ErrDuplicateShare},
		{"zero x", [][]byte{{1, 2, 0}, {3, 4, 9}}, ErrZeroCoordinate},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Combine(c.shares)
			if !errors.Is(err, c.want) {
				t.Fatalf("Combine err = %v, want %v", err, c.want)
			}
			if got != nil {
				t.Fatal("a secret returned with an error")
			}
		})
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, io.ErrUnexpectedEOF }

func TestSplitRandomnessFailure(t *testing.T) {
	_, err := split(failingReader{}, []byte("x"), 3, 2)
	if !errors.Is(err, ErrRandom) || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("err = %v, want ErrRandom wrapping the reader's error", err)
	}
	// Enough bytes for the coordinates but not the coefficients.
	_, err = split(io.LimitReader(rand.Reader, 64), make([]byte, 100), 3, 2)
	if !errors.Is(err, ErrRandom) {
		t.Fatalf("err = %v, want ErrRandom", err)
	}
}

// TestSplitKnownAnswer pins the share layout with a scripted reader: x
// coordinates come first (zeros and repeats skipped), then the coefficients.
func TestSplitKnownAnswer(t *testing.T) {
	script := make([]byte, 64+2)
	copy(script, []byte{0, 0x02, 0x02, 0x03}) // x = 2, then 3
	script[64], script[65] = 0x57, 0x10       // coefficients for the two secret bytes
	shares, err := split(bytes.NewReader(script), []byte{0x83, 0x00}, 2, 2)
	if err != nil {
		t.Fatal(err)
	}
	// y = s + a*x: 0x83 ^ 0x57*2 = 0x83 ^ 0xae, 0x00 ^ 0x10*2 = 0x20.
	want := [][]byte{
		{0x83 ^ 0xae, 0x20, 0x02},
		{0x83 ^ gfMul(0x57, 3), gfMul(0x10, 3), 0x03},
	}
	for i := range want {
		if !bytes.Equal(shares[i], want[i]) {
			t.Errorf("share %d = %x, want %x", i, shares[i], want[i])
		}
	}
}

func BenchmarkSplit5of3(b *testing.B) {
	secret := randomSecret(b, 32)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Split(secret, 5, 3); err != nil {
			b.Fatal(err)
		}
	}
}
