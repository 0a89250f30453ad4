package shamir

import "testing"

// naiveMul multiplies as polynomials over GF(2) and then reduces modulo
// x^8+x^4+x^3+x+1 by long division: the textbook definition, independent of
// the shift-and-mask code under test.
func naiveMul(a, b byte) byte {
	var product uint16
	for i := 0; i < 8; i++ {
		if b&(1<<i) != 0 {
			product ^= uint16(a) << i
		}
	}
	const modulus = 0x11b
	for deg := 14; deg >= 8; deg-- {
		if product&(1<<deg) != 0 {
			product ^= modulus << (deg - 8)
		}
	}
	return byte(product)
}

// naiveInv finds the inverse by trying every element.
func naiveInv(a byte) (byte, bool) {
	for b := 1; b < 256; b++ {
		if naiveMul(a, byte(b)) == 1 {
			return byte(b), true
		}
	}
	return 0, false
}

func TestGFMulMatchesNaiveExhaustive(t *testing.T) {
	for a := 0; a < 256; a++ {
		for b := 0; b < 256; b++ {
			got, want := gfMul(byte(a), byte(b)), naiveMul(byte(a), byte(b))
			if got != want {
				t.Fatalf("gfMul(%#02x, %#02x) = %#02x, want %#02x", a, b, got, want)
			}
		}
	}
}

func TestGFMulKnownAnswers(t *testing.T) {
	// Worked examples from the AES specification (FIPS-197, section 4.2).
	cases := []struct{ a, b, want byte }{
		{0x57, 0x83, 0xc1},
		{0x57, 0x13, 0xfe},
		{0x57, 0x02, 0xae},
		{0x57, 0x04, 0x47},
		{0x57, 0x08, 0x8e},
		{0x57, 0x10, 0x07},
	}
	for _, c := range cases {
		if got := gfMul(c.a, c.b); got != c.want {
			t.Errorf("gfMul(%#02x, %#02x) = %#02x, want %#02x", c.a, c.b, got, c.want)
		}
	}
}

func TestGFInvMatchesNaiveExhaustive(t *testing.T) {
	if gfInv(0) != 0 {
		t.Errorf("gfInv(0) = %#02x, want 0", gfInv(0))
	}
	for a := 1; a < 256; a++ {
		want, ok := naiveInv(byte(a))
		if !ok {
			t.Fatalf("naiveInv(%#02x): no inverse", a)
		}
		if got := gfInv(byte(a)); got != want {
			t.Fatalf("gfInv(%#02x) = %#02x, want %#02x", a, got, want)
		}
	}
}

func TestGFDivExhaustive(t *testing.T) {
	for a := 0; a < 256; a++ {
		for b := 1; b < 256; b++ {
			q := gfDiv(byte(a), byte(b))
			if naiveMul(q, byte(b)) != byte(a) {
				t.Fatalf("gfDiv(%#02x, %#02x) = %#02x, which times b is not a", a, b, q)
			}
		}
	}
}
